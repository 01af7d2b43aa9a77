"""The NHI graph: principals, what they may do, the secrets they hold, who may become them.

Platform-neutral values built by the per-platform adapters (``identity/aws`` …) and read by the
rules.  Every fact keeps its provenance: the resource addresses and source spans behind it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

from nhilint.model import Span


class Evidence(NamedTuple):
    """One link of an evidence chain: a resource, where it is, and what it shows."""

    resource: str
    span: Span
    detail: str


@dataclasses.dataclass(frozen=True)
class Statement:
    """One permission statement, normalised (AWS policy statement, later GCP binding …).

    ``actions`` / ``resources`` are the patterns as written (``str``, or the ``Unknown`` repr for
    parts that cannot be known); ``altering`` the identity-altering actions the statement covers
    after ``NotAction`` is applied.  ``expiry`` is the time after which the statement no longer
    applies, when a condition says so.
    """

    effect: str
    actions: tuple[str, ...]
    not_actions: bool
    resources: tuple[str, ...]
    not_resources: bool
    altering: frozenset[str]
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]]
    span: Span
    written_in: str
    expiry: str | None = None
    unknown: tuple[str, ...] = ()
    #: the actions are unbounded: ``*``, ``service:*`` or an Allow with ``NotAction``
    wildcard_actions: bool = False
    #: the resources are unbounded: ``*``, every identity of a kind, or ``NotResource``
    wildcard_resources: bool = False
    #: the statement reaches beyond one account/project: organisation or tenant scope
    org_scope: bool = False
    #: a condition narrows the statement to some resources (tags, passed-to service …)
    narrowed: bool = False

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def undecided(self) -> tuple[str, ...]:
        """Unknown parts that could change a verdict on this statement.

        Unknown actions, effect or conditions always could; unknown resources only matter
        when the statement alters identity (they decide whether its scope is unbounded).
        """
        if self.altering:
            return self.unknown
        return tuple(u for u in self.unknown if not u.startswith(("Resource", "NotResource")))

    @property
    def takes_back(self) -> bool:
        """An unconditional Deny on every resource: it removes actions wherever granted."""
        return self.effect == "Deny" and self.wildcard_resources and not self.conditions

    def describe(self, limit: int = 4) -> str:
        """``iam:* on *`` — the statement in a few words, for messages."""
        actions = _few(self.actions, limit)
        resources = _few(self.resources, limit)
        verb = "everything but " if self.not_actions else ""
        where = "everything but " if self.not_resources else ""
        return f"{verb}{actions} on {where}{resources}"


def _few(items: tuple[str, ...], limit: int) -> str:
    if not items:
        return "nothing"
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


@dataclasses.dataclass(frozen=True)
class Policy:
    """A set of statements defined in (or referenced by) the configuration."""

    address: str
    kind: str
    name: str
    statements: tuple[Statement, ...]
    span: Span
    managed: bool = False
    unknown: str = ""

    @property
    def label(self) -> str:
        """How a reviewer finds it: the resource, and the inline policy's name inside it."""
        if self.kind == "role-inline":
            return f'{self.address} (inline policy "{self.name}")'
        return self.address


@dataclasses.dataclass(frozen=True)
class Grant:
    """``principal`` holds ``policy``; ``chain`` is every resource that makes it so."""

    principal: str
    policy: Policy
    chain: tuple[str, ...]
    span: Span


@dataclasses.dataclass(frozen=True)
class Credential:
    principal: str
    address: str
    kind: str
    span: Span
    persistent: bool
    expiry: str | None = None
    rotated: bool = False


@dataclasses.dataclass(frozen=True)
class Trust:
    """Who may become the principal (``Service``, ``Federated``, ``AWS``, ``*``)."""

    principal: str
    kind: str
    value: str
    actions: tuple[str, ...]
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]]
    span: Span


@dataclasses.dataclass(frozen=True)
class Owner:
    value: str | None
    source: str
    known: bool = True


@dataclasses.dataclass(frozen=True)
class Principal:
    """An identity: declared here (``span`` set) or referenced from elsewhere (external).

    ``automation`` is ``True``/``False`` with the reasons, or ``None`` when the scanned code
    cannot tell.
    """

    address: str
    kind: str
    platform: str
    name: str | None
    automation: bool | None
    why: tuple[str, ...]
    owner: Owner
    span: Span | None
    declared: bool = True


@dataclasses.dataclass(frozen=True)
class Attachment:
    """A provider-managed policy attached somewhere (for NHI011)."""

    address: str
    policy: Policy
    span: Span
    principals: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Graph:
    principals: tuple[Principal, ...] = ()
    grants: tuple[Grant, ...] = ()
    credentials: tuple[Credential, ...] = ()
    trusts: tuple[Trust, ...] = ()
    policies: tuple[Policy, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    resources: int = 0

    def grants_of(self, principal: Principal) -> Iterator[Grant]:
        return (g for g in self.grants if g.principal == principal.address)

    def credentials_of(self, principal: Principal) -> Iterator[Credential]:
        return (c for c in self.credentials if c.principal == principal.address)

    def trusts_of(self, principal: Principal) -> Iterator[Trust]:
        return (t for t in self.trusts if t.principal == principal.address)


def taken_back(statements: Iterable[Statement]) -> frozenset[str]:
    """The identity-altering actions that unconditional Denys on every resource remove."""
    return frozenset().union(*(s.altering for s in statements if s.takes_back))


class AlteringGrant(NamedTuple):
    """An Allow statement held by a principal that covers identity-altering actions."""

    grant: Grant
    statement: Statement
    actions: frozenset[str]


def altering_grants(graph: Graph, principal: Principal) -> tuple[AlteringGrant, ...]:
    """The principal's identity-altering Allow statements, less what a Deny takes back.

    Only an unconditional Deny on every resource takes actions back; a Deny narrowed by a
    condition or to some resources leaves the Allow standing (it still applies elsewhere).
    """
    held = [(g, s) for g in graph.grants_of(principal) for s in g.policy.statements]
    denied = taken_back(s for _, s in held)
    found = ((g, s, s.altering - denied) for g, s in held if s.allows)
    return tuple(AlteringGrant(g, s, actions) for g, s, actions in found if actions)
