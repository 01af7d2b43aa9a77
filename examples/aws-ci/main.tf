# The deploy pipeline's CI user: a long-lived access key stored in the CI system, and a
# policy (in policy.tf) that lets it manage every IAM identity. Nobody is named as its owner.

provider "aws" {
  region = "eu-west-1"
}

resource "aws_iam_user" "ci" {
  name = "ci-deployer"
  path = "/automation/"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
