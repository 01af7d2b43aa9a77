"""NHI901 indeterminate."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import (
    describe_grants,
    grant_evidence,
    label,
    reasons,
    trust_evidence,
)
from nhilint.checks._trust import judge
from nhilint.identity.graph import Automation, OwnerState, Pending, Principal
from nhilint.model import Because, Cause, Unknown, because
from nhilint.rule import Evidence, Hit, RuleContext, Severity, rule, show


@rule("NHI901", "indeterminate", Severity.INFO,
      message={
          "automation": "cannot tell whether {principal} is an automation principal ({why}); "
          "it can alter identity ({grants})",
          "owner": "owner of automation principal {principal} is unknown: {why}",
          "policy": "automation principal {principal} holds {policy}, which is not fully "
          "known: {what}",
          "policy-automation": "cannot tell whether {principal} is an automation principal "
          "({why}), and it holds {policy}, which is not fully known: {what}",
          "expiry": "automation principal {principal} can alter identity until {what}, "
          "which is not known before apply",
          "trust": "cannot tell how far the trust of {principal} by {issuer} reaches: {what} "
          "is not known before apply",
          "credential-expiry": "cannot tell whether {credential} of {principal} is long-lived: "
          "its lifetime {what} is not known before apply",
          "module": "{module} is not read: {why}; the principals, grants and secrets it may "
          "declare are not judged",
          "module-known": "{module} is not read: {why}; it {lost}",
      })
def indeterminate(ctx: RuleContext) -> Iterator[Hit]:
    """A value a rule needed is not known before deploy.

    ## What it does
    Reports, as information, what the core rules could not decide because a value is only
    known after apply or comes from outside the scanned code: whether a principal that can
    alter identity is an automation principal, who owns an automation principal whose tags
    are computed, what a policy held by an automation principal contains when the policy
    itself is unknown, how far a trust reaches when its subject or a condition is computed
    (NHI010), when a credential expires when its lifetime is computed (NHI012), and which
    called modules were not read at all (a registry or git source that `terraform init` has
    not downloaded: for the most used modules the finding says what they declare).

    On Vault: a policy named in `token_policies` that is not declared here, or whose text
    cannot be read (a template of an unknown value, syntax Vault rejects).

    Each message ends with the cause, in a fixed vocabulary (the JSON report's `cause`), and
    what it is about: `(cause: data-source data.aws_caller_identity.current.account_id)`.

    ## Causes
    - `module-not-read`: the value comes from a called module that was not read (a registry
      or git source `terraform init` has not downloaded, a source outside the scanned tree)
    - `module-output`: an output of a module the scanned code does not call (a file shared
      by many modules that reads `module.this`)
    - `data-source`: an attribute of a data source, read when the plan is made
    - `variable-unset`: a variable without a default and without a value in the tfvars
    - `computed-attribute`: an attribute the provider computes at apply (an ARN, an id)
    - `instance-key`: a `count` or `for_each` that is not known, so which instance is meant
      is not known either
    - `after-apply`: a value Terraform knows only at apply (a plan's "known after apply",
      `timestamp()`)
    - `not-evaluated`: an expression nhilint does not evaluate (a function it does not
      implement, a file it cannot read, a value the plan does not record)
    - `external`: a principal or policy declared outside the scanned code
    - `no-evidence`: nothing is unknown, but nothing in the scanned code tells whether the
      principal is automation (a user with neither a key nor a console login)

    When a value is computed from several others, the reason the reader gave decides (a
    module not read, an instance key, a function not evaluated), else the first reference.

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
    yield from _automation_unknown(ctx)
    yield from _owner_unknown(ctx)
    yield from _expiry_unknown(ctx)
    yield from _trust_unknown(ctx)
    yield from _credential_expiry_unknown(ctx)
    yield from _unread(ctx)
    for principal in ctx.graph.principals:
        if principal.automation is not Automation.NO:
            yield from _pending(ctx, principal)


def _automation_unknown(ctx: RuleContext) -> Iterator[Hit]:
    for found in ctx.candidates(Automation.UNKNOWN):
        p = found.principal
        where = "declared" if p.declaration else "external"
        yield Hit(
            found.resource, found.span,
            {"principal": label(p), "why": reasons(p.why), "grants": describe_grants(found.grants)},
            grant_evidence(found.grants), template="automation", key="automation-unknown",
            principal=label(p), fix=ctx.fix(p.platform, f"automation-unknown-{where}"),
            cause=_principal_cause(p),
        )


def _owner_unknown(ctx: RuleContext) -> Iterator[Hit]:
    for found in ctx.candidates():
        owner = found.principal.owner
        if owner.state is OwnerState.UNKNOWN:
            why = owner.source if owner.value is None else f"{owner.source}: {show(owner.value)}"
            yield Hit(
                found.resource, found.span, {"principal": label(found.principal), "why": why},
                grant_evidence(found.grants), template="owner", key="owner-unknown",
                principal=label(found.principal),
                fix=ctx.fix(found.principal.platform, "owner-unknown"),
                cause=(because(owner.value) if isinstance(owner.value, Unknown)
                       else _principal_cause(found.principal)),
            )


def _expiry_unknown(ctx: RuleContext) -> Iterator[Hit]:
    for found in ctx.candidates():
        until = [g for g in found.grants if g.access.expiry is not None
                 and not isinstance(g.access.expiry, str)]
        stale = [c for c in ctx.graph.credentials_of(found.principal)
                 if c.persistent and c.expiry is not None and not isinstance(c.expiry, str)]
        if until or stale:
            what = [g.access.expiry for g in until] + [c.expiry for c in stale]
            yield Hit(
                found.resource, found.span, {"principal": label(found.principal), "what": what},
                grant_evidence(until), template="expiry", key="expiry-unknown",
                principal=label(found.principal),
                fix=ctx.fix(found.principal.platform, "expiry-unknown"),
                cause=next(because(u) for u in what if isinstance(u, Unknown)),
            )


def _pending(ctx: RuleContext, principal: Principal) -> Iterator[Hit]:
    for item in ctx.graph.pending_of(principal):
        params = {"principal": label(principal), "policy": item.source, "what": _what(item),
                  "why": reasons(principal.why)}
        automation = principal.automation is Automation.UNKNOWN
        yield Hit(
            principal.address or item.provenance.holder, principal.span or item.provenance.span,
            params, (Evidence(item.provenance.holder, item.provenance.span, _what(item)),),
            template="policy-automation" if automation else "policy",
            key=f"policy-unknown:{item.provenance.holder}:{item.source}",
            principal=label(principal), fix=ctx.fix(principal.platform, "policy-unknown"),
            cause=item.undecided.because,
        )


def _what(item: Pending) -> str:
    u = item.undecided
    return f"{u.what} {u.reason}" if u.value is None else f"{u.what} {show(u.value)} {u.reason}"


def _trust_unknown(ctx: RuleContext) -> Iterator[Hit]:
    for principal in ctx.graph.principals:
        seen: set[str] = set()
        for found in (j for t in ctx.graph.trusts_of(principal) for j in judge(t)):
            if found.unknown is None or found.key in seen:
                continue
            seen.add(found.key)
            issuer = found.params.get("issuer", found.params.get("party"))
            claim = found.params.get("claim")
            what = (f"the trusted principal {show(found.unknown)}" if claim == "principal"
                    else f"its {claim} requirement {show(found.unknown)}" if claim
                    else f"the condition {show(found.unknown)}")
            yield Hit(
                principal.address or found.trust.written_in, found.trust.span,
                {"principal": label(principal), "issuer": issuer, "what": what},
                trust_evidence(principal, found.trust), template="trust",
                key=f"trust-unknown:{found.key}", principal=label(principal),
                fix=ctx.fix(principal.platform, "trust-unknown"), cause=because(found.unknown),
            )


def _credential_expiry_unknown(ctx: RuleContext) -> Iterator[Hit]:
    """Credentials with a computed lifetime, of principals the core rules do not judge (those
    they do are reported with their grants, above)."""
    judged = {c.principal.id for c in ctx.candidates()}
    holders = {p.id: p for p in ctx.graph.principals}
    for credential in ctx.graph.credentials:
        if not isinstance(credential.expiry, Unknown) or credential.principal in judged:
            continue
        if not credential.persistent or credential.rotated:
            continue
        holder = holders.get(credential.principal)
        who = label(holder) if holder else show(credential.principal.ref)
        yield Hit(
            credential.address, credential.span,
            {"credential": credential.address, "principal": who, "what": credential.expiry},
            (Evidence(credential.address, credential.span, f"{credential.label} lifetime"),),
            template="credential-expiry", key="credential-expiry-unknown", principal=who,
            fix=ctx.fix(credential.principal.platform, "credential-expiry-unknown"),
            cause=because(credential.expiry),
        )


def _unread(ctx: RuleContext) -> Iterator[Hit]:
    """Called modules whose code was not downloaded: whatever they declare is not judged."""
    for unread in ctx.graph.unread:
        yield Hit(
            unread.address, unread.span,
            {"module": unread.address, "why": unread.why, "lost": unread.lost},
            (Evidence(unread.address, unread.span, f"module source {unread.source}"),),
            template="module-known" if unread.lost else "module", key="module-unread",
            per_location=True,
            fix="run terraform init before the scan (nhilint reads the modules it downloads to "
                ".terraform/modules), or scan the Terraform plan",
            cause=Because(Cause.MODULE_NOT_READ),  # the message names the module and source
        )


def _principal_cause(principal: Principal) -> Because:
    """Why the principal's automation (or owner) is not known: its first unknown value (its
    reference, its name, a reason's value), else the principal is external, else nothing in
    the scanned code decides it."""
    values = (principal.id.ref, principal.name, *(r.value for r in principal.why))
    unknown = next((v for v in values if isinstance(v, Unknown)), None)
    if unknown is not None:
        return because(unknown)
    if principal.declaration is None:
        return Because(Cause.EXTERNAL)
    return Because(Cause.NO_EVIDENCE)
