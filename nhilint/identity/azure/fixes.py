"""How to fix each kind of finding on Azure and Entra ID: the adapter's data, read by the
rules by key.

The keys are the ones every adapter provides (see :data:`nhilint.identity.FIX_KEYS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

FIXES: Mapping[str, str] = MappingProxyType(dict([
    ("static-secret",
     "use a federated identity credential (azuread_application_federated_identity_credential, "
     "or a managed identity) instead of a client secret or certificate, and delete the "
     "password or certificate resource"),
    ("no-owner",
     "set owners = [<object id of the owning team's user or group>] on the application or "
     "service principal (or an azuread_application_owner); tag a managed identity with its "
     'owning team (tags = { Owner = "team" })'),
    ("wildcard-scope",
     "assign a narrower role (not Owner or User Access Administrator) at resource-group or "
     "resource scope, or constrain the assignment with an ABAC condition on the roles and "
     "principal types it may assign"),
    ("wildcard-scope-managed",
     "replace the built-in role (it cannot be edited) with a narrower built-in or custom "
     "role assigned at resource-group or resource scope, or add an ABAC condition to the "
     "assignment; for a Microsoft Graph permission, choose a narrower one "
     "(Application.ReadWrite.OwnedBy instead of Application.ReadWrite.All)"),
    ("no-expiry-grant",
     "make the assignment time-bound: azurerm_pim_eligible_role_assignment (or "
     "azurerm_pim_active_role_assignment) with schedule { expiration { end_date_time = ... } }"),
    ("no-expiry-grant-managed",
     "assign the built-in role through PIM with an expiration "
     "(azurerm_pim_eligible_role_assignment with schedule { expiration { duration_days = ... } "
     "}), or remove the assignment when the work is done"),
    ("no-expiry-credential",
     "set end_date on the password or certificate, and rotate it: rotate_when_changed = "
     "{ rotation = time_rotating.<name>.id }"),
    ("admin-policy",
     "name the Microsoft.Authorization and Microsoft.ManagedIdentity actions the role needs "
     'instead of "*" or "Microsoft.Authorization/*", and limit assignable_scopes to the '
     "resource groups it is for"),
    ("admin-policy-managed",
     "assign a custom role naming only the actions the principal needs instead of the "
     "built-in one"),
    ("automation-unknown-external",
     'say what the principal is: set principal_type = "ServicePrincipal" (or "User", '
     '"Group") on the role assignment, or name it through data.azuread_service_principal'),
    ("automation-unknown-declared",
     "declare the principal as an azuread_service_principal or a managed identity in the "
     "scanned code so nhilint can tell what it is"),
    ("owner-unknown",
     "write the owners (or the owner tag) as literals, or scan the Terraform plan, where "
     "they are known"),
    ("policy-unknown",
     "name the role by role_definition_name (a built-in role) or reference an "
     "azurerm_role_definition declared in the scanned code; or scan the Terraform plan"),
    ("privilege-escalation",
     "take away the permission of each combination the automation does not need"),
    ("expiry-unknown",
     "write the PIM expiration (end_date_time, duration_days) or the credential's end_date "
     "as a literal, or scan the Terraform plan, where it is known"),
    ("secret-literal",
     "remove the leaked secret from the code and the history and reset it (a new client "
     "secret, a new storage key); let the workload use a managed identity or a federated "
     "identity credential, or read the secret at run time from Key Vault"),
    ("secret-embedded",
     "give the workload a managed identity instead of the secret, or keep the secret in "
     "Key Vault and reference it (a Key Vault reference in app settings)"),
    ("secret-output",
     "mark the output sensitive = true, or do not output the secret (output the key_id "
     "instead of the value)"),
    ("open-trust-anyone",
     "name the principals that may use the identity"),
    ("open-trust-subject",
     "use a federated identity credential with an exact subject (one repository and branch "
     "or environment, e.g. repo:<org>/<repo>:environment:<name>), or narrow the flexible "
     "credential's claims_matching_expression to one repository"),
    ("open-trust-audience",
     'set the audience to api://AzureADTokenExchange'),
    ("open-trust-third-party",
     "name the third party's tenant and application explicitly"),
    ("trust-unknown",
     "write the federated credential's issuer and subject as literals, or scan the "
     "Terraform plan, where they are known"),
    ("long-lived-secret",
     "replace the client secret with a federated identity credential or a managed identity "
     "and delete it, or set end_date and rotate it: rotate_when_changed = "
     "{ rotation = time_rotating.<name>.id }"),
    ("long-lived-secret-state",
     "replace the client secret with a federated identity credential or a managed identity: "
     "its value is written to the Terraform state in plain text; where it must stay, set "
     "end_date, rotate it (rotate_when_changed = { rotation = time_rotating.<name>.id }) and "
     "protect the state"),
    ("credential-expiry-unknown",
     "write end_date as a literal, or scan the Terraform plan, where it is known"),
    ("human-login",
     "people sign in with user accounts of their own; do not share the automation's "
     "credentials with them"),
    ("human-trust",
     "remove the people's access to the automation identity and give them a role of their "
     "own"),
]))
