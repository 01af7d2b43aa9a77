"""NHI011 identity-admin-policy."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import OWASP
from nhilint.identity.graph import Evidence, Graph, Policy, Statement, taken_back
from nhilint.rule import Hit, Severity, rule
from nhilint.settings import Settings


def admin_statements(policy: Policy) -> tuple[Statement, ...]:
    """Allows of identity-altering actions on every resource, less what the policy denies."""
    denied = taken_back(policy.statements)
    return tuple(
        s for s in policy.statements
        if s.allows and s.altering - denied and s.wildcard_resources and not s.narrowed
    )


def _evidence(statements: tuple[Statement, ...]) -> tuple[Evidence, ...]:
    return tuple(dict.fromkeys(Evidence(s.written_in, s.span, s.describe()) for s in statements))


@rule("NHI011", "identity-admin-policy", Severity.HIGH, references=(OWASP.format(n=5),))
def identity_admin_policy(graph: Graph, settings: Settings) -> Iterator[Hit]:
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
    for policy in graph.policies:
        found = admin_statements(policy)
        if found:
            yield Hit(
                policy.address,
                policy.span,
                f"policy {policy.label} grants identity-altering actions on every resource "
                f"({found[0].describe()})",
                _evidence(found),
                kind="identity-admin-policy",
            )
    for attachment in graph.attachments:
        found = admin_statements(attachment.policy)
        if found:
            yield Hit(
                attachment.address,
                attachment.span,
                f"{attachment.address} attaches {attachment.policy.name}, which grants "
                f"identity-altering actions on every resource ({found[0].describe()})",
                _evidence(found),
                kind=f"managed-policy:{attachment.policy.name}",
            )
