"""Possible instances: a resource whose count/for_each is empty only because inputs nobody
set are at their default is still read, and says under which input it exists."""

from __future__ import annotations

from hcl_helpers import Tf

GATED = """
variable "enabled" {
  type    = bool
  default = false
}
variable "names" {
  type    = set(string)
  default = []
}
resource "t_x" "flag" {
  count = var.enabled ? 1 : 0
  v     = var.enabled
}
resource "t_x" "each" {
  for_each = var.names
  v        = each.key
}
resource "t_x" "off" {
  count = 0
}
"""


def conditions(tf: Tf, files: dict[str, str | bytes], directory: str = ".") -> dict[str, str]:
    return {r.address: r.condition for r in tf.model(files, directory).resources}


def test_defaulted_flags_and_collections_give_possible_instances(tf: Tf) -> None:
    found = tf.model({"main.tf": GATED}).resources
    assert {r.address: r.condition for r in found} == {
        "t_x.flag[0]": "when var.enabled = true",
        "t_x.each": "when var.names is set",
    }
    flag = next(r for r in found if r.address == "t_x.flag[0]")
    assert flag.get("v") is True  # read as it would be with the flag on


def test_inputs_that_are_set_switch_off_for_good(tf: Tf) -> None:
    assert conditions(tf, {"main.tf": GATED, "terraform.tfvars": "enabled = false\n"}) == {
        "t_x.each": "when var.names is set",
    }


def test_a_caller_switching_a_module_resource_off_is_final(tf: Tf) -> None:
    tf.write({"main.tf": GATED}, "child")
    found = conditions(tf, {"main.tf": """
module "m" {
  source  = "./child"
  enabled = false
  names   = []
}
"""})
    assert found == {}


def test_a_flag_that_defaults_on_is_not_turned_off(tf: Tf) -> None:
    found = conditions(tf, {"main.tf": """
variable "create" {
  type    = bool
  default = true
}
variable "create_key" {
  type    = bool
  default = false
}
resource "t_x" "key" {
  count = var.create && var.create_key ? 1 : 0
}
resource "t_x" "inverse" {
  count = var.create ? 0 : 1
}
"""})
    assert found == {"t_x.key[0]": "when var.create_key = true"}


def test_a_module_call_switched_off_by_a_default_is_a_possible_instance(tf: Tf) -> None:
    tf.write({"main.tf": GATED.replace("variable \"enabled\"", "variable \"unused\"")
              .replace("var.enabled ? 1 : 0", "1").replace("v     = var.enabled", "v = 1")},
             "child")
    found = conditions(tf, {"main.tf": """
variable "with_child" {
  type    = bool
  default = false
}
module "child" {
  source = "./child"
  count  = var.with_child ? 1 : 0
  names  = ["a"]
}
"""})
    assert found == {
        "module.child[0].t_x.flag[0]": "when var.with_child = true",
        'module.child[0].t_x.each["a"]': "when var.with_child = true",
    }


BRANCH = """
variable "admin" {
  type    = bool
  default = false
}
variable "on" {
  type    = bool
  default = true
}
resource "t_x" "branch" {
  v = var.admin ? "all" : "some"
}
resource "t_x" "other" {
  v = var.on ? "x" : "y"
}
"""


def test_a_branch_chosen_by_a_defaulted_flag_is_read_the_other_way_too(tf: Tf) -> None:
    model = tf.model({"main.tf": BRANCH})
    assert {r.address: r.get("v") for r in model.resources} == {
        "t_x.branch": "some", "t_x.other": "x"}
    (variant,) = model.variants
    assert {r.address: (r.get("v"), r.condition) for r in variant.resources} == {
        "t_x.branch": ("all", "when var.admin = true"), "t_x.other": ("x", ""),
    }


def test_a_branch_chosen_by_a_set_input_is_final(tf: Tf) -> None:
    model = tf.model({"main.tf": BRANCH, "terraform.tfvars": "admin = false\n"})
    assert model.variants == ()
