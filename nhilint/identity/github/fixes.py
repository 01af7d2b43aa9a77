"""How to fix each kind of finding on GitHub: the adapter's data, read by the rules by key.

The keys are the ones every adapter provides (see :data:`nhilint.identity.FIX_KEYS`).  Most
GitHub findings are about deploy keys and Actions secrets; the identity-altering keys say
what to do on GitHub's side of a cloud credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_FEDERATE = ("let the workflow federate into the cloud with GitHub's OIDC token "
             "(permissions: id-token: write) instead of storing a cloud key in an Actions secret")

FIXES: Mapping[str, str] = MappingProxyType(dict([
    ("static-secret", _FEDERATE),
    ("no-owner", "name the owning team in the deploy key's title or the repository's "
                 "CODEOWNERS, and record it where the platform team keeps its inventory"),
    ("wildcard-scope", "make the organisation secret visibility = \"selected\" with the "
                       "repositories that need it, or a repository or environment secret"),
    ("wildcard-scope-managed", "use a repository or environment secret instead of an "
                               "organisation secret visible to every repository"),
    ("no-expiry-grant", "bind the secret to a deployment environment with required reviewers "
                        "and delete it when the work is done"),
    ("no-expiry-grant-managed", "bind the secret to a deployment environment with required "
                                "reviewers and delete it when the work is done"),
    ("no-expiry-credential", "rotate the deploy key (lifecycle { replace_triggered_by = "
                             "[time_rotating.<name>] }) or use a GitHub App installation "
                             "token, which expires after an hour"),
    ("admin-policy", "grant the GitHub App or token only the repository permissions it needs"),
    ("admin-policy-managed", "grant the GitHub App or token only the repository permissions "
                             "it needs"),
    ("automation-unknown-external", "reference the deploy key or secret declared in this "
                                    "configuration so nhilint can tell what it is"),
    ("automation-unknown-declared", "name the deploy key after an automation pattern "
                                    "([tool.nhilint] automation-patterns)"),
    ("owner-unknown", "write the owner as a literal, or scan the Terraform plan"),
    ("policy-unknown", "write read_only (and the secret's visibility) as literals, or scan the "
                       "Terraform plan (terraform show -json), where they are known"),
    ("expiry-unknown", "write the expiry as a literal, or scan the Terraform plan"),
    ("privilege-escalation", "take away the write access the automation does not need"),
    ("secret-literal", "revoke the secret and take it out of the code: set the Actions secret's "
                       "value from a variable or a secret store at apply time, or let the "
                       "workflow federate with OIDC and drop the secret"),
    ("secret-embedded", "store the credential in an Actions secret (value from the resource "
                        "that makes it), never in a variable or file of the repository"),
    ("secret-output", "mark the output sensitive = true, or do not output the secret"),
    ("open-trust-anyone", "pin the cloud trust of GitHub's OIDC tokens to one repository and "
                          "ref (sub = repo:<org>/<repo>:ref:refs/heads/main)"),
    ("open-trust-subject", "pin the cloud trust of GitHub's OIDC tokens to one repository and "
                           "ref (sub = repo:<org>/<repo>:ref:refs/heads/main)"),
    ("open-trust-audience", "require the audience the cloud documents for GitHub's OIDC "
                            "tokens (sts.amazonaws.com, api://AzureADTokenExchange)"),
    ("open-trust-third-party", "trust only your organisation's repositories "
                               "(repository_owner_id claim)"),
    ("trust-unknown", "write the trusted repository and ref as literals, or scan the plan"),
    ("long-lived-secret", "replace the write deploy key by a GitHub App installation token or "
                          "make it read-only (read_only = true); where one must stay, rotate it "
                          "(lifecycle { replace_triggered_by = [time_rotating.<name>] })"),
    ("long-lived-secret-state", "generate the deploy key's private half outside Terraform "
                                "(the tls_private_key is in the state), or use a GitHub App"),
    ("credential-expiry-unknown", "write the deploy key's rotation as a literal, or scan the "
                                  "Terraform plan"),
    ("human-login", "people should push as themselves: remove the deploy key from laptops"),
    ("human-trust", "give people their own access to the repository instead of the bot's key"),
]))
