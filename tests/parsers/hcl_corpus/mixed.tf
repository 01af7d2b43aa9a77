variable "names" {
  type    = list(string)
  default = ["x", "y"]
}

resource "vault_approle_auth_backend_role" "ci" {
  backend        = "approle"
  role_name      = "ci"
  token_policies = ["default", "admin"]
  secret_id_ttl  = 0
  token_ttl      = 3600
  computed       = "${var.names[0]}-suffix"
  mixed_list     = ["literal", var.names[1], 3]
  mixed_map      = { fixed = "v", dynamic = var.names[0] }
}

resource "github_actions_secret" "token" {
  repository      = "app"
  secret_name     = "DEPLOY_TOKEN"
  plaintext_value = "not-a-real-secret"
  dynamic "selected" {
    for_each = var.names
    content {
      name = selected.value
    }
  }
}

resource "aws_iam_role_policy" "mixed" {
  name = "mixed"
  role = "deploy"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["iam:PassRole"], Resource = "*" },
    ]
  })
  settings = {
    retries  = 3
    enabled  = true
    ratio    = 0.75
    labels   = ["a", "b", "c"]
    nested   = { level = { deeper = "yes" } }
    template = "prefix-${var.names[0]}"
  }
}
