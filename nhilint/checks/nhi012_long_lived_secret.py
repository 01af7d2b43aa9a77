"""NHI012 long-lived-secret."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import OWASP, exposure_evidence, label
from nhilint.identity.graph import Credential
from nhilint.rule import Evidence, Hit, RuleContext, Severity, rule, show


def long_lived(credential: Credential) -> bool:
    """A live secret that never ends by itself and is never replaced on a schedule."""
    return credential.persistent and not credential.rotated and credential.expiry is None


@rule("NHI012", "long-lived-secret", Severity.MEDIUM,
      message={
          "default": "{credential} is a long-lived {kind} of {principal}: never rotated and "
          "never expires",
          "state": "{credential} is a long-lived {kind} of {principal}: never rotated and "
          "never expires, and its secret is written to the deployment state in plain text",
      },
      references=(OWASP.format(n=7), OWASP.format(n=2)))
def long_lived_secret(ctx: RuleContext) -> Iterator[Hit]:
    """A credential lives until someone deletes it, whatever it can do.

    ## What it does
    Reports every live credential that has no end date and is not replaced on a schedule,
    whoever holds it and whatever the holder may do: an active `aws_iam_access_key`, an
    `aws_iam_service_specific_credential` (a Bedrock API key with `credential_age_days`
    expires and is not reported), an `aws_iam_signing_certificate`, an
    `aws_iam_user_ssh_key`; on Azure an `azuread_application_password` or
    `azuread_service_principal_password` without `end_date` or `rotate_when_changed` naming a
    `time_rotating` (and a symmetric key credential without `end_date`); on GCP a
    `google_service_account_key` (rotated by `keepers` from a `time_rotating`) and an active
    `google_storage_hmac_key`; on GitLab an access token or deploy token without `expires_at`
    (or an access token's `rotation_configuration`) and a deploy key with `can_push = true`
    without `expires_at`; on GitHub a deploy key with `read_only = false` (GitHub deploy keys
    never expire). Writing code is not identity-altering, so deploy keys are reported here
    only; read-only deploy keys read code and are not reported. The evidence names every
    GitHub or GitLab CI/CD secret the credential's secret is copied into. On Kubernetes: a
    service account token Secret (`type = "kubernetes.io/service-account-token"`; a
    `kubernetes_token_request_v1` expires). `status = "Inactive"` is not live; a resource
    replaced through
    `lifecycle { replace_triggered_by = [time_rotating.<name>] }` (directly or through a
    `terraform_data`/`null_resource` keeper whose triggers name the `time_rotating`) is
    rotated. The message says when the secret is also written to the Terraform state in plain
    text (an access key without `pgp_key`, a service-specific credential's password), and the
    severity is then high: anyone who can read the state can use it.

    On Vault: an AppRole secret id whose role has no `secret_id_ttl` (declared as a
    `vault_approle_auth_backend_role_secret_id`, or issued at run time by the role), a role id
    that logs in alone (`bind_secret_id = false`), and a `vault_token` without `ttl` or
    `explicit_max_ttl`, or periodic.

    ## Why is this bad?
    A long-lived secret outlives the person who created it, the pipeline that used it and
    often the reason it exists; every copy (CI variables, laptops, the state file, logs) stays
    valid until someone remembers to delete it. It is the most common way cloud identities
    are compromised.

    ## Example
    ```hcl
    resource "aws_iam_access_key" "ci" {
      user = aws_iam_user.ci.name
    }
    ```

    ## Use instead
    Federate the automation into a role with short-lived credentials (OIDC, an instance or
    task role) and delete the key. Where a key must exist, rotate it and keep it out of the
    state:
    ```hcl
    resource "time_rotating" "ci_key" {
      rotation_days = 30
    }
    resource "aws_iam_access_key" "ci" {
      user    = aws_iam_user.ci.name
      pgp_key = var.ci_pgp_public_key
      lifecycle {
        replace_triggered_by = [time_rotating.ci_key]
      }
    }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI7 Long-Lived Secrets, NHI2 Secret Leakage
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_cli
    - https://developer.hashicorp.com/terraform/language/state/sensitive-data
    """
    holders = {p.id: p for p in ctx.graph.principals}
    for credential in ctx.graph.credentials:
        if not long_lived(credential):
            continue
        holder = holders.get(credential.principal)
        who = label(holder) if holder else show(credential.principal.ref)
        state = credential.exposed_in_state
        platform = credential.principal.platform
        yield Hit(
            credential.address, credential.span,
            {"credential": credential.address, "kind": credential.label, "principal": who},
            (Evidence(credential.address, credential.span,
                      f"{credential.label} without rotation or expiry"),
             *exposure_evidence(ctx, credential)),
            template="state" if state else "default", key="long-lived-secret",
            severity=Severity.HIGH if state else None, principal=who,
            fix=ctx.fix(platform, "long-lived-secret-state" if state else "long-lived-secret"),
        )
