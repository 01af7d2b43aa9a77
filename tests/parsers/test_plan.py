"""Terraform plan JSON (``terraform show -json``) read into the model, and what users see."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from nhilint.cli import main
from nhilint.engine import Options, scan
from nhilint.model import Ref, Unknown
from nhilint.parsers import plan
from nhilint.parsers.plan.expressions import module_path
from nhilint.parsers.plan.refs import parse_reference
from nhilint.parsers.registry import detect, discover

ROOT = Path(__file__).resolve().parent.parent.parent
IAM_CASE = ROOT / "fixtures" / "NHI011" / "plan_iam"
OIDC_PLAN = ROOT / "fixtures" / "NHI010" / "plan_oidc_module_foreach" / "tfplan.json"

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:AttachUserPolicy"],
     "Resource": "*"}]})


def change(address: str, after: dict[str, Any], *, actions: tuple[str, ...] = ("create",),
           unknown: dict[str, Any] | None = None, sensitive: Any = None,
           module: str = "", mode: str = "managed", index: Any = None) -> dict[str, Any]:
    local = address[len(module) + 1:] if module else address
    parts = local.split("[", 1)[0].split(".")
    kind, name = parts[-2], parts[-1]
    entry: dict[str, Any] = {
        "address": address, "mode": mode, "type": kind, "name": name,
        "change": {"actions": list(actions), "before": None, "after": after,
                   "after_unknown": unknown or {}, "after_sensitive": sensitive or {}},
    }
    if module:
        entry["module_address"] = module
    if index is not None:
        entry["index"] = index
    return entry


def configured(address: str, expressions: dict[str, Any]) -> dict[str, Any]:
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_config_key": "aws", "expressions": expressions}


def write_plan(path: Path, changes: list[dict[str, Any]],
               resources: list[dict[str, Any]] | None = None,
               provider: dict[str, Any] | None = None) -> Path:
    document = {
        "format_version": "1.2", "terraform_version": "1.11.4",
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": provider or {}}},
            "root_module": {"resources": resources or []},
        },
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def ci_user_plan(path: Path, *, policy_actions: tuple[str, ...] = ("create",)) -> Path:
    """A user created in the plan, its key and its policy attached by the user's unknown name."""
    user_ref = {"references": ["aws_iam_user.ci.name", "aws_iam_user.ci"]}
    return write_plan(path, [
        change("aws_iam_user.ci", {"tags": None}, unknown={"name": True, "arn": True}),
        change("aws_iam_access_key.ci", {"status": "Active"},
               unknown={"user": True, "secret": True}, sensitive={"secret": True}),
        change("aws_iam_user_policy.ci", {"policy": POLICY}, unknown={"user": True},
               actions=policy_actions),
    ], [
        configured("aws_iam_user.ci", {"name": {"references": ["var.name"]}}),
        configured("aws_iam_access_key.ci", {"user": user_ref}),
        configured("aws_iam_user_policy.ci", {"user": user_ref,
                                              "policy": {"constant_value": POLICY}}),
    ])


def findings(path: Path, **options: Any) -> set[tuple[str, str]]:
    return {(f.rule, f.resource) for f in scan([path], Options(**options)).findings}


# --- detection -----------------------------------------------------------------------------


def test_a_plan_is_detected_by_its_shape_whatever_its_name(tmp_path: Path) -> None:
    named = ci_user_plan(tmp_path / "whatever.out")
    assert detect(named) == "terraform-plan"
    assert discover([named]).units[0].kind == "terraform-plan"


@pytest.mark.parametrize("text", [
    '{"name": "app", "version": "1.0.0"}',
    '{"format_version": "1.0", "values": {}}',  # a state, not a plan
    '{"resource_changes": []}',
    '[{"format_version": "1.0", "resource_changes": []}]',
    '{"format_version": "1.0", "resource_changes": [',
])
def test_json_that_is_not_a_plan_is_not_claimed(tmp_path: Path, text: str) -> None:
    other = tmp_path / "package.json"
    other.write_text(text, encoding="utf-8")
    assert detect(other) is None
    assert discover([tmp_path]).units == ()


def test_plans_are_found_in_directories_but_not_in_hidden_ones(tmp_path: Path) -> None:
    (tmp_path / "ci").mkdir()
    (tmp_path / ".terraform").mkdir()
    shown = ci_user_plan(tmp_path / "ci" / "plan.json")
    ci_user_plan(tmp_path / ".terraform" / "plan.json")
    hidden = ci_user_plan(tmp_path / "ci" / ".terraform-plan.json")
    assert [u.path for u in discover([tmp_path]).units] == [shown]
    assert [u.path for u in discover([hidden]).units] == [hidden]


# --- what the plan becomes -----------------------------------------------------------------


