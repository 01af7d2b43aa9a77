"""JUnit XML as a CI test-report view reads it, parsed back with ElementTree."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from report_samples import HOSTILE, UNREADABLE, UNUSED, finding, result

from nhilint.cli import main
from nhilint.report import junit
from nhilint.rule import Severity


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text)


def counts(element: ET.Element) -> tuple[str | None, ...]:
    return tuple(element.get(k) for k in ("tests", "failures", "errors"))


def test_the_example_is_one_suite_per_file_one_failing_case_per_finding(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "examples/aws-ci", "--format", "junit"])
    root = parse(capsys.readouterr().out)
    assert root.tag == "testsuites"
    assert counts(root) == ("6", "6", "0")
    main_tf, policy_tf = root
    assert (main_tf.get("name"), counts(main_tf)) == ("examples/aws-ci/main.tf", ("5", "5", "0"))
    assert [c.get("name") for c in policy_tf] == ["NHI011 aws_iam_user_policy.ci"]
    case = main_tf[0]
    assert (case.get("name"), case.get("classname")) == (
        "NHI001 aws_iam_user.ci", "examples/aws-ci/main.tf"
    )
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "critical"
    assert failure.get("message") == (
        "automation principal aws_iam_user.ci can alter identity (iam:* on *) and holds a "
        "static access key aws_iam_access_key.ci"
    )
    text = (failure.text or "").splitlines()
    assert text[0] == "critical NHI001 static-secret at examples/aws-ci/main.tf:8"
    assert "- examples/aws-ci/main.tf:13 aws_iam_access_key.ci: persistent access key" in text
    assert text[-1].startswith("fix: let the automation federate into a role")


def test_markup_and_control_characters_survive_the_round_trip() -> None:
    hostile = finding(
        message=HOSTILE + "\x1b[31m", path="a&b/<main>.tf", resource='aws_iam_user.ci["x"]',
        severity=Severity.LOW,
    )
    (suite,) = parse(junit.render(result(hostile)))
    (case,) = suite
    assert suite.get("name") == case.get("classname") == "a&b/<main>.tf"
    assert case.get("name") == 'NHI001 aws_iam_user.ci["x"]'
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == HOSTILE + "\ufffd[31m"  # ESC cannot be in XML 1.0
    assert failure.get("type") == "low"
    assert HOSTILE.replace("\r\n", "\n") in (failure.text or "")


def test_a_finding_without_a_line_names_its_file() -> None:
    (suite,) = parse(junit.render(result(finding(line=None, end_line=None))))
    failure = suite[0].find("failure")
    assert failure is not None
    assert (failure.text or "").startswith("critical NHI001 static-secret at main.tf\n")


def test_nothing_to_report_is_one_passing_case() -> None:
    root = parse(junit.render(result()))
    assert counts(root) == ("1", "0", "0")
    (suite,) = root
    (case,) = suite
    assert (suite.get("name"), case.get("name"), list(case)) == ("nhilint", "no findings", [])


def test_an_unreadable_input_is_an_error_other_diagnostics_pass_with_their_message() -> None:
    root = parse(junit.render(result(finding(), diagnostics=(UNREADABLE, UNUSED))))
    assert counts(root) == ("3", "1", "1")
    main_tf, broken = root
    assert broken.get("name") == "broken.tf"
    (case,) = broken
    error = case.find("error")
    assert case.get("name") == "NHI900"
    assert error is not None
    assert (error.get("type"), error.get("message")) == ("NHI900", "broken.tf:3: unexpected '}'")
    unused = main_tf[1]
    assert unused.get("name") == "NHI902"
    assert unused.find("failure") is None and unused.find("error") is None
    assert unused.findtext("system-out") == "main.tf: ignore[NHI004] suppresses nothing"
