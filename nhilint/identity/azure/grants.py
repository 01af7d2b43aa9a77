"""Azure RBAC: role assignments (plain and PIM), custom role definitions.

A role assignment gives its principal every permission of its role on everything at its
scope: ``Scope(level, (scope,))``, wildcard when the scope is a whole tenant, management group
or subscription (every identity and resource in it); a resource group or one resource is a
bounded scope.  A built-in role is judged by :mod:`.catalog` (``managed``: it cannot be
edited); a custom role by its ``azurerm_role_definition`` declared here, whose permissions
are one policy of the graph, wildcard on every resource (a definition names no resources:
the assignment's scope does).  An assignment's ABAC ``condition`` narrows what it can change,
and so does a built-in role's own condition (the restricted Role Based Access Control
Administrator variants).  A plain assignment never expires; a PIM assignment (active or
eligible: an eligible principal activates the role when it wants, so it holds it) ends at
its ``schedule { expiration { … } }``, if any.  A role that is not known (a variable, a
custom role defined elsewhere) is pending: NHI901 says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from nhilint.identity.azure.context import PLATFORM, Context, Who
from nhilint.identity.azure.scopes import level_of
from nhilint.identity.graph import (
    Access,
    Condition,
    Expiry,
    Grant,
    Narrowing,
    Pending,
    Policy,
    Provenance,
    Scope,
    ScopeLevel,
    Text,
    Undecided,
)
from nhilint.identity.values import as_list, first_block
from nhilint.model import Cause, Resource, Span, Unknown

ASSIGNMENTS = (
    "azurerm_role_assignment", "azurerm_pim_active_role_assignment",
    "azurerm_pim_eligible_role_assignment",
)
DEFINITION = "azurerm_role_definition"
_ROLE_GUID = re.compile(r"roleDefinitions/([0-9a-fA-F-]{36})")
_WIDE = frozenset({ScopeLevel.TENANT, ScopeLevel.MANAGEMENT_GROUP, ScopeLevel.SUBSCRIPTION})


class Role(NamedTuple):
    """A role as an assignment holds it: built-in (``managed``) or a definition written here
    (``written_in``, ``span``)."""

    name: Text
    altering: frozenset[str]
    wildcard: bool
    managed: bool
    conditioned: bool = False
    written_in: str = ""
    span: Span | None = None
    undecided: tuple[Undecided, ...] = ()


class Found(NamedTuple):
    """What one resource gives a principal: a grant, or a pending part."""

    who: Who
    grant: Grant | None = None
    pending: Pending | None = None


def scope(value: object) -> tuple[Scope, tuple[Undecided, ...]]:
    """The scope of an assignment, and the scope as undecided when its level is not known
    (then placed at the narrowest level, so that no rule fires on a guess)."""
    level = level_of(value)
    text: Text = value if isinstance(value, str | Unknown) else Unknown("is not a scope id")
    if level is None:
        unknown = text if isinstance(text, Unknown) else None
        why = Undecided("the scope", unknown, "is not a scope nhilint can place",
                        None if unknown else Cause.NOT_EVALUATED)
        return Scope(ScopeLevel.RESOURCE, (text,)), (why,)  # not guessed wider: NHI901 says
    return Scope(level, (text,), wildcard=level in _WIDE), ()


def definition_access(ctx: Context, resource: Resource) -> Access:
    """A custom role definition's permissions, on every resource it is assigned at."""
    actions: list[str] = []
    not_actions: list[str] = []
    undecided: list[Undecided] = []
    blocks = resource.get("permissions")
    if isinstance(blocks, Unknown):
        undecided.append(Undecided("permissions", blocks, "are not known"))
    for block in as_list(blocks):
        if not isinstance(block, dict):
            continue
        for key, into in (("actions", actions), ("not_actions", not_actions)):
            for value in as_list(block.get(key)):
                if isinstance(value, str):
                    into.append(value)
                elif isinstance(value, Unknown):
                    undecided.append(Undecided(f"permissions.{key}", value, "is not known"))
    altering = ctx.roles.altering(actions, not_actions)
    where = resource.get("scope")
    assignable = [s for s in as_list(resource.get("assignable_scopes"))
                  if isinstance(s, str | Unknown)]
    ids: tuple[Text, ...] = tuple(assignable) or (
        (where,) if isinstance(where, str | Unknown) else ())
    level = level_of(where) or ScopeLevel.SUBSCRIPTION
    return Access(
        tuple(sorted(altering)) + tuple(a for a in actions if a not in altering),
        altering, Scope(level, ids, wildcard=True), resource.span_of(("permissions",)),
        resource.address, wildcard="*" in actions, excepted=False, undecided=tuple(undecided),
    )


def policies(ctx: Context) -> tuple[Policy, ...]:
    found = []
    for resource in ctx.model.of_type(DEFINITION):
        if resource.mode != "managed":
            continue
        name = resource.get("name")
        found.append(Policy(PLATFORM, resource.address, resource.address,
                            name if isinstance(name, str) else resource.address,
                            (definition_access(ctx, resource),), resource.span))
    return tuple(found)


