"""NHI003 wildcard-scope."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import (
    OWASP,
    chain_of,
    core_params,
    grant_evidence,
    grant_fix,
    label,
    principal_evidence,
)
from nhilint.identity.graph import Access
from nhilint.rule import Hit, RuleContext, Severity, rule


@rule("NHI003", "wildcard-scope", Severity.HIGH,
      message={
          "default": "automation principal {principal} holds an unbounded identity-altering "
          "grant ({grants})",
          "top": "automation principal {principal} holds an unbounded identity-altering "
          "grant ({grants}) reaching organisation-wide identity",
      },
      references=(OWASP.format(n=5),))
def wildcard_scope(ctx: RuleContext) -> Iterator[Hit]:
    """An automation principal's identity-altering grant is unbounded.

    ## What it does
    Finds automation principals whose identity-altering permissions are not bounded: every
    action (`*`), every action of an identity service (`iam:*`, `sts:*`, `organizations:*`),
    an `Allow` with `NotAction`, or identity-altering actions on every resource (`*`, every
    role `arn:aws:iam::*:role/*`, `NotResource`) with no condition narrowing them (such as
    `iam:PassedToService`, `iam:PermissionsBoundary` or a resource tag). Severity is critical
    when the grant reaches organisation-wide identity (AWS Organizations, IAM Identity Center).
    On Azure: a role with `*` (Owner) at any scope, or an identity-altering role (User Access
    Administrator, Role Based Access Control Administrator …) assigned at subscription,
    management group or tenant scope without an ABAC `condition`; and Microsoft Graph
    permissions and directory roles, which reach the whole tenant (critical). On GCP: a basic
    role that alters identity (owner, editor), or an identity-altering role bound on a
    project, folder or organisation (critical) without an IAM condition on the resource. On
    GitLab: a group access token that manages members (every subgroup and project of the
    group), or an administrator's personal access token (the whole instance, critical); a
    project access token reaches one project and is not unbounded.

    On Vault: a policy path whose glob covers every object of an identity path (`auth/*`,
    `auth/approle/role/+/secret-id`, `sys/auth/*`, `sys/policy/*`, `*`) with a write
    capability, or the built-in `root` policy; a named path (`auth/approle/role/app/secret-id`,
    `sys/policies/acl/app-*`) is bounded.

    On Kubernetes: a rule with `*` verbs or resources (`cluster-admin`), or any identity-altering
    rule (of a declared role, or of a built-in one such as `edit` or `system:node`) bound by a
    ClusterRoleBinding (the whole cluster) or by a RoleBinding without `resource_names` (every
    object of its kind in the namespace).

    Which scope levels count as wide is the organisation's policy: `wide-scopes` in `[policy]`
    lists the levels (`resource`, `account`, `folder`, `organization`, `resource-group`,
    `subscription`, `management-group`, `tenant`, `cluster`, `namespace`) at which an
    identity-altering grant is wide even on named targets; the default is every level beyond
    one account or project (folder, organization, subscription, management group, tenant,
    cluster).  Every action, or every resource (`*`), is wide at any level.

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
    levels = ctx.settings.policy.wide_scopes
    for found in ctx.candidates():
        wide = tuple(g for g in found.grants if _unbounded(g.access, levels))
        if not wide:
            continue
        top = any(g.access.scope.level.top for g in wide)
        yield Hit(
            found.resource,
            found.span,
            core_params(found, wide),
            principal_evidence(found.principal) + grant_evidence(wide),
            template="top" if top else "default",
            key="wildcard-scope",
            severity=Severity.CRITICAL if top else None,
            chain=chain_of(wide),
            principal=label(found.principal),
            fix=grant_fix(ctx, found.principal.platform, "wildcard-scope", wide),
        )


def _unbounded(access: Access, levels: tuple[str, ...] | None) -> bool:
    """:attr:`Access.unbounded`, with the policy's wide scope levels when it names them."""
    if levels is None:
        return access.unbounded
    return access.wildcard or (access.scope.level.value in levels and not access.narrowed)
