data "aws_iam_policy_document" "ci" {
  statement {
    sid       = "ManageIdentities"
    actions   = ["iam:*"]
    resources = ["*"]
  }

  statement {
    sid       = "Artifacts"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::example-artifacts/*"]
  }
}

resource "aws_iam_user_policy" "ci" {
  name   = "ci-deploy"
  user   = aws_iam_user.ci.name
  policy = data.aws_iam_policy_document.ci.json
}
