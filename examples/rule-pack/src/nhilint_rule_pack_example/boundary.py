"""EXA001: CI roles must have a permissions boundary.

A permissions boundary caps what a role's policies can grant, so a CI role that is handed too
much (or that can attach policies to itself) still cannot go beyond the boundary.  The
boundary is the ``permissions_boundary`` argument of ``aws_iam_role`` (the ARN of a managed
policy: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role;
AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.api import Automation, Hit, RuleContext, Severity, principal_hit, resource_of, rule

#: the Terraform resource type of an IAM role
ROLE = "aws_iam_role"


@rule(
    "EXA001", "ci-role-without-boundary", Severity.HIGH,
    message="{principal} is an automation role ({why}) without a permissions boundary",
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",),
    platforms=("aws",), formats=("terraform", "terraform-plan"),
)
def ci_role_without_boundary(ctx: RuleContext) -> Iterator[Hit]:
    """An automation AWS role has no permissions boundary.

    ## What it does
    Reports each IAM role declared in the module that nhilint judges to be automation (a CI
    role: trusted by a CI provider's OIDC tokens, or named like one) and whose
    ``aws_iam_role`` sets no ``permissions_boundary``.  A boundary whose value is not known
    before apply (a variable, another resource's ARN) counts as set.

    ## Why it matters
    The platform team requires every CI role to carry the org's boundary policy, so that a
    pipeline can never grant itself (or anyone) more than the boundary allows.

    ## Use instead
    ```hcl
    resource "aws_iam_role" "deploy" {
      name                 = "plat-deploy"
      assume_role_policy   = data.aws_iam_policy_document.github.json
      permissions_boundary = "arn:aws:iam::123456789012:policy/ci-boundary"
    }
    ```
    """
    for principal in ctx.graph.principals:
        if principal.id.type != ROLE or principal.automation is not Automation.YES:
            continue
        resource = resource_of(ctx, principal)
        if resource is None or resource.get("permissions_boundary") is not None:
            continue
        why = principal.why[0].says if principal.why else "automation"
        hit = principal_hit(principal, why=why)
        if hit is not None:
            yield hit
