"""``--format json``: the stable report contract (``nhilint/report/v1``, DESIGN §4)."""

from __future__ import annotations

import json
from typing import Any

from nhilint import __version__
from nhilint.report.fixes import fix_for
from nhilint.result import ScanResult
from nhilint.rule import Finding, Rule
from nhilint.suppress import Suppressed

SCHEMA_ID = "nhilint/report/v1"


def as_dict(result: ScanResult) -> dict[str, Any]:
    """The report; suppressed findings are always listed (with how and why), and the baseline
    file and its fixed entries when a baseline was used."""
    report: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "tool": {"name": "nhilint", "version": __version__},
        "findings": [_finding(f, result.rule(f.rule)) for f in result.findings],
        "suppressed": [_suppressed(s, result.rule(s.finding.rule)) for s in result.suppressed],
        "diagnostics": [d._asdict() for d in result.diagnostics],
        "summary": {
            "files": result.files,
            "resources": result.resources,
            "principals": result.principals,
            "findings": result.counts(),
            "suppressed": result.suppressed_counts(),
        },
    }
    if result.baseline:
        report["baseline"] = {
            "file": result.baseline,
            "fixed": [
                {"rule": e.rule, "resource": e.resource, "module": e.module, "path": e.path,
                 "fingerprint": e.fingerprint}
                for e in result.fixed
            ],
        }
    return report


def _suppressed(hidden: Suppressed, rule: Rule | None) -> dict[str, Any]:
    return _finding(hidden.finding, rule) | {"suppression": hidden.suppression._asdict()}


def _finding(finding: Finding, rule: Rule | None) -> dict[str, Any]:
    fix = fix_for(finding, rule)
    return {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.label,
        "message": finding.message,
        "path": finding.span.path,
        "line": finding.span.line,
        "end_line": finding.span.end_line,
        "resource": finding.resource,
        "resources": list(finding.resources),
        "evidence": [
            {"resource": e.resource, "path": e.span.path, "line": e.span.line, "detail": e.detail}
            for e in finding.evidence
        ],
        "fingerprint": finding.fingerprint,
        "references": list(finding.references),
        **({"fix": fix} if fix else {}),
        **({"cause": finding.cause.cause.value} if finding.cause is not None else {}),
        **({"condition": finding.condition} if finding.condition else {}),
        **({"urn": finding.origin} if finding.origin else {}),
    }


def render(result: ScanResult) -> str:
    return json.dumps(as_dict(result), indent=2) + "\n"
