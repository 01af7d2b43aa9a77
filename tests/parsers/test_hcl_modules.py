"""Module calls: local and downloaded modules read where they are called, with the caller's
inputs; outputs flowing back; nested calls, count and for_each on calls; what is not read."""

from __future__ import annotations

import json
from pathlib import Path

from hcl_helpers import Tf, by_address

from nhilint.model import Unknown
from nhilint.parsers import parse_module

CHILD = """
variable "name" {
  type = string
}
variable "size" {
  type    = number
  default = 1
}
variable "path" {
  type     = string
  default  = "/ci/"
  nullable = false
}
variable "team" {
  type    = string
  default = "nobody"
}
resource "t_user" "this" {
  name = var.name
  size = var.size
  path = var.path
  team = var.team
}
output "name" {
  value = t_user.this.name
}
output "label" {
  value = "user-${var.name}"
}
"""


def test_inputs_defaults_types_and_nullable(tf: Tf) -> None:
    tf.write({"main.tf": CHILD}, "child")
    model = tf.model({"main.tf": """
module "ci" {
  source = "./child"
  name   = "deployer"
  size   = "3"
  path   = null
  team   = null
}
"""})
    user = by_address(model)["module.ci.t_user.this"]
    # size converted to its type; null to a non-nullable variable is its default; null to a
    # nullable one stays null
    assert dict(user.attributes) == {"name": "deployer", "size": 3, "path": "/ci/", "team": None}
    assert user.module == "module.ci"
    assert user.span.path == "child/main.tf" and user.span.line == 18


def test_outputs_flow_back_to_the_caller(tf: Tf) -> None:
    tf.write({"main.tf": CHILD}, "child")
    model = tf.model({"main.tf": """
module "one" {
  source = "./child"
  name   = "a"
}
module "many" {
  source   = "./child"
  for_each = toset(["x", "y"])
  name     = each.key
}
module "counted" {
  source = "./child"
  count  = 2
  name   = "c${count.index}"
}
resource "t_x" "r" {
  label    = module.one.label
  name     = module.one.name
  labels   = [for k, m in module.many : m.label]
  keyed    = module.many["y"].label
  splat    = module.counted[*].label
  whole    = module.one
}
"""})
    r = by_address(model)["t_x.r"]
    assert r.get("label") == "user-a"
    assert r.get("labels") == ["user-x", "user-y"]
    assert r.get("keyed") == "user-y"
    assert r.get("splat") == ["user-c0", "user-c1"]
    name = r.get("name")
    assert isinstance(name, Unknown)
    assert [(ref.address, ref.attr, ref.module) for ref in name.refs] == [
        ("t_user.this", ("name",), "module.one")
    ]
    whole = r.get("whole")
    assert isinstance(whole, dict) and whole["label"] == "user-a"
    assert {a for a in by_address(model) if a.startswith("module.")} == {
        "module.one.t_user.this", 'module.many["x"].t_user.this',
        'module.many["y"].t_user.this', "module.counted[0].t_user.this",
        "module.counted[1].t_user.this",
    }
    calls = {c.address: c.instances for c in model.module_calls}
    assert calls["module.many"] == ('module.many["x"]', 'module.many["y"]')


def test_nested_modules_and_their_addresses(tf: Tf) -> None:
    tf.write({"main.tf": CHILD}, "modules/user")
    tf.write({"main.tf": """
variable "enabled" {
  type    = bool
  default = false
}
module "user" {
  source = "../user"
  count  = var.enabled ? 1 : 0
  name   = "nested"
}
output "user_label" {
  value = one(module.user[*].label)
}
"""}, "modules/platform")
    model = tf.model({"main.tf": """
module "platform" {
  source  = "./modules/platform"
  enabled = true
}
resource "t_x" "r" {
  label = module.platform.user_label
}
"""})
    found = by_address(model)
    assert "module.platform.module.user[0].t_user.this" in found
    assert found["t_x.r"].get("label") == "user-nested"
    nested = next(c for c in model.module_calls if c.name == "user")
    assert nested.module == "module.platform"
    assert nested.instances == ("module.platform.module.user[0]",)


def test_unknown_instance_keys_give_one_instance_without_key(tf: Tf) -> None:
    tf.write({"main.tf": CHILD}, "child")
    model = tf.model({"main.tf": """
variable "names" {
  type = set(string)
}
module "bots" {
  source   = "./child"
  for_each = var.names
  name     = each.key
}
"""})
    user = by_address(model)["module.bots.t_user.this"]
    assert isinstance(user.get("name"), Unknown)


def test_provider_configurations_are_inherited_or_passed(tf: Tf) -> None:
    tf.write({"main.tf": 'resource "aws_iam_user" "u" {\n  name = "a"\n}\n'}, "plain")
    tf.write({"main.tf": 'provider "aws" {\n  region = "x"\n}\n'
                         'resource "aws_iam_user" "u" {\n  name = "b"\n}\n'}, "own")
    model = tf.model({"main.tf": """
provider "aws" {
  default_tags {
    tags = { Owner = "platform" }
  }
}
provider "aws" {
  alias = "east"
}
module "inherits" {
  source = "./plain"
}
module "passed" {
  source    = "./plain"
  providers = { aws = aws.east }
}
module "own" {
  source = "./own"
}
"""})
    found = by_address(model)
    assert found["module.inherits.aws_iam_user.u"].provider == "aws"
    assert found["module.passed.aws_iam_user.u"].provider == "aws.east"
    assert found["module.own.aws_iam_user.u"].provider == "module.own.aws"


