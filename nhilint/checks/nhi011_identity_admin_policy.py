"""NHI011 identity-admin-policy."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import OWASP, describe
from nhilint.identity.graph import Access, Policy
from nhilint.rule import Evidence, Hit, RuleContext, Severity, rule


def admin_access(policy: Policy) -> tuple[Access, ...]:
    """Identity-altering access on every resource of its level, with no narrowing condition."""
    return tuple(
        a for a in policy.access if a.altering and a.scope.wildcard and not a.narrowed
    )


def _evidence(found: tuple[Access, ...]) -> tuple[Evidence, ...]:
    return tuple(dict.fromkeys(Evidence(a.written_in, a.span, describe(a)) for a in found))


@rule("NHI011", "identity-admin-policy", Severity.HIGH,
      message={
          "default": "policy {policy} grants identity-altering actions on every resource "
          "({grants})",
          "managed": "{attachment} attaches {policy}, which grants identity-altering actions "
          "on every resource ({grants})",
      },
      references=(OWASP.format(n=5),))
def identity_admin_policy(ctx: RuleContext) -> Iterator[Hit]:
    """A policy grants identity-altering actions on every resource, whoever holds it.

    ## What it does
    Finds policies written in the scanned code (customer managed policies, inline policies,
    policy documents they use) with an `Allow` of identity-altering actions on every
    resource (`*`, a pattern covering every identity of a kind such as
    `arn:aws:iam::*:role/*`, or `NotResource`) and no narrowing condition; and attachments of
    provider-managed policies that do the same (`AdministratorAccess`, `IAMFullAccess`, …).

    ## Why is this bad?
    Such a policy is an identity administrator whoever it is attached to today; tomorrow it is
    attached to a CI role. It is the building block of every privilege-escalation path.

    ## Example
    ```hcl
    resource "aws_iam_policy" "deploy" {
      policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }]
      })
    }
    ```

    ## Use instead
    Name the actions and the resources they may change:
    ```hcl
    resource "aws_iam_policy" "deploy" {
      policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{
          Effect   = "Allow"
          Action   = ["iam:PassRole"]
          Resource = aws_iam_role.app.arn
        }]
      })
    }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI5 Overprivileged NHI
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
    """
    for policy in ctx.graph.policies:
        found = admin_access(policy)
        if found:
            yield Hit(
                policy.address,
                policy.span,
                {"policy": policy.label, "grants": describe(found[0])},
                _evidence(found),
                key="identity-admin-policy",
                fix=ctx.fix(policy.platform, "admin-policy"),
            )
    for attachment in ctx.graph.attachments:
        found = admin_access(attachment.policy)
        if found:
            yield Hit(
                attachment.address,
                attachment.span,
                {"attachment": attachment.address, "policy": attachment.policy.name,
                 "grants": describe(found[0])},
                _evidence(found),
                template="managed",
                key=f"managed-policy:{attachment.policy.name}",
                fix=ctx.fix(attachment.policy.platform, "admin-policy-managed"),
            )
