"""NHI001 static-secret."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import (
    OWASP,
    chain_of,
    copied_to,
    core_params,
    exposure_evidence,
    grant_evidence,
    label,
    principal_evidence,
)
from nhilint.rule import Evidence, Hit, RuleContext, Severity, rule


@rule("NHI001", "static-secret", Severity.CRITICAL,
      message="automation principal {principal} can alter identity ({grants}) and holds a "
      "static {secrets}",
      references=(OWASP.format(n=7), OWASP.format(n=2), OWASP.format(n=5)))
def static_secret(ctx: RuleContext) -> Iterator[Hit]:
    """An automation principal that can alter identity also holds a persistent secret.

    ## What it does
    Finds automation principals (CI users, deploy bots, workload roles) that are granted
    identity-altering permissions (create users, attach policies, mint access keys, pass
    roles, assume any role …) and that also hold a long-lived secret: an AWS access key or a
    service-specific credential. Reading secrets, or obtaining the credentials of one named
    role, is not identity-altering on its own. On Azure: an application or service principal
    with a client secret or certificate (`azuread_application_password`,
    `azuread_service_principal_password`, `azuread_application_certificate` …) and an
    identity-altering role assignment, directory role or Microsoft Graph permission
    (`RoleManagement.ReadWrite.Directory`, `Application.ReadWrite.All` …). On GCP: a service
    account with a user-managed key (`google_service_account_key`) or an HMAC key
    (`google_storage_hmac_key`) and an identity-altering role (`roles/owner`,
    `roles/iam.serviceAccountKeyAdmin`, `setIamPolicy` on a project, folder or organisation …).
    On GitLab: the bot of a project or group access token (or the user of a personal access
    token) whose `api` scope and maintainer or owner role let it manage members (an
    administrator's token: the whole instance); the token is its persistent secret. Where the
    secret is copied into a GitHub Actions, environment, organisation or Dependabot secret or
    a GitLab CI/CD variable (`plaintext_value = aws_iam_access_key.ci.secret`), the message
    and the evidence name each copy and who can read it, with the controls that bound it
    (an environment's required reviewers and branch policy, a protected variable).

    On Vault: an AppRole role (`vault_approle_auth_backend_role`) or a `vault_token` whose
    policies may write identity paths (`auth/*`, `sys/auth*`, `sys/policy*`, `identity/*`, or
    `sudo`), and whose secret id never expires (no `secret_id_ttl`, on a
    `vault_approle_auth_backend_role_secret_id` or on the secret ids the role issues), whose
    role id logs in alone (`bind_secret_id = false`), or the token itself.

    On Kubernetes: a service account with a token Secret (`kubernetes_secret_v1` of type
    `kubernetes.io/service-account-token`, a token that never expires) and a Role or
    ClusterRole that alters identity (`bind`, `escalate`, `impersonate`, `*`, reading Secrets,
    `serviceaccounts/token` create; built-in ones too: `cluster-admin`, `admin`, `edit`,
    `system:node` …); a token from
    `kubernetes_token_request_v1` expires and is not static.

    ## Why is this bad?
    Whoever reads that secret (from CI variables, Terraform state, a laptop) gets a principal
    that can create new identities and grant itself more access: a leaked key becomes a
    persistent foothold in the control plane. Static keys are the most common way cloud
    identities are compromised.

    ## Example
    ```hcl
    resource "aws_iam_user" "ci" { name = "ci" }
    resource "aws_iam_access_key" "ci" { user = aws_iam_user.ci.name }
    resource "aws_iam_user_policy" "ci" {
      user   = aws_iam_user.ci.name
      policy = data.aws_iam_policy_document.iam_admin.json   # iam:* on *
    }
    ```

    ## Use instead
    Let CI federate into a role with short-lived credentials, and drop the key:
    ```hcl
    resource "aws_iam_role" "ci" {
      name               = "ci"
      assume_role_policy = data.aws_iam_policy_document.github_oidc.json  # sub pinned to one repo
    }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI7 Long-Lived Secrets, NHI2 Secret Leakage,
      NHI5 Overprivileged NHI
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
    """
    for found in ctx.candidates():
        secrets = [c for c in ctx.graph.credentials_of(found.principal) if c.persistent]
        if not secrets:
            continue
        yield Hit(
            found.resource,
            found.span,
            core_params(found) | {
                "secrets": [f"{c.label} {c.address}{copied_to(ctx, c)}" for c in secrets]},
            principal_evidence(found.principal)
            + grant_evidence(found.grants)
            + tuple(Evidence(c.address, c.span, f"persistent {c.label}") for c in secrets)
            + exposure_evidence(ctx, found.principal),
            key="static-secret",
            chain=chain_of(found.grants),
            principal=label(found.principal),
            fix=ctx.fix(found.principal.platform, "static-secret"),
        )
