"""What a role in a binding grants: a predefined role from the catalog, a custom role declared
here, a basic role, or a role not known (pending, never guessed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from nhilint.identity.gcp.context import Context
from nhilint.identity.graph import Access, Policy, Scope, ScopeLevel, Text, Undecided
from nhilint.identity.values import as_list
from nhilint.model import Cause, Resource, Unknown

CUSTOM_ROLES = {
    "google_project_iam_custom_role": (ScopeLevel.ACCOUNT, "project", "projects/{}/roles/{}"),
    "google_organization_iam_custom_role": (ScopeLevel.ORGANIZATION, "org_id",
                                            "organizations/{}/roles/{}"),
}
_CUSTOM_NAME = re.compile(r"^(?:projects|organizations)/[^/]+/roles/(?P<id>[^/]+)$")


class Read(NamedTuple):
    """A role as read: its name as shown, the permissions to show (identity-altering first),
    which alter identity, whether it is unbounded (a basic role that can alter identity),
    predefined (``managed``), the custom role resource behind it, and what is not known."""

    name: Text
    permissions: tuple[Text, ...]
    altering: frozenset[str]
    wildcard: bool = False
    managed: bool = False
    custom: Resource | None = None
    undecided: tuple[Undecided, ...] = ()


def read_role(ctx: Context, role: object) -> Read:
    custom = _custom(ctx, role)
    if custom is not None:
        return _custom_read(ctx, custom)
    if isinstance(role, Unknown):
        return Read(role, (role,), frozenset(), undecided=(
            Undecided("the role", role, "is not known before apply"),))
    if not isinstance(role, str):
        unknown = Unknown(f"the role is a {type(role).__name__}, not a role name")
        return Read(unknown, (unknown,), frozenset(), undecided=(
            Undecided("the role", unknown, "is not a role name"),))
    if _CUSTOM_NAME.match(role):
        return Read(role, (role,), frozenset(), undecided=(Undecided(
            "the role", None, "is a custom role not declared in the scanned code",
            Cause.EXTERNAL),))
    found = ctx.catalog.role(role)
    if found is None:
        why = f"is not a predefined role in nhilint's catalog ({ctx.catalog.source})"
        return Read(role, (role,), frozenset(), undecided=(Undecided("the role", None, why),))
    return Read(role, (role,), found.altering, wildcard=found.basic and bool(found.altering),
                managed=True)


def _custom(ctx: Context, role: object) -> Resource | None:
    target = ctx.index.referenced(role, *CUSTOM_ROLES)
    if target is not None:
        return target
    found = _CUSTOM_NAME.match(role) if isinstance(role, str) else None
    if found is None:
        return None
    return next((r for r in ctx.model.of_type(*CUSTOM_ROLES)
                 if r.get("role_id") == found.group("id")), None)


def _custom_read(ctx: Context, resource: Resource) -> Read:
    listed = as_list(resource.get("permissions"))
    known = [p for p in listed if isinstance(p, str)]
    altering = ctx.catalog.altering(known)
    unknown = [p for p in listed if not isinstance(p, str)]
    value = resource.get("permissions")
    undecided = tuple(
        Undecided("a permission of the custom role", p if isinstance(p, Unknown) else None,
                  "is not known before apply") for p in unknown)
    if isinstance(value, Unknown):
        undecided = (Undecided("the custom role's permissions", value,
                               "are not known before apply"),)
    shown: tuple[Text, ...] = (*sorted(altering), *(p for p in known if p not in altering))
    return Read(resource.address, shown, altering, custom=resource, undecided=undecided)


def custom_policies(ctx: Context) -> Iterator[Policy]:
    """Each custom role declared here, as a policy of the graph wherever it is bound."""
    for resource in ctx.model.of_type(*CUSTOM_ROLES):
        if resource.mode != "managed":
            continue
        level, parent, _ = CUSTOM_ROLES[resource.type]
        read = _custom_read(ctx, resource)
        target = resource.get(parent)
        scope = Scope(level, (_text(target),) if target is not None else (), wildcard=True)
        span = resource.span_of(("permissions",))
        access = Access(read.permissions, read.altering, scope, span, resource.address,
                        undecided=read.undecided)
        role_id = resource.get("role_id")
        yield Policy("gcp", resource.address, resource.address,
                     role_id if isinstance(role_id, str) else resource.address, (access,),
                     span)


def _text(value: object) -> Text:
    if isinstance(value, str | Unknown):
        return value
    return Unknown(f"is a {type(value).__name__}, not a name")
