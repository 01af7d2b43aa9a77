from __future__ import annotations

from hcl_helpers import Tf, by_address

from nhilint.model import Comment, Ref, Span, Unknown

POLICY = """\
data "aws_iam_policy_document" "ci" {
  statement {
    sid    = "Admin"
    effect = "Allow"
    actions = [
      "iam:CreateUser",
      "iam:PassRole",
      "sts:AssumeRole",
    ]
    not_actions = ["s3:*"]
    resources   = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:org/*"]
    }
  }
  statement {
    effect    = "Deny"
    actions   = ["iam:DeleteUser"]
    resources = [aws_iam_user.ci.arn]
  }
}
"""


def test_policy_document_blocks_are_lists_of_dicts(tf: Tf) -> None:
    resource = tf.resource(POLICY, "data.aws_iam_policy_document.ci")
    assert resource.mode == "data"
    assert resource.type == "aws_iam_policy_document"
    assert resource.name == "ci"
    assert resource.provider == "aws"
    first, second = resource.attributes["statement"]  # type: ignore[misc]
    assert first == {
        "sid": "Admin",
        "effect": "Allow",
        "actions": ["iam:CreateUser", "iam:PassRole", "sts:AssumeRole"],
        "not_actions": ["s3:*"],
        "resources": ["*"],
        "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::123456789012:root"]}],
        "condition": [{
            "test": "StringLike",
            "variable": "token.actions.githubusercontent.com:sub",
            "values": ["repo:org/*"],
        }],
    }
    assert second["effect"] == "Deny"
    assert second["resources"][0].ref == Ref("aws_iam_user.ci", ("arn",))


def test_attribute_spans(tf: Tf) -> None:
    resource = tf.resource(POLICY, "data.aws_iam_policy_document.ci")
    spans = resource.attribute_spans
    assert resource.span == Span("main.tf", 1, 27)
    assert spans[("statement", 0)] == Span("main.tf", 2, 21)
    assert spans[("statement", 0, "sid")] == Span("main.tf", 3, 3)
    assert spans[("statement", 0, "actions")] == Span("main.tf", 5, 9)
    assert spans[("statement", 0, "actions", 0)] == Span("main.tf", 6, 6)
    assert spans[("statement", 0, "actions", 2)] == Span("main.tf", 8, 8)
    assert spans[("statement", 0, "principals", 0, "identifiers")] == Span("main.tf", 14, 14)
    assert spans[("statement", 0, "condition", 0)] == Span("main.tf", 16, 20)
    assert spans[("statement", 1, "actions")] == Span("main.tf", 24, 24)
    assert ("statement", 0, "not_actions", 0) not in spans  # written on one line
    assert resource.span_of(("statement", 1, "actions", 0)) == Span("main.tf", 24, 24)


def test_object_key_spans(tf: Tf) -> None:
    source = 'resource "t_x" "r" {\n  tags = {\n    Owner = "team"\n    "cost-center" = {\n' \
             '      id = 1\n    }\n  }\n}\n'
    spans = tf.resource(source).attribute_spans
    assert spans[("tags",)] == Span("main.tf", 2, 7)
    assert spans[("tags", "Owner")] == Span("main.tf", 3, 3)
    assert spans[("tags", "cost-center")] == Span("main.tf", 4, 6)
    assert spans[("tags", "cost-center", "id")] == Span("main.tf", 5, 5)


def test_count_expansion(tf: Tf) -> None:
    model = tf.model({"main.tf": (
        'resource "aws_iam_user" "u" {\n  count = 3\n  name = "ci-${count.index}"\n}\n'
        'resource "aws_iam_user" "none" {\n  count = 0\n}\n'
    )})
    assert [r.address for r in model.resources] == [
        "aws_iam_user.u[0]", "aws_iam_user.u[1]", "aws_iam_user.u[2]",
    ]
    assert [r.attributes["name"] for r in model.resources] == ["ci-0", "ci-1", "ci-2"]
    assert all(r.name == "u" and r.local_address == r.address for r in model.resources)


def test_unknown_count_is_one_resource_with_unknown_index(tf: Tf) -> None:
    model = tf.model({"main.tf": (
        'variable "n" {}\n'
        'resource "aws_iam_user" "u" {\n  count = var.n\n  name = "ci-${count.index}"\n}\n'
    )})
    (resource,) = model.resources
    assert resource.address == "aws_iam_user.u"
    name = resource.attributes["name"]
    assert isinstance(name, Unknown)
    assert name.refs == (Ref("var.n"),)


