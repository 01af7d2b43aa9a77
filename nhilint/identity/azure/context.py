"""What the Azure adapter needs while it reads one model: lookups and principal resolution.

Entra ID and Azure RBAC name a principal by its object id (``principal_id``,
``principal_object_id``): ``azuread_service_principal.x.object_id``,
``azurerm_user_assigned_identity.x.principal_id``, or the system-assigned identity of a
resource, ``azurerm_linux_web_app.x.identity[0].principal_id``.  An application and its
service principal are one automation identity here (see :mod:`nhilint.identity.azure`): the
service principal's address resolves to its application's principal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import NamedTuple

from nhilint.identity.azure.catalog import AzureCatalog
from nhilint.identity.azure.entra import EntraCatalog
from nhilint.identity.azure.scopes import resource_type
from nhilint.identity.graph import PrincipalId, PrincipalKind, Text
from nhilint.identity.values import Index, as_list
from nhilint.model import Model, Resource, Unknown
from nhilint.settings import Settings

PLATFORM = "azure"
APP, SP = "azuread_application", "azuread_service_principal"
#: azuread 3.x's application registration without the inline blocks (docs/resources/
#: application_registration.md): an application too
REGISTRATION = "azuread_application_registration"
APPS = (APP, REGISTRATION)
UAMI = "azurerm_user_assigned_identity"
USER, GROUP = "azuread_user", "azuread_group"
#: an object id the configuration does not say the type of
OBJECT = "azuread_object"
#: resources whose system-assigned identity AI Foundry agents run as: the project's identity
#: (azurerm docs r/cognitive_account_project, r/ai_foundry_project: ``identity`` block)
AGENT_HOSTS = frozenset({"azurerm_cognitive_account_project", "azurerm_ai_foundry_project"})
KINDS: Mapping[str, PrincipalKind] = {
    APP: "application", REGISTRATION: "application", SP: "service-principal",
    UAMI: "managed-identity", USER: "user", GROUP: "group", OBJECT: "service-principal",
}
#: ``principal_type`` of an ``azurerm_role_assignment`` -> the type of an external principal
PRINCIPAL_TYPES = {"ServicePrincipal": SP, "User": USER, "Group": GROUP}


class Who(NamedTuple):
    """A principal named by a grant, credential or trust: declared here or not.

    ``type`` of a system-assigned identity is its resource's type; ``via`` is how an external
    principal was named (a data source address), for its automation verdict.
    """

    id: PrincipalId
    declared: bool
    via: str = ""

    @property
    def type(self) -> str:
        return self.id.type


def system_assigned(resource: Resource) -> bool:
    """``identity { type = "SystemAssigned" }`` (or ``"SystemAssigned, UserAssigned"``)."""
    for block in as_list(resource.get("identity")):
        kind = block.get("type") if isinstance(block, dict) else None
        if isinstance(kind, str) and "systemassigned" in kind.replace(" ", "").lower():
            return True
    return False


@dataclasses.dataclass(frozen=True)
class Context:
    model: Model
    index: Index
    roles: AzureCatalog
    entra: EntraCatalog
    settings: Settings
    #: principal address -> its declaring resource (applications, service principals not
    #: linked to a declared application, managed identities, system-assigned holders)
    declared: Mapping[str, Resource]
    #: service principal address -> the application it is the service principal of
    linked: Mapping[str, str]
    by_address: Mapping[str, Resource]

    @classmethod
    def build(cls, model: Model, roles: AzureCatalog, entra: EntraCatalog,
              settings: Settings) -> Context:
        index = Index(model.resources)
        managed = [r for r in model.resources if r.mode == "managed"]
        linked = {}
        for sp in (r for r in managed if r.type == SP):
            app = index.referenced(sp.get("client_id", sp.get("application_id")), *APPS)
            if app is not None and app.mode == "managed":
                linked[sp.address] = app.address
        declared = {
            r.address: r for r in managed
            if (r.type in (*APPS, SP, UAMI) and r.address not in linked
                and not _first_party(r, entra)) or system_assigned(r)
        }
        by_address = {r.address: r for r in managed}
        return cls(model, index, roles, entra, settings, declared, linked, by_address)

    def model_resource(self, address: str) -> Resource | None:
        return self.by_address.get(address)

    def declared_principal(self, resource: Resource) -> Who:
        address = self.linked.get(resource.address, resource.address)
        return Who(PrincipalId(PLATFORM, self.declared[address].type, address), True)

    def resolve(self, value: object) -> Resource | None:
        """The declared principal resource (service principal, application, managed
        identity, system-assigned holder) that ``value`` names by reference."""
        if not isinstance(value, Unknown):
            return None
        for ref in value.refs:
            target = self.index.target(ref) or self._one_principal(ref.qualified)
            if target is None or target.mode != "managed":
                continue
            if target.address in self.declared or target.address in self.linked:
                return target
        return None

    def _one_principal(self, base: str) -> Resource | None:
        """An instance of a counted service principal whose key is not known, when every
        instance is the service principal of one application: that application."""
        apps = {app for sp, app in self.linked.items()
                if (r := self.by_address.get(sp)) is not None and r.base_address == base}
        return self.by_address.get(apps.pop()) if len(apps) == 1 else None

    def principal(self, value: object, principal_type: object = None) -> Who:
        """Resolve an object id: a declared principal, or an external one typed by what
        names it (``data.azuread_user``, ``principal_type``)."""
        target = self.resolve(value)
        if target is not None:
            return self.declared_principal(target)
        ref = _text(value)
        via = self._named_by(value)
        type_ = resource_type(via) if via else OBJECT
        if isinstance(principal_type, str) and principal_type in PRINCIPAL_TYPES:
            type_ = PRINCIPAL_TYPES[principal_type]
        return Who(PrincipalId(PLATFORM, type_, ref), False, via)

    @staticmethod
    def _data_source(value: object) -> str:
        if not isinstance(value, Unknown):
            return ""
        return next((r.address for r in value.refs if r.address.startswith("data.")), "")

    @staticmethod
    def _named_by(value: object) -> str:
        """The service principal, user or group (a data source or a resource not judged
        here) whose object id ``value`` is."""
        if not isinstance(value, Unknown):
            return ""
        return next((r.address for r in value.refs
                     if resource_type(r.address) in (SP, USER, GROUP)), "")

    def holder(self, value: object, type_: str) -> Who:
        """The principal an ``application_id`` / ``service_principal_id`` / identity id names:
        declared here, or external of ``type_``."""
        target = self.resolve(value)
        if target is not None:
            return self.declared_principal(target)
        return Who(PrincipalId(PLATFORM, type_, _text(value)), False, self._data_source(value))


def _first_party(resource: Resource, entra: EntraCatalog) -> bool:
    """A service principal of a Microsoft API (``client_id`` from
    ``azuread_application_published_app_ids``, or Graph's): the API, not automation."""
    if resource.type != SP:
        return False
    value = resource.get("client_id", resource.get("application_id"))
    if isinstance(value, str):
        return value.lower() == entra.graph_app_id.lower()
    return isinstance(value, Unknown) and any(
        "published_app_ids" in r.address for r in value.refs)


def _text(value: object) -> Text:
    if isinstance(value, str | Unknown):
        return value
    return Unknown(f"is a {type(value).__name__}, not an id")
