"""NHI014 human-use-of-automation."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import OWASP, describe_trust, label, principal_evidence, reasons
from nhilint.identity.graph import Automation, Principal, Trust, TrustKind
from nhilint.rule import Evidence, Hit, RuleContext, Severity, rule, show

#: trusts that show software uses a principal, beside which a person's trust is reported
_MACHINE_TRUSTS = (TrustKind.SERVICE, TrustKind.OIDC)
#: principal kinds that are software by what they are (a GCP service account, an Entra
#: service principal): no trust by a machine is needed to show it
_MACHINE_KINDS = frozenset({
    "service-account", "application", "service-principal", "managed-identity",
    "kubernetes-service-account", "app-role", "bot", "ai-agent",
})


@rule("NHI014", "human-use-of-automation", Severity.MEDIUM,
      message={
          "login": "automation principal {principal} also has a {login} {credential}: people "
          "can sign in as it ({why})",
          "trust": "automation principal {principal} ({why}) can also be assumed by people "
          "signing in through {people}",
          "people": "automation principal {principal} ({why}) can also be used by people: "
          "{people} may act as it",
      },
      references=(OWASP.format(n=10),))
def human_use_of_automation(ctx: RuleContext) -> Iterator[Hit]:
    """People can sign in as an automation principal.

    ## What it does
    Reports an automation user (one holding an access key or another machine credential)
    that also has a console password (`aws_iam_user_login_profile`), and an automation role
    (trusted by a service or an OIDC issuer) that people may also assume: a trust of a SAML
    provider or of IAM Identity Center roles (`AWSReservedSSO_*`,
    `aws-reserved/sso.amazonaws.com`) beside it. On GCP, a service account on which
    `user:`, `group:` or `domain:` members hold a token-minting role
    (`roles/iam.serviceAccountTokenCreator`, `roles/iam.workloadIdentityUser`, key creation):
    a service account is software by what it is, so no machine trust is needed beside it.
    On Azure, a user-assigned managed identity on which a user or group is assigned, at the
    identity's own scope, a role that attaches it to compute they control (Managed Identity
    Operator, Contributor, Owner: `userAssignedIdentities/*/assign/action`); an assignment at
    a resource group or subscription that contains the identity is not placed, so not reported.
    On Kubernetes, a `User` or `Group` subject bound to `impersonate` on service accounts or
    `create` on `serviceaccounts/token` (the named ones, or every one of the namespace); a
    person merely bound to the same role as a service account is not reported.
    Severity is high when the principal can alter identity.

    ## Why is this bad?
    What a person does as the pipeline's identity is logged as the pipeline: no one is
    accountable, and the person gets whatever the automation was granted (often more than
    they would be). A console password on a service user is also one more long-lived secret,
    usually shared.

    ## Example
    ```hcl
    resource "aws_iam_access_key" "deploy" { user = aws_iam_user.deploy.name }
    resource "aws_iam_user_login_profile" "deploy" { user = aws_iam_user.deploy.name }
    ```

    ## Use instead
    Give people their own identities (IAM Identity Center permission sets, a SAML role of
    their own) and remove the login profile, or the human trust, from the automation
    principal:
    ```hcl
    resource "aws_iam_access_key" "deploy" { user = aws_iam_user.deploy.name }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI10 Human Use of NHI
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html
    - https://cloud.google.com/iam/docs/service-account-impersonation
    - https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles/identity#managed-identity-operator
    """
    for principal in ctx.graph.principals:
        if principal.automation is not Automation.YES:
            continue
        severity = Severity.HIGH if ctx.graph.altering_of(principal) else None
        yield from _logins(ctx, principal, severity)
        yield from _human_trusts(ctx, principal, severity)


def _logins(ctx: RuleContext, principal: Principal, severity: Severity | None) -> Iterator[Hit]:
    for login in ctx.graph.credentials_of(principal):
        if login.kind != "console-password":
            continue
        yield Hit(
            login.address, login.span,
            {"principal": label(principal), "login": login.label,
             "credential": login.address, "why": reasons(principal.why)},
            (*principal_evidence(principal),
             Evidence(login.address, login.span, f"{login.label} for people to sign in")),
            template="login", key=f"login:{login.address}", severity=severity,
            principal=label(principal), fix=ctx.fix(principal.platform, "human-login"),
        )


def _human_trusts(
    ctx: RuleContext, principal: Principal, severity: Severity | None
) -> Iterator[Hit]:
    trusts = ctx.graph.trusts_of(principal)
    machines = [t for t in trusts if t.kind in _MACHINE_TRUSTS]
    people = [t for t in trusts if t.kind.human]
    software = principal.kind in _MACHINE_KINDS
    if not (machines or software) or not people:
        return
    why = _trusted_by(machines[0]) if machines else reasons(principal.why)
    for trust in people:
        yield Hit(
            principal.address or trust.written_in, trust.span,
            {"principal": label(principal), "why": why,
             "people": _people(trust)},
            principal_evidence(principal) + tuple(
                Evidence(t.written_in or label(principal), t.span, describe_trust(t))
                for t in (*machines, trust)),
            template="people" if trust.kind is TrustKind.PEOPLE else "trust",
            key=f"trust:{trust.kind.value}:{show(trust.issuer)}",
            severity=severity,
            principal=label(principal), fix=ctx.fix(principal.platform, "human-trust"),
        )


def _trusted_by(trust: Trust) -> str:
    return f"trusted by {trust.kind.value} {trust.via or show(trust.issuer)}"


def _people(trust: Trust) -> str:
    if trust.kind is TrustKind.PEOPLE:
        return show(trust.issuer)
    if trust.kind is TrustKind.SAML:
        return f"SAML provider {trust.via or show(trust.issuer)}"
    return f"single sign-on roles trusted through {trust.via or show(trust.issuer)}"
