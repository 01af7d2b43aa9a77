"""What the machine-readable formats share: severity levels and which diagnostics are errors.

Every format that knows three levels (SARIF, GitHub annotations) maps severities the same way:
critical and high are errors, medium a warning, low and info a note.  A diagnostic is an error
when an input could not be read (NHI900); any other code (an unused suppression, …) is a
warning, so codes added later render without a change here.
"""

from __future__ import annotations

from nhilint.model import Diagnostic
from nhilint.rule import Severity

#: the diagnostic code of an input that could not be read
UNREADABLE = "NHI900"

_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def level(severity: Severity) -> str:
    """``error``, ``warning`` or ``note``."""
    return _LEVELS[severity]


def is_error(diagnostic: Diagnostic) -> bool:
    """Whether the diagnostic means part of the input was not checked."""
    return diagnostic.code == UNREADABLE


def flat(text: str) -> str:
    """``text`` on one line: every run of whitespace (newlines too) becomes one space."""
    return " ".join(text.split())
