"""What the core rules share: the automation principals that can alter identity, and evidence."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from nhilint.identity.graph import AlteringGrant, Evidence, Graph, Principal, altering_grants
from nhilint.model import Span

OWASP = "OWASP-NHI{n}:2025"


class Candidate(NamedTuple):
    """An automation principal with at least one identity-altering grant."""

    principal: Principal
    grants: tuple[AlteringGrant, ...]

    @property
    def span(self) -> Span:
        """The principal's declaration, or the first grant when it is declared elsewhere."""
        return self.principal.span or self.grants[0].grant.span

    @property
    def summary(self) -> str:
        return describe_grants(self.grants)

    @property
    def chain(self) -> tuple[str, ...]:
        return chain_of(self.grants)


def candidates(graph: Graph, automation: bool | None = True) -> Iterator[Candidate]:
    for principal in graph.principals:
        if principal.automation is automation:
            grants = altering_grants(graph, principal)
            if grants:
                yield Candidate(principal, grants)


def describe_grants(grants: Iterable[AlteringGrant], limit: int = 2) -> str:
    texts = list(dict.fromkeys(g.statement.describe() for g in grants))
    more = f" and {len(texts) - limit} more" if len(texts) > limit else ""
    return "; ".join(texts[:limit]) + more


def chain_of(grants: Iterable[AlteringGrant]) -> tuple[str, ...]:
    """Every resource that makes the grants hold, in order, once each."""
    return tuple(dict.fromkeys(a for g in grants for a in g.grant.chain))


def principal_evidence(principal: Principal) -> tuple[Evidence, ...]:
    if principal.span is None:
        return ()
    reason = "; ".join(principal.why)
    return (Evidence(principal.address, principal.span, f"automation principal: {reason}"),)


def grant_evidence(grants: Iterable[AlteringGrant]) -> tuple[Evidence, ...]:
    found = []
    for item in grants:
        statement, grant = item.statement, item.grant
        links = [a for a in grant.chain if a != statement.written_in]
        via = " via " + " -> ".join(links) if links else ""
        found.append(Evidence(statement.written_in, statement.span, statement.describe() + via))
    return tuple(dict.fromkeys(found))
