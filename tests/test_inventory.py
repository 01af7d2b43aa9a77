"""``nhilint inventory`` as a user runs it: valid against its schema on every fixture, the exact
inventory of the bundled example, unknown values as explicit objects, and the command's
errors."""

from __future__ import annotations

import csv
import io
import json
import re
import typing
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from nhilint.cli import main
from nhilint.identity import graph

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/aws-ci"
FIXTURES = sorted({p.parent for p in (ROOT / "fixtures").rglob("*.tf")})


def inventory_schema() -> dict[str, Any]:
    text = resources.files("nhilint.report").joinpath("inventory-schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["inventory", *args]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def inventory(capsys: pytest.CaptureFixture[str], *paths: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(run(capsys, "--format", "json", *paths))
    jsonschema.validate(found, inventory_schema())
    return found


def principals(found: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for module in found["modules"] for p in module["principals"]]


# --- the schema, on every fixture -----------------------------------------------------------

def test_the_schema_is_a_valid_json_schema() -> None:
    schema = inventory_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "nhilint/inventory/v1"


@pytest.mark.parametrize(
    "case", [*FIXTURES, ROOT / EXAMPLE], ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_fixture_s_inventory_is_valid_and_lists_every_principal(
    case: Path, in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = str(case.relative_to(ROOT))
    found = inventory(capsys, where)
    paths = [m["path"] for m in found["modules"]]  # the module, and a plan beside it
    assert where in paths and all(p == where or p.startswith(f"{where}/") for p in paths)
    assert main(["check", "--format", "json", where]) in (0, 1)
    checked = json.loads(capsys.readouterr().out)
    assert found["summary"]["principals"] == checked["summary"]["principals"]
    assert len(principals(found)) == checked["summary"]["principals"]


def test_the_schema_is_strict(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = inventory(capsys, EXAMPLE)
    (user,) = principals(found)
    user["unexpected"] = True
    with pytest.raises(jsonschema.ValidationError, match="unexpected"):
        jsonschema.validate(found, inventory_schema())


def test_every_term_of_the_graph_fits_the_schema_s_open_vocabulary() -> None:
    """Kinds, levels and the like are open kebab-case strings, so that a platform adding
    one changes no schema; today's terms must fit that pattern."""
    pattern = re.compile(inventory_schema()["$defs"]["vocabulary"]["pattern"])
    terms = [*typing.get_args(graph.PrincipalKind), *typing.get_args(graph.CredentialKind)]
    enums = (graph.ScopeLevel, graph.TrustKind, graph.Narrowing)
    terms += [e.value for kind in enums for e in kind]
    assert terms and [t for t in terms if not pattern.match(t)] == []
    owner = inventory_schema()["$defs"]["owner"]["properties"]["state"]["enum"]
    assert owner == [s.value for s in graph.OwnerState]


# --- the bundled example, exactly -----------------------------------------------------------

def _location(path: str, line: int, end: int) -> dict[str, Any]:
    return {"path": f"{EXAMPLE}/{path}", "line": line, "end_line": end}


CI_USER = {
    "platform": "aws", "type": "aws_iam_user", "kind": "user", "ref": "aws_iam_user.ci",
    "declared": True, "address": "aws_iam_user.ci", "name": "ci-deployer",
    "location": _location("main.tf", 8, 11),
    "automation": {"verdict": "yes", "why": [
        {"says": "holds a static access key", "value": "aws_iam_access_key.ci", "then": ""},
    ]},
    "owner": {
        "state": "absent", "value": None,
        "source": "no owner tag (owner, Owner, team, Team) on the principal or its provider's "
                  "default_tags",
    },
    "identity_altering": [{
        "permissions": ["iam:*"], "excepted": False, "all_permissions": True,
        "scope": {"level": "account", "ids": ["*"], "wildcard": True, "excepted": False},
        "unbounded": True,
        "via": {
            "holder": "aws_iam_user_policy.ci",
            "chain": ["aws_iam_user_policy.ci", "data.aws_iam_policy_document.ci"],
            "location": _location("policy.tf", 15, 19),
        },
        "statement": {
            "resource": "data.aws_iam_policy_document.ci", "location": _location("policy.tf", 2, 6),
        },
        "expiry": None, "conditions": [], "narrowed": False, "credited": [], "undecided": [],
    }],
    "credentials": [{
        "resource": "aws_iam_access_key.ci", "kind": "access-key", "label": "access key",
        "persistent": True, "rotated": False, "expiry": None, "exposed_in_state": True,
        "location": _location("main.tf", 13, 15), "copied_to": [],
    }],
    "trusts": [], "escalations": [], "pending": [],
}


def test_the_example_s_inventory(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = inventory(capsys, EXAMPLE)
    assert found["schema"] == "nhilint/inventory/v1"
    assert found["summary"] == {
        "modules": 1, "principals": 1, "automation": {"yes": 1, "no": 0, "unknown": 0},
        "identity_altering": 1,
    }
    (module,) = found["modules"]
    assert (module["path"], module["role"]) == (EXAMPLE, "root")
    (user,) = module["principals"]
    # which actions iam:* expands to is the catalog's; every one is IAM's, the S3 statement none
    altering = user["identity_altering"][0].pop("altering")
    assert altering == sorted(altering)
    assert {"iam:CreateAccessKey", "iam:PassRole", "iam:AttachUserPolicy"} <= set(altering)
    assert all(a.startswith("iam:") for a in altering)
    # iam:* holds many known escalation combinations (NHI015 names them): each step located
    escalations = user.pop("escalations")
    assert {"CreateAccessKey", "AttachUserPolicy", "PutRolePolicy"} <= {
        e["method"] for e in escalations}
    step = next(e for e in escalations if e["method"] == "CreateAccessKey")["steps"]
    assert step == [{"permission": "iam:CreateAccessKey", "via": {
        "holder": "data.aws_iam_policy_document.ci",
        "chain": ["aws_iam_user_policy.ci", "data.aws_iam_policy_document.ci"],
        "location": _location("policy.tf", 2, 6)}}]
    assert user == {k: v for k, v in CI_USER.items() if k != "escalations"}
    assert found["diagnostics"] == []


def test_the_example_as_csv_parses_back(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "--format", "csv", EXAMPLE)
    assert out.endswith("\r\n")
    (row,) = csv.DictReader(io.StringIO(out, newline=""))
    assert {k: row[k] for k in ("module", "principal", "kind", "automation", "owner_state",
                                "unbounded", "persistent_credential", "line")} == {
        "module": EXAMPLE, "principal": "aws_iam_user.ci", "kind": "user", "automation": "yes",
        "owner_state": "absent", "unbounded": "yes", "persistent_credential": "yes", "line": "8",
    }
    assert row["identity_altering"] == (
        "iam:* on * (account, unbounded); no expiry; via aws_iam_user_policy.ci -> "
        f"data.aws_iam_policy_document.ci at {EXAMPLE}/policy.tf:2"
    )
    assert "iam:PassRole" in row["altering_actions"].split()
    assert row["credentials"].startswith("access key aws_iam_access_key.ci at ")


def test_the_example_as_markdown(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = run(capsys, "--format", "markdown", EXAMPLE).splitlines()
    assert lines[0] == "## nhilint inventory"
    assert (
        r"| aws\_iam\_user.ci | examples/aws-ci | aws user | yes | none | iam:\* on \* "
        r"| aws\_iam\_access\_key.ci |"
    ) in lines
    assert "<summary><code>aws_iam_user.ci</code> · examples/aws-ci</summary>" in lines
    not_action = run(capsys, "--format", "markdown", "fixtures/NHI003/not_action")
    assert r"| everything but s3:DeleteBucket on \* | none |" in not_action


# --- what the graph does not know, principals declared elsewhere -----------------------------

def _principal(capsys: pytest.CaptureFixture[str], case: str, ref: object) -> dict[str, Any]:
    (found,) = [p for p in principals(inventory(capsys, case)) if p["ref"] == ref]
    return found


def test_an_unknown_value_is_an_explicit_object(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipeline = _principal(capsys, "fixtures/NHI002/tags_unknown", "aws_iam_role.pipeline")
    assert pipeline["owner"] == {
        "state": "unknown", "source": "tags are computed",
        "value": {"unknown": "var.tags", "reason": "var.tags has no value"},
    }
    migration = _principal(capsys, "fixtures/NHI901/expiry_unknown", "aws_iam_role.migration")
    (grant,) = migration["identity_altering"]
    until = {"unknown": "var.migration_ends", "reason": "var.migration_ends has no value"}
    assert grant["expiry"] == until
    assert grant["conditions"] == [
        {"key": "aws:CurrentTime", "operator": "DateLessThan", "values": [until],
         "narrows": "time"},
    ]
    (pending,) = migration["pending"]
    assert (pending["what"], pending["value"]) == ("Condition", until)
    text = run(capsys, "fixtures/NHI002/tags_unknown")
    assert "    owner: unknown: tags are computed: ${var.tags}\n" in text


def test_a_principal_referenced_but_not_declared(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bot = _principal(capsys, "fixtures/NHI001/external_user", "deploy-bot")
    assert (bot["declared"], bot["address"], bot["location"]) == (False, None, None)
    assert [c["resource"] for c in bot["credentials"]] == ["aws_iam_access_key.bot"]
    found = principals(inventory(capsys, "fixtures/NHI901/unknown_for_each_key"))
    # declared principals first, by address; then those only referenced
    assert [p["declared"] for p in found] == [True, True, False]
    assert [p["address"] for p in found[:2]] == [
        'aws_iam_role.deploy["production"]', 'aws_iam_role.deploy["staging"]',
    ]
    assert found[2]["ref"] == {
        "unknown": "aws_iam_role.deploy[each.key].name",
        "reason": found[2]["ref"]["reason"],
    }
    text = run(capsys, "fixtures/NHI001/external_user")
    assert '  aws_iam_user "deploy-bot"\n    kind: aws user, external (referenced, not declared' \
        in text


# --- the command: modules, config, output, errors --------------------------------------------

ROLE = 'resource "aws_iam_role" "{name}" {{\n  name = "{name}"\n}}\n'


def test_modules_with_their_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text(ROLE.format(name="mover"))
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./child"\n}\n')
    monkeypatch.chdir(tmp_path)
    found = inventory(capsys, ".")
    assert [(m["path"], m["role"]) for m in found["modules"]] == [(".", "root"), ("child", "child")]
    text = run(capsys)
    # the root reads the child where it calls it, and the child is also read on its own
    assert text.startswith(". (root module)\n  module.m.aws_iam_role.mover\n")
    assert "\nchild (child module)\n  aws_iam_role.mover\n" in text
    assert run(capsys) == run(capsys)  # deterministic


def test_the_config_is_the_check_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text(ROLE.format(name="mover"))
    monkeypatch.chdir(tmp_path)
    (role,) = principals(inventory(capsys, "."))
    assert role["automation"]["verdict"] == "unknown"
    (tmp_path / "team.toml").write_text('automation-patterns = ["mover"]\n')
    (role,) = principals(inventory(capsys, ".", "--config", "team.toml"))
    assert role["automation"]["verdict"] == "yes"
    assert role["automation"]["why"][0]["says"].startswith("its name 'mover' matches")
    (tmp_path / ".nhilint.toml").write_text("owner-tags = []\n")
    assert main(["inventory", "."]) == 2
    assert capsys.readouterr().err == (
        "nhilint: error: .nhilint.toml: unknown key 'owner-tags' (did you mean 'owner-tag-keys'?)\n"
    )


def test_output_file_and_its_errors(
    in_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = run(capsys, "--format", "csv", EXAMPLE)
    target = tmp_path / "nhi.csv"
    assert main(["inventory", EXAMPLE, "--format", "csv", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert target.read_bytes().decode("utf-8") == shown
    missing = tmp_path / "missing" / "nhi.csv"
    assert main(["inventory", EXAMPLE, "--output", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"nhilint: error: cannot write inventory to {missing}: No such file or directory\n"
    )
    assert main(["inventory", "does/not/exist"]) == 2
    assert capsys.readouterr().err == "nhilint: error: no such file or directory: does/not/exist\n"


def test_unreadable_input_and_paths_without_terraform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.tf").write_text('resource "aws_iam_user" "x" {\n  name = \n')
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    found = inventory(capsys, ".")
    assert [d["code"] for d in found["diagnostics"]] == ["NHI900"]
    assert found["diagnostics"][0]["path"] == "broken.tf"
    assert main(["inventory", "docs"]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "nhilint: warning: no Terraform files (*.tf, *.tf.json) or plan JSON found under docs; "
        "nothing was scanned\n"
    )
    assert captured.out == "0 principal(s) in 0 module(s): 0 automation, 0 human, 0 unknown; " \
        "0 can alter identity\n"


SECRET = "SECRET-VALUE-7f3a9c"
SECRETS_TF = f"""
variable "token" {{
  default = "{SECRET}"
}}

resource "aws_iam_user" "bot" {{
  name = "deploy-bot"
  tags = {{ token = "{SECRET}" }}
}}

resource "aws_iam_access_key" "bot" {{
  user    = aws_iam_user.bot.name
  pgp_key = var.token
}}

resource "aws_iam_user_login_profile" "bot" {{
  user    = aws_iam_user.bot.name
  pgp_key = "{SECRET}"
}}
"""


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "csv"])
def test_no_secret_value_in_any_inventory(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text(SECRETS_TF)
    monkeypatch.chdir(tmp_path)
    out = run(capsys, "--format", fmt)
    assert "aws_iam_access_key.bot" in out.replace("\\_", "_")
    assert SECRET not in out


# --- every platform, one shape ----------------------------------------------------------------

#: fixture cases with principals of each platform (the inventory lists them alike)
PLATFORM_CASES = {
    "aws": "fixtures/NHI001/user_key_inline",
    "gcp": "fixtures/NHI001/gcp_agent_engine",
    "azure": "fixtures/NHI001/azure_sp_password_graph_role",
    "vault": "fixtures/NHI001/vault_approle_ci_bootstrap",
    "kubernetes": "fixtures/NHI001/k8s_token_secret_bind",
    "github": "fixtures/NHI012/github_deploy_keys",
    "gitlab": "fixtures/NHI001/gitlab_group_token_owner",
}


def test_the_inventory_lists_the_principals_of_every_platform_in_one_shape(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = inventory(capsys, *PLATFORM_CASES.values())
    listed = principals(found)
    by_platform = {p["platform"] for p in listed if p["declared"]}
    assert by_platform == set(PLATFORM_CASES)
    shapes = {p["platform"]: frozenset(p) for p in listed}
    assert len(set(shapes.values())) == 1, shapes  # the same fields, whatever the platform
    agent = next(p for p in listed if p["address"] == "google_service_account.support_agent")
    assert agent["kind"] == "ai-agent" and agent["automation"]["verdict"] == "yes"
    assert agent["identity_altering"][0]["scope"]["level"] == "account"
