"""How to fix each kind of finding on GitLab: the adapter's data, read by the rules by key.

The keys are the ones every adapter provides (see :data:`nhilint.identity.FIX_KEYS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_ROLE = ("give the token a role that cannot manage members (access_level = \"developer\" or "
         "lower) or a scope without write access to the API (read_api, read_repository)")

FIXES: Mapping[str, str] = MappingProxyType(dict([
    ("static-secret",
     "let CI authenticate with the job's short-lived CI_JOB_TOKEN or an OIDC id_token instead "
     "of a stored access token; where a token must exist, " + _ROLE),
    ("no-owner", "write the owning team in the token's description (owner=<team>)"),
    ("wildcard-scope", "use a project access token on the one project it must change instead "
                       "of a group token or an administrator's personal access token"),
    ("wildcard-scope-managed", "use a project access token on the one project it must change "
                               "instead of a group token or an administrator's personal "
                               "access token; " + _ROLE),
    ("no-expiry-grant", "set expires_at, or rotation_configuration { expiration_days, "
                        "rotate_before_days }, on the token"),
    ("no-expiry-grant-managed", "set expires_at, or rotation_configuration { expiration_days, "
                                "rotate_before_days }, on the token"),
    ("no-expiry-credential", "set expires_at, or rotation_configuration { expiration_days, "
                             "rotate_before_days }, on the token"),
    ("admin-policy", _ROLE),
    ("admin-policy-managed", "use a project access token instead of a group or administrator "
                             "token; " + _ROLE),
    ("automation-unknown-external", "reference the gitlab_user or service account declared in "
                                    "this configuration so nhilint can tell what it is"),
    ("automation-unknown-declared", "use a gitlab_group_service_account or "
                                    "gitlab_instance_service_account for automation, or name "
                                    "the user after an automation pattern ([tool.nhilint] "
                                    "automation-patterns)"),
    ("owner-unknown", "write the owner in the description as a literal, or scan the plan"),
    ("policy-unknown", "write the token's scopes and access_level (and the user's is_admin) as "
                       "literals, or scan the Terraform plan, where they are known"),
    ("expiry-unknown", "write expires_at as a literal, or scan the Terraform plan"),
    ("privilege-escalation", "take away the api scope or the maintainer role the automation "
                             "does not need"),
    ("secret-literal", "revoke the token and take it out of the code: set the CI/CD variable "
                       "from the resource that makes the token, or use CI_JOB_TOKEN"),
    ("secret-embedded", "keep the token in a masked, protected CI/CD variable whose value comes "
                        "from the resource that makes it"),
    ("secret-output", "mark the output sensitive = true, or do not output the token"),
    ("open-trust-anyone", "pin the cloud trust of GitLab's id_token to one project path and "
                          "ref (sub = project_path:<group>/<project>:ref_type:branch:ref:main)"),
    ("open-trust-subject", "pin the cloud trust of GitLab's id_token to one project path and "
                           "ref (sub = project_path:<group>/<project>:ref_type:branch:ref:main)"),
    ("open-trust-audience", "require the audience your cloud documents for GitLab's id_token"),
    ("open-trust-third-party", "trust only your own GitLab instance's issuer and group paths"),
    ("trust-unknown", "write the trusted project path and ref as literals, or scan the plan"),
    ("long-lived-secret", "set expires_at (or rotation_configuration on access tokens) on the "
                          "token or deploy key, or replace it by CI_JOB_TOKEN"),
    ("long-lived-secret-state", "set expires_at and rotate the token; anyone who reads the "
                                "state can use its token until then"),
    ("credential-expiry-unknown", "write expires_at as a literal, or scan the Terraform plan"),
    ("human-login", "people should sign in as themselves, not with the bot's token"),
    ("human-trust", "give people their own membership instead of the bot's token"),
]))
