"""The public API for writing rules: everything a custom rule may use, and nothing else.

A rule is a pure function over one module's NHI graph, decorated with :func:`rule`::

    from nhilint.api import Evidence, Hit, RuleContext, Severity, rule

    @rule("ACME001", "ci-role-without-boundary", Severity.HIGH,
          message="{principal} is a CI role without a permissions boundary")
    def ci_role_without_boundary(ctx: RuleContext) -> Iterator[Hit]:
        '''The first line is the summary; the whole docstring is the rule's documentation.'''
        ...

The decorator checks the id (2 to 5 capitals and 3 digits, e.g. ``ACME001``), the kebab-case
name and the message templates (named ``{fields}``, filled from :attr:`Hit.params`, where an
unknown value is shown as its expression).  The function receives a read-only
:class:`RuleContext`: ``ctx.graph`` (principals, grants, credentials, trusts, policies of every
platform), ``ctx.resources`` (the module's resources, for rules about one resource),
``ctx.candidates()`` (automation principals that can alter identity) and ``ctx.settings``
(the config); :func:`inventory` gives the module's principals as ``nhilint inventory`` lists
them (:class:`InventoryEntry`: a principal with its identity-altering grants, credentials,
trusts, escalations and what is not known).  It yields :class:`Hit` values;
:func:`principal_hit`, :func:`evidence_of` and :func:`resource_of` build the common ones.

Rules are found through the ``nhilint.rules`` entry point of an installed package, or the
config's ``rules = ["./policy/nhi_rules.py", "mypkg.rules"]`` (see docs/custom-rules.md);
:mod:`nhilint.testing` checks a rule against annotated fixtures.

The surface is versioned: :data:`API_VERSION` changes its major number when a name here is
removed or changes meaning, its minor number when one is added.  Anything not in ``__all__``
(every other ``nhilint`` module) is private and may change in any release.
"""

from __future__ import annotations

from nhilint.identity.graph import (
    Access,
    Automation,
    Credential,
    Grant,
    Graph,
    Owner,
    OwnerState,
    Policy,
    Principal,
    Scope,
    ScopeLevel,
    Trust,
    TrustKind,
)
from nhilint.inventory.entries import Entry as InventoryEntry
from nhilint.inventory.entries import entries as _entries
from nhilint.model import Resource, Span, Unknown
from nhilint.rule import Candidate, Evidence, Hit, Rule, RuleContext, Severity, rule

__all__ = [
    "API_VERSION",
    "Access",
    "Automation",
    "Candidate",
    "Credential",
    "Evidence",
    "Grant",
    "Graph",
    "Hit",
    "InventoryEntry",
    "Owner",
    "OwnerState",
    "Policy",
    "Principal",
    "Resource",
    "Rule",
    "RuleContext",
    "Scope",
    "ScopeLevel",
    "Severity",
    "Span",
    "Trust",
    "TrustKind",
    "Unknown",
    "evidence_of",
    "inventory",
    "principal_hit",
    "resource_of",
    "rule",
]

#: the version of this surface (``major.minor``): see the module's documentation
API_VERSION = "1.0"


def inventory(ctx: RuleContext) -> tuple[InventoryEntry, ...]:
    """The module's principals with what the graph knows about each, in the order
    ``nhilint inventory`` lists them."""
    return _entries(ctx.graph)


def resource_of(ctx: RuleContext, principal: Principal) -> Resource | None:
    """The resource that declares ``principal`` in this module, ``None`` when it is declared
    elsewhere (a principal only referenced here)."""
    if principal.address is None:
        return None
    return next((r for r in ctx.resources if r.address == principal.address), None)


def evidence_of(principal: Principal, detail: str) -> tuple[Evidence, ...]:
    """One evidence link pointing at the principal's declaration; none for an undeclared one."""
    if principal.address is None or principal.span is None:
        return ()
    return (Evidence(principal.address, principal.span, detail),)


def principal_hit(
    principal: Principal, *, span: Span | None = None, key: str = "", **params: object
) -> Hit | None:
    """A hit about a principal declared in this module, reported on its declaration (or on
    ``span``), with ``principal`` (its label) and ``params`` for the message template;
    ``None`` for a principal declared elsewhere (there is no line of this module to report)."""
    where = span or principal.span
    if principal.address is None or where is None:
        return None
    return Hit(principal.address, where, {"principal": principal.label, **params}, key=key,
               principal=principal.label)