def test_for_each_map_and_set(tf: Tf) -> None:
    model = tf.model({"main.tf": """
variable "envs" {
  default = { prod = "p", dev = "d" }
}
resource "aws_iam_role" "deploy" {
  for_each = var.envs
  name     = "deploy-${each.key}-${each.value}"
}
resource "aws_iam_user" "u" {
  for_each = toset(["zed", "amy", "zed"])
  name     = each.value
  key      = each.key
}
"""})
    addresses = by_address(model)
    assert list(addresses) == [
        'aws_iam_role.deploy["dev"]', 'aws_iam_role.deploy["prod"]',
        'aws_iam_user.u["amy"]', 'aws_iam_user.u["zed"]',
    ]
    assert addresses['aws_iam_role.deploy["prod"]'].attributes["name"] == "deploy-prod-p"
    assert addresses['aws_iam_user.u["amy"]'].attributes["key"] == "amy"


def test_unknown_for_each(tf: Tf) -> None:
    model = tf.model({"main.tf": (
        'resource "aws_iam_role" "r" {\n  for_each = data.x.y.names\n  name = each.key\n'
        '  path = each.value.path\n}\n'
    )})
    (resource,) = model.resources
    assert resource.address == "aws_iam_role.r"
    name, path = resource.attributes["name"], resource.attributes["path"]
    assert isinstance(name, Unknown)
    assert name.refs == (Ref("data.x.y", ("names",)),)
    assert isinstance(path, Unknown)
    assert path.refs == (Ref("data.x.y", ("names", "*", "path")),)


def test_dynamic_blocks_expand_when_known(tf: Tf) -> None:
    resource = tf.resource("""
locals {
  rules = { b = ["s3:Get*"], a = ["iam:*"] }
}
resource "t_x" "r" {
  statement {
    sid = "static"
  }
  dynamic "statement" {
    for_each = local.rules
    content {
      sid     = statement.key
      actions = statement.value
    }
  }
  dynamic "principals" {
    for_each = ["x", "y"]
    iterator = p
    content {
      identifiers = [p.value]
      index       = p.key
    }
  }
}
""")
    assert resource.attributes["statement"] == [
        {"sid": "static"},
        {"sid": "a", "actions": ["iam:*"]},
        {"sid": "b", "actions": ["s3:Get*"]},
    ]
    assert resource.attributes["principals"] == [
        {"identifiers": ["x"], "index": 0}, {"identifiers": ["y"], "index": 1},
    ]
    assert resource.attribute_spans[("statement", 1)] == Span("main.tf", 9, 15)
    assert resource.attribute_spans[("statement", 2, "actions")] == Span("main.tf", 13, 13)


def test_dynamic_block_with_unknown_for_each_is_one_unknown(tf: Tf) -> None:
    resource = tf.resource("""
variable "statements" {}
resource "t_x" "r" {
  dynamic "statement" {
    for_each = var.statements
    content {
      actions   = statement.value.actions
      resources = [aws_s3_bucket.b.arn]
    }
  }
}
""")
    (element,) = resource.attributes["statement"]  # type: ignore[misc]
    assert isinstance(element, Unknown)
    assert element.source == "var.statements"
    assert element.refs == (
        Ref("var.statements"), Ref("var.statements", ("*", "actions")),
        Ref("aws_s3_bucket.b", ("arn",)),
    )
    assert isinstance(element.partial, dict)
    assert set(element.partial) == {"actions", "resources"}


def test_nested_blocks_and_meta_arguments(tf: Tf) -> None:
    resource = tf.resource("""
resource "aws_iam_role" "r" {
  provider = aws.east
  name     = "r"
  lifecycle {
    prevent_destroy = true
  }
  depends_on = [aws_iam_policy.p]
}
""", "aws_iam_role.r")
    assert resource.provider == "aws.east"
    assert resource.attributes["lifecycle"] == [{"prevent_destroy": True}]
    assert resource.attributes["provider"] == "aws.east"
    (dependency,) = resource.attributes["depends_on"]  # type: ignore[misc]
    assert dependency.ref == Ref("aws_iam_policy.p")


def test_providers(tf: Tf) -> None:
    model = tf.model({"main.tf": """
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { Owner = "platform", Team = var.team }
  }
}
provider "aws" {
  alias  = "east"
  region = "us-east-2"
}
variable "team" { default = "infra" }
"""})
    first, second = model.providers
    assert (first.name, first.alias, first.address) == ("aws", "", "aws")
    assert first.attributes["default_tags"] == [{"tags": {"Owner": "platform", "Team": "infra"}}]
    assert first.span == Span("main.tf", 2, 7)
    assert (second.alias, second.address) == ("east", "aws.east")


