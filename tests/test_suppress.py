"""Inline suppressions and config suppressions by address, as a user meets them through the CLI:
what is hidden and why, what is reported unused (NHI902), what is an error (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nhilint.cli import main
from nhilint.engine import Options, scan
from nhilint.report import RENDERERS
from nhilint.settings import Settings

#: a deploy user with a key and an admin policy; {above} and {trailing} take directives
MODULE = """\
provider "aws" {{
  region = "eu-west-1"
}}

{above}
resource "aws_iam_user" "deployer" {{ {trailing}
  name = "deployer"
  path = "/automation/"
}}

resource "aws_iam_access_key" "deployer" {{
  user = aws_iam_user.deployer.name
}}

resource "aws_iam_user_policy" "deployer" {{
  name = "deployer"
  user = aws_iam_user.deployer.name
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "iam:*", Resource = "*" }}]
  }})
}}
"""
USER_LINE = 6  # the line of resource "aws_iam_user" "deployer"
#: what the deployer gets: the four core rules and its escalation path (iam:*)
CORE = {"NHI001", "NHI002", "NHI003", "NHI004", "NHI015"}


def module(tmp_path: Path, above: str = "", trailing: str = "") -> Path:
    (tmp_path / "infra").mkdir(exist_ok=True)
    (tmp_path / "infra" / "main.tf").write_text(MODULE.format(above=above, trailing=trailing))
    return tmp_path / "infra"


def check(
    capsys: pytest.CaptureFixture[str], *args: str | Path
) -> tuple[int, dict[str, Any], str]:
    code = main(["check", *map(str, args), "--format", "json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else {}), err


def rules_of(items: list[dict[str, Any]], resource: str = "aws_iam_user.deployer") -> set[str]:
    return {f["rule"] for f in items if f["resource"] == resource}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_without_directives_the_deployer_has_all_its_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, _ = check(capsys, module(tmp_path))
    assert code == 1
    assert rules_of(report["findings"]) == CORE
    assert report["suppressed"] == []


@pytest.mark.parametrize("above", [
    "# nhilint: ignore[NHI001,NHI004] -- replaced by OIDC in PLAT-1234",
    "// nhilint: ignore[NHI001, NHI004] -- replaced by OIDC in PLAT-1234",
    "/* nhilint: ignore[NHI001,NHI004] -- replaced by OIDC in PLAT-1234 */",
])
def test_a_directive_on_the_line_above_hides_its_rules_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], above: str
) -> None:
    code, report, _ = check(capsys, module(tmp_path, above=above))
    assert code == 1  # NHI002 and NHI003 still fail
    assert rules_of(report["findings"]) == {"NHI002", "NHI003", "NHI015"}
    assert rules_of(report["suppressed"]) == {"NHI001", "NHI004"}
    for hidden in report["suppressed"]:
        assert hidden["suppression"] == {
            "kind": "inline", "reason": "replaced by OIDC in PLAT-1234",
            "source": f"infra/main.tf:{USER_LINE - 1}",
        }
    assert report["summary"]["suppressed"] == {"inline": 2, "config": 0, "baseline": 0}
    assert report["diagnostics"] == []


def test_a_trailing_directive_and_stacked_directives_apply_to_the_resource(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    above = "# nhilint: ignore[NHI001] -- one\n# nhilint: ignore[NHI002] -- two"
    path = module(tmp_path, above=above, trailing="# nhilint: ignore[NHI003] -- three")
    code, report, _ = check(capsys, path)
    assert rules_of(report["findings"]) == {"NHI004", "NHI015"}
    assert {(f["rule"], f["suppression"]["reason"]) for f in report["suppressed"]} == {
        ("NHI001", "one"), ("NHI002", "two"), ("NHI003", "three"),
    }
    assert code == 1  # the policy's own NHI011 still fails


def test_a_directive_two_lines_away_with_code_between_does_not_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    above = '# nhilint: ignore[NHI001] -- not here\nlocals {\n  x = 1\n}'
    _, report, _ = check(capsys, module(tmp_path, above=above))
    assert "NHI001" in rules_of(report["findings"])
    (unused,) = report["diagnostics"]
    assert unused == {
        "code": "NHI902", "path": "infra/main.tf", "line": USER_LINE - 1,
        "message": "suppression of NHI001 suppresses nothing (no NHI001 finding on this line "
                   "or the next)",
    }


def test_each_rule_of_a_directive_that_hides_nothing_is_reported_unused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    above = "# nhilint: ignore[NHI001,NHI011] -- the policy is elsewhere"
    _, report, _ = check(capsys, module(tmp_path, above=above))
    assert rules_of(report["suppressed"]) == {"NHI001"}
    assert [(d["code"], d["line"], d["message"].split(" suppresses")[0])
            for d in report["diagnostics"]] == [("NHI902", 5, "suppression of NHI011")]


def test_a_rule_left_out_with_select_is_not_reported_unused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    above = "# nhilint: ignore[NHI001,NHI004] -- why"
    _, report, _ = check(capsys, module(tmp_path, above=above), "--select", "NHI001")
    assert rules_of(report["suppressed"]) == {"NHI001"}
    assert report["diagnostics"] == []


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_an_unused_suppression_shows_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    above = "# nhilint: ignore[NHI011] -- stale"
    main(["check", str(module(tmp_path, above=above)), "--format", fmt])
    assert "NHI902" in capsys.readouterr().out


@pytest.mark.parametrize(("above", "error"), [
    ("# nhilint: ignore[NHI001,NHI099] -- why",
     "infra/main.tf:5: suppression names unknown rule 'NHI099'"),
    ("# nhilint: ignore[static-secret] -- why",
     "infra/main.tf:5: suppression names rule 'static-secret' by name: write its id 'NHI001'"),
    ("# nhilint: ignore[] -- why",
     "infra/main.tf:5: suppression names no rule: write the rule ids, as in ignore[NHI001]"),
    ("# nhilint: ignore NHI001",
     "infra/main.tf:5: malformed suppression 'nhilint: ignore NHI001': "
     "write '# nhilint: ignore[NHI001,NHI004] -- reason'"),
    ("// nhilint: ignroe[NHI001]", "infra/main.tf:5: malformed suppression"),
])
def test_a_suppression_that_cannot_be_used_is_an_error_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], above: str, error: str
) -> None:
    report = tmp_path / "report.json"
    code = main(["check", str(module(tmp_path, above=above)), "--output", str(report)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"nhilint: error: {error}")
    assert len(err.splitlines()) == 1
    assert not report.exists()  # nothing is written


def test_comments_that_mention_nhilint_elsewhere_are_not_directives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    above = "# run nhilint: ignore[NHI001] is how you would accept it"
    code, report, _ = check(capsys, module(tmp_path, above=above))
    assert (code, rules_of(report["findings"]), report["diagnostics"]) == (1, CORE, [])


def test_a_reason_is_required_when_the_config_says_so(tmp_path: Path) -> None:
    path = module(tmp_path, above="# nhilint: ignore[NHI001]")
    settings = Settings(require_suppression_reason=True)
    result = scan([path], Options(settings=settings))
    (error,) = result.errors
    assert (error.path, error.line) == ("infra/main.tf", 5)
    assert error.message == (
        "suppression without a reason (require-suppression-reason is on): "
        "add '-- why' after ignore[NHI001]"
    )
    with_reason = module(tmp_path, above="# nhilint: ignore[NHI001] -- accepted in RISK-7")
    assert not scan([with_reason], Options(settings=settings)).errors


def test_show_suppressed_lists_them_in_text_and_they_are_always_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = module(tmp_path, above="# nhilint: ignore[NHI001] -- accepted in RISK-7")
    main(["check", str(path)])
    plain = capsys.readouterr().out
    assert "NHI001" not in plain
    last = plain.splitlines()[-1]
    assert last.endswith("; 1 suppressed (1 inline); --show-suppressed lists them")
    main(["check", str(path), "--show-suppressed"])
    shown = capsys.readouterr().out.splitlines()
    assert "suppressed:" in shown
    (line,) = [s for s in shown if "NHI001" in s]
    assert line.startswith("  infra/main.tf:6: critical NHI001 static-secret: automation principal")
    assert line.endswith("[inline infra/main.tf:5: accepted in RISK-7]")
    assert shown[-1].endswith("; 1 suppressed (1 inline)")


def test_sarif_marks_suppressed_results_with_the_justification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = module(tmp_path, above="# nhilint: ignore[NHI001] -- accepted in RISK-7")
    main(["check", str(path), "--format", "sarif"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    hidden = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in hidden] == ["NHI001"]
    assert hidden[0]["suppressions"] == [{
        "kind": "inSource", "status": "accepted", "justification": "accepted in RISK-7",
        "properties": {"source": "infra/main.tf:5"},
    }]
    shown = {r["ruleId"] for r in results if "suppressions" not in r}
    assert shown == CORE - {"NHI001"} | {"NHI011", "NHI012"}


@pytest.mark.parametrize("fmt", ["gitlab", "github"])
def test_pull_request_annotations_leave_suppressed_findings_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    path = module(tmp_path, above="# nhilint: ignore[NHI001] -- accepted in RISK-7")
    main(["check", str(path), "--format", fmt])
    assert "NHI001" not in capsys.readouterr().out


CONFIG = """\
[[suppress]]
address = "aws_iam_user.deployer"
rules = ["NHI002"]
reason = "owned by the platform team, tagging lands in PLAT-99"

