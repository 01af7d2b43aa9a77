from __future__ import annotations

import pytest
from hcl_helpers import Tf

from nhilint.model import Ref, Unknown, is_known

REFS = [
    ("aws_iam_role.r.arn", Ref("aws_iam_role.r", ("arn",))),
    ("aws_iam_role.r", Ref("aws_iam_role.r")),
    ("aws_iam_role.r[0].arn", Ref("aws_iam_role.r", (0, "arn"))),
    ('aws_iam_role.r["prod"].arn', Ref("aws_iam_role.r", ("prod", "arn"))),
    ("aws_iam_role.r[*].arn", Ref("aws_iam_role.r", ("*", "arn"))),
    ("aws_iam_role.r.tags.Owner", Ref("aws_iam_role.r", ("tags", "Owner"))),
    ("data.aws_iam_policy_document.ci.json", Ref("data.aws_iam_policy_document.ci", ("json",))),
    ("module.x.out", Ref("module.x", ("out",))),
    ("module.x[0].out", Ref("module.x", (0, "out"))),
    ("local.role.arn", Ref("aws_iam_role.r", ("arn",))),
    ('local.roles["a"]', Ref("aws_iam_role.a", ("arn",))),
]

EXTRA = """
locals {
  role  = aws_iam_role.r
  roles = { a = aws_iam_role.a.arn, b = aws_iam_role.b.arn }
}
"""


@pytest.mark.parametrize(("expr", "ref"), REFS, ids=[e for e, _ in REFS])
def test_object_references_are_unknown_with_a_ref(tf: Tf, expr: str, ref: Ref) -> None:
    value = tf.value(expr, EXTRA)
    assert isinstance(value, Unknown)
    assert value.refs == (ref,)
    assert value.ref == ref
    if not expr.startswith("local.roles"):  # an element of a known map is that element
        assert value.source == expr


def test_resource_reference_reason(tf: Tf) -> None:
    value = tf.value("aws_iam_role.r.arn")
    assert isinstance(value, Unknown)
    assert value.reason == "known after apply"


def test_refs_through_templates_lists_and_functions(tf: Tf) -> None:
    value = tf.value(
        '"arn:${aws_iam_role.a.arn}/${lower(aws_iam_role.b.name)}/${aws_iam_role.a.arn}"'
    )
    assert isinstance(value, Unknown)
    assert value.refs == (Ref("aws_iam_role.a", ("arn",)), Ref("aws_iam_role.b", ("name",)))
    assert value.source.startswith('"arn:${')


def test_unknown_index_key_keeps_both_refs(tf: Tf) -> None:
    value = tf.value("aws_iam_role.r[var.k].arn", 'variable "k" {}')
    assert isinstance(value, Unknown)
    assert value.refs == (Ref("aws_iam_role.r"), Ref("var.k"))


def test_unknown_key_into_known_map_keeps_refs_of_every_candidate(tf: Tf) -> None:
    value = tf.value("local.roles[var.env]", EXTRA + 'variable "env" {}')
    assert isinstance(value, Unknown)
    assert set(value.refs) == {
        Ref("var.env"), Ref("aws_iam_role.a", ("arn",)), Ref("aws_iam_role.b", ("arn",)),
    }


