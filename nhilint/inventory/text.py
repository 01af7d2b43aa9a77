"""``nhilint inventory`` (text, the default): by module, one block per principal, one line
per fact, each line flattened and cut like the check report's.

Modules without a principal are counted in the last line, not listed.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.inventory import words
from nhilint.inventory.entries import Entry, Inventory, inventory
from nhilint.report.text import LONGEST, one_line
from nhilint.result import ScanResult


def render(result: ScanResult) -> str:
    found = inventory(result)
    lines: list[str] = []
    for module in found.modules:
        if module.principals:
            lines.append(f"{module.path} ({module.role} module)")
            for entry in module.principals:
                lines += _block(entry)
            lines.append("")
    lines += [f"{words.at(d.path, d.line)}: {d.code} {one_line(d.message)}"
              for d in found.diagnostics]
    lines.append(summary(found))
    return "\n".join(lines) + "\n"


def _block(entry: Entry) -> Iterator[str]:
    yield f"  {one_line(words.principal(entry.principal))}"
    for fact in words.facts(entry):
        yield f"    {fact.label}: {one_line(fact.says, LONGEST)}"
        for detail in fact.details:
            yield f"      {one_line(detail, LONGEST)}"


def summary(found: Inventory) -> str:
    """``1 principal(s) in 1 module(s): 1 automation, 0 human, 0 unknown; 1 can alter identity``."""
    counts = found.counts()
    return (
        f"{len(found.entries)} principal(s) in {len(found.modules)} module(s): "
        f"{counts['yes']} automation, {counts['no']} human, {counts['unknown']} unknown; "
        f"{found.altering} can alter identity"
    )
