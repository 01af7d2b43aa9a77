"""Permissions boundaries: the most a user or role may do, whatever its policies allow.

A principal's effective permissions are what its policies allow *and* its boundary allows
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).  So the
identity-altering actions a grant keeps are those the boundary also allows; what the boundary
takes out is credited on the access (``Access.credited``, shown in evidence and the
inventory).  A boundary whose content is not known is never credited: the grants stand and the
unknown boundary is pending (NHI901 says so).
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

from nhilint.identity.aws.context import Context, Who
from nhilint.identity.aws.grants import Read, policy_by_arn
from nhilint.identity.aws.statement import taken_back
from nhilint.identity.graph import Access, Pending, Provenance, Scope, ScopeLevel, Text

_SHOWN = 3  # actions named in a credit


class Boundary(NamedTuple):
    """What a boundary allows of the identity-altering catalog."""

    label: str
    address: str
    #: identity-altering actions it allows on some resource
    allowed: frozenset[str]
    #: those it allows on every resource
    anywhere: frozenset[str]
    #: it allows every action (``*``, a service wildcard, ``NotAction``)
    wildcard: bool
    #: the resources of its statements that allow identity-altering actions somewhere
    resources: tuple[Text, ...]
    read: Read


def boundary_of(ctx: Context, who: Who) -> Boundary | None:
    """The boundary set on a declared user or role, read; ``None`` when it has none."""
    ref = who.id.ref
    resource = ctx.declared.get(ref) if who.declared and isinstance(ref, str) else None
    if resource is None or resource.get("permissions_boundary") is None:
        return None
    read = policy_by_arn(
        ctx, resource.get("permissions_boundary"), resource, ("permissions_boundary",)
    )
    denied = taken_back(read.statements)
    allows = [s for s in read.statements if s.allows]
    return Boundary(
        label=f"permissions boundary {read.label}",
        address=read.address or resource.address,
        allowed=frozenset().union(*(s.altering for s in allows)) - denied,
        anywhere=frozenset().union(*(s.altering for s in allows if s.wildcard_resources))
        - denied,
        wildcard=any(s.wildcard_actions for s in allows),
        resources=tuple(r for s in allows if s.altering for r in s.resources),
        read=read,
    )


def known(boundary: Boundary) -> bool:
    """Its content is known: only then is it credited."""
    return boundary.read.defined and not boundary.read.undecided and not any(
        s.relevant_unknowns for s in boundary.read.statements
    )


def bounded(access: Access, boundary: Boundary) -> Access:
    """The access as the boundary lets it be used: only the identity-altering actions both
    allow (named as its permissions when the boundary took some away), no wider than the
    boundary's resources, credited."""
    kept = access.altering & boundary.allowed
    removed = access.altering - kept
    narrower = bool(kept) and not (kept & boundary.anywhere) and access.scope.wildcard
    if not removed and not narrower and (boundary.wildcard or not access.wildcard):
        return access
    credit = _credit(boundary, kept, narrower)
    scope = Scope(ScopeLevel.RESOURCE, boundary.resources) if narrower else access.scope
    return dataclasses.replace(
        access,
        # what the principal can use, not what its policy wrote: the credit says the rest
        permissions=tuple(sorted(kept)) if removed else access.permissions,
        altering=kept,
        scope=scope,
        wildcard=access.wildcard and boundary.wildcard,
        credited=(*access.credited, credit),
    )


def _credit(boundary: Boundary, kept: frozenset[str], narrower: bool) -> str:
    if not kept:
        return f"{boundary.label} allows none of its identity-altering actions"
    names = sorted(kept)
    more = f" (+{len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
    where = " on some resources" if narrower else ""
    return f"{boundary.label} leaves only {', '.join(names[:_SHOWN])}{more}{where}"


def unknown_boundary(who: Who, boundary: Boundary, provenance: Provenance) -> Pending | None:
    """The pending entry for a boundary whose content is not known (it is not credited)."""
    read = boundary.read
    undecided = read.undecided or tuple(
        u for s in read.statements for u in s.relevant_unknowns
    )
    if not undecided:
        return None
    return Pending(who.id, boundary.label, undecided[0], provenance)
