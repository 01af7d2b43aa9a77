"""``--format github``: GitHub Actions workflow commands, one annotation per line.

A finding is ``::error``, ``::warning`` or ``::notice`` (its severity's level, as in SARIF:
critical and high are errors, medium a warning, low and info a notice) with its file, lines and
``NHI001 static-secret`` as title; a problem reading an input is a ``::warning`` titled by its
code.  Values are escaped as GitHub's runner unescapes them: ``%``, CR and LF in the message,
and also ``:`` and ``,`` in properties.  GitHub shows a limited number of annotations per step;
SARIF (code scanning) has them all.
"""

from __future__ import annotations

from collections.abc import Mapping

from nhilint.model import Diagnostic
from nhilint.report.levels import level
from nhilint.result import ScanResult
from nhilint.rule import Finding

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}
_DATA = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY = (*_DATA, (":", "%3A"), (",", "%2C"))


def render(result: ScanResult) -> str:
    lines = [_finding(f) for f in result.findings]
    lines += [_diagnostic(d) for d in result.diagnostics]
    return "".join(f"{line}\n" for line in lines)


def _finding(finding: Finding) -> str:
    span = finding.span
    properties = {
        "file": span.path,
        "line": span.line,
        "endLine": span.end_line if span.line is not None else None,
        "title": f"{finding.rule} {finding.name}",
    }
    return command(_COMMAND[level(finding.severity)], properties, finding.message)


def _diagnostic(diagnostic: Diagnostic) -> str:
    properties = {"file": diagnostic.path, "line": diagnostic.line, "title": diagnostic.code}
    return command("warning", properties, diagnostic.message)


def command(name: str, properties: Mapping[str, object], message: str) -> str:
    """``::name key=value,…::message``; properties that are ``None`` are left out."""
    shown = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{name}{' ' if shown else ''}{shown}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """A message as the runner reads it back: ``%``, CR and LF escaped."""
    return _escape(text, _DATA)


def escape_property(text: str) -> str:
    """A property value: as a message, and ``:`` and ``,`` too."""
    return _escape(text, _PROPERTY)


def _escape(text: str, table: tuple[tuple[str, str], ...]) -> str:
    for plain, escaped in table:
        text = text.replace(plain, escaped)
    return text