[[suppress]]
address = "aws_iam_user.gone"
rules = ["NHI001"]
reason = "removed last quarter"
"""


def test_config_entries_suppress_by_address_and_stale_ones_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = module(tmp_path)
    (tmp_path / ".nhilint.toml").write_text(CONFIG)
    _, report, _ = check(capsys, path)
    assert rules_of(report["findings"]) == CORE - {"NHI002"}
    (hidden,) = report["suppressed"]
    assert hidden["suppression"] == {
        "kind": "config", "reason": "owned by the platform team, tagging lands in PLAT-99",
        "source": ".nhilint.toml: suppress[1]",
    }
    (unused,) = report["diagnostics"]
    assert unused["code"] == "NHI902"
    assert unused["line"] == 6  # the second [[suppress]] header
    assert "suppression of NHI001 for aws_iam_user.gone suppresses nothing" in unused["message"]


def test_a_stale_config_entry_is_not_reported_when_only_some_files_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module(tmp_path)
    (tmp_path / ".nhilint.toml").write_text(CONFIG)
    _, report, _ = check(capsys, Path("infra/main.tf"))
    assert rules_of(report["suppressed"]) == {"NHI002"}
    assert report["diagnostics"] == []


def test_a_pre_commit_run_on_one_file_reports_neither_findings_nor_unused_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = module(tmp_path)
    (path / "other.tf").write_text(
        '# nhilint: ignore[NHI011] -- nothing here\nresource "aws_s3_bucket" "logs" {}\n'
    )
    _, report, _ = check(capsys, path / "main.tf")
    assert report["diagnostics"] == []
    _, report, _ = check(capsys, path)
    assert [(d["code"], d["path"]) for d in report["diagnostics"]] == [
        ("NHI902", "infra/other.tf")
    ]
