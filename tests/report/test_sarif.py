"""SARIF as GitHub code scanning reads it: valid against the official 2.1.0 schema, rule
metadata from the registry, results that match the JSON report, notifications for inputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema.validators import validator_for
from report_samples import HOSTILE, RULES, UNREADABLE, UNUSED, finding, result

from nhilint import __version__
from nhilint.cli import main
from nhilint.model import Span
from nhilint.report import sarif
from nhilint.rule import Evidence, Severity

SCHEMA = Path(__file__).resolve().parent.parent / "assets" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = validator_for(schema, default=None)
    assert cls is not None, "the schema names a JSON Schema draft jsonschema knows"
    cls.check_schema(schema)
    return cls(schema)


def render(validator: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sarif.render(result(*args, **kwargs)))
    validator.validate(data)
    return data


def run(data: dict[str, Any]) -> dict[str, Any]:
    (only,) = data["runs"]
    return only  # type: ignore[no-any-return]


def cli(capsys: pytest.CaptureFixture[str], fmt: str) -> Any:
    main(["check", "examples/aws-ci", "--format", fmt])
    return json.loads(capsys.readouterr().out)


def test_the_example_is_valid_sarif_with_the_json_report_s_results(
    in_repo: Path, capsys: pytest.CaptureFixture[str], validator: Any
) -> None:
    report = cli(capsys, "sarif")
    validator.validate(report)
    results = run(report)["results"]
    seen = {
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["partialFingerprints"]["nhilint/v1"],
        )
        for r in results
    }
    expected = {
        (f["rule"], f["path"], f["line"], f["fingerprint"]) for f in cli(capsys, "json")["findings"]
    }
    assert seen == expected
    assert len(results) == len(expected) == 6


def test_validation_really_runs(validator: Any) -> None:
    good = render(validator, finding())
    first = run(good)["results"][0]
    broken = [
        {**good, "version": "2.0.0"},
        {**good, "runs": [{"tool": {}}]},  # no driver
        {**good, "runs": [{**run(good), "results": [{"ruleId": "NHI001"}]}]},  # no message
        {**good, "runs": [{**run(good), "results": [{**first, "level": "fatal"}]}]},
    ]
    for document in broken:
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(document)


def test_one_descriptor_per_rule_of_the_registry(validator: Any) -> None:
    driver = run(render(validator))["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("nhilint", __version__)
    rules = {d["id"]: d for d in driver["rules"]}
    assert list(rules) == [r.id for r in RULES]
    static = rules["NHI001"]
    assert static["name"] == "static-secret"
    assert static["shortDescription"]["text"] == "An automation principal holds a static secret."
    assert static["fullDescription"]["text"] == (
        "An automation principal holds a static secret. Finds keys."
    )
    assert static["help"]["markdown"] == RULES[0].doc
    assert static["help"]["text"] == RULES[0].doc
    assert static["defaultConfiguration"]["level"] == "error"
    assert static["properties"] == {
        "tags": ["security", "OWASP-NHI7:2025", "OWASP-NHI2:2025"], "security-severity": "9.5",
    }
    # a rule nhilint does not know flows through; a CWE becomes GitHub's tag
    assert rules["ABC123"]["properties"] == {
        "tags": ["security", "external/cwe/cwe-798"], "security-severity": "3.0",
    }
    assert rules["NHI004"]["defaultConfiguration"]["level"] == "warning"
    assert rules["NHI004"]["properties"]["security-severity"] == "5.5"
    assert "security-severity" not in rules["NHI901"]["properties"]  # info: no security rank
    assert rules["NHI901"]["defaultConfiguration"]["level"] == "note"


@pytest.mark.parametrize(("severity", "level"), [
    (Severity.CRITICAL, "error"), (Severity.HIGH, "error"), (Severity.MEDIUM, "warning"),
    (Severity.LOW, "note"), (Severity.INFO, "note"),
])
def test_a_result_s_level_follows_the_finding_s_severity(
    validator: Any, severity: Severity, level: str
) -> None:
    (found,) = run(render(validator, finding(severity=severity)))["results"]
    assert found["level"] == level


def test_a_result_points_at_its_file_lines_resource_and_evidence(validator: Any) -> None:
    hostile = finding(
        "NHI004", message=HOSTILE, path="infra dir/ci.tf", resource='aws_iam_user.ci["a b"]',
        evidence=(Evidence("aws_iam_access_key.ci", Span("infra dir/keys.tf", None, None), "key"),
                  Evidence("aws_iam_user_policy.ci", Span("ci.tf", 17, 20), "iam:* on *")),
    )
    (found,) = run(render(validator, hostile))["results"]
    assert (found["ruleId"], found["ruleIndex"]) == ("NHI004", 1)
    assert found["message"]["text"] == HOSTILE  # JSON escapes it; the text is kept
    (location,) = found["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "infra%20dir/ci.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 8, "endLine": 11},
    }
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": 'aws_iam_user.ci["a b"]', "kind": "resource"}
    ]
    assert found["partialFingerprints"] == {"nhilint/v1": hostile.fingerprint}
    key, policy = found["relatedLocations"]
    assert "region" not in key["physicalLocation"]  # no line, no region
    assert key["message"]["text"] == "key"
    assert policy["physicalLocation"]["region"] == {"startLine": 17, "endLine": 20}
    assert policy["message"]["text"] == "iam:* on *"
    assert key["id"] != policy["id"]


def test_a_finding_without_a_line_has_no_region(validator: Any) -> None:
    (found,) = run(render(validator, finding(line=None, end_line=None)))["results"]
    assert "region" not in found["locations"][0]["physicalLocation"]


def test_an_absolute_path_is_a_file_uri(validator: Any, tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    (found,) = run(render(validator, finding(path=str(path))))["results"]
    assert found["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": path.as_uri()}


def test_diagnostics_are_notifications_and_an_unreadable_input_fails_the_run(
    validator: Any,
) -> None:
    (invocation,) = run(render(validator, diagnostics=(UNREADABLE, UNUSED)))["invocations"]
    assert invocation["executionSuccessful"] is False
    broken, unused = invocation["toolExecutionNotifications"]
    assert broken["descriptor"] == {"id": "NHI900"}
    assert broken["level"] == "error"
    assert broken["message"]["text"] == "unexpected '}'"
    assert broken["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "broken.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3},
    }
    assert (unused["descriptor"]["id"], unused["level"]) == ("NHI902", "warning")
    assert "region" not in unused["locations"][0]["physicalLocation"]


def test_a_warning_alone_does_not_fail_the_run(validator: Any) -> None:
    (invocation,) = run(render(validator, diagnostics=(UNUSED,)))["invocations"]
    assert invocation["executionSuccessful"] is True
    (clean,) = run(render(validator))["invocations"]
    assert clean == {"executionSuccessful": True, "toolExecutionNotifications": []}
