"""The Azure / Entra ID adapter: what it makes of applications, managed identities, role
assignments, Graph permissions, secrets and federated credentials."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhilint.identity import ADAPTERS, FIX_KEYS, azure
from nhilint.identity.azure.scopes import level_of
from nhilint.identity.azure.trusts import _expression
from nhilint.identity.graph import Automation, Graph, OwnerState, ScopeLevel
from nhilint.model import Ref, Unknown
from nhilint.parsers.hcl.module import read_module
from nhilint.settings import Settings


def _graph(tmp_path: Path, text: str) -> Graph:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    return azure.build(read_module(tmp_path), Settings())


@pytest.mark.parametrize("platform", sorted(ADAPTERS))
def test_every_adapter_has_every_fix(platform: str) -> None:
    fixes = ADAPTERS[platform].FIXES
    assert set(FIX_KEYS) <= set(fixes), set(FIX_KEYS) - set(fixes)
    assert all(fixes[k].strip() for k in FIX_KEYS)


def test_azure_secrets_load() -> None:
    found = azure.secrets()
    assert found.exported["azuread_application_password"]["value"].platform == "azure"
    assert "client_secret" in found.arguments["provider.azurerm"]


@pytest.mark.parametrize(("scope", "level"), [
    ("/", ScopeLevel.TENANT),
    ("/providers/Microsoft.Management/managementGroups/platform", ScopeLevel.MANAGEMENT_GROUP),
    ("/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333", ScopeLevel.SUBSCRIPTION),
    ("/subscriptions/0b1f6471/resourceGroups/rg-app", ScopeLevel.RESOURCE_GROUP),
    ("/subscriptions/0b1f6471/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv",
     ScopeLevel.RESOURCE),
    ("not a scope", None),
])
def test_scope_levels(scope: str, level: ScopeLevel | None) -> None:
    assert level_of(scope) is level


def _ref(address: str, *attr: str) -> Unknown:
    return Unknown("known after apply", f"{address}.{'.'.join(attr)}", (Ref(address, attr),))


def test_scope_references_and_templates() -> None:
    assert level_of(_ref("data.azurerm_subscription.x", "id")) is ScopeLevel.SUBSCRIPTION
    assert level_of(_ref("azurerm_resource_group.x", "id")) is ScopeLevel.RESOURCE_GROUP
    assert level_of(_ref("azurerm_management_group.x", "id")) is ScopeLevel.MANAGEMENT_GROUP
    assert level_of(_ref("azurerm_key_vault.x", "id")) is ScopeLevel.RESOURCE
    assert level_of(_ref("var.scope")) is None
    template = Unknown("", '"${data.azurerm_subscription.x.id}/resourceGroups/rg"')
    assert level_of(template) is ScopeLevel.RESOURCE_GROUP


def test_flexible_expression() -> None:
    claims = _expression("claims['sub'] matches 'repo:org/app:ref:refs/heads/*' and "
                         "claims['job_workflow_ref'] eq 'org/app/.github/workflows/x.yml'")
    assert [(c.name, c.glob) for c in claims] == [("sub", True), ("job_workflow_ref", False)]


APP_WITH_SP = """
resource "azuread_application" "ci" {
  display_name = "ci"
}
resource "azuread_service_principal" "ci" {
  client_id = azuread_application.ci.client_id
}
resource "azuread_application_password" "ci" {
  application_id = azuread_application.ci.id
  end_date       = "2027-01-01T00:00:00Z"
}
resource "azurerm_role_assignment" "ci" {
  scope                = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333"
  role_definition_name = "User Access Administrator"
  principal_id         = azuread_service_principal.ci.object_id
}
"""


def test_application_and_service_principal_are_one_principal(tmp_path: Path) -> None:
    graph = _graph(tmp_path, APP_WITH_SP)
    (principal,) = graph.principals
    assert principal.address == "azuread_application.ci"
    assert principal.automation is Automation.YES
    assert principal.owner.state is OwnerState.ABSENT
    held = [c.address for c in graph.credentials_of(principal)]
    assert held == ["azuread_application_password.ci"]
    (grant,) = graph.altering_of(principal)
    assert grant.access.scope.level is ScopeLevel.SUBSCRIPTION and grant.access.managed
    assert graph.credentials[0].expiry == "2027-01-01T00:00:00Z"


def test_external_principals_by_type(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
data "azuread_user" "alice" {
  user_principal_name = "alice@example.com"
}
resource "azurerm_role_assignment" "sp" {
  scope                = "/"
  role_definition_name = "Owner"
  principal_id         = "11111111-2222-3333-4444-555555555555"
  principal_type       = "ServicePrincipal"
}
resource "azurerm_role_assignment" "user" {
  scope                = "/"
  role_definition_name = "Owner"
  principal_id         = data.azuread_user.alice.object_id
}
resource "azurerm_role_assignment" "unknown" {
  scope                = "/"
  role_definition_name = "Owner"
  principal_id         = var.principal
}
""")
    verdicts = sorted((p.id.type, p.automation.value) for p in graph.principals)
    assert verdicts == [("azuread_object", "unknown"), ("azuread_service_principal", "automation"),
                        ("azuread_user", "human")]


