"""The JSON report: each finding's fix, and spans without a line, valid against the schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

import jsonschema
import pytest

from nhilint.cli import main
from nhilint.model import Diagnostic, Span
from nhilint.report import json_report
from nhilint.result import ScanResult
from nhilint.rule import Evidence, Finding, Hit, RuleContext, Severity, rule


@rule("NHI001", "static-secret", Severity.CRITICAL, message="m")
def secret(context: RuleContext) -> Iterator[Hit]:
    """Static secret.

    ## Use instead

    Federate into a role.
    """
    yield from ()


def schema() -> dict[str, Any]:
    text = resources.files("nhilint.report").joinpath("schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def finding(line: int | None = 8, fix: str = "", rule_id: str = "NHI001") -> Finding:
    return Finding(
        rule=rule_id, name="static-secret", severity=Severity.CRITICAL, message="holds a key",
        span=Span("main.tf", line, line), resource="aws_iam_user.ci",  # type: ignore[arg-type]
        resources=("aws_iam_user.ci",),
        evidence=(Evidence("aws_iam_access_key.ci", Span("main.tf", line, line), "key"),),  # type: ignore[arg-type]
        fingerprint="0" * 32, fix=fix,
    )


def report(*findings: Finding, diagnostics: tuple[Diagnostic, ...] = ()) -> dict[str, Any]:
    result = ScanResult(findings, diagnostics, (secret,), files=1, resources=2, principals=1)
    data: dict[str, Any] = json.loads(json_report.render(result))
    jsonschema.validate(data, schema())
    return data


def test_a_finding_carries_its_fix_or_its_rule_s() -> None:
    own, general, none = report(
        finding(fix="Let CI federate"), finding(), finding(rule_id="NHI002")
    )["findings"]
    assert own["fix"] == "Let CI federate"
    assert general["fix"] == "Federate into a role."  # from the rule doc's "Use instead"
    assert "fix" not in none  # no fix known: the key is left out


def test_spans_without_a_line_are_null() -> None:
    data = report(
        finding(line=None),
        diagnostics=(Diagnostic("NHI900", "plan.json", None, "unreadable"),),  # type: ignore[arg-type]
    )
    (found,) = data["findings"]
    assert (found["line"], found["end_line"], found["evidence"][0]["line"]) == (None, None, None)
    assert data["diagnostics"] == [
        {"code": "NHI900", "path": "plan.json", "line": None, "message": "unreadable"}
    ]


def test_the_schema_still_rejects_a_bad_line_or_an_empty_fix() -> None:
    good = report(finding(fix="Let CI federate"))
    for field, bad in (("line", 0), ("line", "8"), ("fix", "")):
        broken = {**good, "findings": [{**good["findings"][0], field: bad}]}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema())


def test_every_example_finding_has_a_fix(
    in_repo: object, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "examples/aws-ci", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, schema())
    assert all(f["fix"].strip() for f in data["findings"])
