"""GitHub workflow commands: one annotation per line, escaped as the runner unescapes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_samples import HOSTILE, UNREADABLE, UNUSED, finding, result

from nhilint.cli import main
from nhilint.report import github
from nhilint.rule import Severity

COMMAND = re.compile(r"^::(?P<name>\w+)(?: (?P<properties>[^:]*))?::(?P<message>.*)$")


def unescape(text: str) -> str:
    """What the runner does to a value (the reverse of the documented escaping)."""
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    found = COMMAND.match(line)
    assert found, line
    pairs = (p.split("=", 1) for p in (found["properties"] or "").split(",") if p)
    properties = {key: unescape(value) for key, value in pairs}
    return found["name"], properties, unescape(found["message"])


def test_the_example_annotates_each_finding(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "examples/aws-ci", "--format", "github"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6
    assert lines[0] == (
        "::error file=examples/aws-ci/main.tf,line=8,endLine=11,title=NHI001 static-secret::"
        "automation principal aws_iam_user.ci can alter identity (iam:* on *) and holds a "
        "static access key aws_iam_access_key.ci"
    )
    assert [parse(line)[0] for line in lines] == [
        "error", "error", "error", "warning", "error", "error"]


@pytest.mark.parametrize(("severity", "command"), [
    (Severity.CRITICAL, "error"), (Severity.HIGH, "error"), (Severity.MEDIUM, "warning"),
    (Severity.LOW, "notice"), (Severity.INFO, "notice"),
])
def test_the_command_follows_the_severity(severity: Severity, command: str) -> None:
    assert github.render(result(finding(severity=severity))).startswith(f"::{command} ")


def test_messages_and_properties_are_escaped() -> None:
    hostile = finding(message=HOSTILE, path="dir, with: 100%/main.tf")
    (line,) = github.render(result(hostile)).splitlines()  # one line, whatever the message
    assert "%0D%0Anext line, with: colons" in line  # data keeps , and :
    assert "file=dir%2C with%3A 100%25/main.tf," in line
    name, properties, message = parse(line)
    assert name == "error"
    assert properties == {
        "file": "dir, with: 100%/main.tf", "line": "8", "endLine": "11",
        "title": "NHI001 static-secret",
    }
    assert message == HOSTILE


def test_a_finding_without_a_line_names_its_file_only() -> None:
    (line,) = github.render(result(finding(line=None, end_line=None))).splitlines()
    assert line == "::error file=main.tf,title=NHI001 static-secret::holds a key"


def test_diagnostics_are_warnings_titled_by_their_code() -> None:
    assert github.render(result(diagnostics=(UNREADABLE, UNUSED))).splitlines() == [
        "::warning file=broken.tf,line=3,title=NHI900::unexpected '}'",
        "::warning file=main.tf,title=NHI902::ignore[NHI004] suppresses nothing",
    ]


def test_nothing_to_report_prints_nothing() -> None:
    assert github.render(result()) == ""
