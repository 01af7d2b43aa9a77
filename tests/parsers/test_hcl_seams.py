"""Outputs, module calls, the parser registry, the module tree and broken links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hcl_helpers import Tf

from nhilint.model import Unknown
from nhilint.parsers.hcl.tree import module_roles
from nhilint.parsers.registry import PARSERS, SourceUnit, detect, discover


def test_outputs_are_read_with_their_sensitivity(tf: Tf) -> None:
    model = tf.model({"main.tf": (
        'resource "aws_iam_access_key" "ci" {\n  user = "ci"\n}\n'
        'output "secret" {\n  value     = aws_iam_access_key.ci.secret\n  sensitive = true\n}\n'
        'output "id" {\n  value = "AKIA-not-a-secret"\n}\n'
        'output "maybe" {\n  value     = 1\n  sensitive = var.hide\n}\n'
        'variable "hide" {}\n'
    )})
    by_name = {o.name: o for o in model.outputs}
    assert set(by_name) == {"secret", "id", "maybe"}
    assert by_name["secret"].sensitive and isinstance(by_name["secret"].value, Unknown)
    assert by_name["secret"].value.ref is not None
    assert by_name["secret"].value.ref.address == "aws_iam_access_key.ci"
    assert by_name["id"].value == "AKIA-not-a-secret" and not by_name["id"].sensitive
    assert not by_name["maybe"].sensitive  # only a literal true says sensitive
    assert by_name["secret"].address == "output.secret"
    assert (by_name["secret"].span.line, by_name["secret"].span.end_line) == (4, 7)


def test_module_calls_keep_their_source(tf: Tf) -> None:
    model = tf.model({"main.tf": (
        'locals {\n  team = "platform"\n}\n'
        'module "ci" {\n  source   = "./modules/ci"\n  for_each = toset(["a"])\n'
        '  owner    = local.team\n}\n'
        'module "remote" {\n  source  = "terraform-aws-modules/iam/aws"\n  version = "5.0.0"\n}\n'
    )})
    calls = {c.name: c for c in model.module_calls}
    assert calls["ci"].source == "./modules/ci"
    assert calls["remote"].source == "terraform-aws-modules/iam/aws"
    assert calls["ci"].address == "module.ci"


def test_unlabelled_output_is_a_diagnostic_and_the_rest_is_read(tf: Tf) -> None:
    model = tf.model({"main.tf": 'output {\n  value = 1\n}\nresource "t_x" "r" {}\n'})
    assert [d.line for d in model.diagnostics] == [1]
    assert [r.address for r in model.resources] == ["t_x.r"]


def test_detection_and_discovery(tf: Tf) -> None:
    root = tf.write({"main.tf": 'resource "t_x" "r" {}\n', "README.md": "# hi\n"})
    tf.write({"notes.md": "nothing\n"}, "docs")
    assert detect(root / "main.tf") == "terraform"
    assert detect(root / "terraform.tfvars") == "terraform"
    assert detect(root / "README.md") is None
    assert detect(root / "README.md", "terraform") == "terraform"
    assert detect(root / "main.tf", "pulumi") is None
    found = discover([root, root / "docs", root / "README.md"])
    assert found.units == (SourceUnit(root, "terraform", root),)
    assert found.unread == (root / "docs", root / "README.md")
    assert {"terraform", "terraform-plan"} <= set(PARSERS)


def test_module_roles(tf: Tf) -> None:
    root = tf.write({"main.tf": 'module "ci" {\n  source = "./modules/ci"\n}\n'}, "live")
    child = tf.write({"main.tf": 'module "x" {\n  source = "../shared"\n}\n'}, "live/modules/ci")
    shared = tf.write({"main.tf": 'resource "t_x" "r" {}\n'}, "live/modules/shared")
    alone = tf.write({"main.tf": 'module "r" {\n  source = "git::https://x/y.git"\n}\n'}, "other")
    models = {d: PARSERS["terraform"].parse(d) for d in (root, child, shared, alone)}
    roles = module_roles({d: m.module_calls for d, m in models.items()})
    assert roles == {root: "root", child: "child", shared: "child", alone: "root"}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_broken_tf_links_are_diagnostics(tf: Tf) -> None:
    only = tf.write({}, "only-link")
    (only / "main.tf").symlink_to(only / "gone.tf")
    mixed = tf.write({"ok.tf": 'resource "t_x" "r" {}\n'}, "mixed")
    (mixed / "loop.tf").symlink_to(mixed / "loop.tf")
    assert {u.path for u in discover([tf.root]).units} >= {only, mixed}
    lonely = PARSERS["terraform"].parse(only)
    assert [d.code for d in lonely.diagnostics] == ["NHI900"]
    assert "dangling symbolic link" in lonely.diagnostics[0].message
    looped = PARSERS["terraform"].parse(mixed)
    assert [r.address for r in looped.resources] == ["t_x.r"]
    assert any("symbolic link loop" in d.message and d.path.endswith("loop.tf")
               for d in looped.diagnostics)


def test_every_parser_satisfies_the_protocol() -> None:
    for kind, parser in PARSERS.items():
        assert kind == parser.KIND
        assert callable(parser.claims) and callable(parser.units) and callable(parser.parse)
        assert isinstance(parser.claims(Path("x.unknown-extension")), bool)
