"""Azure scopes: how far a role assignment or definition reaches, from its ``scope`` id.

``/`` is the tenant root, ``/providers/Microsoft.Management/managementGroups/<id>`` a
management group, ``/subscriptions/<id>`` a subscription, ``…/resourceGroups/<name>`` a
resource group, anything deeper one resource.  A reference is classified by what it names:
``data.azurerm_subscription.x.id`` a subscription, ``azurerm_resource_group.x.id`` a resource
group, ``azurerm_management_group.x.id`` a management group, another resource's ``id`` that
resource; a template (``"/subscriptions/${var.id}/resourceGroups/${var.rg}"``) by its shape.
"""

from __future__ import annotations

import re

from nhilint.identity.graph import ScopeLevel
from nhilint.model import Unknown

_MANAGEMENT_GROUP = re.compile(r"/providers/microsoft\.management/managementgroups/[^/]+/?$")
_SUBSCRIPTION = re.compile(r"/subscriptions/[^/]+/?$")
_RESOURCE_GROUP = re.compile(r"/subscriptions/[^/]+/resourcegroups/[^/]+/?$")
_BY_TYPE = {
    "azurerm_subscription": ScopeLevel.SUBSCRIPTION,
    "azurerm_resource_group": ScopeLevel.RESOURCE_GROUP,
    "azurerm_management_group": ScopeLevel.MANAGEMENT_GROUP,
}
_INTERPOLATION = re.compile(r"\$\{([^}]*)\}")
#: what an interpolated reference stands for in a template's shape
_SHAPES = {
    ScopeLevel.SUBSCRIPTION: "/subscriptions/x",
    ScopeLevel.RESOURCE_GROUP: "/subscriptions/x/resourceGroups/x",
    ScopeLevel.MANAGEMENT_GROUP: "/providers/Microsoft.Management/managementGroups/x",
}
_ID_REFERENCE = re.compile(r"\s*((?:module\.\w+\.)?(?:data\.)?\w+\.\w+)\.id\s*$")


def level_of(scope: object) -> ScopeLevel | None:
    """The level of a scope id, ``None`` when it cannot be told (a variable, a module
    output)."""
    if isinstance(scope, str):
        return _level_of_text(scope)
    if not isinstance(scope, Unknown):
        return None
    written = scope.source.strip()
    if written.startswith('"') and written.endswith('"'):
        return _level_of_text(_INTERPOLATION.sub(_shape, written[1:-1]))
    for ref in scope.refs:
        type_ = resource_type(ref.address)
        if type_ in _BY_TYPE:
            return _BY_TYPE[type_]
        if type_.startswith("azurerm_") and ref.attr == ("id",):
            return ScopeLevel.RESOURCE
    return None


def _shape(found: re.Match[str]) -> str:
    """An interpolation in a scope template, as the scope text it stands for: a
    subscription's, resource group's or management group's id by its shape, else ``x``."""
    reference = _ID_REFERENCE.match(found.group(1))
    level = _BY_TYPE.get(resource_type(reference.group(1))) if reference else None
    return _SHAPES.get(level, "x") if level is not None else "x"


def resource_type(address: str) -> str:
    """``data.azurerm_subscription.x`` -> ``azurerm_subscription``."""
    parts = [p for p in address.split(".") if p]
    while parts and parts[0] == "module":
        parts = parts[2:]
    if parts and parts[0] == "data":
        parts = parts[1:]
    return parts[0] if len(parts) >= 2 else ""


def _level_of_text(scope: str) -> ScopeLevel | None:
    text = scope.strip().lower()
    if text == "/":
        return ScopeLevel.TENANT
    if _MANAGEMENT_GROUP.match(text):
        return ScopeLevel.MANAGEMENT_GROUP
    if _SUBSCRIPTION.match(text):
        return ScopeLevel.SUBSCRIPTION
    if _RESOURCE_GROUP.match(text):
        return ScopeLevel.RESOURCE_GROUP
    if text.startswith("/subscriptions/") or text.startswith("/providers/"):
        return ScopeLevel.RESOURCE
    return None
