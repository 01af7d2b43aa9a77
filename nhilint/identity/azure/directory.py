"""Entra ID grants: directory roles, and Microsoft Graph application permissions.

Both reach the whole tenant (every object the permission applies to): ``ScopeLevel.TENANT``,
wildcard; a directory role assigned at an administrative unit or app scope
(``directory_scope_id`` other than ``/``, ``app_scope_id``) reaches that one object.  They are
judged by :mod:`.entra` (``managed``: Microsoft defines them, they cannot be edited).

A Graph application permission is granted by ``azuread_app_role_assignment`` (the consent
itself).  An application's ``required_resource_access`` (``type = "Role"``) and
``azuread_application_api_access`` (``role_ids``) only *request* one: an administrator must
consent.  nhilint treats a requested permission as held, with ``credited`` saying it is
requested (needs admin consent): a configuration that asks for
``RoleManagement.ReadWrite.Directory`` is meant to hold it, and consent is often given out
of band.  A requested permission that the configuration also assigns is one grant, the
assignment.  Delegated permissions (``type = "Scope"``, ``scope_ids``) act only on behalf of
a signed-in user and are not application grants: they are skipped.  App roles of other APIs
than Microsoft Graph are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.identity.azure.context import APP, Context, Who
from nhilint.identity.azure.entra import Permission
from nhilint.identity.azure.grants import Found
from nhilint.identity.graph import (
    Access,
    Grant,
    Pending,
    PrincipalId,
    Provenance,
    Scope,
    ScopeLevel,
    Text,
    Undecided,
)
from nhilint.identity.values import as_list
from nhilint.model import Cause, Resource, Span, Unknown

REQUESTED = "requested (needs admin consent)"
_GRAPH_NAME = "Microsoft Graph"


def directory_roles(ctx: Context) -> Iterator[Found]:
    for resource in ctx.model.resources:
        if resource.mode != "managed":
            continue
        if resource.type == "azuread_directory_role_assignment":
            who = ctx.principal(resource.get("principal_object_id"))
            yield _directory_role(ctx, resource, who, resource.get("role_id"))
        elif resource.type == "azuread_directory_role_member":
            who = ctx.principal(resource.get("member_object_id"))
            yield _directory_role(ctx, resource, who, resource.get("role_object_id"))


def _directory_role(ctx: Context, resource: Resource, who: Who, value: object) -> Found:
    where = Provenance(resource.address, (resource.address,), resource.span)
    found, undecided = _role_named(ctx, value)
    if found is None:
        return Found(who, pending=Pending(who.id, f"the directory role of {resource.address}",
                                          undecided, where))
    directory_scope = resource.get("directory_scope_id")
    app_scope = resource.get("app_scope_id")
    if app_scope is not None:
        reach = Scope(ScopeLevel.RESOURCE, (_text(app_scope),))
    elif directory_scope is None or directory_scope == "/":
        reach = Scope(ScopeLevel.TENANT, ("/",), wildcard=True)
    else:
        reach = Scope(ScopeLevel.RESOURCE, (_text(directory_scope),))
    access = Access((found.name,), frozenset({found.name}) if found.altering else frozenset(),
                    reach, resource.span_of(("role_id",)), resource.address, managed=True)
    return Found(who, grant=Grant(who.id, access, where))


def _role_named(ctx: Context, value: object) -> tuple[Permission | None, Undecided]:
    """A directory role by template id, or through the ``azuread_directory_role`` it names."""
    keys: list[str] = [value] if isinstance(value, str) else []
    custom = ctx.index.referenced(value, "azuread_custom_directory_role")
    if custom is not None:
        return None, Undecided("the directory role", None, f"is the custom role "
                               f"{custom.address}, whose permissions nhilint does not judge",
                               Cause.NOT_EVALUATED)
    target = ctx.index.referenced(value, "azuread_directory_role")
    if target is not None:
        keys += [k for k in (target.get("template_id"), target.get("display_name"))
                 if isinstance(k, str)]
    for key in keys:
        found = ctx.entra.directory_role(key)
        if found is not None:
            return found, Undecided("the directory role", None, "")
    if keys:
        return None, Undecided("the directory role", None,
                               f"{keys[-1]!r} is not in nhilint's directory role catalog",
                               Cause.EXTERNAL)
    unknown = value if isinstance(value, Unknown) else None
    return None, Undecided("the directory role", unknown, "is not known before apply",
                           None if unknown else Cause.NOT_EVALUATED)


def _text(value: object) -> Text:
    return value if isinstance(value, str | Unknown) else Unknown("is not an id")


def _is_graph(ctx: Context, value: object, depth: int = 0) -> bool | None:
    """Does ``value`` name Microsoft Graph (its client id, or its service principal)?
    ``None``: it cannot be told."""
    if isinstance(value, str):
        return value.lower() == ctx.entra.graph_app_id.lower()
    if not isinstance(value, Unknown) or depth > 2:
        return None
    for ref in value.refs:
        if "MicrosoftGraph" in ref.attr and "published_app_ids" in ref.address:
            return True
    target = ctx.index.referenced(value, "azuread_service_principal",
                                  "data.azuread_service_principal")
    return _sp_is_graph(ctx, target or ctx.index.referenced(value), depth)


def _sp_is_graph(ctx: Context, target: Resource | None, depth: int = 0) -> bool | None:
    """Is the service principal (a resource or data source) the one of Microsoft Graph?"""
    if target is None or target.type != "azuread_service_principal":
        return None
    if target.get("display_name") == _GRAPH_NAME:
        return True
    for key in ("client_id", "application_id"):
        found = _is_graph(ctx, target.get(key), depth + 1)
        if found is not None:
            return found
    return None


def _app_role(ctx: Context, value: object) -> tuple[Permission | None, bool | None]:
    """The Graph permission ``value`` names (a GUID, or ``….app_role_ids["Name"]`` of the
    Graph service principal), and whether that service principal is Graph."""
    if isinstance(value, str):
        return ctx.entra.app_role(value), None
    if not isinstance(value, Unknown):
        return None, None
    for ref in value.refs:
        if len(ref.attr) == 2 and ref.attr[0] == "app_role_ids" and isinstance(ref.attr[1], str):
            graph = _sp_is_graph(ctx, ctx.index.target(ref))
            return ctx.entra.app_role(ref.attr[1]), graph
    return None, None


def _graph_access(found: Permission, span: Span, written_in: str,
                  credited: tuple[str, ...] = ()) -> Access:
    return Access((found.name,), frozenset({found.name}) if found.altering else frozenset(),
                  Scope(ScopeLevel.TENANT, (_GRAPH_NAME,), wildcard=True), span, written_in,
                  credited=credited, managed=True)


def app_roles(ctx: Context) -> Iterator[Found]:
    """Graph permissions assigned, then those only requested (less the assigned ones)."""
    assigned: set[tuple[PrincipalId, str]] = set()
    for resource in ctx.model.of_type("azuread_app_role_assignment"):
        if resource.mode != "managed":
            continue
        who = ctx.principal(resource.get("principal_object_id"))
        found = _assigned(ctx, resource, who)
        if found is not None:
            if found.grant is not None:
                assigned.add((who.id, str(found.grant.access.permissions[0])))
            yield found
    for found in _requested(ctx):
        grant = found.grant
        if grant is None or (grant.principal, str(grant.access.permissions[0])) not in assigned:
            yield found


def _assigned(ctx: Context, resource: Resource, who: Who) -> Found | None:
    value = resource.get("app_role_id")
    found, via_graph = _app_role(ctx, value)
    graph = _is_graph(ctx, resource.get("resource_object_id"))
    where = Provenance(resource.address, (resource.address,), resource.span)
    if found is not None and graph is not False and via_graph is not False:
        access = _graph_access(found, resource.span_of(("app_role_id",)), resource.address)
        return Found(who, grant=Grant(who.id, access, where))
    if graph is False or via_graph is False:
        return None  # an app role of another API: not judged
    if graph is None and not isinstance(value, Unknown):
        return None  # not a Graph permission id, of an API not known to be Graph
    unknown = value if isinstance(value, Unknown) else None
    undecided = Undecided("the app role", unknown, "is not a Graph permission nhilint knows"
                          if unknown is None else "is not known before apply",
                          Cause.EXTERNAL if unknown is None else None)
    return Found(who, pending=Pending(who.id, f"the app role of {resource.address}", undecided,
                                      where))


def _requested(ctx: Context) -> Iterator[Found]:
    for resource in ctx.model.resources:
        if resource.mode != "managed":
            continue
        if resource.type == APP and resource.address in ctx.declared:
            who = ctx.declared_principal(resource)
            for block in as_list(resource.get("required_resource_access")):
                if not isinstance(block, dict) or not _is_graph(ctx, block.get("resource_app_id")):
                    continue
                for entry in as_list(block.get("resource_access")):
                    # type = "Scope" is a delegated permission: not an application grant
                    if isinstance(entry, dict) and entry.get("type") == "Role":
                        yield from _request(ctx, resource, who, entry.get("id"),
                                            ("required_resource_access",))
        elif resource.type == "azuread_application_api_access":
            if not _is_graph(ctx, resource.get("api_client_id")):
                continue
            who = ctx.holder(resource.get("application_id"), APP)
            for value in as_list(resource.get("role_ids")):  # scope_ids: delegated, skipped
                yield from _request(ctx, resource, who, value, ("role_ids",))


def _request(ctx: Context, resource: Resource, who: Who, value: object,
             path: tuple[str, ...]) -> Iterator[Found]:
    found, _ = _app_role(ctx, value)
    where = Provenance(resource.address, (resource.address,), resource.span_of(path))
    if found is not None:
        access = _graph_access(found, resource.span_of(path), resource.address, (REQUESTED,))
        yield Found(who, grant=Grant(who.id, access, where))
    elif isinstance(value, Unknown):
        undecided = Undecided("a requested Graph permission", value, "is not known before apply")
        yield Found(who, pending=Pending(who.id, f"the permissions {resource.address} requests",
                                         undecided, where))


__all__ = ["REQUESTED", "app_roles", "directory_roles"]
