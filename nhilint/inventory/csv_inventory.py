"""``nhilint inventory --format csv``: one row per principal (RFC 4180, ``csv`` module).

A row is one identity, so a spreadsheet counts, sorts and filters identities (by owner, by
automation verdict, "can alter identity and holds a persistent secret") without removing
duplicates.  A principal's several grants, credentials and trusts share a cell, `` | ``
between them and ``; `` between the parts of one; ``altering_actions`` lists every
identity-altering action it holds, for a search such as ``iam:PassRole``.  The JSON
inventory has each grant on its own.

Every cell is on one line; a cell that a spreadsheet would take for a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) starts with ``'``, so text from the
scanned code cannot run in the reader's spreadsheet.
"""

from __future__ import annotations

import csv
import io

from nhilint.inventory import words
from nhilint.inventory.entries import VERDICTS, Entry, ModuleEntry, inventory
from nhilint.report.levels import flat
from nhilint.result import ScanResult
from nhilint.rule import show

COLUMNS = (
    "module", "module_role", "platform", "type", "kind", "principal", "declared", "name",
    "path", "line", "automation", "automation_why", "owner_state", "owner", "owner_source",
    "identity_altering", "altering_actions", "unbounded", "credentials",
    "persistent_credential", "trusts", "escalations", "not_known",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def render(result: ScanResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for module, entry in inventory(result).entries:
        writer.writerow([safe(c) for c in row(module, entry)])
    return out.getvalue()


def safe(text: str) -> str:
    """A cell on one line that no spreadsheet runs as a formula."""
    text = flat(text)
    return "'" + text if text.startswith(_FORMULA) else text


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def row(module: ModuleEntry, entry: Entry) -> tuple[str, ...]:
    p = entry.principal
    span = p.span
    found = words.facts(entry)
    return (
        module.path, module.role, p.platform, p.id.type, p.kind, words.principal(p),
        _yes(not entry.external), "" if p.name is None else show(p.name),
        span.path if span else "", str(span.line) if span and span.line else "",
        VERDICTS[p.automation], words.reasons(p.why),
        p.owner.state.value, "" if p.owner.value is None else show(p.owner.value), p.owner.source,
        _joined(found, "alters identity"),
        " ".join(sorted({a for g in entry.altering for a in g.access.altering})),
        _yes(any(g.access.unbounded for g in entry.altering)),
        _joined(found, "credential"),
        _yes(any(c.persistent for c in entry.credentials)),
        _joined(found, "trusted by"),
        _joined(found, "escalation"),
        _joined(found, "not known"),
    )


def _joined(found: list[words.Fact], label: str) -> str:
    return " | ".join(f.whole for f in found if f.label == label)
