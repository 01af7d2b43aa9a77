"""The inventory as every format renders it: each module's principals with the facts about
each, gathered from the scan's graphs and put in a fixed order.

Nothing here renders a value: :class:`Entry` holds the graph's own values (with their
``Unknown`` parts), and each format decides how to show them.  The order is deterministic:
modules by path; in a module the declared principals by address, then those referenced but
not declared here by reference; each principal's facts by where they are written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple, TypeVar

from nhilint.identity.graph import (
    Automation,
    Credential,
    Escalation,
    Exposure,
    Grant,
    Graph,
    Pending,
    Principal,
    Trust,
)
from nhilint.model import Diagnostic, Span
from nhilint.report.levels import is_error
from nhilint.result import ScanResult
from nhilint.rule import show

K = TypeVar("K")
V = TypeVar("V")


class Entry(NamedTuple):
    """One principal and what the graph knows about it.

    ``altering`` holds only its grants that can alter identity; ``pending`` what it holds
    whose content is not known before deploy.
    """

    principal: Principal
    altering: tuple[Grant, ...]
    credentials: tuple[Credential, ...]
    trusts: tuple[Trust, ...]
    escalations: tuple[Escalation, ...]
    pending: tuple[Pending, ...]
    #: where its credentials' secrets are copied to (CI/CD secrets and variables)
    exposures: tuple[Exposure, ...] = ()

    @property
    def external(self) -> bool:
        """Referenced in the scanned code but not declared there."""
        return self.principal.declaration is None


class ModuleEntry(NamedTuple):
    """One analysed module: its path, its role (``root`` or ``child``), its principals."""

    path: str
    role: str
    principals: tuple[Entry, ...]


class Inventory(NamedTuple):
    """Every analysed module, and the inputs that could not be read (the inventory of those
    is incomplete)."""

    modules: tuple[ModuleEntry, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def entries(self) -> tuple[tuple[ModuleEntry, Entry], ...]:
        """Every principal with its module, in order."""
        return tuple((m, e) for m in self.modules for e in m.principals)

    def counts(self) -> dict[str, int]:
        """Principals by automation verdict (``yes``, ``no``, ``unknown``)."""
        counts = dict.fromkeys(VERDICTS.values(), 0)
        for _, entry in self.entries:
            counts[VERDICTS[entry.principal.automation]] += 1
        return counts

    @property
    def altering(self) -> int:
        """How many principals hold an identity-altering grant."""
        return sum(1 for _, entry in self.entries if entry.altering)


#: the automation verdict as the inventory says it
VERDICTS: Mapping[Automation, str] = {
    Automation.YES: "yes", Automation.NO: "no", Automation.UNKNOWN: "unknown",
}


def inventory(result: ScanResult) -> Inventory:
    """The inventory of a scan: every module's graph, each principal's facts gathered."""
    roles = dict(result.roles)
    modules = tuple(
        ModuleEntry(path, roles.get(path, "root"), _entries(graph))
        for path, graph in sorted(result.graphs, key=lambda pair: pair[0])
    )
    return Inventory(modules, tuple(d for d in result.diagnostics if is_error(d)))


def _entries(graph: Graph) -> tuple[Entry, ...]:
    trusts = _index(graph.trusts, lambda t: t.principal)
    entries = (
        Entry(
            principal=p,
            altering=tuple(sorted(graph.altering_of(p), key=_grant_order)),
            credentials=_sorted(graph.credentials_of(p), lambda c: _at(c.span, c.address)),
            trusts=_sorted(trusts.get(p.id, ()), lambda t: _at(t.span, show(t.issuer))),
            escalations=_sorted(graph.escalations_of(p), lambda e: ("", 0, e.method)),
            pending=_sorted(graph.pending_of(p), lambda x: _at(x.provenance.span, x.source)),
            exposures=_sorted(graph.exposures_of(p), lambda e: _at(e.span, e.store)),
        )
        for p in graph.principals
    )
    return tuple(sorted(entries, key=_principal_order))


def _sorted(items: Iterable[V], key: Callable[[V], tuple[str, int, str]]) -> tuple[V, ...]:
    return tuple(sorted(items, key=key))


def _principal_order(entry: Entry) -> tuple[bool, str, str, str]:
    principal = entry.principal
    name = principal.address or show(principal.id.ref)
    return (entry.external, name, principal.id.platform, principal.id.type)


def _grant_order(grant: Grant) -> tuple[tuple[str, int, str], tuple[str, int, str], str]:
    access = grant.access
    return (
        _at(grant.provenance.span, grant.provenance.holder),
        _at(access.span, access.written_in),
        show(access.permissions),
    )


def _at(span: Span, name: str) -> tuple[str, int, str]:
    return (span.path, span.line or 0, name)


def _index(items: Iterable[V], key: Callable[[V], K]) -> Mapping[K, tuple[V, ...]]:
    found: dict[K, list[V]] = {}
    for item in items:
        found.setdefault(key(item), []).append(item)
    return {k: tuple(v) for k, v in found.items()}


__all__ = ["VERDICTS", "Entry", "Inventory", "ModuleEntry", "inventory"]
