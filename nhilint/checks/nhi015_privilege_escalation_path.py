"""NHI015 privilege-escalation-path."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import OWASP, label, principal_evidence
from nhilint.identity.graph import Automation, Escalation, Principal
from nhilint.rule import Evidence, Hit, RuleContext, Severity, rule


@rule("NHI015", "privilege-escalation-path", Severity.HIGH, platforms=("aws",),
      message={
          "one": "automation principal {principal} holds a known privilege-escalation "
          "combination: {method} ({permissions})",
          "many": "automation principal {principal} holds a known privilege-escalation "
          "combination: {method} ({permissions}) and {others} more",
      },
      references=(OWASP.format(n=5), "CWE-269"))
def privilege_escalation_path(ctx: RuleContext) -> Iterator[Hit]:
    """An automation principal holds every permission of a known privilege-escalation path.

    ## What it does
    Matches everything an automation principal is allowed (inline, attached, managed and
    group policies together, less what unconditional denies take back) against the known
    escalation combinations of its platform: on AWS the privilege-escalation methods
    cloudsplaining and pathfinding.cloud document (`iam:PassRole` with
    `lambda:CreateFunction` and `lambda:InvokeFunction`, `iam:CreatePolicyVersion`,
    `iam:PassRole` with `cloudformation:CreateStack` …) and ways to run code where another
    identity's credentials are (`ssm:SendCommand`, `ec2:ModifyInstanceAttribute` with a stop
    and start, `ecs:ExecuteCommand`, `cloudformation:UpdateStack` on a stack with a service
    role). The permissions of a combination may come from different policies: the finding
    names the combination, and its evidence names where each permission is granted.

    The rule is AWS-only: nhilint has no maintained escalation-path data for GCP or Azure
    yet. There the identity-altering permissions themselves (a service account key admin, a
    token creator, a role assignment writer) are what NHI001 to NHI004 and NHI011 weigh.

    ## Why is this bad?
    The principal can give itself (or a compute resource it controls) more access than it
    was granted: whoever controls the automation, through a leaked secret or a poisoned
    pipeline, controls everything the escalation reaches. Reviewers miss these paths because
    no single permission looks like an administrator.

    ## Example
    ```hcl
    resource "aws_iam_role_policy" "deployer" {
      role   = aws_iam_role.deployer.id
      policy = jsonencode({ Statement = [{
        Effect = "Allow", Resource = "*",
        Action = ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]
      }] })
    }
    ```

    ## Use instead
    Pass only the role the deployment needs, to the service it needs it for:
    ```hcl
    statement {
      actions   = ["iam:PassRole"]
      resources = [aws_iam_role.function.arn]
      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = ["lambda.amazonaws.com"]
      }
    }
    ```
    (and `lambda:CreateFunction` / `lambda:InvokeFunction` on the functions it deploys).

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI5 Overprivileged NHI
    - CWE-269 Improper Privilege Management
    - https://pathfinding.cloud, https://github.com/salesforce/cloudsplaining
    """
    for principal in ctx.graph.principals:
        if principal.automation is not Automation.YES:
            continue
        found = sorted(ctx.graph.escalations_of(principal), key=_order)
        if found:
            yield _hit(ctx, principal, found)


def _order(escalation: Escalation) -> tuple[int, str]:
    """Combinations of several permissions first: a single identity-altering permission is
    what the core rules already name."""
    return (-len(escalation.steps), escalation.method)


def _hit(ctx: RuleContext, principal: Principal, found: list[Escalation]) -> Hit:
    first = found[0]
    span = principal.span or first.steps[0][1].span
    resource = principal.address or first.steps[0][1].holder
    what = f": {first.description}" if first.description else ""
    evidence = principal_evidence(principal) + tuple(
        Evidence(source.holder, source.span,
                 f"{permission} via {' -> '.join(source.chain) or source.holder}")
        for permission, source in first.steps
    ) + ((Evidence(resource, span, f"{first.method}{what}"),) if what else ())
    return Hit(
        resource,
        span,
        {
            "principal": label(principal),
            "method": first.method,
            "permissions": ", ".join(p for p, _ in first.steps),
            "others": len(found) - 1,
        },
        tuple(dict.fromkeys(evidence)),
        template="many" if len(found) > 1 else "one",
        key="privilege-escalation",
        chain=tuple(dict.fromkeys(a for e in found for _, s in e.steps for a in s.chain)),
        principal=label(principal),
        fix=ctx.fix(principal.platform, "privilege-escalation"),
    )
