"""NHI010 unbounded-federated-trust."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import OWASP, label, trust_evidence
from nhilint.checks._trust import Judged, judge
from nhilint.rule import Hit, RuleContext, Severity, rule

#: (wide, can alter identity) -> severity; a third party's or an audience's gap is low
_SEVERITY = {
    (True, True): Severity.CRITICAL, (True, False): Severity.HIGH,
    (False, True): Severity.HIGH, (False, False): Severity.MEDIUM,
}
_LOW = ("audience", "third-party")


@rule("NHI010", "unbounded-federated-trust", Severity.HIGH,
      message={
          "anyone": "anyone can assume {principal}: it trusts every principal ({issuer}) "
          "with no condition narrowing who calls",
          "subject": "{principal} trusts {issuer} tokens from {covers}: {why}",
          "audience": "{principal} trusts {issuer} tokens meant for any audience: it requires "
          "no particular {claim} (the issuer documents {expected})",
          "third-party": "{principal} is trusted by {party}, an account that is not the "
          "configuration's own, without an external id (confused deputy)",
      },
      references=(OWASP.format(n=6), OWASP.format(n=3)))
def unbounded_federated_trust(ctx: RuleContext) -> Iterator[Hit]:
    """A principal can be become by far more identities than the one it was made for.

    ## What it does
    Reads every trust of every principal (an automation role or not: an open door is a risk
    whatever is behind it) and reports:

    - a trust of every principal of every account (`Principal: "*"`, `{AWS: "*"}`) without a
      condition narrowing the caller (`aws:PrincipalOrgID`, `aws:PrincipalAccount`,
      `aws:PrincipalArn`, `aws:SourceArn`, `aws:SourceAccount`);
    - a federated (OIDC) trust whose subject is not pinned: no `sub` condition, a wildcard
      `sub`, or a `StringLike` pattern covering every repository, project, workspace, service
      account or branch of its issuer.  What a pinned subject looks like is data, per issuer
      (GitHub Actions, GitHub Enterprise Server, GitLab, HCP Terraform, Bitbucket Pipelines,
      CircleCI, EKS service accounts, Google, Microsoft Entra ID, Cognito identity pools;
      `nhilint/data/oidc_issuers.json`, with each vendor's documentation as its source);
      provider-specific claims that pin the identity (`repository_id`, …) count;
    - a federated trust that requires no audience at all, for an issuer that documents one
      (GitHub: `sts.amazonaws.com`).  AWS checks the token's audience against the OIDC
      provider's `client_id_list`, so a trust of an IAM OIDC provider always requires one;
    - a trust of another party's account without an `sts:ExternalId` condition (the confused
      deputy).  An account is another party's when the provider names the configuration's
      own accounts (`allowed_account_ids`, the account of `assume_role.role_arn`) and it is
      not one of them, or when the provider forbids it (`forbidden_account_ids`); an
      account nhilint cannot place is not reported;
    - on GCP, a service account that a workload identity pool may become
      (`roles/iam.workloadIdentityUser` or token creation for a `principal://` or
      `principalSet://` member): the member's selector (`subject/…`,
      `attribute.repository/…`, `*`) and the pool provider's `attribute_condition` (mapped
      back to the issuer's claims through `attribute_mapping`) are the claims the token must
      carry, so a `principalSet://…/*` member of a provider whose condition pins no
      repository is open (a condition pinning only `repository_owner` leaves every repository
      of that owner); `allUsers` / `allAuthenticatedUsers` members of a token-minting role let
      anyone in. A condition nhilint does not evaluate (`||`, functions) is reported by NHI901.
    - on Kubernetes, a binding of a role that alters identity to `system:authenticated`,
      `system:unauthenticated` or the `system:anonymous` user: anyone who can reach (or sign
      in to) the API server holds it.

    Severity: critical when anyone (or every repository, project …) can become a principal
    that can alter identity, high for one that cannot, or when only other runs of the
    intended identity (every branch of one repository) can become an identity-altering
    principal; medium for that on other principals; low for a missing audience or external
    id. A subject, a condition or a whole trusted principal (`var.principals`, which could be
    `*`) not known before deploy is reported by NHI901; a value naming one resource
    (`aws_cognito_identity_pool.app.id`) pins.

    On Vault: a JWT auth role (`vault_jwt_auth_backend_role`, `role_type = "jwt"`) is trusted by
    its mount's issuer (`bound_issuer`, `oidc_discovery_url`); its `bound_subject`,
    `bound_audiences` and `bound_claims` (globs with `bound_claims_type = "glob"`) are the
    claims the token must carry, so a role for GitHub Actions binding `sub = "repo:org/*"` or
    `repository = "org/*"` lets every repository of the organisation in, and the message names
    that claim.

    ## Why is this bad?
    Whoever can present a token the trust accepts gets the role: with no `sub` condition,
    any GitHub workflow on the internet can assume a role trusting GitHub's issuer; with
    `repo:org/*`, any repository of the organisation (and anyone who can push to one of
    them). A role open to `*` is a role for anyone with an AWS account.

    ## Example
    ```hcl
    data "aws_iam_policy_document" "deploy_trust" {
      statement {
        actions = ["sts:AssumeRoleWithWebIdentity"]
        principals {
          type        = "Federated"
          identifiers = [aws_iam_openid_connect_provider.github.arn]
        }
        condition {
          test     = "StringLike"
          variable = "token.actions.githubusercontent.com:sub"
          values   = ["repo:my-org/*"]
        }
      }
    }
    ```

    ## Use instead
    Pin the subject to the repository and the branch or environment that deploys:
    ```hcl
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:my-org/app:environment:production"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI6 Insecure Cloud Deployment
      Configurations, NHI3 Vulnerable Third-Party NHI
    - https://docs.github.com/en/actions/reference/security/oidc
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
    """
    for principal in ctx.graph.principals:
        altering = bool(ctx.graph.altering_of(principal))
        seen: set[str] = set()
        for found in (j for t in ctx.graph.trusts_of(principal) for j in judge(t)):
            if found.unknown is not None or found.key in seen:
                continue
            seen.add(found.key)
            yield Hit(
                principal.address or found.trust.written_in, found.trust.span,
                {"principal": label(principal), **found.params},
                trust_evidence(principal, found.trust),
                template=found.template, key=found.key,
                chain=(found.trust.via,) if found.trust.via else (),
                severity=_severity(found, altering), principal=label(principal),
                fix=ctx.fix(principal.platform, f"open-trust-{found.template}"),
            )


def _severity(found: Judged, altering: bool) -> Severity:
    if found.template in _LOW:
        return Severity.LOW
    return _SEVERITY[(found.wide, altering)]
