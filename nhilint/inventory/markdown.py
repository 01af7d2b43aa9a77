"""``nhilint inventory --format markdown``: a table of every principal, then one collapsible
section per principal with each fact on a line of a list.

Text from the scanned code is escaped as in the check report (:mod:`nhilint.report.markdown`):
HTML everywhere, Markdown's punctuation in Markdown, every value on one line.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.inventory import words
from nhilint.inventory.entries import VERDICTS, Entry, Inventory, ModuleEntry, inventory
from nhilint.inventory.text import summary
from nhilint.report.markdown import cell, escape, md
from nhilint.result import ScanResult

COLUMNS = ("principal", "module", "kind", "automation", "owner", "alters identity", "credentials")


def render(result: ScanResult) -> str:
    found = inventory(result)
    parts = ["## nhilint inventory", "", md(summary(found)), ""]
    if found.entries:
        parts += [*_table(found), ""]
        parts += [_section(module, entry) for module, entry in found.entries]
    if found.diagnostics:
        parts += ["### Problems reading the input", ""]
        parts += [f"- {md(words.at(d.path, d.line))}: {md(d.code)} {md(d.message)}"
                  for d in found.diagnostics]
        parts.append("")
    return "\n".join(parts)


def _table(found: Inventory) -> Iterator[str]:
    yield "| " + " | ".join(COLUMNS) + " |"
    yield "|" + "---|" * len(COLUMNS)
    for module, entry in found.entries:
        yield "| " + " | ".join(cell(c) for c in _row(module, entry)) + " |"


def _row(module: ModuleEntry, entry: Entry) -> tuple[str, ...]:
    p = entry.principal
    grants = "; ".join(words.short(g.access) for g in entry.altering)
    return (
        words.principal(p),
        module.path if module.role == "root" else f"{module.path} ({module.role})",
        f"{p.platform} {p.kind}" + (", external" if entry.external else ""),
        VERDICTS[p.automation],
        words.owner_state(p.owner),
        grants or "no",
        ", ".join(c.address for c in entry.credentials) or "none",
    )


def _section(module: ModuleEntry, entry: Entry) -> str:
    p = entry.principal
    head = f"<code>{escape(words.principal(p))}</code> · {escape(module.path)}"
    lines = ["<details>", f"<summary>{head}</summary>", ""]
    lines += [f"- **{fact.label}:** {md(fact.whole)}" for fact in words.facts(entry)]
    return "\n".join([*lines, "", "</details>", ""])
