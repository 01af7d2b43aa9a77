"""NHI901 indeterminate."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import candidates, grant_evidence
from nhilint.identity.graph import Evidence, Graph, Principal
from nhilint.rule import Hit, Severity, rule
from nhilint.settings import Settings


@rule("NHI901", "indeterminate", Severity.INFO)
def indeterminate(graph: Graph, settings: Settings) -> Iterator[Hit]:
    """A value a rule needed is not known before deploy.

    ## What it does
    Reports, as information, what the core rules could not decide because a value is only
    known after apply or comes from outside the scanned code: whether a principal that can
    alter identity is an automation principal, who owns an automation principal whose tags
    are computed, and what a policy held by an automation principal contains when the policy
    itself is unknown.

    ## Why is this bad?
    An unknown is not a pass. nhilint never guesses; it tells you where to look, so a
    reviewer (or a scan of the plan, where more is known) can decide.

    ## Example
    ```hcl
    resource "aws_iam_user_policy_attachment" "x" {
      user       = "someone-elsewhere"
      policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
    }
    ```

    ## Use instead
    Declare the principal in the scanned code (or give it a recognisable name), or scan the
    Terraform plan, where computed values are resolved:
    ```hcl
    resource "aws_iam_user" "someone" {
      name = "deploy-bot"
    }
    resource "aws_iam_user_policy_attachment" "x" {
      user       = aws_iam_user.someone.name
      policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
    }
    ```

    ## References
    - DESIGN.md: unknown values are reported as indeterminate, never as pass
    """
    for found in candidates(graph, automation=None):
        p = found.principal
        yield Hit(
            p.address, found.span,
            f"cannot tell whether {p.address} is an automation principal ({'; '.join(p.why)}); "
            f"it can alter identity ({found.summary})",
            grant_evidence(found.grants), kind="automation-unknown",
        )
    for found in candidates(graph):
        owner = found.principal.owner
        if not owner.known:
            yield Hit(
                found.principal.address, found.span,
                f"owner of automation principal {found.principal.address} is unknown: "
                f"{owner.source}",
                grant_evidence(found.grants), kind="owner-unknown",
            )
    for principal in graph.principals:
        if principal.automation is True:
            yield from _unknown_policies(graph, principal)


def _unknown_policies(graph: Graph, principal: Principal) -> Iterator[Hit]:
    for grant in graph.grants_of(principal):
        policy = grant.policy
        unknown = policy.unknown or next(
            (u for s in policy.statements if s.effect != "Deny" for u in s.undecided), ""
        )
        if unknown:
            yield Hit(
                principal.address, principal.span or grant.span,
                f"automation principal {principal.address} holds {policy.address}, "
                f"which is not fully known: {unknown}",
                (Evidence(grant.chain[0], grant.span, unknown),),
                kind=f"policy-unknown:{policy.address}",
            )