def role_of(ctx: Context, resource: Resource) -> Role | Undecided:
    """The role an assignment names, or what is not known of it."""
    name = resource.get("role_definition_name")
    if isinstance(name, str):
        return _builtin(ctx, name) or Undecided(
            "the role", None, f"{name!r} is not a built-in role nhilint knows", Cause.EXTERNAL)
    if isinstance(name, Unknown):
        return Undecided("the role", name, "is not known before apply")
    value = resource.get("role_definition_id")
    if isinstance(value, str):
        return _builtin(ctx, value) or Undecided(
            "the role", None, f"{value} is not a built-in role: a custom role defined elsewhere",
            Cause.EXTERNAL)
    if isinstance(value, Unknown):
        return _referenced_role(ctx, value)
    return Undecided("the role", None, "is not named", Cause.NOT_EVALUATED)


def _builtin(ctx: Context, key: str) -> Role | None:
    found = ctx.roles.role(key)
    if found is None:
        return None
    return Role(found.name, found.altering, found.wildcard, True, found.conditioned)


def _referenced_role(ctx: Context, value: Unknown) -> Role | Undecided:
    target = ctx.index.referenced(value, DEFINITION, f"data.{DEFINITION}")
    target = target or ctx.index.referenced(value)
    if target is not None and target.type == DEFINITION and target.mode == "managed":
        access = definition_access(ctx, target)
        name = target.get("name")
        return Role(name if isinstance(name, str | Unknown) else target.address,
                    access.altering, access.wildcard, False, written_in=target.address,
                    span=access.span, undecided=access.undecided)
    if target is not None and target.type == DEFINITION:  # data "azurerm_role_definition"
        for key in ("name", "role_definition_id"):
            named = target.get(key)
            if isinstance(named, str) and (role := _builtin(ctx, named)) is not None:
                return role
    guid = _ROLE_GUID.search(value.source)
    if guid and (role := _builtin(ctx, guid.group(1))) is not None:
        return role
    return Undecided("the role", value, "is not known before apply")


def expiry(resource: Resource) -> Expiry:
    """A PIM schedule's ``expiration``: its end date, or its duration after the start."""
    if resource.type == "azurerm_role_assignment":
        return None
    schedule = first_block(resource, "schedule")
    ends = next((b for b in as_list(schedule.get("expiration")) if isinstance(b, dict)), None)
    if ends is None:
        return None
    end = ends.get("end_date_time")
    if isinstance(end, str | Unknown):
        return end
    for key, unit in (("duration_days", "days"), ("duration_hours", "hours")):
        found = ends.get(key)
        if isinstance(found, Unknown):
            return found
        if isinstance(found, int) and not isinstance(found, bool):
            return f"{found} {unit} after it starts"
    return None


def _conditions(resource: Resource, role: Role) -> tuple[Condition, ...]:
    found = []
    written = resource.get("condition")
    if isinstance(written, str) and written.strip():
        found.append(Condition("condition", "ABAC", (written.strip(),), Narrowing.RESOURCE))
    elif isinstance(written, Unknown):
        found.append(Condition("condition", "ABAC", (written,), Narrowing.UNKNOWN))
    if role.conditioned:
        found.append(Condition("role definition condition", "ABAC", (role.name,),
                               Narrowing.RESOURCE))
    return tuple(found)


def assignments(ctx: Context) -> Iterator[Found]:
    """Every role assignment's grant, or what of it is not known."""
    for resource in ctx.model.resources:
        if resource.type not in ASSIGNMENTS or resource.mode != "managed":
            continue
        who = ctx.principal(resource.get("principal_id"), resource.get("principal_type"))
        role = role_of(ctx, resource)
        chain = (resource.address,) + ((role.written_in,) if isinstance(role, Role)
                                       and role.written_in else ())
        where = Provenance(resource.address, chain, resource.span)
        source = f"the role of {resource.address}"
        if isinstance(role, Undecided):
            yield Found(who, pending=Pending(who.id, source, role, where))
            continue
        access = _access(resource, role)
        yield Found(who, grant=Grant(who.id, access, where))
        for part in access.undecided:
            if role.altering or part.what != "the scope":
                yield Found(who, pending=Pending(who.id, source, part, where))


def _access(resource: Resource, role: Role) -> Access:
    """What an assignment of ``role`` gives, on its scope, until its expiry."""
    reach, unplaced = scope(resource.get("scope"))
    named = "role_definition_name" if resource.get("role_definition_name") else (
        "role_definition_id")
    return Access(
        (role.name,), role.altering, reach, resource.span_of((named,)), resource.address,
        wildcard=role.wildcard, conditions=_conditions(resource, role),
        expiry=expiry(resource), undecided=role.undecided + unplaced, managed=role.managed,
    )
