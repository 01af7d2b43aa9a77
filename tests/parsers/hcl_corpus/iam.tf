# Literal-heavy IAM configuration for the python-hcl2 differential test.
resource "aws_iam_user" "ci" {
  name          = "ci-deployer"
  path          = "/automation/"
  force_destroy = true
  tags = {
    Owner       = "platform-team"
    "cost-center" = "1234"
    Purpose     = "CI/CD pipeline: deploys \"apps\" to prod"
  }
}

resource "aws_iam_access_key" "ci" {
  user   = aws_iam_user.ci.name
  status = "Active"
}

resource "aws_iam_role" "deploy" {
  name                 = "deploy"
  max_session_duration = 3600
  description          = "Role assumed by GitHub Actions (OIDC) — production"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringLike = { "token.actions.githubusercontent.com:sub" = "repo:org/app:*" }
      }
    }]
  })
  tags = { Team = "infra", Expires = "2030-01-01" }
}

data "aws_iam_policy_document" "admin" {
  version = "2012-10-17"
  statement {
    sid     = "IdentityAdmin"
    effect  = "Allow"
    actions = [
      "iam:CreateUser",
      "iam:CreateAccessKey",
      "iam:AttachUserPolicy",
      "iam:PutRolePolicy",
    ]
    resources = ["*"]
    condition {
      test     = "DateLessThan"
      variable = "aws:CurrentTime"
      values   = ["2030-01-01T00:00:00Z"]
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
  statement {
    effect      = "Deny"
    not_actions = ["iam:Get*", "iam:List*"]
    resources   = ["arn:aws:iam::*:role/protected-*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root", "arn:aws:iam::210987654321:root"]
    }
  }
}

resource "aws_iam_policy" "inline_json" {
  name   = "inline"
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}
      ]
    }
  EOF
}

resource "aws_iam_user_policy_attachment" "ci_admin" {
  user       = aws_iam_user.ci.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_group_membership" "admins" {
  name  = "admins"
  users = ["alice", "bob", "ci-deployer"]
  group = "administrators"
}