class TestVariables:
    DECLARE = """
variable "name" { default = "from-default" }
variable "typed" {
  type    = number
  default = "5"
}
variable "set" {
  type    = set(string)
  default = ["b", "a", "b"]
}
variable "obj" {
  type = object({ name = string, size = optional(number, 3), tags = optional(map(string)) })
  default = { name = "n" }
}
variable "empty" {}
variable "nulled" { default = null }
"""

    def test_default(self, tf: Tf) -> None:
        assert tf.value("var.name", self.DECLARE) == "from-default"

    def test_types_convert_defaults(self, tf: Tf) -> None:
        assert tf.value("var.typed", self.DECLARE) == 5
        assert tf.value("var.set", self.DECLARE) == ["a", "b"]
        assert tf.value("var.obj", self.DECLARE) == {"name": "n", "size": 3, "tags": None}

    def test_null_default_is_null(self, tf: Tf) -> None:
        assert tf.value("var.nulled", self.DECLARE) is None

    def test_no_value(self, tf: Tf) -> None:
        value = tf.value("var.empty", self.DECLARE)
        assert value == Unknown("var.empty has no value", "var.empty", (Ref("var.empty"),))

    def test_attribute_of_unset_variable_extends_the_ref(self, tf: Tf) -> None:
        value = tf.value("var.empty.arn", self.DECLARE)
        assert isinstance(value, Unknown)
        assert value.refs == (Ref("var.empty", ("arn",)),)

    def test_tfvars_precedence(self, tf: Tf) -> None:
        files: dict[str, str | bytes] = {
            "terraform.tfvars": 'name = "tfvars"\nempty = "set"\n',
            "b.auto.tfvars": 'name = "auto-b"\n',
            "a.auto.tfvars": 'name = "auto-a"\ntyped = "7"\n',
        }
        assert tf.value("[var.name, var.empty, var.typed]", self.DECLARE, files) == [
            "auto-b", "set", 7,
        ]

    def test_terraform_tfvars_beats_default(self, tf: Tf) -> None:
        files: dict[str, str | bytes] = {"terraform.tfvars": 'name = "tfvars"\n'}
        assert tf.value("var.name", self.DECLARE, files) == "tfvars"

    def test_json_tfvars(self, tf: Tf) -> None:
        files: dict[str, str | bytes] = {
            "terraform.tfvars": 'name = "hcl"\n',
            "terraform.tfvars.json": '{"name": "json", "empty": [1]}',
        }
        assert tf.value("[var.name, var.empty]", self.DECLARE, files) == ["json", [1]]

    def test_tfvars_files_are_listed(self, tf: Tf) -> None:
        model = tf.model({"main.tf": self.DECLARE, "x.auto.tfvars": 'name = "x"\n'})
        assert model.files == ("main.tf", "x.auto.tfvars")

    def test_broken_tfvars_is_reported(self, tf: Tf) -> None:
        model = tf.model({"main.tf": self.DECLARE, "terraform.tfvars": 'name = "x\n}}}\n'})
        assert [(d.code, d.path) for d in model.diagnostics] == [("NHI900", "terraform.tfvars")]


class TestLocals:
    def test_locals_refer_to_each_other_across_blocks_and_files(self, tf: Tf) -> None:
        model = tf.model({
            "a.tf": 'locals {\n  full = "${local.base}-${var.env}"\n}\n'
                    'resource "t_x" "r" {\n  v = local.full\n}\n',
            "b.tf": 'locals {\n  base = "app"\n}\nvariable "env" { default = "dev" }\n',
        })
        assert model.resources[0].attributes["v"] == "app-dev"

    def test_cycle_is_unknown(self, tf: Tf) -> None:
        extra = "locals {\n  a = local.b\n  b = [local.a]\n  c = local.c\n}\n"
        value = tf.value("[local.a, local.c]", extra)
        assert isinstance(value, list)
        assert not is_known(value[0])
        assert isinstance(value[1], Unknown)
        assert "refers to itself" in value[1].reason

    def test_undefined_local(self, tf: Tf) -> None:
        value = tf.value("local.nope")
        assert isinstance(value, Unknown)
        assert value.reason == "local.nope is not defined"

    def test_long_chain_of_locals_is_evaluated(self, tf: Tf) -> None:
        chain = "\n".join(f"  l{i} = [local.l{i + 1}][0]" for i in range(500))
        value = tf.value("local.l0", f"locals {{\n{chain}\n  l500 = 1\n}}\n")
        assert value == 1

    def test_long_cycle_of_locals_is_unknown(self, tf: Tf) -> None:
        chain = "\n".join(f"  l{i} = local.l{(i + 1) % 500}" for i in range(500))
        value = tf.value("local.l0", f"locals {{\n{chain}\n}}\n")
        assert isinstance(value, Unknown)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [("path.module", "."), ("path.root", "."), ("terraform.workspace", "default")],
)
def test_builtin_values(tf: Tf, expr: str, expected: str) -> None:
    assert tf.value(expr) == expected


def test_count_and_each_outside_their_blocks_are_errors(tf: Tf) -> None:
    assert isinstance(tf.value("count.index"), Unknown)
    assert isinstance(tf.value("each.key"), Unknown)
