"""Where a policy document is used and where a policy is reported; IAM Identity Center in the
graph.  The fixtures under fixtures/NHI011 hold the rule to it end to end; these pin the parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhilint.identity import build_graph
from nhilint.identity.aws.document import render_document
from nhilint.identity.aws.uses import UseKind, effective, kind_of, policy_uses
from nhilint.identity.graph import Automation, Graph, TrustKind
from nhilint.identity.values import Index
from nhilint.model import AttrPath, Resource, Span
from nhilint.parsers import hcl
from nhilint.settings import Settings


def graph(tmp_path: Path, source: str) -> Graph:
    (tmp_path / "main.tf").write_text(source, encoding="utf-8")
    return build_graph(hcl.parse(tmp_path), Settings())


def resource(type_: str) -> Resource:
    return Resource(type_, "x", f"{type_}.x", "managed", {}, Span("main.tf", 1, 1))


@pytest.mark.parametrize(("type_", "path", "kind"), [
    ("aws_iam_role_policy", ("policy",), UseKind.IDENTITY),
    ("aws_iam_role", ("inline_policy", 0, "policy"), UseKind.IDENTITY),
    ("aws_ssoadmin_permission_set_inline_policy", ("inline_policy",), UseKind.IDENTITY),
    ("aws_iam_role", ("assume_role_policy",), UseKind.TRUST),
    ("aws_iam_user", ("permissions_boundary",), UseKind.BOUNDARY),
    ("aws_ssoadmin_permissions_boundary_attachment",
     ("permissions_boundary", 0, "customer_managed_policy_reference", 0, "name"), UseKind.BOUNDARY),
    ("aws_organizations_policy", ("content",), UseKind.GUARDRAIL),
    ("aws_s3_bucket_policy", ("policy",), UseKind.RESOURCE),
    ("aws_kms_key", ("policy",), UseKind.RESOURCE),
    ("aws_glacier_vault", ("access_policy",), UseKind.RESOURCE),
    ("aws_opensearch_domain_policy", ("access_policies",), UseKind.RESOURCE),
    ("aws_cloudwatch_log_resource_policy", ("policy_document",), UseKind.RESOURCE),
    ("aws_iam_policy_document", ("source_policy_documents", 0), UseKind.SOURCE),
    ("aws_lambda_function", ("environment", 0, "variables", "POLICY"), UseKind.OTHER),
    ("aws_ssm_parameter", ("value",), UseKind.OTHER),
])
def test_what_a_use_makes_a_policy(type_: str, path: AttrPath, kind: UseKind) -> None:
    assert kind_of(resource(type_), path) is kind


USES = """
data "aws_iam_policy_document" "a" {
  source_policy_documents = [data.aws_iam_policy_document.b.json]
}
data "aws_iam_policy_document" "b" {
  override_policy_documents = [data.aws_iam_policy_document.a.json]
}
data "aws_iam_policy_document" "trust" {
  source_policy_documents = [data.aws_iam_policy_document.base_trust.json]
}
data "aws_iam_policy_document" "base_trust" {}
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  depends_on         = [data.aws_iam_policy_document.a]
}
"""


def test_a_merged_document_takes_the_use_of_the_one_it_is_merged_into(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(USES, encoding="utf-8")
    uses = policy_uses(hcl.parse(tmp_path))
    assert effective(uses, "data.aws_iam_policy_document.base_trust") == {UseKind.TRUST}
    # merged into each other (a cycle) and used by nothing else (depends_on is no use)
    assert effective(uses, "data.aws_iam_policy_document.a") == frozenset()
    assert effective(uses, "data.aws_iam_policy_document.nothing") == frozenset()


PERMISSION_SET = """
resource "aws_ssoadmin_permission_set" "ops" {
  name         = "Operations"
  instance_arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
}
resource "aws_ssoadmin_account_assignment" "ops" {
  instance_arn       = aws_ssoadmin_permission_set.ops.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.ops.arn
  principal_id       = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
  principal_type     = "GROUP"
  target_id          = "123456789012"
  target_type        = "AWS_ACCOUNT"
}
resource "aws_iam_policy" "ops" {
  name = "ops"
  path = "/teams/"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]
  })
}
resource "aws_ssoadmin_customer_managed_policy_attachment" "ops" {
  instance_arn       = aws_ssoadmin_permission_set.ops.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.ops.arn
  customer_managed_policy_reference {
    name = "ops"
    path = "/teams/"
  }
}
resource "aws_ssoadmin_customer_managed_policy_attachment" "other_path" {
  instance_arn       = aws_ssoadmin_permission_set.ops.instance_arn
  permission_set_arn = aws_ssoadmin_permission_set.ops.arn
  customer_managed_policy_reference {
    name = "ops"
  }
}
"""


def test_a_permission_set_is_a_human_role_trusted_by_its_assignments(tmp_path: Path) -> None:
    found = graph(tmp_path, PERMISSION_SET)
    (principal,) = found.principals
    assert (principal.address, principal.kind) == ("aws_ssoadmin_permission_set.ops", "role")
    assert principal.automation is Automation.NO
    assert any(r.value == "f81d4fae-7dec-11d0-a765-00a0c91e6bf6" for r in principal.why)
    (trust,) = found.trusts
    assert (trust.kind, trust.via) == (TrustKind.SAML, "aws_ssoadmin_account_assignment.ops")
    assert trust.subjects == ("f81d4fae-7dec-11d0-a765-00a0c91e6bf6",)


def test_a_customer_managed_policy_is_found_by_name_and_path(tmp_path: Path) -> None:
    found = graph(tmp_path, PERMISSION_SET)
    holders = {g.provenance.holder for g in found.grants if g.access.altering}
    assert holders == {"aws_ssoadmin_customer_managed_policy_attachment.ops"}
    (pending,) = found.pending  # "/ops" is another policy, not declared here
    assert pending.source == "/ops"
    assert pending.provenance.holder == "aws_ssoadmin_customer_managed_policy_attachment.other_path"


SHARED = """
data "aws_iam_policy_document" "deploy" {
  statement {
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }
}
resource "aws_iam_group_policy" "a" {
  group  = "a"
  policy = data.aws_iam_policy_document.deploy.json
}
resource "aws_iam_policy" "deploy" {
  name   = "deploy"
  policy = data.aws_iam_policy_document.deploy.json
}
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  permissions_boundary = aws_iam_policy.bounds.arn
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
resource "aws_iam_policy" "bounds" {
  name   = "bounds"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
"""


def test_a_policy_is_where_it_is_written_once_with_its_users(tmp_path: Path) -> None:
    policies = {p.address: p for p in graph(tmp_path, SHARED).policies}
    assert set(policies) == {"data.aws_iam_policy_document.deploy"}
    document = policies["data.aws_iam_policy_document.deploy"]
    assert document.used_by == ("aws_iam_group_policy.a", "aws_iam_policy.deploy")
    assert document.span.line == 2
    assert [a.written_in for a in document.access] == ["data.aws_iam_policy_document.deploy"]


def test_a_document_leaves_out_what_is_unset_or_empty_as_the_provider_does() -> None:
    """A plan holds every unset argument of a document's statement (``not_actions = []``,
    ``sid = ""``): the provider's JSON has none of them, and neither has ours."""
    statement = {
        "actions": ["iam:CreateUser"], "not_actions": [], "resources": ["*"],
        "not_resources": [], "principals": [], "not_principals": [], "condition": [],
        "effect": "Allow", "sid": "",
    }
    data = Resource("aws_iam_policy_document", "d", "data.aws_iam_policy_document.d", "data",
                    {"statement": [statement]}, Span("main.tf", 1, 1))
    (rendered,) = render_document(data, Index((data,))).statements
    assert rendered.body == {"Effect": "Allow", "Action": ["iam:CreateUser"], "Resource": ["*"]}
