"""The GitLab Code Quality report as the merge-request widget reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from report_samples import HOSTILE, UNREADABLE, UNUSED, finding, result

from nhilint.cli import main
from nhilint.report import gitlab
from nhilint.rule import Severity

FIELDS = {"description", "check_name", "fingerprint", "severity", "location"}


def cli(capsys: pytest.CaptureFixture[str], fmt: str) -> Any:
    main(["check", "examples/aws-ci", "--format", fmt])
    return json.loads(capsys.readouterr().out)


def render(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return json.loads(gitlab.render(result(*args, **kwargs)))  # type: ignore[no-any-return]


def test_the_example_has_one_issue_per_finding(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issues = cli(capsys, "gitlab")
    findings = cli(capsys, "json")["findings"]
    assert all(set(issue) == FIELDS for issue in issues)
    assert [
        (i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"], i["fingerprint"])
        for i in issues
    ] == [(f["rule"], f["path"], f["line"], f["fingerprint"]) for f in findings]
    assert issues[0]["severity"] == "blocker"
    assert issues[0]["description"] == (
        "NHI001 static-secret: automation principal aws_iam_user.ci can alter identity "
        "(iam:* on *) and holds a static access key aws_iam_access_key.ci"
    )
    assert len({i["fingerprint"] for i in issues}) == len(issues)


@pytest.mark.parametrize(("severity", "gitlab_severity"), [
    (Severity.INFO, "info"), (Severity.LOW, "minor"), (Severity.MEDIUM, "major"),
    (Severity.HIGH, "critical"), (Severity.CRITICAL, "blocker"),
])
def test_severity_in_gitlab_s_words(severity: Severity, gitlab_severity: str) -> None:
    (issue,) = render(finding(severity=severity))
    assert issue["severity"] == gitlab_severity


def test_text_is_kept_and_a_missing_line_is_line_1() -> None:
    (issue,) = render(finding(message=HOSTILE, line=None, end_line=None))
    assert issue["description"] == f"NHI001 static-secret: {HOSTILE}"
    assert issue["location"] == {"path": "main.tf", "lines": {"begin": 1}}


def test_diagnostics_are_issues_named_by_their_code() -> None:
    broken, unused = render(diagnostics=(UNREADABLE, UNUSED))
    assert broken == {
        "description": "NHI900: unexpected '}'", "check_name": "NHI900",
        "fingerprint": broken["fingerprint"], "severity": "major",
        "location": {"path": "broken.tf", "lines": {"begin": 3}},
    }
    assert (unused["check_name"], unused["severity"]) == ("NHI902", "minor")
    assert unused["location"]["lines"] == {"begin": 1}
    assert broken["fingerprint"] != unused["fingerprint"]
    assert render(diagnostics=(UNREADABLE,))[0]["fingerprint"] == broken["fingerprint"]


def test_nothing_to_report_is_an_empty_array() -> None:
    assert gitlab.render(result()) == "[]\n"