def test_after_values_unknowns_and_sensitive_marks(tmp_path: Path) -> None:
    model = plan.parse(ci_user_plan(tmp_path / "plan.json"))
    key = next(r for r in model.resources if r.address == "aws_iam_access_key.ci")
    assert key.attributes["status"] == "Active"
    user = key.attributes["user"]
    assert isinstance(user, Unknown) and user.reason == "known after apply"
    assert user.refs == (Ref("aws_iam_user.ci", ("name",), ""),)
    assert key.sensitive == frozenset({("secret",)})
    assert key.span.path.endswith("plan.json") and key.span.line is None


def test_computed_attributes_the_configuration_does_not_set_are_left_out(tmp_path: Path) -> None:
    model = plan.parse(ci_user_plan(tmp_path / "plan.json"))
    user = next(r for r in model.resources if r.address == "aws_iam_user.ci")
    assert isinstance(user.attributes["name"], Unknown)
    assert "arn" not in user.attributes


def test_actions_delete_gives_no_resource_the_others_their_after_values(tmp_path: Path) -> None:
    path = write_plan(tmp_path / "plan.json", [
        change("aws_iam_user.gone", {"name": "a"}, actions=("delete",)),
        change("aws_iam_user.replaced", {"name": "b"}, actions=("delete", "create")),
        change("aws_iam_user.same", {"name": "c"}, actions=("no-op",)),
        change("aws_iam_user.changed", {"name": "d"}, actions=("update",)),
        change("data.aws_iam_policy_document.d", {"statement": []}, actions=("read",),
               mode="data"),
    ])
    model = plan.parse(path)
    assert {r.address: r.get("name") for r in model.resources if r.mode == "managed"} == {
        "aws_iam_user.replaced": "b", "aws_iam_user.same": "c", "aws_iam_user.changed": "d"}
    assert [r.address for r in model.resources if r.mode == "data"] == [
        "data.aws_iam_policy_document.d"]


def test_module_addresses_instances_and_references_in_the_module() -> None:
    model = plan.parse(OIDC_PLAN)
    role = next(r for r in model.resources if r.address == 'module.poc.aws_iam_role.r6["p1"]')
    assert (role.type, role.name, role.module, role.local_address) == (
        "aws_iam_role", "r6", "module.poc", 'aws_iam_role.r6["p1"]')
    trust = role.attributes["assume_role_policy"]
    assert isinstance(trust, Unknown)
    # the configuration names the data source but not which instance (its key is each.key)
    assert trust.refs == (Ref("data.aws_iam_policy_document.r4", (), "module.poc"),)
    provider = model.providers[0]
    assert provider.attributes["default_tags"] == [{"tags": {
        "checkov_uid": "CKV_AWS_358", "environment": "test", "managed_by": "terraform"}}]


def test_data_sources_read_while_planning_come_from_prior_state() -> None:
    model = plan.parse(IAM_CASE / "tfplan.json")
    (document,) = (r for r in model.resources if r.mode == "data")
    assert document.get("statement") == [{
        "actions": ["iam:*"], "condition": [], "effect": "Allow", "not_actions": [],
        "not_principals": [], "not_resources": [], "principals": [], "resources": ["*"],
        "sid": ""}]


def test_a_policy_that_is_a_documents_json_is_read_as_the_document(tmp_path: Path) -> None:
    """The plan holds ``policy = data.aws_iam_policy_document.d.json`` as the rendered text
    (re-encoded by the provider); it is read as the document, as the HCL reader reads it, so
    the policy is judged once, where it is written.  A value computed from the document is not
    the document and stays as planned."""
    rendered = json.dumps(json.loads(POLICY), indent=2)
    doc = {"references": ["data.aws_iam_policy_document.d.json", "data.aws_iam_policy_document.d"]}
    path = write_plan(tmp_path / "plan.json", [
        change("data.aws_iam_policy_document.d", {"json": rendered, "statement": []},
               actions=("read",), mode="data"),
        change("aws_iam_user_policy.same", {"policy": POLICY, "user": "ci"}),
        change("aws_iam_user_policy.changed", {"policy": POLICY.replace("*", "arn:x"),
                                               "user": "ci"}),
    ], [
        configured("aws_iam_user_policy.same", {"policy": doc}),
        configured("aws_iam_user_policy.changed", {"policy": doc}),
    ])
    policies = {r.address: r.get("policy") for r in plan.parse(path).resources}
    same = policies["aws_iam_user_policy.same"]
    assert isinstance(same, Unknown)
    assert same.refs == (Ref("data.aws_iam_policy_document.d", ("json",), ""),)
    assert policies["aws_iam_user_policy.changed"] == POLICY.replace("*", "arn:x")


@pytest.mark.parametrize(("text", "ref"), [
    ("aws_iam_role.ci.name", Ref("aws_iam_role.ci", ("name",), "m")),
    ("aws_iam_role.ci[0].arn", Ref("aws_iam_role.ci", (0, "arn"), "m")),
    ('data.aws_iam_policy_document.d["a.b"].json',
     Ref("data.aws_iam_policy_document.d", ("a.b", "json"), "m")),
    ("module.ci.role_arn", Ref("module.ci", ("role_arn",), "m")),
    ("var.name", None),
    ("each.key", None),
    ("aws_iam_role", None),
])
def test_references(text: str, ref: Ref | None) -> None:
    assert parse_reference(text, "m") == ref