def test_pim_expiry_and_role_by_id(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
locals {
  definitions = "/subscriptions/0b1f6471/providers/Microsoft.Authorization/roleDefinitions"
}
resource "azurerm_user_assigned_identity" "x" {
  name = "x"
}
resource "azurerm_pim_active_role_assignment" "x" {
  scope              = "/subscriptions/0b1f6471"
  role_definition_id = "${local.definitions}/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
  principal_id       = azurerm_user_assigned_identity.x.principal_id
  schedule {
    expiration {
      duration_days = 7
    }
  }
}
""")
    (grant,) = graph.grants
    assert grant.access.permissions == ("Owner",)
    assert grant.access.expiry == "7 days after it starts"


def test_unknown_role_is_pending(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "azurerm_user_assigned_identity" "x" {
  name = "x"
}
resource "azurerm_role_assignment" "x" {
  scope              = "/subscriptions/0b1f6471"
  role_definition_id = var.role_id
  principal_id       = azurerm_user_assigned_identity.x.principal_id
}
""")
    assert not graph.grants
    (pending,) = graph.pending
    assert pending.undecided.what == "the role"


def test_system_assigned_identity_and_agent(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "azurerm_linux_web_app" "api" {
  name = "api"
  identity {
    type = "SystemAssigned"
  }
}
resource "azurerm_cognitive_account_project" "agents" {
  name = "agents"
  identity {
    type = "SystemAssigned"
  }
}
resource "azurerm_role_assignment" "api" {
  scope                = "/subscriptions/0b1f6471"
  role_definition_name = "Owner"
  principal_id         = azurerm_linux_web_app.api.identity[0].principal_id
}
""")
    kinds = {p.address: p.kind for p in graph.principals}
    assert kinds == {"azurerm_linux_web_app.api": "managed-identity",
                     "azurerm_cognitive_account_project.agents": "ai-agent"}
    assert graph.grants[0].principal.ref == "azurerm_linux_web_app.api"


def test_requested_graph_permission(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "azuread_application" "ci" {
  display_name = "ci"
  required_resource_access {
    resource_app_id = "00000003-0000-0000-c000-000000000000"
    resource_access {
      id   = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"
      type = "Role"
    }
    resource_access {
      id   = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"
      type = "Scope"
    }
  }
}
""")
    (grant,) = graph.grants
    assert grant.access.permissions == ("RoleManagement.ReadWrite.Directory",)
    assert grant.access.altering and grant.access.scope.level is ScopeLevel.TENANT
    assert "needs admin consent" in grant.access.credited[0]


def test_certificate_and_rotation(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "azuread_application" "ci" {
  display_name = "ci"
}
resource "time_rotating" "r" {
  rotation_days = 30
}
resource "azuread_application_certificate" "ci" {
  application_id = azuread_application.ci.id
  type           = "AsymmetricX509Cert"
  value          = file("cert.pem")
}
resource "azuread_application_password" "ci" {
  application_id      = azuread_application.ci.id
  rotate_when_changed = { rotation = time_rotating.r.id }
}
""")
    by = {c.address: c for c in graph.credentials}
    cert = by["azuread_application_certificate.ci"]
    assert cert.persistent and cert.expiry is not None and not cert.exposed_in_state
    password = by["azuread_application_password.ci"]
    assert password.rotated and password.exposed_in_state and password.expiry is None


def test_directory_roles(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "azuread_directory_role" "ga" {
  display_name = "Global Administrator"
}
resource "azuread_custom_directory_role" "apps" {
  display_name = "apps"
}
resource "azurerm_user_assigned_identity" "x" {
  name = "x"
}
resource "azuread_directory_role_assignment" "ga" {
  role_id             = azuread_directory_role.ga.template_id
  principal_object_id = azurerm_user_assigned_identity.x.principal_id
}
resource "azuread_directory_role_assignment" "custom" {
  role_id             = azuread_custom_directory_role.apps.object_id
  principal_object_id = azurerm_user_assigned_identity.x.principal_id
}
""")
    (grant,) = graph.grants
    assert grant.access.permissions == ("Global Administrator",)
    assert grant.access.altering and grant.access.scope.level is ScopeLevel.TENANT
    (pending,) = graph.pending
    assert "custom role" in pending.undecided.reason


def test_people_who_may_attach_an_identity_can_act_as_it(tmp_path: Path) -> None:
    graph = _graph(tmp_path, '''
resource "azurerm_user_assigned_identity" "ci" {
  name                = "id-ci"
  location            = "westeurope"
  resource_group_name = "rg"
}
resource "azurerm_role_definition" "attach" {
  name  = "attach-identities"
  scope = "/subscriptions/0b1f6471"
  permissions {
    actions = ["Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action"]
  }
}
resource "azurerm_role_assignment" "alice_custom" {
  scope              = azurerm_user_assigned_identity.ci.id
  role_definition_id = azurerm_role_definition.attach.role_definition_resource_id
  principal_id       = "4f0c1f5e-0000-4000-8000-000000000001"
  principal_type     = "User"
}
resource "azurerm_role_assignment" "team_reader" {
  scope                = azurerm_user_assigned_identity.ci.id
  role_definition_name = "Reader"
  principal_id         = "4f0c1f5e-0000-4000-8000-000000000002"
  principal_type       = "Group"
}
''')
    (identity,) = [p for p in graph.principals if p.address == "azurerm_user_assigned_identity.ci"]
    people = [t for t in graph.trusts_of(identity) if t.kind.human]
    assert [(t.issuer, t.written_in) for t in people] == [
        ("4f0c1f5e-0000-4000-8000-000000000001", "azurerm_role_assignment.alice_custom")]
