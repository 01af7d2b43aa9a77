"""The Azure / Entra ID adapter: applications, service principals and managed identities, their
role assignments, directory roles, Microsoft Graph permissions, secrets and federated trusts.

One holder per application: an ``azuread_application`` (or ``azuread_application_registration``)
and the ``azuread_service_principal`` whose ``client_id`` (2.x: ``application_id``) names it
are one automation identity, the application's principal.  A client secret of the
application authenticates as its service principal, and every grant is held by the service
principal; putting both on one principal is what lets the rules see a secret and a grant
together.  A service principal of an application not declared here is a principal of its
own.  A system-assigned identity (``identity { type = "SystemAssigned" }``) is a managed
identity whose address is its resource's; an AI Foundry project's is an AI agent's
(:mod:`.principals`).

The parts: :mod:`.grants` (Azure RBAC), :mod:`.directory` (Entra directory roles and Graph
permissions), :mod:`.credentials`, :mod:`.trusts`, :mod:`.catalog` and :mod:`.entra` (the
role and permission data).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from nhilint.identity.azure import catalog, entra
from nhilint.identity.azure.context import PLATFORM, Context, Who
from nhilint.identity.azure.credentials import credentials
from nhilint.identity.azure.directory import app_roles, directory_roles
from nhilint.identity.azure.fixes import FIXES
from nhilint.identity.azure.grants import Found, assignments, policies
from nhilint.identity.azure.principals import principals
from nhilint.identity.azure.trusts import trusts
from nhilint.identity.graph import Graph, PrincipalId
from nhilint.identity.secrets import SecretCatalog, load_secrets
from nhilint.model import Model
from nhilint.settings import Settings

__all__ = ["FIXES", "PLATFORM", "build", "secrets"]

#: resource type prefixes this adapter reads; a module with none of them is skipped
_PREFIXES = ("azurerm_", "azuread_")


@functools.cache
def _secrets() -> SecretCatalog:
    return load_secrets("azure_secrets.json", PLATFORM)


def secrets() -> SecretCatalog:
    """Where Azure configuration holds secret material (``nhilint/data/azure_secrets.json``)."""
    return _secrets()


def build(model: Model, settings: Settings) -> Graph:
    if not any(r.type.startswith(_PREFIXES) for r in model.resources):
        return Graph()
    ctx = Context.build(model, catalog.load_catalog(), entra.load_catalog(), settings)
    found = [*assignments(ctx), *directory_roles(ctx), *app_roles(ctx)]
    owned = list(credentials(ctx))
    trusted = list(trusts(ctx))
    named = _named(ctx, found, (w for w, _ in owned), (w for w, _ in trusted))
    return Graph(
        principals=tuple(principals(ctx, named)),
        grants=tuple(f.grant for f in found if f.grant is not None),
        credentials=tuple(c for _, c in owned),
        trusts=tuple(t for _, t in trusted),
        policies=policies(ctx),
        pending=tuple(f.pending for f in found if f.pending is not None),
    )


def _named(ctx: Context, found: list[Found], *others: Iterable[Who]) -> dict[PrincipalId, Who]:
    """Every principal declared here or named by a grant, credential or trust."""
    named = {w.id: w for w in (ctx.declared_principal(r) for r in ctx.declared.values())}
    for item in found:
        named.setdefault(item.who.id, item.who)
    for who in (w for group in others for w in group):
        named.setdefault(who.id, who)
    return named
