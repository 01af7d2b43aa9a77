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
    ("expiry-unknown",
     "write the end date of the aws:CurrentTime condition as a literal, or scan the "
     "Terraform plan, where it is known"),
]))
