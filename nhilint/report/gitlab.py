"""``--format gitlab``: a GitLab Code Quality report (``artifacts: reports: codequality``).

A JSON array with one issue per finding: ``description`` (rule, name and message),
``check_name`` (the rule id), ``fingerprint`` (the finding's, stable across line moves),
``severity`` in GitLab's vocabulary and ``location`` (the path with POSIX separators, and the
first line).  Problems reading an input are issues too, named by their code (``major`` when an
input could not be read, ``minor`` otherwise), so a file nhilint could not check shows in the
merge request.  GitLab needs a line, so a finding or diagnostic without one points at line 1.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from nhilint.model import Diagnostic
from nhilint.report.levels import is_error
from nhilint.result import ScanResult
from nhilint.rule import Finding, Severity

_SEVERITY = {
    Severity.INFO: "info",
    Severity.LOW: "minor",
    Severity.MEDIUM: "major",
    Severity.HIGH: "critical",
    Severity.CRITICAL: "blocker",
}

Json = dict[str, Any]


def as_list(result: ScanResult) -> list[Json]:
    return [_finding(f) for f in result.findings] + [_diagnostic(d) for d in result.diagnostics]


def render(result: ScanResult) -> str:
    return json.dumps(as_list(result), indent=2, ensure_ascii=False) + "\n"


def _finding(finding: Finding) -> Json:
    return {
        "description": f"{finding.rule} {finding.name}: {finding.message}",
        "check_name": finding.rule,
        "fingerprint": finding.fingerprint,
        "severity": _SEVERITY[finding.severity],
        "location": _location(finding.span.path, finding.span.line),
    }


def _diagnostic(diagnostic: Diagnostic) -> Json:
    return {
        "description": f"{diagnostic.code}: {diagnostic.message}",
        "check_name": diagnostic.code,
        "fingerprint": _fingerprint(diagnostic),
        "severity": "major" if is_error(diagnostic) else "minor",
        "location": _location(diagnostic.path, diagnostic.line),
    }


def _fingerprint(diagnostic: Diagnostic) -> str:
    """A hash of the code, path and message (no line, like findings' fingerprints)."""
    identity = "\0".join((diagnostic.code, diagnostic.path, diagnostic.message))
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def _location(path: str, line: int | None) -> Json:
    return {"path": Path(path).as_posix(), "lines": {"begin": line if line is not None else 1}}
