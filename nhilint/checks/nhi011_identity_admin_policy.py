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


def _few(users: tuple[str, ...], limit: int = 3) -> str:
    more = f" and {len(users) - limit} more" if len(users) > limit else ""
    return ", ".join(users[:limit]) + more


def _evidence(found: tuple[Access, ...]) -> tuple[Evidence, ...]:
    return tuple(dict.fromkeys(Evidence(a.written_in, a.span, describe(a)) for a in found))


@rule("NHI011", "identity-admin-policy", Severity.HIGH,
      message={
          "default": "policy {policy} grants identity-altering actions on every resource "
          "({grants})",
          "used": "policy {policy} grants identity-altering actions on every resource "
          "({grants}); it is used by {users}",
          "managed": "{attachment} attaches {policy}, which grants identity-altering actions "
          "on every resource ({grants})",
      },
      references=(OWASP.format(n=5),))
def identity_admin_policy(ctx: RuleContext) -> Iterator[Hit]:
    """A policy grants identity-altering actions on every resource, whoever holds it.

    ## What it does
    Finds policies written in the scanned code with an `Allow` of identity-altering actions
    on every resource (`*`, a pattern covering every identity of a kind such as
    `arn:aws:iam::*:role/*`, or `NotResource`) and no narrowing condition; and attachments of
    provider-managed policies that do the same (`AdministratorAccess`, `IAMFullAccess`, …).
    A policy is reported once, where its statements are written: a policy document at the
    document, however many policies, roles or permission sets use it (they are named in the
    message); a policy written in the resource itself (an `aws_iam_policy`, an inline policy,
    an IAM Identity Center permission set's inline policy) at that resource; a managed policy
    at the resource that attaches it, to a principal or to a permission set. A policy nobody
    holds yet is reported too. A policy or policy document used only as a trust policy, a
    resource-based policy (bucket, key, topic, queue …), an Organizations policy or a
    permissions boundary grants its holder nothing and is not reported; a document whose use
    is not seen (an output, a module's argument) is judged without its statements that name
    a `Principal`, which only resource-based and trust policies have. On GCP: a custom role
    (`google_project_iam_custom_role`, `google_organization_iam_custom_role`) holding
    identity-altering permissions, reported at its `permissions`, and a binding of a
    predefined role that holds them on a whole project, folder or organisation without an
    IAM condition on the resource (`roles/owner`, `roles/iam.serviceAccountKeyAdmin` …),
    reported at its role; service agent roles (`roles/*.serviceAgent`) are Google's own. On
    GitLab: a group access token, or an administrator's personal access token, whose role
    and `api` (`sudo`, `admin_mode`) scope manage every member of the group or instance,
    reported at its `scopes` (GitLab's roles cannot be edited, only chosen).

    On Vault: a `vault_policy` (or the `data.vault_policy_document` it uses) with a write
    capability or `sudo` on every object of an identity path (`sys/auth/*`, `sys/policy/*`,
    `sys/policies/acl/*`, `auth/*`, `identity/*` …), reported at that path; and the built-in
    `root` policy, reported where a role or token names it. Reading secrets is not
    identity-altering.

    On Kubernetes: a Role or ClusterRole (`kubernetes_cluster_role_v1` …) with an
    identity-altering rule (`escalate`, `bind`, `impersonate`, `*`, reading Secrets, minting
    tokens, writing bindings) without `resource_names`, bound or not, and a binding of a
    built-in ClusterRole that holds one (`cluster-admin`, `admin`, `edit`, `system:node`,
    `system:controller:clusterrole-aggregation-controller` …, as the API server's bootstrap
    policy writes them), reported at its `role_ref`.

    ## Why is this bad?
    Such a policy is an identity administrator whoever it is attached to today; tomorrow it is
    attached to a CI role, or provisioned by a permission set into every account. It is the
    building block of every privilege-escalation path.

    ## Example
    ```hcl
    data "aws_iam_policy_document" "deploy" {
      statement {
        actions   = ["iam:*"]
        resources = ["*"]
      }
    }
    resource "aws_ssoadmin_permission_set_inline_policy" "deploy" {
      instance_arn       = local.instance_arn
      permission_set_arn = aws_ssoadmin_permission_set.deploy.arn
      inline_policy      = data.aws_iam_policy_document.deploy.json
    }
    ```

    ## Use instead
    Name the actions and the resources they may change (and replace an AWS managed policy,
    which cannot be edited, by a customer managed one that does):
    ```hcl
    data "aws_iam_policy_document" "deploy" {
      statement {
        actions   = ["iam:PassRole"]
        resources = [aws_iam_role.app.arn]
      }
    }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI5 Overprivileged NHI
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
    - https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsets.html
    """
    for policy in ctx.graph.policies:
        found = admin_access(policy)
        if found:
            yield Hit(
                policy.address,
                policy.span,
                {"policy": policy.label, "grants": describe(found[0]),
                 "users": _few(policy.used_by)},
                _evidence(found),
                template="used" if policy.used_by else "default",
                key="identity-admin-policy",
                chain=policy.used_by,
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
