"""Custom rules as a platform team writes them: the public API, local rules named in config,
duplicates, a rule that raises, and custom findings in every format and suppression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nhilint.api
from nhilint.cli import main
from nhilint.report import RENDERERS

#: the public surface: a change here is a change of nhilint.api.API_VERSION
SURFACE = [
    "API_VERSION", "Access", "Automation", "Candidate", "Credential", "Evidence", "Grant",
    "Graph", "Hit", "InventoryEntry", "Owner", "OwnerState", "Policy", "Principal", "Resource",
    "Rule", "RuleContext", "Scope", "ScopeLevel", "Severity", "Span", "Trust", "TrustKind",
    "Unknown", "evidence_of", "inventory", "principal_hit", "resource_of", "rule",
]

NAMING_RULE = '''
from collections.abc import Iterator

from nhilint.api import Automation, Hit, RuleContext, Severity, principal_hit, rule


@rule("ACME001", "acme-naming", Severity.MEDIUM,
      message="{principal} is automation and its name does not start with plat-")
def acme_naming(ctx: RuleContext) -> Iterator[Hit]:
    """Automation principals are named plat-*.

    ## What it does
    Reports automation principals whose name does not start with ``plat-``.
    """
    for principal in ctx.graph.principals:
        name = principal.name
        if principal.automation is Automation.YES and isinstance(name, str):
            if not name.startswith("plat-"):
                hit = principal_hit(principal)
                if hit is not None:
                    yield hit
'''

BROKEN_RULE = '''
from nhilint.api import Severity, rule


@rule("ACME009", "acme-broken", Severity.LOW, message="never")
def acme_broken(ctx):
    """A rule with a bug."""
    raise KeyError("boom")
    yield
'''

USER = '''\
resource "aws_iam_user" "deployer" {
  name = "deployer"
}

resource "aws_iam_access_key" "deployer" {
  user = aws_iam_user.deployer.name
}

resource "aws_iam_user_policy" "deployer" {
  name = "manage-app-users"
  user = aws_iam_user.deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:CreateAccessKey", "iam:AttachUserPolicy"]
      Resource = "arn:aws:iam::123456789012:user/app/*"
    }]
  })
}
'''


def project(tmp_path: Path, rules: str = '["./policy/nhi_rules.py"]', tf: str = USER,
            **files: str) -> Path:
    """A project with a config naming local rules, the rule files and a module."""
    (tmp_path / ".nhilint.toml").write_text(f"rules = {rules}\n", encoding="utf-8")
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "nhi_rules.py").write_text(NAMING_RULE, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / "policy" / name).write_text(text, encoding="utf-8")
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(tf, encoding="utf-8")
    return tmp_path


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else {}


def test_the_api_surface_is_exactly_the_documented_list() -> None:
    assert sorted(nhilint.api.__all__) == sorted(SURFACE)
    assert all(hasattr(nhilint.api, name) for name in SURFACE)
    assert nhilint.api.API_VERSION == "1.0"


def test_the_inventory_view_is_the_inventory_of_the_module(in_repo: Path) -> None:
    from nhilint.engine import Options as ScanOptions
    from nhilint.engine import scan
    from nhilint.inventory.entries import inventory as full_inventory

    result = scan([Path("examples/aws-ci")], ScanOptions())
    ((_, graph),) = result.graphs
    context = nhilint.api.RuleContext(graph, None, None)  # type: ignore[arg-type]
    listed = nhilint.api.inventory(context)
    assert listed == full_inventory(result).modules[0].principals
    assert [e.principal.label for e in listed] == ["aws_iam_user.ci"]


def test_a_local_rule_named_in_config_fires_and_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project(tmp_path))
    code, report = check(capsys, "infra")
    found = {(f["rule"], f["line"]) for f in report["findings"]}  # type: ignore[attr-defined]
    assert ("ACME001", 1) in found and ("NHI001", 1) in found
    assert code == 1
    assert main(["rules"]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if "ACME001" in line]
    assert len(listed) == 1 and "./policy/nhi_rules.py" in listed[0]
    assert "acme-naming" in listed[0] and "medium" in listed[0]
    assert main(["rule", "ACME001"]) == 0
    shown = capsys.readouterr().out
    assert "# ACME001 acme-naming (medium)" in shown and "## What it does" in shown


def test_a_module_name_in_config_loads_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project(tmp_path, rules='["acme_policy_rules"]')
    (tmp_path / "acme_policy_rules.py").write_text(
        NAMING_RULE.replace("ACME001", "ACME002").replace("acme-naming", "acme-naming-two"),
        encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    _, report = check(capsys, "infra")
    assert "ACME002" in {f["rule"] for f in report["findings"]}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("rule", "said"), [
    (NAMING_RULE.replace("ACME001", "NHI001"),
     "duplicate rule id NHI001 in ./policy/dup.py and nhilint.checks.nhi001_static_secret"),
    (NAMING_RULE.replace("ACME001", "ACME003"),
     "duplicate rule name 'acme-naming' in ./policy/dup.py (ACME003) and ./policy/nhi_rules.py "
     "(ACME001)"),
])
def test_duplicate_ids_or_names_are_an_error_naming_both_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    rule: str, said: str,
) -> None:
    project(tmp_path, rules='["./policy/nhi_rules.py", "./policy/dup.py"]', **{"dup.py": rule})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "infra"]) == 2
    assert said in capsys.readouterr().err
    assert main(["rules"]) == 2
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(("rules", "said"), [
    ('["./policy/missing.py"]', ".nhilint.toml: rules: no such file:"),
    ('"./policy/nhi_rules.py"', ".nhilint.toml: rules: must be a list of strings"),
    ('["no_such_module_here"]', ".nhilint.toml: rules: 'no_such_module_here' cannot be loaded: "
                                "ModuleNotFoundError"),
])
def test_a_rules_entry_that_cannot_be_loaded_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    rules: str, said: str,
) -> None:
    monkeypatch.chdir(project(tmp_path, rules=rules))
    assert main(["check", "infra"]) == 2
    assert said in capsys.readouterr().err


def test_a_rule_that_raises_is_a_diagnostic_and_the_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project(tmp_path, rules='["./policy/nhi_rules.py", "./policy/broken.py"]',
            **{"broken.py": BROKEN_RULE})
    monkeypatch.chdir(tmp_path)
    _, report = check(capsys, "infra")
    rules = {f["rule"] for f in report["findings"]}  # type: ignore[attr-defined]
    assert {"ACME001", "NHI001", "NHI012"} <= rules
    (said,) = [d["message"] for d in report["diagnostics"]]  # type: ignore[attr-defined]
    assert said == ("internal error in rule ACME009 (acme-broken, from ./policy/broken.py): "
                    "KeyError: 'boom'; its findings in this module are missing")


def test_custom_findings_in_sarif_with_rule_metadata_and_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project(tmp_path))
    for name in RENDERERS:
        main(["check", "--format", name, "infra"])
        assert "ACME001" in capsys.readouterr().out, name
    main(["check", "--format", "sarif", "infra"])
    run = json.loads(capsys.readouterr().out)["runs"][0]
    (descriptor,) = [r for r in run["tool"]["driver"]["rules"] if r["id"] == "ACME001"]
    assert descriptor["name"] == "acme-naming"
    assert descriptor["shortDescription"]["text"] == "Automation principals are named plat-*."
    assert "Reports automation principals" in descriptor["fullDescription"]["text"]
    assert descriptor["defaultConfiguration"]["level"] == "warning"
    (result,) = [r for r in run["results"] if r["ruleId"] == "ACME001"]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "ACME001"


def test_an_inline_suppression_hides_a_custom_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tf = "# nhilint: ignore[ACME001] -- legacy name, renamed in PLAT-9\n" + USER
    monkeypatch.chdir(project(tmp_path, tf=tf))
    _, report = check(capsys, "--show-suppressed", "infra")
    assert "ACME001" not in {f["rule"] for f in report["findings"]}  # type: ignore[attr-defined]
    main(["check", "--format", "sarif", "infra"])
    run = json.loads(capsys.readouterr().out)["runs"][0]
    (hidden,) = [r for r in run["results"] if r["ruleId"] == "ACME001"]
    (why,) = hidden["suppressions"]
    assert why["kind"] == "inSource"
    assert "legacy name, renamed in PLAT-9" in why["justification"]


def test_a_severity_override_applies_to_a_custom_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project(tmp_path)
    (tmp_path / ".nhilint.toml").write_text(
        'rules = ["./policy/nhi_rules.py"]\nseverity-overrides = { acme-naming = "critical" }\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, report = check(capsys, "infra")
    (found,) = [f for f in report["findings"] if f["rule"] == "ACME001"]  # type: ignore[attr-defined]
    assert found["severity"] == "critical"

