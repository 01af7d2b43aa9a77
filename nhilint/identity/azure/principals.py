"""Azure principals: applications (with their service principals), managed identities, and
principals named by object id only; whether each is automation, and who owns it.

Every declared Entra application, service principal and managed identity is automation:
people sign in with user accounts.  An external object id is automation when the code says it
is a service principal (``principal_type = "ServicePrincipal"``, a
``data.azuread_service_principal``), human when it says user or group, unknown otherwise.

An application's owners are its ``owners``, its service principal's ``owners`` and its
``azuread_application_owner`` resources (owners can also add credentials to it); a managed
identity's owner is an owner tag (``tags``; the azurerm provider has no default tags).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nhilint.identity.azure.context import (
    AGENT_HOSTS,
    APPS,
    GROUP,
    KINDS,
    SP,
    UAMI,
    USER,
    Context,
    Who,
)
from nhilint.identity.graph import (
    Automation,
    Declaration,
    Owner,
    OwnerState,
    Principal,
    PrincipalId,
    PrincipalKind,
    Reason,
    Text,
)
from nhilint.identity.values import as_list
from nhilint.model import Resource, Unknown

_EXTERNAL = "not declared in the scanned code"


def principals(ctx: Context, named: Mapping[PrincipalId, Who]) -> list[Principal]:
    return [_declared(ctx, who) if who.declared else _external(who) for who in named.values()]


def _kind(resource: Resource) -> PrincipalKind:
    if resource.type in AGENT_HOSTS:
        return "ai-agent"
    return KINDS.get(resource.type, "managed-identity")


def _name(resource: Resource) -> str | None:
    for key in ("display_name", "name"):
        value = resource.get(key)
        if isinstance(value, str):
            return value
    return None


def _declared(ctx: Context, who: Who) -> Principal:
    resource = ctx.declared[str(who.id.ref)]
    sps = [ctx.model_resource(a) for a, app in ctx.linked.items() if app == resource.address]
    return Principal(
        who.id, _kind(resource), _name(resource), Automation.YES,
        _why(resource, [s.address for s in sps if s is not None]),
        _owner(ctx, resource, [s for s in sps if s is not None]),
        Declaration(resource.address, resource.span),
    )


def _why(resource: Resource, sps: list[str]) -> tuple[Reason, ...]:
    if resource.type in APPS:
        found = [Reason("is an Entra ID application: software signs in as its service "
                        "principal")]
        found += [Reason("with its service principal", sp) for sp in sps]
        return tuple(found)
    if resource.type == SP:
        return (Reason("is an Entra ID service principal: an application's identity"),)
    if resource.type == UAMI:
        return (Reason("is a user-assigned managed identity: only Azure resources and the "
                       "workloads federated to it sign in as it"),)
    if resource.type in AGENT_HOSTS:
        return (Reason("is the system-assigned managed identity of an AI Foundry project, "
                       "which the project's agents run as", resource.address),)
    return (Reason("is the system-assigned managed identity of", resource.address),)


def _owner(ctx: Context, resource: Resource, sps: list[Resource]) -> Owner:
    if resource.type in (*APPS, SP):
        return _owners(ctx, resource, sps)
    return _tag_owner(ctx, resource)


def _owners(ctx: Context, resource: Resource, sps: list[Resource]) -> Owner:
    unknown: Owner | None = None
    for holder in (resource, *sps):
        value = holder.get("owners")
        if isinstance(value, Unknown):
            unknown = unknown or Owner(OwnerState.UNKNOWN, f"owners of {holder.address} are "
                                       "computed", value)
            continue
        present = [v for v in as_list(value) if isinstance(v, str | Unknown) and v != ""]
        if present:
            return Owner(OwnerState.KNOWN, f"owners of {holder.address}", present[0])
    for owner in ctx.model.of_type("azuread_application_owner"):
        if ctx.index.referenced(owner.get("application_id"), *APPS) is resource:
            value = owner.get("owner_object_id")
            if isinstance(value, str | Unknown):
                return Owner(OwnerState.KNOWN, owner.address, value)
    if unknown is not None:
        return unknown
    return Owner(OwnerState.ABSENT, "no owners on the application or its service principal, "
                 "and no azuread_application_owner")


def _tag_owner(ctx: Context, resource: Resource) -> Owner:
    tags = resource.get("tags")
    if isinstance(tags, Unknown):
        return Owner(OwnerState.UNKNOWN, "tags are computed", tags)
    if isinstance(tags, dict):
        for key in ctx.settings.owner_keys:
            value = tags.get(key)
            if isinstance(value, Unknown) or (isinstance(value, str) and value.strip()):
                return Owner(OwnerState.KNOWN, f"tag {key}", value)
    keys = ", ".join(ctx.settings.owner_keys)
    return Owner(OwnerState.ABSENT, f"no owner tag ({keys}) on {resource.address}")


def _external(who: Who) -> Principal:
    automation, why = _external_verdict(who)
    name: Text | None = who.via or None
    return Principal(who.id, KINDS.get(who.type, "service-principal"),
                     name if isinstance(name, str) else None, automation,
                     (Reason(f"it is {_EXTERNAL}"), *why), Owner(OwnerState.UNKNOWN, _EXTERNAL))


def _external_verdict(who: Who) -> tuple[Automation, Iterable[Reason]]:
    if who.type == SP:
        how = who.via or "principal_type = \"ServicePrincipal\""
        return Automation.YES, (Reason("is a service principal", how),)
    if who.type in (USER, GROUP):
        what = "a user" if who.type == USER else "a group"
        return Automation.NO, (Reason(f"is {what}", who.via or "by its principal_type"),)
    if who.type in APPS or who.type == UAMI:
        return Automation.YES, (Reason(f"is an {KINDS[who.type]}"),)
    return Automation.UNKNOWN, (Reason("nothing in the scanned code shows it is automation"),)