@pytest.mark.parametrize(("text", "message"), [
    ("{", "not valid JSON"),
    ('{"format_version": "2.0", "resource_changes": []}', "format_version 2.0 is not supported"),
    ('{"name": "x"}', "not a Terraform plan"),
])
def test_what_cannot_be_read_is_a_diagnostic(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    model = plan.parse(path)
    assert model.resources == ()
    assert [(d.code, message in d.message) for d in model.diagnostics] == [("NHI900", True)]


# --- findings ------------------------------------------------------------------------------


def test_a_policy_attached_by_an_unknown_name_is_linked_to_its_user(tmp_path: Path) -> None:
    found = findings(ci_user_plan(tmp_path / "plan.json"))
    assert ("NHI001", "aws_iam_user.ci") in found


def test_a_deleted_policy_is_not_a_grant(tmp_path: Path) -> None:
    found = findings(ci_user_plan(tmp_path / "plan.json", policy_actions=("delete",)))
    assert not any(resource == "aws_iam_user.ci" and rule == "NHI001" for rule, resource in found)


def test_provider_default_tags_give_the_owner(tmp_path: Path) -> None:
    path = ci_user_plan(tmp_path / "plan.json")
    assert ("NHI002", "aws_iam_user.ci") in findings(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["configuration"]["provider_config"]["aws"]["expressions"] = {
        "default_tags": [{"tags": {"constant_value": {"owner": "platform"}}}]}
    path.write_text(json.dumps(document), encoding="utf-8")
    assert ("NHI002", "aws_iam_user.ci") not in findings(path)


# --- command line --------------------------------------------------------------------------


def test_input_type_chooses_what_is_read(
    in_repo: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    case = str(IAM_CASE.relative_to(ROOT))
    # the plan's findings point at the main.tf beside it: the plan and main.tf are read
    for kind, files in (("terraform-plan", 2), ("terraform", 1)):
        main(["check", case, "--input-type", kind, "--format", "json", "--fail-on", "critical"])
        report = json.loads(capsys.readouterr().out)
        assert report["summary"]["files"] == files
        assert {Path(f["path"]).name for f in report["findings"]} == {"main.tf"}


def located(path: Path, kind: str) -> set[tuple[str, str, str, int | None]]:
    result = scan([Path(os.path.relpath(path))], Options(input_type=kind))
    return {(f.rule, f.resource, f.span.path, f.span.line) for f in result.findings}


def test_plan_findings_point_at_the_configuration_beside_the_plan(
    tmp_path: Path, in_repo: Path,
) -> None:
    beside = located(IAM_CASE / "tfplan.json", "terraform-plan")
    assert beside == located(IAM_CASE, "terraform")
    alone = tmp_path / "tfplan.json"
    alone.write_bytes((IAM_CASE / "tfplan.json").read_bytes())
    in_plan = {(rule, address, os.path.relpath(alone), None) for rule, address, _, _ in beside}
    assert located(alone, "terraform-plan") == in_plan
    # a .tf beside it that is not its configuration (it does not declare the plan's resources)
    (tmp_path / "main.tf").write_text('resource "aws_iam_role" "example" {}\n', encoding="utf-8")
    assert located(alone, "terraform-plan") == in_plan


def test_input_type_plan_on_hcl_reads_nothing_and_says_so(
    in_repo: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    main(["check", str((IAM_CASE / "main.tf").relative_to(ROOT)), "--input-type", "terraform-plan"])
    assert "no Terraform plan JSON found in" in capsys.readouterr().err


@pytest.mark.parametrize(("address", "path"), [
    ("", ""),
    ("module.poc", "module.poc"),
    ('module.a["x.y"].module.b[0]', "module.a.module.b"),
])
def test_module_path_drops_instance_keys(address: str, path: str) -> None:
    assert module_path(address) == path


def test_input_type_applies_to_baseline_and_inventory(
    tmp_path: Path, in_repo: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    case = str(IAM_CASE.relative_to(ROOT))
    alone = tmp_path / "plan"
    alone.mkdir()
    (alone / "tfplan.json").write_bytes((IAM_CASE / "tfplan.json").read_bytes())
    written = tmp_path / "baseline.json"
    for kind, count in (("terraform-plan", 7), ("terraform", 0)):
        main(["baseline", str(alone), "--input-type", kind, "-o", str(written)])
        assert f"wrote {count} finding(s)" in capsys.readouterr().out
    main(["baseline", str(alone), "--input-type", "terraform-plan", "-o", str(written)])
    assert "tfplan.json" in written.read_text(encoding="utf-8")
    capsys.readouterr()
    main(["inventory", case, "--input-type", "terraform", "--format", "json"])
    modules = json.loads(capsys.readouterr().out)["modules"]
    assert [m["path"] for m in modules] == [case]
