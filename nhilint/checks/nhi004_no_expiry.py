"""NHI004 no-expiry."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import (
    OWASP,
    chain_of,
    core_params,
    describe_grants,
    exposure_evidence,
    grant_evidence,
    grant_fix,
    label,
    principal_evidence,
)
from nhilint.rule import Evidence, Hit, RuleContext, Severity, rule


@rule("NHI004", "no-expiry", Severity.MEDIUM,
      message="automation principal {principal} can alter identity with no expiry: {what}",
      references=(OWASP.format(n=7),))
def no_expiry(ctx: RuleContext) -> Iterator[Hit]:
    """An automation principal's identity-altering grant or credential never expires.

    ## What it does
    Finds automation principals with identity-altering permissions where a grant has no time
    bound (no `DateLessThan` / `aws:CurrentTime` condition) or a persistent credential is
    never rotated (an access key without `lifecycle { replace_triggered_by = [time_rotating…] }`).
    On Azure a plain role assignment is permanent; a PIM assignment
    (`azurerm_pim_active_role_assignment`, `azurerm_pim_eligible_role_assignment`) ends at its
    `schedule { expiration { … } }`; a client secret without `end_date` or
    `rotate_when_changed` counts as never expiring (Microsoft Graph's two-year default is not
    written in the configuration). On GCP a binding ends with an IAM condition
    `request.time < timestamp("…")` (one that ended before the scan date grants nothing), and a
    key is rotated by `keepers` computed from a `time_rotating`. A GitLab access token ends at
    its `expires_at`, or is replaced by its `rotation_configuration`; without either the
    configuration gives it no end. The evidence names every CI/CD secret or variable a
    never-rotated credential is copied into.

    On Vault a policy grant never expires (it holds for every token the role issues, as long as
    the role exists); an AppRole secret id without `secret_id_ttl` and a `vault_token` without
    `ttl` or `explicit_max_ttl` (or periodic) never expire.

    On Kubernetes an RBAC binding never expires, and a service account token Secret is never
    rotated unless it is replaced on a schedule (`replace_triggered_by` a `time_rotating`).

    ## Why is this bad?
    Access granted "for the migration" or "for the release" stays forever unless something
    ends it. Time-bound grants and rotated credentials limit how long a mistake or a leak is
    exploitable.

    ## Example
    ```hcl
    statement {
      actions   = ["iam:CreateRole", "iam:AttachRolePolicy"]
      resources = ["arn:aws:iam::123456789012:role/app-*"]
    }
    ```

    ## Use instead
    Bound the grant in time with an `aws:CurrentTime` condition:
    ```hcl
    statement {
      actions   = ["iam:CreateRole", "iam:AttachRolePolicy"]
      resources = ["arn:aws:iam::123456789012:role/app-*"]
      condition {
        test     = "DateLessThan"
        variable = "aws:CurrentTime"
        values   = ["2026-12-31T23:59:59Z"]
      }
    }
    ```
    and rotate keys that must exist:
    ```hcl
    resource "time_rotating" "key" { rotation_days = 30 }
    resource "aws_iam_access_key" "ci" {
      user = aws_iam_user.ci.name
      lifecycle { replace_triggered_by = [time_rotating.key] }
    }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI7 Long-Lived Secrets
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws-dates.html
    """
    for found in ctx.candidates():
        endless = tuple(g for g in found.grants if g.access.expiry is None)
        stale = [
            c for c in ctx.graph.credentials_of(found.principal)
            if c.persistent and not c.rotated and c.expiry is None
        ]
        if not endless and not stale:
            continue
        parts = [f"grant without expiry ({describe_grants(endless)})"] if endless else []
        parts += [f"{c.label} {c.address} is never rotated and never expires" for c in stale]
        platform = found.principal.platform
        fixes = [grant_fix(ctx, platform, "no-expiry-grant", endless)] if endless else []
        fixes += [ctx.fix(platform, "no-expiry-credential")] if stale else []
        yield Hit(
            found.resource,
            found.span,
            core_params(found) | {"what": "; ".join(parts)},
            principal_evidence(found.principal)
            + grant_evidence(endless)
            + tuple(Evidence(c.address, c.span, f"{c.label} without rotation or expiry")
                    for c in stale)
            + tuple(e for c in stale for e in exposure_evidence(ctx, c)),
            key="no-expiry",
            chain=chain_of(found.grants),
            principal=label(found.principal),
            fix="; ".join(fixes),
        )
