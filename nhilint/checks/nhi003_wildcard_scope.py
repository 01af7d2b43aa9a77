"""NHI003 wildcard-scope."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import (
    OWASP,
    candidates,
    chain_of,
    describe_grants,
    grant_evidence,
    principal_evidence,
)
from nhilint.identity.graph import AlteringGrant, Graph
from nhilint.rule import Hit, Severity, rule
from nhilint.settings import Settings


def unbounded(item: AlteringGrant) -> bool:
    statement = item.statement
    return statement.wildcard_actions or (statement.wildcard_resources and not statement.narrowed)


@rule("NHI003", "wildcard-scope", Severity.HIGH, references=(OWASP.format(n=5),))
def wildcard_scope(graph: Graph, settings: Settings) -> Iterator[Hit]:
    """An automation principal's identity-altering grant is unbounded.

    ## What it does
    Finds automation principals whose identity-altering permissions are not bounded: every
    action (`*`), every action of an identity service (`iam:*`, `sts:*`, `organizations:*`),
    an `Allow` with `NotAction`, or identity-altering actions on every resource (`*`, every
    role `arn:aws:iam::*:role/*`, `NotResource`) with no condition narrowing them (such as
    `iam:PassedToService`, `iam:PermissionsBoundary` or a resource tag). Severity is critical
    when the grant reaches organisation-wide identity (AWS Organizations, IAM Identity Center).

    ## Why is this bad?
    An automation that can create or change *any* identity can give itself, or anyone, any
    access: one compromised pipeline becomes account (or organisation) administrator.

    ## Example
    ```hcl
    data "aws_iam_policy_document" "deploy" {
      statement {
        actions   = ["iam:*"]
        resources = ["*"]
      }
    }
    ```

    ## Use instead
    Grant the few actions the automation needs, on the roles it manages:
    ```hcl
    data "aws_iam_policy_document" "deploy" {
      statement {
        actions   = ["iam:PassRole"]
        resources = [aws_iam_role.app.arn]
        condition {
          test     = "StringEquals"
          variable = "iam:PassedToService"
          values   = ["ecs-tasks.amazonaws.com"]
        }
      }
    }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI5 Overprivileged NHI
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    """
    for found in candidates(graph):
        wide = tuple(g for g in found.grants if unbounded(g))
        if not wide:
            continue
        org = any(g.statement.org_scope for g in wide)
        yield Hit(
            found.principal.address,
            found.span,
            f"automation principal {found.principal.address} holds an unbounded "
            f"identity-altering grant ({describe_grants(wide)})"
            + (" reaching organisation-wide identity" if org else ""),
            principal_evidence(found.principal) + grant_evidence(wide),
            kind="wildcard-scope",
            severity=Severity.CRITICAL if org else None,
            chain=chain_of(wide),
        )
