"""``--format text`` (default): grouped by file, with the code line, the evidence and the fix."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from nhilint.result import ScanResult
from nhilint.rule import Finding, Rule

LineReader = Callable[[str, int], str]


def read_line(path: str, line: int) -> str:
    """The source line (1-based), or ``""`` when the file cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return next(itertools.islice(handle, line - 1, None), "").rstrip("\n")
    except OSError:
        return ""


def render(result: ScanResult, read: LineReader = read_line) -> str:
    lines: list[str] = []
    for path, group in itertools.groupby(result.findings, key=lambda f: f.span.path):
        lines.append(path)
        for finding in group:
            lines += _finding(finding, result.rule(finding.rule), read)
        lines.append("")
    lines += [f"{d.path}:{d.line}: {d.code} {d.message}" for d in result.diagnostics]
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


def _finding(finding: Finding, rule: Rule | None, read: LineReader) -> Iterator[str]:
    span, severity = finding.span, finding.severity.label
    yield f"  {span.line}: {severity} {finding.rule} {finding.name}: {finding.message}"
    code = read(span.path, span.line).strip()
    if code:
        yield f"    | {code}"
    for item in finding.evidence:
        yield f"    - {item.span.path}:{item.span.line} {item.resource}: {item.detail}"
    fix = fix_hint(rule) if rule else ""
    if fix:
        yield f"    fix: {fix}"


def fix_hint(rule: Rule) -> str:
    """The first sentence of the rule doc's "Use instead" section."""
    found = re.search(r"## Use instead\n(.*?)(?:```|\n\n|$)", rule.doc, re.S)
    return " ".join(found.group(1).split()).rstrip(":") if found else ""


def _summary(result: ScanResult) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in result.counts().items() if n)
    return (
        f"{len(result.findings)} finding(s){' (' + counts + ')' if counts else ''} in "
        f"{result.files} file(s), {result.resources} resource(s), {result.principals} principal(s)"
    )
