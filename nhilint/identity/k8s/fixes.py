"""How to fix each kind of finding on Kubernetes: the adapter's data, read by the rules by key.

The keys are the ones every adapter provides (see :data:`nhilint.identity.FIX_KEYS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

FIXES: Mapping[str, str] = MappingProxyType(dict([
    ("static-secret",
     "delete the kubernetes_secret of type kubernetes.io/service-account-token: pods get "
     "short-lived projected tokens, and clients outside the cluster can request one "
     "(kubernetes_token_request_v1 with expiration_seconds) or federate (a cloud identity "
     "mapped to a narrow role)"),
    ("no-owner",
     "label (or annotate) the service account with its owning team: metadata { labels = "
     "{ owner = \"<team>\" } }"),
    ("wildcard-scope",
     "bind the role with a RoleBinding in the one namespace the automation manages, not a "
     "ClusterRoleBinding, and list its verbs, resources and resource_names instead of \"*\""),
    ("wildcard-scope-managed",
     "replace cluster-admin, admin or edit (built in, they cannot be narrowed) with a Role "
     "holding only the verbs and resources the automation needs, bound in its namespace"),
    ("no-expiry-grant",
     "RBAC bindings never expire: remove the binding when the work is done, or grant the "
     "access just in time (a binding created by the pipeline run and deleted after it)"),
    ("no-expiry-grant-managed",
     "RBAC bindings never expire: remove the binding of the built-in role when the work is "
     "done, and grant a narrow Role instead"),
    ("no-expiry-credential",
     "replace the token Secret by short-lived tokens (kubernetes_token_request_v1, projected "
     "service account tokens), or rotate it (lifecycle { replace_triggered_by = "
     "[time_rotating.<name>] })"),
    ("admin-policy",
     "take escalate, bind, impersonate, \"*\", secrets reading and token creation out of the "
     "role, or restrict the rule to the objects it must change with resource_names"),
    ("admin-policy-managed",
     "bind a Role with only the permissions needed instead of cluster-admin, admin or edit"),
    ("automation-unknown-external",
     "bind roles that alter identity to named service accounts only: a subject that stands "
     "for anyone (system:authenticated, system:unauthenticated, system:anonymous) is people "
     "and workloads alike; write other subjects' kind and name as literals"),
    ("automation-unknown-declared",
     "bind subjects that stand for anyone (system:authenticated, system:unauthenticated, "
     "system:anonymous) to nothing that alters identity; name automation as a ServiceAccount"),
    ("owner-unknown",
     "write the owner label or annotation as a literal, or scan the Terraform plan, where it "
     "is known"),
    ("policy-unknown",
     "declare the Role or ClusterRole in the scanned code (or write its rules as literals), "
     "or scan the Terraform plan"),
    ("privilege-escalation",
     "take away one permission of each combination the automation does not need"),
    ("expiry-unknown",
     "write the expiry as a literal, or scan the Terraform plan"),
    ("secret-literal",
     "revoke the token and take it out of the code: let the workload use its projected "
     "service account token, or read the value at run time from a secret store (External "
     "Secrets, the CSI secrets store driver)"),
    ("secret-embedded",
     "do not copy the token into other resources: mount the service account's projected "
     "token, or request a short-lived one where it is needed"),
    ("secret-output",
     "mark the output sensitive = true, or do not output the Secret's data or the token"),
    ("open-trust-anyone",
     "remove system:authenticated, system:unauthenticated and system:anonymous from the "
     "binding: bind the role to the service accounts that need it"),
    ("open-trust-subject",
     "bind the role to named service accounts, not to a whole system:serviceaccounts group"),
    ("open-trust-audience",
     "request tokens for the audience of the one service that reads them (spec.audiences)"),
    ("open-trust-third-party",
     "bind only subjects of your own cluster and identity provider"),
    ("trust-unknown",
     "write the binding's subjects as literals, or scan the Terraform plan"),
    ("long-lived-secret",
     "delete the service account token Secret and use projected tokens, or request "
     "short-lived tokens with kubernetes_token_request_v1; where one must stay, rotate it "
     "(lifecycle { replace_triggered_by = [time_rotating.<name>] })"),
    ("long-lived-secret-state",
     "the provider keeps the token Secret's data in the Terraform state in plain text: use "
     "projected or requested tokens, which expire, instead of a token Secret"),
    ("credential-expiry-unknown",
     "write expiration_seconds as a literal, or scan the Terraform plan"),
    ("human-login",
     "people should authenticate as themselves (OIDC, client certificates of their own), "
     "not with a service account's token"),
    ("human-trust",
     "remove impersonate and serviceaccounts/token create on the service account from the "
     "users' and groups' roles; give the people the permissions they need themselves"),
]))
