provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = {
      Owner       = "platform"
      Environment = "prod"
    }
  }
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

resource "aws_s3_bucket" "logs" {
  provider = aws.us
  bucket   = "org-logs-bucket"

  lifecycle {
    prevent_destroy = true
    ignore_changes  = []
  }

  versioning {
    enabled = true
  }

  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "aws:kms"
      }
      bucket_key_enabled = true
    }
  }

  lifecycle_rule {
    id      = "expire"
    enabled = true
    expiration {
      days = 90
    }
  }

  lifecycle_rule {
    id      = "archive"
    enabled = false
    transition {
      days          = 30
      storage_class = "GLACIER"
    }
    transition {
      days          = 365
      storage_class = "DEEP_ARCHIVE"
    }
  }
}

resource "google_service_account" "ci" {
  account_id   = "ci-deployer"
  display_name = "CI deployer"
  description  = "owner: team-platform; expires: never"
  disabled     = false
}

resource "google_project_iam_member" "ci_owner" {
  project = "my-project-123"
  role    = "roles/owner"
  member  = "serviceAccount:ci-deployer@my-project-123.iam.gserviceaccount.com"
  condition {
    title       = "expires"
    description = "temporary"
    expression  = "request.time < timestamp(\"2030-01-01T00:00:00Z\")"
  }
}

resource "azuread_application_password" "ci" {
  display_name = "ci secret"
  end_date     = "2099-01-01T00:00:00Z"
}

resource "kubernetes_cluster_role_binding" "ci" {
  metadata {
    name = "ci-admin"
    labels = {
      "app.kubernetes.io/managed-by" = "terraform"
    }
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "ci"
    namespace = "ci"
  }
  subject {
    kind = "Group"
    name = "system:masters"
  }
}
