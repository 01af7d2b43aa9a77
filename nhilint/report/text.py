"""``--format text`` (default): by file, then by principal, with its code line, one evidence
chain, each finding on one line, and the fixes.

Every line of the output is one line: messages, evidence, code and fixes are flattened (runs of
whitespace become one space) and cut at :data:`LONGEST` characters (fixes, our own text, at
twice that).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from nhilint.report.fixes import fix_for, fix_hint
from nhilint.result import ScanResult
from nhilint.rule import Evidence, Finding, cause_note

__all__ = [
    "LONGEST", "Group", "concealed", "fix_hint", "groups", "one_line", "read_line", "render",
    "suppressed_note",
]

LineReader = Callable[[str, int], str]
#: the longest message, evidence detail or code line shown, in characters
LONGEST = 200


def read_line(path: str, line: int) -> str:
    """The source line (1-based), or ``""`` when the file cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return next(itertools.islice(handle, line - 1, None), "").rstrip("\n")
    except OSError:
        return ""


def one_line(text: str, limit: int = LONGEST) -> str:
    """``text`` on one line: whitespace runs become one space; cut with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class Group(NamedTuple):
    """The findings of one file about one principal (or, failing that, one resource)."""

    name: str
    findings: tuple[Finding, ...]

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """Every finding's evidence, in order, each once."""
        return tuple(dict.fromkeys(e for f in self.findings for e in f.evidence))


def groups(findings: Iterable[Finding]) -> list[Group]:
    """Findings grouped by principal (by resource when they name none), in first-seen order."""
    found: dict[str, list[Finding]] = {}
    for finding in findings:
        found.setdefault(finding.principal or finding.resource, []).append(finding)
    return [Group(name, tuple(members)) for name, members in found.items()]


def render(result: ScanResult, read: LineReader = read_line) -> str:
    lines: list[str] = []
    by_file: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_file.setdefault(finding.span.path, []).append(finding)
    hidden = concealed(result)
    for path, findings in by_file.items():
        lines.append(path)
        for group in groups(findings):
            lines += _group(group, result, read, hidden)
        lines.append("")
    lines += [
        f"{_where(d.path, d.line)}: {d.code} {one_line(d.message)}" for d in result.diagnostics
    ]
    lines += _hidden(result)
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


def _hidden(result: ScanResult) -> Iterator[str]:
    """The suppressed findings (when asked for) and what the baseline says is fixed."""
    if result.show_suppressed and result.suppressed:
        yield "suppressed:"
        for hidden in result.suppressed:
            why = hidden.suppression
            where = f"{why.kind} {why.source}" + (f": {one_line(why.reason)}" if why.reason else "")
            yield f"  {hidden.finding.span.path}:{_finding(hidden.finding)} [{where}]"
    if result.baseline:
        yield f"baseline {result.baseline}: {len(result.fixed)} of its finding(s) fixed"
        for entry in result.fixed:
            yield f"  fixed: {entry.rule} {entry.resource} ({entry.path})"


def suppressed_note(result: ScanResult) -> str:
    """``2 suppressed (1 inline, 1 baseline)``, or ``""`` when nothing was."""
    if not result.suppressed:
        return ""
    kinds = ", ".join(f"{n} {kind}" for kind, n in result.suppressed_counts().items() if n)
    return f"{len(result.suppressed)} suppressed ({kinds})"


def concealed(result: ScanResult) -> Callable[[str, int], bool]:
    """Whether a source line holds secret material a finding (shown or suppressed) reported:
    such a line is never quoted."""
    spans = [f.span for f in (*result.findings, *(s.finding for s in result.suppressed))
             if f.conceal and f.span.line is not None]

    def hidden(path: str, line: int) -> bool:
        return any(
            s.path == path and s.line is not None and s.line <= line <= (s.end_line or s.line)
            for s in spans
        )

    return hidden


def _group(
    group: Group, result: ScanResult, read: LineReader, hidden: Callable[[str, int], bool],
) -> Iterator[str]:
    first = group.findings[0].span
    yield f"  {one_line(group.name)}"
    shown = first.line is not None and not hidden(first.path, first.line)
    code = read(first.path, first.line) if first.line is not None and shown else ""
    if code.strip():
        yield f"    | {one_line(code)}"
    for item in group.evidence:
        where = _where(item.span.path, item.span.line)
        yield f"    - {where} {one_line(item.resource)}: {one_line(item.detail)}"
    for finding in group.findings:
        yield "  " + _finding(finding)
    fixes = (fix_for(f, result.rule(f.rule)) for f in group.findings)
    for fix in dict.fromkeys(one_line(fix, 2 * LONGEST) for fix in fixes if fix.strip()):
        yield f"    fix: {fix}"


def _finding(finding: Finding) -> str:
    line = f"{finding.span.line}: " if finding.span.line is not None else ""
    head = f"{line}{finding.severity.label} {finding.rule} {finding.name}"
    if finding.cause is None:
        return f"{head}: {one_line(finding.message)}"
    note = " " + one_line(cause_note(finding.cause), LONGEST // 2)
    return f"{head}: {one_line(finding.body, LONGEST - len(note))}{note}"


def _where(path: str, line: int | None) -> str:
    return path if line is None else f"{path}:{line}"


def _summary(result: ScanResult) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in result.counts().items() if n)
    by_rule = ", ".join(f"{rule} {n}" for rule, n in _by_rule(result.findings))
    hidden = suppressed_note(result)
    if hidden and not result.show_suppressed:
        hidden += "; --show-suppressed lists them"
    return (
        f"{len(result.findings)} finding(s){' (' + counts + ')' if counts else ''} in "
        f"{result.files} file(s), {result.resources} resource(s), {result.principals} "
        f"principal(s){': ' + by_rule if by_rule else ''}{'; ' + hidden if hidden else ''}"
    )


def _by_rule(findings: Sequence[Finding]) -> list[tuple[str, int]]:
    return sorted(Counter(f.rule for f in findings).items())
