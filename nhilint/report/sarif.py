"""``--format sarif``: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

One run.  ``tool.driver.rules`` holds one reporting descriptor per rule of the scan (its
metadata comes from the rule registry, so rules added later need nothing here), with the
rule's documentation as help and a ``security-severity`` GitHub ranks alerts by.  Each finding
is a result at its file and lines, its evidence chain as related locations and its fingerprint
as ``partialFingerprints`` (stable across line moves, so alerts survive edits).  Problems
reading an input are tool execution notifications; an input that could not be read (NHI900)
makes the invocation unsuccessful.  Suppressed findings are results too, with a SARIF
``suppressions`` entry (``inSource`` for a comment, ``external`` for a config entry or the
baseline, the reason as justification), so viewers show them as dismissed, not as fixed.

Paths are relative to the working directory and are given relative to ``%SRCROOT%`` (the
checkout, where CI runs nhilint), with POSIX separators; an absolute path becomes a ``file:``
URI.  Only the messages the rules made are printed, never a resource's attributes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nhilint import __version__
from nhilint.model import Diagnostic, Span
from nhilint.report.levels import flat, is_error, level
from nhilint.result import ScanResult
from nhilint.rule import Evidence, Finding, Rule, Severity
from nhilint.suppress import Suppressed

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
#: the key of a finding's fingerprint in ``partialFingerprints``
FINGERPRINT_KEY = "nhilint/v1"

#: GitHub's ``security-severity`` scale (critical above 9.0, high 7.0-8.9, …); info has none
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}

Json = dict[str, Any]


def as_dict(result: ScanResult) -> Json:
    index = {rule.id: i for i, rule in enumerate(result.rules)}
    run: Json = {
        "tool": {"driver": _driver(result.rules)},
        "invocations": [_invocation(result.diagnostics)],
        "results": [_result(f, index.get(f.rule)) for f in result.findings]
        + [_suppressed(s, index.get(s.finding.rule)) for s in result.suppressed],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: ScanResult) -> str:
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"


def _driver(rules: tuple[Rule, ...]) -> Json:
    return {
        "name": "nhilint",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_descriptor(rule) for rule in rules],
    }


def _descriptor(rule: Rule) -> Json:
    properties: Json = {"tags": _tags(rule.references)}
    if rule.severity in _SECURITY_SEVERITY:
        properties["security-severity"] = _SECURITY_SEVERITY[rule.severity]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": _full_description(rule)},
        "help": {"text": rule.doc or rule.name, "markdown": rule.doc or rule.name},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": properties,
    }


def _full_description(rule: Rule) -> str:
    """The summary and the doc's "What it does" section, on one line."""
    section = rule.doc.partition("## What it does")[2].split("\n## ", 1)[0]
    return flat(f"{rule.summary} {section}") or rule.name


def _tags(references: tuple[str, ...]) -> list[str]:
    """``security``, then the references (``OWASP-NHI7:2025``; a CWE as GitHub spells it)."""
    return list(dict.fromkeys(["security", *map(_tag, references)]))


def _tag(reference: str) -> str:
    if reference.upper().startswith("CWE-"):
        return f"external/cwe/cwe-{reference[4:]}"
    return reference


def _result(finding: Finding, rule_index: int | None) -> Json:
    found: Json = {"ruleId": finding.rule}
    if rule_index is not None:
        found["ruleIndex"] = rule_index
    found |= {
        "level": level(finding.severity),
        "message": {"text": finding.message},
        "locations": [_location(finding.span, finding.resource)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.evidence:
        found["relatedLocations"] = [_related(i, e) for i, e in enumerate(finding.evidence)]
    properties = {"cause": finding.cause.cause.value} if finding.cause is not None else {}
    if finding.condition:
        properties["condition"] = finding.condition
    if properties:
        found["properties"] = properties
    return found


def _suppressed(hidden: Suppressed, rule_index: int | None) -> Json:
    why = hidden.suppression
    entry: Json = {
        "kind": "inSource" if why.kind == "inline" else "external",
        "status": "accepted",
        "justification": why.reason or f"suppressed ({why.kind}: {why.source})",
    }
    if why.kind != "baseline":
        entry["properties"] = {"source": why.source}
    return _result(hidden.finding, rule_index) | {"suppressions": [entry]}


def _related(number: int, evidence: Evidence) -> Json:
    return {
        "id": number,
        **_location(evidence.span, evidence.resource),
        "message": {"text": evidence.detail},
    }


def _location(span: Span, resource: str = "") -> Json:
    """The file and lines (no region without a line), and the resource as a logical location."""
    physical: Json = {"artifactLocation": _artifact(span.path)}
    if span.line is not None:
        physical["region"] = {"startLine": span.line}
        if span.end_line is not None and span.end_line >= span.line:
            physical["region"]["endLine"] = span.end_line
    location: Json = {"physicalLocation": physical}
    if resource:
        location["logicalLocations"] = [{"fullyQualifiedName": resource, "kind": "resource"}]
    return location


def _artifact(path: str) -> Json:
    where = Path(path)
    if where.is_absolute():
        return {"uri": where.as_uri()}
    return {"uri": quote(where.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _invocation(diagnostics: tuple[Diagnostic, ...]) -> Json:
    return {
        "executionSuccessful": not any(is_error(d) for d in diagnostics),
        "toolExecutionNotifications": [_notification(d) for d in diagnostics],
    }


def _notification(diagnostic: Diagnostic) -> Json:
    return {
        "descriptor": {"id": diagnostic.code},
        "level": "error" if is_error(diagnostic) else "warning",
        "message": {"text": diagnostic.message},
        "locations": [_location(Span(diagnostic.path, diagnostic.line, None))],
    }
