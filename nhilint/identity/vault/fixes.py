"""How to fix each kind of finding on Vault: the adapter's data, read by the rules by key.

The keys are the ones every adapter provides (see :data:`nhilint.identity.FIX_KEYS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

FIXES: Mapping[str, str] = MappingProxyType(dict([
    ("static-secret",
     "let CI log in with its own signed token instead of a secret id: a "
     'vault_jwt_auth_backend_role (role_type = "jwt") bound to the repository and branch; '
     "where an AppRole must stay, set secret_id_ttl and secret_id_num_uses, bind "
     "secret_id_bound_cidrs, and deliver secret ids response-wrapped (wrapping_ttl)"),
    ("no-owner",
     "write the owning team in the role's alias_metadata (or the token's metadata) as "
     "owner = \"<team>\", or owner=<team> in the description of its auth mount"),
    ("wildcard-scope",
     "name the one role, mount or policy the automation manages in the policy path "
     "(auth/approle/role/app-ci/secret-id, sys/policies/acl/app-*), never auth/*, sys/auth/*, "
     "sys/policy/* or *"),
    ("wildcard-scope-managed",
     "replace the root policy with a policy naming the paths the automation must write"),
    ("no-expiry-grant",
     "Vault policies hold as long as the role does: keep identity-altering paths out of the "
     "automation's policies, bound its tokens (token_ttl, token_max_ttl, "
     "token_explicit_max_ttl) and remove the role when the work is done"),
    ("no-expiry-grant-managed",
     "never attach the root policy to a role or token; generate a root token only for an "
     "emergency and revoke it after use"),
    ("no-expiry-credential",
     "set secret_id_ttl (and secret_id_num_uses) on the AppRole role, and ttl / "
     "explicit_max_ttl on tokens"),
    ("admin-policy",
     "split the policy: grant write on sys/auth, sys/policy, sys/policies, auth/ and identity/ "
     "paths, and sudo, only in a policy held by the people who administer Vault, naming the "
     "paths it may change"),
    ("admin-policy-managed",
     "remove the root policy from token_policies; write a policy naming the paths needed"),
    ("automation-unknown-external",
     "declare the role in the scanned code, or name it as a literal"),
    ("automation-unknown-declared",
     'write role_type as a literal ("jwt" for workloads, "oidc" for people)'),
    ("owner-unknown",
     "write the owner in alias_metadata (or the mount's description) as a literal, or scan "
     "the Terraform plan"),
    ("policy-unknown",
     "write the policy in the scanned code (vault_policy with a literal heredoc, or "
     "data.vault_policy_document) and name it by reference in token_policies, or scan the "
     "Terraform plan"),
    ("privilege-escalation",
     "take away the write capabilities on the auth/, sys/policy and identity/ paths the "
     "automation does not need"),
    ("expiry-unknown",
     "write secret_id_ttl, ttl and explicit_max_ttl as literals, or scan the Terraform plan"),
    ("secret-literal",
     "revoke the token or secret id and take it out of the code: let Vault generate secret "
     "ids (omit secret_id), and give the provider a token from VAULT_TOKEN or an auth_login "
     "block, not a literal"),
    ("secret-embedded",
     "do not copy Vault tokens or secret ids into other resources; let the workload log in "
     "itself (JWT, Kubernetes or cloud auth) and read secrets at run time"),
    ("secret-output",
     "mark the output sensitive = true, or do not output the secret id or token at all"),
    ("open-trust-anyone",
     "bind the role to the claims of the one workload that logs in (bound_subject, "
     "bound_claims)"),
    ("open-trust-subject",
     "bind the role to one repository and branch or environment: bound_claims = { sub = "
     '"repo:<org>/<repo>:ref:refs/heads/main" } (GitHub) or { project_path = "<group>/'
     '<project>", ref = "main" } (GitLab), with bound_claims_type = "string"'),
    ("open-trust-audience",
     "set bound_audiences to the audience the CI job requests for Vault"),
    ("open-trust-third-party",
     "bind the role to the claims of the workloads of your own organisation only"),
    ("trust-unknown",
     "write bound_claims, bound_subject and bound_audiences, and the mount's bound_issuer, as "
     "literals, or scan the Terraform plan"),
    ("long-lived-secret",
     "set secret_id_ttl on the AppRole role (and ttl / explicit_max_ttl on tokens), or let the "
     "workload log in with its own identity (JWT, Kubernetes or cloud auth) instead"),
    ("long-lived-secret-state",
     "do not create secret ids or tokens in Terraform (their value is in the state): let the "
     "workload fetch a response-wrapped secret id at deploy time, with secret_id_ttl set"),
    ("credential-expiry-unknown",
     "write secret_id_ttl, ttl and explicit_max_ttl as literals, or scan the Terraform plan"),
    ("human-login",
     "people should sign in as themselves (an OIDC role), not with the automation's token"),
    ("human-trust",
     "give people their own OIDC role and policies instead of a way into the automation's "
     "role"),
]))
