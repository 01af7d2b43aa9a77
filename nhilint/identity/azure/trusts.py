"""Federated identity credentials: which external tokens may become an application or a
user-assigned managed identity.

``azuread_application_federated_identity_credential`` (``application_id`` in azuread 3.x,
``application_object_id`` in 2.x; ``issuer``, ``subject``, ``audiences``) and
``azurerm_federated_identity_credential`` (``user_assigned_identity_id``, formerly
``parent_id``; ``issuer``, ``subject``, ``audience``) match the token's subject *exactly*:
``repo:org/*`` is that literal string, not a pattern, so any literal subject pins.  Only
``azuread_application_flexible_federated_identity_credential`` matches patterns, through its
``claims_matching_expression`` (``claims['sub'] matches 'repo:org/app:ref:refs/heads/*' and
…``): each ``matches`` is a glob claim, each ``eq`` an exact one.  The audience is required as
written (Entra documents ``api://AzureADTokenExchange``), so it is a claim like any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nhilint.identity.azure.context import APP, GROUP, UAMI, USER, Context, Who
from nhilint.identity.azure.grants import ASSIGNMENTS, Role, role_of
from nhilint.identity.graph import Claim, Text, Trust, TrustKind
from nhilint.identity.values import as_list
from nhilint.model import Resource, Unknown

_EXPRESSION = re.compile(r"claims\[\s*'([^']+)'\s*\]\s+(matches|eq)\s+'([^']*)'", re.IGNORECASE)


def trusts(ctx: Context) -> Iterator[tuple[Who, Trust]]:
    for resource in ctx.model.resources:
        if resource.mode != "managed":
            continue
        claims: tuple[Claim, ...]
        if resource.type == "azuread_application_federated_identity_credential":
            who = ctx.holder(_first(resource, "application_id", "application_object_id"), APP)
            claims = (Claim("sub", (_text(resource.get("subject")),)),
                      _audiences(resource.get("audiences")))
        elif resource.type == "azurerm_federated_identity_credential":
            who = ctx.holder(_first(resource, "user_assigned_identity_id", "parent_id"), UAMI)
            claims = (Claim("sub", (_text(resource.get("subject")),)),
                      _audiences(resource.get("audience")))
        elif resource.type == "azuread_application_flexible_federated_identity_credential":
            who = ctx.holder(resource.get("application_id"), APP)
            claims = (*_expression(resource.get("claims_matching_expression")),
                      _audiences(resource.get("audience")))
        else:
            continue
        yield who, _trust(who, resource, claims)
    yield from _people(ctx)


def _people(ctx: Context) -> Iterator[tuple[Who, Trust]]:
    """Users and groups assigned, on a user-assigned identity itself, a role that lets them
    act as it."""
    for resource in ctx.model.resources:
        if resource.type not in ASSIGNMENTS or resource.mode != "managed":
            continue
        target = ctx.resolve(resource.get("scope"))
        if target is None or target.type != UAMI:
            continue
        who = ctx.principal(resource.get("principal_id"), resource.get("principal_type"))
        if who.declared or who.type not in (USER, GROUP):
            continue
        role = role_of(ctx, resource)
        if not isinstance(role, Role) or not ctx.roles.uses(role.altering):
            continue
        identity = ctx.declared_principal(target)
        person: Text = who.via or who.id.ref
        yield identity, Trust(
            identity.id, TrustKind.PEOPLE, person, resource.span_of(("principal_id",)),
            via=who.via, written_in=resource.address,
        )


def _trust(who: Who, resource: Resource, claims: tuple[Claim, ...]) -> Trust:
    return Trust(
        who.id, TrustKind.OIDC, _issuer(resource.get("issuer")), resource.span,
        subjects=tuple(v for c in claims if c.name == "sub" for v in c.values),
        audiences=tuple(v for c in claims if c.name == "aud" for v in c.values),
        claims=claims, written_in=resource.address,
    )


def _first(resource: Resource, *keys: str) -> object:
    return next((v for k in keys if (v := resource.get(k)) is not None), None)


def _text(value: object) -> Text:
    if isinstance(value, str | Unknown):
        return value
    return Unknown(f"is a {type(value).__name__}, not a string")


def _issuer(value: object) -> Text:
    if isinstance(value, str):
        return re.sub(r"^https?://", "", value.strip()).rstrip("/")
    return _text(value)


def _audiences(value: object) -> Claim:
    return Claim("aud", tuple(_text(v) for v in as_list(value)))


def _expression(value: object) -> tuple[Claim, ...]:
    """The claims a flexible credential's expression requires: ``matches`` a glob, ``eq``
    exact; alternatives joined by ``or`` are values of one claim."""
    if not isinstance(value, str):
        return (Claim("sub", (_text(value),)),)
    found: dict[tuple[str, bool], list[Text]] = {}
    for name, operator, operand in _EXPRESSION.findall(value):
        found.setdefault((name, operator.lower() == "matches"), []).append(operand)
    if re.search(r"\bor\b", value, re.IGNORECASE):
        merged: dict[str, list[Text]] = {}
        for (name, _), values in found.items():
            merged.setdefault(name, []).extend(values)
        return tuple(Claim(n, tuple(v), glob=True) for n, v in merged.items())
    return tuple(Claim(name, tuple(values), glob) for (name, glob), values in found.items())
