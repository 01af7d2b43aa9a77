"""How to fix each kind of finding on AWS: the adapter's data, read by the rules by key.

The keys are the ones every adapter provides (see :data:`nhilint.identity.FIX_KEYS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

FIXES: Mapping[str, str] = MappingProxyType(dict([
    ("static-secret",
     "let the automation federate into a role with short-lived credentials (OIDC, an "
     "instance or task role) and delete the aws_iam_access_key"),
    ("no-owner",
     'tag the principal with its owning team (tags = { Owner = "team" }), or set it once '
     "in the aws provider's default_tags"),
    ("wildcard-scope",
     "grant only the identity-altering actions the automation needs, on the ARNs it "
     "manages, or narrow them with a condition (iam:PassedToService, "
     "iam:PermissionsBoundary, a resource tag)"),
    ("wildcard-scope-managed",
     "replace the AWS managed policy (it cannot be edited) with a customer managed policy "
     "granting only the identity-altering actions the automation needs, on the ARNs it "
     "manages"),
    ("no-expiry-grant",
     "bound the identity-altering statement in time with a DateLessThan aws:CurrentTime "
     "condition, or remove it when the work is done"),
    ("no-expiry-grant-managed",
     "detach the AWS managed policy when the work is done, or replace it (it cannot be "
     "edited) with a customer managed policy whose identity-altering statements end with a "
     "DateLessThan aws:CurrentTime condition"),
    ("no-expiry-credential",
     "rotate the key (lifecycle { replace_triggered_by = [time_rotating.<name>] }) or "
     "replace it by federation"),
    ("admin-policy",
     'name the identity-altering actions and the ARNs they may change instead of "*"'),
    ("admin-policy-managed",
     "replace the AWS managed policy (it cannot be edited) with a customer managed policy "
     "naming only the actions and ARNs the principal needs"),
    ("automation-unknown-external",
     "declare the principal in the scanned code, or name it after an automation pattern "
     "([tool.nhilint] automation-patterns) so nhilint can tell what it is"),
    ("automation-unknown-declared",
     "tell nhilint what it is: an automation user holds an access key or matches "
     "[tool.nhilint] automation-patterns; a person has a console login profile"),
    ("owner-unknown",
     "write the owner tag as a literal, or scan the Terraform plan, where computed tags "
     "are known"),
    ("policy-unknown",
     "scan the Terraform plan (terraform show -json), where the policy is known, or write "
     "the policy in the scanned code"),
    ("privilege-escalation",
     "take away one permission of each combination (the one the automation does not need), "
     "or bound it: iam:PassRole to the roles and the service it passes them to "
     "(iam:PassedToService), code and command execution to the instances and functions it "
     "deploys"),
    ("expiry-unknown",
     "write the end date of the aws:CurrentTime condition as a literal, or scan the "
     "Terraform plan, where it is known"),
    ("secret-literal",
     "deactivate and delete the leaked credential, then take it out of the code: let the "
     "automation assume a role (OIDC, an instance or task role) or read the secret at run "
     "time from Secrets Manager or an SSM SecureString set outside Terraform"),
    ("secret-embedded",
     "give the workload a role instead of the key (an instance profile, a task or execution "
     "role), or store the secret in Secrets Manager and read it at run time"),
    ("secret-output",
     "mark the output sensitive = true, or output the PGP-encrypted attribute "
     "(encrypted_secret, encrypted_password with pgp_key) instead of the plain secret"),
    ("open-trust-anyone",
     "name the principals that may assume the role, or narrow the statement with an "
     "aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceArn condition"),
    ("open-trust-subject",
     "pin the sub condition (StringEquals) to the one repository, project or service "
     "account and the branch or environment that needs the role, e.g. "
     "repo:<org>/<repo>:environment:<name> or system:serviceaccount:<namespace>:<name>"),
    ("open-trust-audience",
     "add a StringEquals condition on <issuer>:aud with the audience the issuer documents "
     "for AWS (GitHub Actions and EKS: sts.amazonaws.com)"),
    ("open-trust-third-party",
     "require the external id the third party gave you: a StringEquals sts:ExternalId "
     "condition on the statement"),
    ("trust-unknown",
     "write the trust's subject (and conditions) as literals, or scan the Terraform plan, "
     "where they are known"),
    ("long-lived-secret",
     "replace the key by federation (an OIDC or instance role) and delete it, or rotate it: "
     "lifecycle { replace_triggered_by = [time_rotating.<name>] }; deactivate keys no longer "
     "used (status = \"Inactive\")"),
    ("long-lived-secret-state",
     "replace the key by federation and delete it; where it must stay, set pgp_key so the "
     "secret is not written to the state in plain text, and rotate it with "
     "lifecycle { replace_triggered_by = [time_rotating.<name>] }"),
    ("credential-expiry-unknown",
     "write credential_age_days as a literal, or scan the Terraform plan, where it is known"),
    ("human-login",
     "remove the aws_iam_user_login_profile: people sign in with identities of their own "
     "(IAM Identity Center), automation with its key or, better, a role"),
    ("human-trust",
     "remove the SAML or IAM Identity Center statement from the automation role's trust "
     "policy and give people a role (or permission set) of their own"),
]))