def test_comments(tf: Tf) -> None:
    model = tf.model({"main.tf": (
        "# hash\n"
        'resource "t_x" "r" { // nhilint: ignore[NHI001] -- reason\n'
        "  /* block\n     comment */\n"
        '  a = [\n    "x", # inside\n  ]\n}\n'
    )})
    assert model.comments == (
        Comment("main.tf", 1, "# hash"),
        Comment("main.tf", 2, "// nhilint: ignore[NHI001] -- reason"),
        Comment("main.tf", 3, "/* block\n     comment */"),
        Comment("main.tf", 6, "# inside"),
    )


def test_module_blocks_and_other_blocks_are_tolerated(tf: Tf) -> None:
    model = tf.model({"main.tf": """
terraform {
  required_version = ">= 1.5"
}
module "x" {
  source = "./x"
  name   = "n"
}
output "o" {
  value = module.x.out
}
moved {
  from = aws_iam_role.a
  to   = aws_iam_role.b
}
resource "t_x" "r" {
  v = module.x.out
}
"""})
    assert [r.address for r in model.resources] == ["t_x.r"]
    assert [(d.line, d.message) for d in model.diagnostics] == [
        (5, "module x is not read: module source ./x is not a directory")
    ]


def test_files_are_read_in_name_order(tf: Tf) -> None:
    model = tf.model({
        "b.tf": 'resource "t_x" "b" {}\n',
        "a.tf": 'resource "t_x" "a" {}\n',
        ".hidden.tf": 'resource "t_x" "hidden" {}\n',
        "notes.txt": "resource",
    })
    assert [r.address for r in model.resources] == ["t_x.a", "t_x.b"]
    assert model.files == ("a.tf", "b.tf")


def test_spans_are_relative_to_the_working_directory(tf: Tf) -> None:
    model = tf.model({"main.tf": 'resource "t_x" "r" {\n  a = 1\n}\n'}, "infra/ci")
    (resource,) = model.resources
    assert resource.span == Span("infra/ci/main.tf", 1, 3)
    assert resource.attribute_spans[("a",)] == Span("infra/ci/main.tf", 2, 2)


def test_legacy_quoted_provider_and_unquoted_labels(tf: Tf) -> None:
    model = tf.model({"main.tf": (
        'resource "aws_iam_role" "a" {\n  provider = "aws.west"\n}\n'
        "resource google_service_account b {\n  account_id = \"b\"\n}\n"
    )})
    first, second = model.resources
    assert first.provider == "aws.west"
    assert (second.address, second.provider) == ("google_service_account.b", "google")


def test_for_each_list_of_strings_and_huge_count(tf: Tf) -> None:
    model = tf.model({"main.tf": (
        'resource "t_x" "l" {\n  for_each = ["b", "a"]\n  v = each.value\n}\n'
        'resource "t_x" "big" {\n  count = 100000\n  v = count.index\n}\n'
    )})
    assert [r.address for r in model.resources] == ['t_x.l["a"]', 't_x.l["b"]', "t_x.big"]
    assert isinstance(model.resources[2].attributes["v"], Unknown)


def test_nested_dynamic_blocks(tf: Tf) -> None:
    resource = tf.resource("""
locals {
  rules = [{ name = "a", ports = [80, 443] }]
}
resource "t_x" "r" {
  dynamic "rule" {
    for_each = local.rules
    content {
      name = rule.value.name
      dynamic "port" {
        for_each = rule.value.ports
        content {
          number = port.value
        }
      }
    }
  }
  dynamic "empty" {
    for_each = []
    content {}
  }
}
""")
    assert resource.attributes == {
        "rule": [{"name": "a", "port": [{"number": 80}, {"number": 443}]}],
    }
    assert ("rule", 0, "port", 1, "number") in resource.attribute_spans


def test_instances_have_their_own_values(tf: Tf) -> None:
    model = tf.model({"main.tf": """
locals {
  users = { ci = { admin = true }, bot = { admin = false } }
}
resource "aws_iam_user" "u" {
  for_each = local.users
  name     = each.key
  tags     = { Admin = tostring(each.value.admin) }
}
"""})
    tags = {r.address: r.attributes["tags"] for r in model.resources}
    assert tags == {
        'aws_iam_user.u["bot"]': {"Admin": "false"}, 'aws_iam_user.u["ci"]': {"Admin": "true"},
    }
    assert all(r.span == Span("main.tf", 5, 9) for r in model.resources)
