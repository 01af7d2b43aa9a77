"""How to fix each kind of finding on GCP: the adapter's data, read by the rules by key.

The keys are the ones every adapter provides (see :data:`nhilint.identity.FIX_KEYS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

FIXES: Mapping[str, str] = MappingProxyType(dict([
    ("static-secret",
     "let the automation authenticate without a key: workload identity federation for CI "
     "(google_iam_workload_identity_pool_provider + roles/iam.workloadIdentityUser on the "
     "service account), the attached service account on GCP; delete the "
     "google_service_account_key and enforce iam.disableServiceAccountKeyCreation"),
    ("no-owner",
     "write the owning team in the service account's description (owner=<team>), or a label "
     "on resources that have labels (labels, or the google provider's default_labels)"),
    ("wildcard-scope",
     "bind the role on the one service account or resource it must change, not the project, "
     "folder or organisation, or narrow it with an IAM condition on resource.name"),
    ("wildcard-scope-managed",
     "replace the predefined or basic role (it cannot be edited) with a custom role holding "
     "only the identity-altering permissions the automation needs, bound on the resources it "
     "manages; basic roles (owner, editor) should never be granted to automation"),
    ("no-expiry-grant",
     "bound the binding in time with an IAM condition: "
     "condition { title = \"expires\" expression = \"request.time < timestamp('<date>')\" }, "
     "or remove it when the work is done"),
    ("no-expiry-grant-managed",
     "bound the binding of the predefined role in time with an IAM condition "
     "(request.time < timestamp(...)); basic roles take no condition: replace them"),
    ("no-expiry-credential",
     "rotate the key (keepers = { rotation = time_rotating.<name>.rotation_rfc3339 }) or "
     "replace it by workload identity federation"),
    ("admin-policy",
     "split the custom role: keep the identity-altering permissions (setIamPolicy, key and "
     "token creation) out of roles that are bound at project, folder or organisation level"),
    ("admin-policy-managed",
     "bind a narrower role, or the same role on the one resource it must change, instead of "
     "the predefined role on the whole project, folder or organisation"),
    ("automation-unknown-external",
     "write the member as serviceAccount:, user: or group: (or reference the "
     "google_service_account) so nhilint can tell whether it is automation"),
    ("automation-unknown-declared",
     "tell nhilint what it is: name it after an automation pattern ([tool.nhilint] "
     "automation-patterns)"),
    ("owner-unknown",
     "write the owner in the description (or label) as a literal, or scan the Terraform plan, "
     "where it is known"),
    ("policy-unknown",
     "write the role (and a custom role's permissions) as literals, or scan the Terraform plan "
     "(terraform show -json), where they are known"),
    ("privilege-escalation",
     "take away one permission of each combination the automation does not need"),
    ("expiry-unknown",
     "write the end of the request.time condition as a literal, or scan the Terraform plan"),
    ("secret-literal",
     "disable and delete the leaked key, then take it out of the code: use workload identity "
     "federation or the attached service account, or read the secret at run time from Secret "
     "Manager"),
    ("secret-embedded",
     "run the workload as a service account (no key) and read other secrets from Secret "
     "Manager at run time"),
    ("secret-output",
     "mark the output sensitive = true, or do not output the key's private_key or the HMAC "
     "key's secret at all"),
    ("open-trust-anyone",
     "grant the token-minting role to named members only, never allUsers or "
     "allAuthenticatedUsers"),
    ("open-trust-subject",
     "pin the member to one identity (principal://…/subject/<sub> or principalSet://…/"
     "attribute.repository/<org>/<repo>), and give the pool provider an attribute_condition "
     "that admits only your repositories (assertion.repository == '<org>/<repo>')"),
    ("open-trust-audience",
     "leave allowed_audiences to the provider's default, or set the audience your issuer "
     "documents for GCP"),
    ("open-trust-third-party",
     "restrict the AWS provider with an attribute_condition on the AWS role "
     "(attribute.aws_role == '<role arn>')"),
    ("trust-unknown",
     "write the member, the attribute mapping and the attribute_condition as literals, or "
     "scan the Terraform plan, where they are known"),
    ("long-lived-secret",
     "replace the key by workload identity federation or the attached service account and "
     "delete it, or rotate it (keepers from a time_rotating); set state = \"INACTIVE\" on "
     "HMAC keys no longer used"),
    ("long-lived-secret-state",
     "replace the key by federation and delete it; where one must stay, create it outside "
     "Terraform (or upload public_key_data) so the private key is not in the state, and "
     "rotate it"),
    ("credential-expiry-unknown",
     "write the key's rotation keepers as literals, or scan the Terraform plan"),
    ("human-login",
     "people should sign in as themselves: remove the login from the service account"),
    ("human-trust",
     "remove user: and group: members from the token-minting roles of the automation's "
     "service account (roles/iam.serviceAccountTokenCreator, roles/iam.workloadIdentityUser) "
     "and grant the people the roles they need themselves"),
]))
