"""``--format markdown``: a pull-request comment (GitHub, GitLab, Gitea render it).

A heading, the counts (findings, files, resources, principals) and a table of findings by
severity, then one collapsible ``<details>`` section per
finding: its summary line names the severity, the rule, ``path:line`` and the resource; the
section holds the message, the evidence chain as a list and the fix.  Problems reading an
input are listed last, by code.

Text that comes from the scanned code (messages, paths, addresses) is escaped: HTML (``&``,
``<``, ``>``) everywhere, and Markdown's punctuation in Markdown (the ``<summary>`` line is
HTML, where a backslash would show).  Whitespace runs, newlines too, become one space.
GitHub refuses a comment over 65536 characters, so sections stop before :data:`BUDGET`
characters and a last line says how many findings were left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from nhilint.model import Diagnostic
from nhilint.report.fixes import fix_for
from nhilint.report.levels import flat
from nhilint.result import ScanResult
from nhilint.rule import Evidence, Finding, Rule

#: the most characters of finding sections in one comment
BUDGET = 60_000
#: inline Markdown punctuation, and a block marker (heading, list, quote) starting the text
_INLINE = re.compile(r"([\\`*_\[\]|~])")
_BLOCK = re.compile(r"^(\d+(?=[.)])|(?=[#+=-]))")


def render(result: ScanResult) -> str:
    parts = ["## nhilint", "", *_table(result), ""]
    sections = [_section(f, result.rule(f.rule)) for f in result.findings]
    shown = _within_budget(sections)
    parts += sections[:shown]
    if shown < len(sections):
        parts += [f"{len(sections) - shown} more finding(s) not shown; run nhilint for all.", ""]
    if result.diagnostics:
        parts += ["### Problems reading the input", "", *map(_diagnostic, result.diagnostics), ""]
    parts += _hidden(result)
    return "\n".join(parts)


def _hidden(result: ScanResult) -> Iterator[str]:
    """The suppressed count (and list, when asked for) and what the baseline says is fixed."""
    if result.suppressed:
        kinds = ", ".join(f"{n} {k}" for k, n in result.suppressed_counts().items() if n)
        yield f"{len(result.suppressed)} finding(s) suppressed ({kinds})."
        yield ""
    if result.show_suppressed and result.suppressed:
        yield "<details><summary>Suppressed findings</summary>"
        yield ""
        for hidden in result.suppressed:
            found, why = hidden.finding, hidden.suppression
            line = f":{found.span.line}" if found.span.line is not None else ""
            reason = f": {cell(why.reason)}" if why.reason else ""
            yield (
                f"- {cell(found.rule)} {cell(found.resource)} at "
                f"{cell(found.span.path + line)}, {why.kind} {cell(why.source)}{reason}"
            )
        yield ""
        yield "</details>"
        yield ""
    if result.baseline and result.fixed:
        yield f"Fixed since the baseline ({cell(result.baseline)}):"
        yield ""
        for entry in result.fixed:
            yield f"- {cell(entry.rule)} {cell(entry.resource)} ({cell(entry.path)})"
        yield ""


def _table(result: ScanResult) -> Iterator[str]:
    if not result.findings:
        yield f"No findings in {result.files} file(s)."
        return
    yield (
        f"{len(result.findings)} finding(s) in {result.files} file(s), {result.resources} "
        f"resource(s), {result.principals} principal(s)."
    )
    yield ""
    yield "| severity | findings |"
    yield "|---|---:|"
    for severity, count in result.counts().items():
        yield f"| {cell(severity)} | {count} |"
    yield f"| **total** | **{len(result.findings)}** |"


def _within_budget(sections: list[str]) -> int:
    """How many sections fit in :data:`BUDGET` characters."""
    used = 0
    for shown, section in enumerate(sections):
        used += len(section) + 1
        if used > BUDGET:
            return shown
    return len(sections)


def _section(finding: Finding, rule: Rule | None) -> str:
    lines = [
        "<details>",
        f"<summary>{_summary(finding)}</summary>",
        "",
        md(finding.message),
        "",
    ]
    if finding.evidence:
        lines += ["Evidence:", "", *map(_evidence, finding.evidence), ""]
    fix = fix_for(finding, rule)
    if fix:
        lines += [f"**Fix:** {md(fix)}", ""]
    return "\n".join([*lines, "</details>", ""])


def _summary(finding: Finding) -> str:
    where = _where(finding.span.path, finding.span.line)
    return (
        f"<b>{finding.severity.label}</b> {escape(finding.rule)} {escape(finding.name)}"
        f" · <code>{escape(where)}</code> · <code>{escape(finding.resource)}</code>"
    )


def _evidence(item: Evidence) -> str:
    where = _where(item.span.path, item.span.line)
    return f"- {md(where)} {md(item.resource)}: {md(item.detail)}"


def _diagnostic(diagnostic: Diagnostic) -> str:
    where = _where(diagnostic.path, diagnostic.line)
    return f"- {md(where)}: {md(diagnostic.code)} {md(diagnostic.message)}"


def _where(path: str, line: int | None) -> str:
    return path if line is None else f"{path}:{line}"


def escape(text: str) -> str:
    """Text for HTML: on one line, ``&``, ``<`` and ``>`` escaped."""
    return html.escape(flat(text), quote=False)


def md(text: str) -> str:
    """Text for Markdown: as for HTML, and Markdown's punctuation backslash-escaped."""
    return _BLOCK.sub(r"\1\\", _INLINE.sub(r"\\\1", escape(text)), count=1)


def cell(text: str) -> str:
    """Text for a table cell (``|`` is escaped by :func:`md`)."""
    return md(text)
