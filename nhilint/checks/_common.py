"""What the rules share: naming principals, describing grants, and evidence chains."""

from __future__ import annotations

from collections.abc import Iterable

from nhilint.identity.graph import (
    Access,
    Automation,
    Credential,
    Exposure,
    Grant,
    Principal,
    Reason,
    Text,
    Trust,
)
from nhilint.rule import Candidate, Evidence, RuleContext, show

OWASP = "OWASP-NHI{n}:2025"


def label(principal: Principal) -> str:
    """How a reviewer names the principal (:attr:`Principal.label`)."""
    return principal.label


def reasons(why: Iterable[Reason]) -> str:
    return "; ".join(_reason(r) for r in why)


def _reason(reason: Reason) -> str:
    parts = [reason.says, "" if reason.value is None else show(reason.value), reason.then]
    return " ".join(p for p in parts if p)


def describe(access: Access, limit: int = 4) -> str:
    """``iam:* on *`` — an access in a few words (the adapter lists identity-altering
    permissions first)."""
    verb = "everything but " if access.excepted else ""
    where = "everything but " if access.scope.excepted else ""
    return f"{verb}{_few(access.permissions, limit)} on {where}{_few(access.scope.ids, limit)}"


def _few(items: tuple[Text, ...], limit: int) -> str:
    if not items:
        return "nothing"
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(show(i) for i in items[:limit]) + more


def describe_grants(grants: Iterable[Grant], limit: int = 2) -> str:
    texts = list(dict.fromkeys(describe(g.access) for g in grants))
    more = f" and {len(texts) - limit} more" if len(texts) > limit else ""
    return "; ".join(texts[:limit]) + more


def chain_of(grants: Iterable[Grant]) -> tuple[str, ...]:
    """Every resource that makes the grants hold, in order, once each."""
    return tuple(dict.fromkeys(a for g in grants for a in g.provenance.chain))


def principal_evidence(principal: Principal) -> tuple[Evidence, ...]:
    if principal.declaration is None:
        return ()
    address, span = principal.declaration
    return (Evidence(address, span, f"automation principal: {reasons(principal.why)}"),)


def grant_evidence(grants: Iterable[Grant]) -> tuple[Evidence, ...]:
    found = []
    for grant in grants:
        access = grant.access
        links = [a for a in grant.provenance.chain if a != access.written_in]
        via = " via " + " -> ".join(links) if links else ""
        credited = "; credited: " + "; ".join(access.credited) if access.credited else ""
        found.append(Evidence(access.written_in, access.span, describe(access) + via + credited))
    return tuple(dict.fromkeys(found))


def core_params(found: Candidate, grants: Iterable[Grant] | None = None) -> dict[str, object]:
    """The parameters every core rule's message has."""
    return {
        "principal": label(found.principal),
        "grants": describe_grants(found.grants if grants is None else grants),
    }


def trust_evidence(principal: Principal, trust: Trust) -> tuple[Evidence, ...]:
    """The principal's declaration and the trust statement, for findings about a trust."""
    found = []
    if principal.declaration is not None:
        address, span = principal.declaration
        what = ("automation principal" if principal.automation is Automation.YES
                else principal.kind)
        found.append(Evidence(address, span, f"{what}: {reasons(principal.why)}"))
    where = trust.written_in or principal.address or ""
    found.append(Evidence(where, trust.span, describe_trust(trust)))
    return tuple(found)


def describe_trust(trust: Trust) -> str:
    """``trust of oidc token.actions.githubusercontent.com requiring sub repo:org/*``."""
    via = f" ({trust.via})" if trust.via else ""
    claims = "; ".join(f"{c.name} {_few(c.values, 3)}" for c in trust.claims)
    needs = f" requiring {claims}" if claims else ""
    return f"trust of {trust.kind.value} {show(trust.issuer)}{via}{needs}"


def grant_fix(ctx: RuleContext, platform: str, key: str, grants: Iterable[Grant]) -> str:
    """The fix for grants: ``key``'s, or ``key-managed``'s for those in provider-managed
    policies (replaced, not edited), both when the grants are of both kinds."""
    kinds = {g.access.managed for g in grants}
    keys = [k for k, managed in ((key, False), (f"{key}-managed", True)) if managed in kinds]
    return "; ".join(ctx.fix(platform, k) for k in keys)


def exposure_evidence(ctx: RuleContext, holder: Principal | Credential) -> tuple[Evidence, ...]:
    """Each CI/CD secret or variable the secret of ``holder`` (a credential, or every
    credential of a principal) is copied to: who can read the copy, and what bounds it."""
    return tuple(dict.fromkeys(
        Evidence(e.store, e.span, describe_exposure(e)) for e in ctx.graph.exposures_of(holder)))


def describe_exposure(exposure: Exposure) -> str:
    """``copy of aws_iam_access_key.ci.secret in GitHub Actions secret AWS_SECRET of repository
    infra, readable by …; credited: …``."""
    credited = "; credited: " + "; ".join(exposure.credited) if exposure.credited else ""
    return (f"copy of {exposure.credential}.{exposure.attribute} in {exposure.label}, "
            f"readable by {exposure.reach}{credited}")


def copied_to(ctx: RuleContext, credential: Credential) -> str:
    """`` (copied to github_actions_secret.aws)`` for a message, ``""`` when not copied."""
    stores = dict.fromkeys(e.store for e in ctx.graph.exposures_of(credential))
    return f" (copied to {', '.join(stores)})" if stores else ""
