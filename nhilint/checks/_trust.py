"""Judging who may become a principal: shared by NHI010 (the open trusts) and NHI901 (the
trusts whose reach turns on a value not known before deploy)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from nhilint.identity import oidc
from nhilint.identity.graph import Claim, Narrowing, Party, Trust, TrustKind
from nhilint.identity.values import could_be_anything
from nhilint.model import Unknown
from nhilint.rule import show

_SHOWN_VALUES = 3
#: trusts of a principal named by the configuration
_NAMED = (TrustKind.PRINCIPAL, TrustKind.UNKNOWN)


class Judged(NamedTuple):
    """An open trust: the message ``template`` and its parameters, whether it lets other
    identities in (``wide``) or other runs of the intended one; ``unknown`` is set when the
    verdict turns on a value not known (an indeterminate, not a finding)."""

    trust: Trust
    template: str
    params: dict[str, object]
    wide: bool
    key: str
    unknown: Unknown | None = None


def judge(trust: Trust) -> Iterator[Judged]:
    """What is open about one trust."""
    if trust.kind is TrustKind.ANYONE:
        yield from _anyone(trust)
    elif trust.kind is TrustKind.OIDC:
        yield from _federated(trust)
    elif trust.kind is TrustKind.PRINCIPAL and trust.party is Party.THIRD:
        yield from _third_party(trust)
    elif trust.kind in _NAMED and could_be_anything(trust.issuer):
        yield from _computed(trust)


def _computed(trust: Trust) -> Iterator[Judged]:
    """A trusted principal computed as a whole could be every principal (``*``)."""
    if _narrowed(trust, Narrowing.PRINCIPAL) or not isinstance(trust.issuer, Unknown):
        return
    params: dict[str, object] = {"issuer": trust.issuer, "claim": "principal"}
    yield Judged(trust, "anyone", params, True, "anyone", trust.issuer)


def _unknown_condition(trust: Trust) -> Unknown | None:
    for condition in trust.conditions:
        if condition.narrows is Narrowing.UNKNOWN:
            found = next((v for v in condition.values if isinstance(v, Unknown)), None)
            return found or Unknown("a condition is not known before apply")
    return None


def _narrowed(trust: Trust, *kinds: Narrowing) -> bool:
    return any(c.narrows in kinds for c in trust.conditions)


def _anyone(trust: Trust) -> Iterator[Judged]:
    if _narrowed(trust, Narrowing.PRINCIPAL):
        return
    params: dict[str, object] = {"issuer": trust.issuer}
    yield Judged(trust, "anyone", params, True, "anyone", _unknown_condition(trust))


def _federated(trust: Trust) -> Iterator[Judged]:
    unknown = _unknown_condition(trust)
    reached = oidc.reach(trust)
    if isinstance(reached, oidc.Reach):
        params = {"issuer": _issuer(reached.issuer, trust), "covers": reached.covers,
                  "why": _why(reached)}
        wide = reached.level.across == "identities"
        yield Judged(trust, "subject", params, wide, f"subject:{show(trust.issuer)}", unknown)
    elif isinstance(reached, oidc.Undetermined):
        params = {"issuer": _issuer(reached.issuer, trust), "what": reached.value,
                  "claim": reached.claim}
        yield Judged(trust, "subject", params, True, f"subject:{show(trust.issuer)}",
                     reached.value)
    audience = oidc.audience_open(trust)
    if audience is not None and unknown is None:
        params = {"issuer": _issuer(audience, trust), "claim": audience.audience_claim,
                  "expected": audience.audience}
        yield Judged(trust, "audience", params, False, f"audience:{show(trust.issuer)}")


def _third_party(trust: Trust) -> Iterator[Judged]:
    if _narrowed(trust, Narrowing.EXTERNAL_ID, Narrowing.PRINCIPAL):
        return
    params: dict[str, object] = {"party": trust.issuer}
    yield Judged(trust, "third-party", params, False, f"third-party:{show(trust.issuer)}",
                 _unknown_condition(trust))


def _issuer(issuer: oidc.Issuer, trust: Trust) -> object:
    """The issuer's name from the table, or the issuer as written when it is not in it."""
    _, fallback = oidc.table()
    return trust.issuer if issuer is fallback else issuer.name


def _why(reached: oidc.Reach) -> str:
    claim = reached.requirement
    if claim is None:
        return f"it requires no {reached.issuer.subject_claim} claim"
    return f"{claim.name} {_values(claim)}"


def _values(claim: Claim) -> str:
    shown = ", ".join(show(v) for v in claim.values[:_SHOWN_VALUES])
    more = len(claim.values) - _SHOWN_VALUES
    return shown + (f" (+{more} more)" if more > 0 else "")