def test_a_cycle_of_module_sources_is_a_diagnostic(tf: Tf) -> None:
    tf.write({"main.tf": 'module "b" {\n  source = "../b"\n}\nresource "t_x" "a" {}\n'}, "a")
    tf.write({"main.tf": 'module "a" {\n  source = "../a"\n}\nresource "t_x" "b" {}\n'}, "b")
    model = parse_module(tf.root / "a", tf.root)
    assert {r.address for r in model.resources} == {"t_x.a", "module.b.t_x.b"}
    (problem,) = model.diagnostics
    assert problem.path == "b/main.tf" and problem.line == 1
    assert problem.message.startswith("module a is not read: module source cycle: a -> b -> a")


def test_a_source_outside_the_scanned_tree_is_a_diagnostic(tf: Tf) -> None:
    tf.write({"main.tf": CHILD}, "shared")
    tf.write({"main.tf": 'module "m" {\n  source = "../shared"\n  name = "x"\n}\n'}, "live")
    outside = parse_module(tf.root / "live")
    assert outside.resources == ()
    assert [d.message for d in outside.diagnostics] == [
        "module m is not read: module source ../shared is outside the scanned tree (live)"
    ]
    inside = parse_module(tf.root / "live", tf.root)
    assert [r.address for r in inside.resources] == ["module.m.t_user.this"]


def test_downloaded_modules_are_read_from_the_manifest(tf: Tf) -> None:
    tf.write({"main.tf": CHILD}, ".terraform/modules/ci/modules/user")
    manifest = {"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "ci", "Source": "registry.terraform.io/example/user/aws//modules/user",
         "Version": "1.0.0", "Dir": ".terraform/modules/ci/modules/user"},
    ]}
    tf.write({"modules.json": json.dumps(manifest)}, ".terraform/modules")
    model = tf.model({"main.tf": """
module "ci" {
  source  = "example/user/aws//modules/user"
  version = "1.0.0"
  name    = "ci"
}
module "other" {
  source = "example/other/aws"
}
resource "t_x" "r" {
  label = module.ci.label
  other = module.other.id
}
"""})
    found = by_address(model)
    assert found["module.ci.t_user.this"].span.path == ".terraform/modules/ci/modules/user/main.tf"
    assert found["t_x.r"].get("label") == "user-ci"
    other = found["t_x.r"].get("other")
    assert isinstance(other, Unknown) and other.reason.startswith("module not read: registry")
    calls = {c.name: c for c in model.module_calls}
    assert calls["ci"].unread == "" and calls["ci"].remote
    assert calls["other"].remote and calls["other"].unread == (
        "registry source example/other/aws is not downloaded (run terraform init to read it)"
    )
    assert model.diagnostics == ()  # a remote module not downloaded is NHI901's, not a problem


def test_a_broken_manifest_is_a_diagnostic(tf: Tf) -> None:
    tf.write({"modules.json": "{"}, ".terraform/modules")
    model = tf.model({"main.tf": 'resource "t_x" "r" {}\n'})
    assert [d.path for d in model.diagnostics] == [str(Path(".terraform/modules/modules.json"))]


def test_a_module_reading_its_own_output_is_unknown_not_a_hang(tf: Tf) -> None:
    tf.write({"main.tf": CHILD}, "child")
    model = tf.model({"main.tf": """
module "m" {
  source = "./child"
  name   = module.m.label
}
"""})
    name = by_address(model)["module.m.t_user.this"].get("name")
    assert isinstance(name, Unknown)


def test_a_module_call_declared_twice_is_read_once(tf: Tf) -> None:
    tf.write({"main.tf": CHILD}, "child")
    model = tf.model({
        "a.tf": 'module "m" {\n  source = "./child"\n  name = "a"\n}\n',
        "b.tf": 'module "m" {\n  source = "./other"\n  name = "b"\n}\n',
    })
    assert [r.get("name") for r in model.resources] == ["a"]
    assert [(d.path, d.line, d.message) for d in model.diagnostics] == [
        ("b.tf", 1, "module m is declared more than once (first in a.tf line 1): this one is "
                    "not read"),
    ]


def test_a_module_reads_its_own_files(tf: Tf) -> None:
    tf.write({
        "main.tf": 'variable "bucket" {}\n'
                   'resource "t_x" "r" {\n'
                   '  policy = templatefile("${path.module}/policy.json.tpl", { b = var.bucket })\n'
                   '  raw    = file("${path.module}/raw.txt")\n'
                   '  exists = fileexists("${path.module}/raw.txt")\n'
                   '}\n',
        "policy.json.tpl": '{"Resource": "arn:aws:s3:::${b}/*"}',
        "raw.txt": "inside",
    }, "modules/reader")
    model = tf.model({"main.tf": 'module "m" {\n  source = "./modules/reader"\n'
                                 '  bucket = "logs"\n}\n'})
    r = by_address(model)["module.m.t_x.r"]
    assert r.get("policy") == '{"Resource": "arn:aws:s3:::logs/*"}'
    assert (r.get("raw"), r.get("exists")) == ("inside", True)
