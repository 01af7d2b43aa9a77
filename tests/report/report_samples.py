"""Small scan results for the renderer tests: rules with docs, findings whose text a user (or
an attacker) controls, and diagnostics with and without a line."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.model import Diagnostic, Span
from nhilint.result import ScanResult
from nhilint.rule import Evidence, Finding, Hit, RuleContext, Severity, rule

#: every character a format must escape: table and HTML markup, %, CR/LF, commas and colons
HOSTILE = "a|b <script>alert(1)</script> 100% done\r\nnext line, with: colons & *stars*"


@rule("NHI001", "static-secret", Severity.CRITICAL, message="m",
      references=("OWASP-NHI7:2025", "OWASP-NHI2:2025"))
def secret(context: RuleContext) -> Iterator[Hit]:
    """An automation principal holds a static secret.

    ## What it does
    Finds keys.

    ## Use instead
    Federate into a role.
    """
    yield from ()


@rule("NHI004", "no-expiry", Severity.MEDIUM, message="m", references=("OWASP-NHI7:2025",))
def expiry(context: RuleContext) -> Iterator[Hit]:
    """A grant never expires."""
    yield from ()


@rule("ABC123", "custom-pack-rule", Severity.LOW, message="m", references=("CWE-798",))
def custom(context: RuleContext) -> Iterator[Hit]:
    """A rule from a third-party pack, unknown to nhilint."""
    yield from ()


@rule("NHI901", "indeterminate", Severity.INFO, message="m")
def unknown(context: RuleContext) -> Iterator[Hit]:
    """A value is not known before deploy."""
    yield from ()


RULES = (secret, expiry, custom, unknown)
NAMES = {r.id: (r.name, r.severity) for r in RULES}
KEY = Evidence("aws_iam_access_key.ci", Span("main.tf", 13, 15), "persistent access key")


def finding(
    rule_id: str = "NHI001", *, message: str = "holds a key", path: str = "main.tf",
    line: int | None = 8, end_line: int | None = 11, severity: Severity | None = None,
    resource: str = "aws_iam_user.ci", evidence: tuple[Evidence, ...] = (KEY,), fix: str = "",
    fingerprint: str = "",
) -> Finding:
    name, default = NAMES[rule_id]
    return Finding(
        rule=rule_id, name=name, severity=severity if severity is not None else default,
        message=message, span=Span(path, line, end_line), resource=resource,  # type: ignore[arg-type]
        resources=(resource, *(e.resource for e in evidence)), evidence=evidence,
        fingerprint=fingerprint or f"{rule_id}-{resource}-{path}".lower(), fix=fix,
    )


def diagnostic(code: str, path: str, line: int | None, message: str) -> Diagnostic:
    return Diagnostic(code, path, line, message)  # type: ignore[arg-type]


UNREADABLE = diagnostic("NHI900", "broken.tf", 3, "unexpected '}'")
UNUSED = diagnostic("NHI902", "main.tf", None, "ignore[NHI004] suppresses nothing")


def result(*findings: Finding, diagnostics: tuple[Diagnostic, ...] = ()) -> ScanResult:
    return ScanResult(findings, diagnostics, RULES, files=2, resources=3, principals=1)
