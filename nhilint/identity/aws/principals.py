"""AWS principals: credentials, trusts, owners, and whether each is an automation principal.

An automation verdict needs positive evidence: a static access key, a trust by a service, an
OIDC provider or another principal, or a name matching the automation patterns.  A console
login profile or a SAML-only trust says human.  Anything else is ``Automation.UNKNOWN``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from nhilint.identity.aws.context import KINDS, Context, Who
from nhilint.identity.aws.credentials import PERSONAL_KINDS
from nhilint.identity.aws.document import RawStatement, read_policy
from nhilint.identity.aws.statement import normalise
from nhilint.identity.aws.trusts import claims, is_sso, issuer_host, party, provider_audiences
from nhilint.identity.graph import (
    Automation,
    Condition,
    Credential,
    Declaration,
    Owner,
    OwnerState,
    Principal,
    Reason,
    Text,
    Trust,
    TrustKind,
    Undecided,
)
from nhilint.identity.owners import owner_in
from nhilint.identity.values import as_list
from nhilint.model import Provider, Resource, Unknown

_SAML_ACTIONS = {"sts:assumerolewithsaml"}
_TRUST_KINDS = {"Service": TrustKind.SERVICE, "AWS": TrustKind.PRINCIPAL,
                "CanonicalUser": TrustKind.PRINCIPAL}
#: trusts that show a principal is used by software
_AUTOMATION_TRUSTS = (TrustKind.SERVICE, TrustKind.OIDC, TrustKind.PRINCIPAL, TrustKind.ANYONE)


class Verdict(NamedTuple):
    automation: Automation
    why: tuple[Reason, ...]


def trusts(ctx: Context, role: Resource, who: Who) -> tuple[list[Trust], tuple[Undecided, ...]]:
    """Who may assume ``role``, and what of its trust policy is not known."""
    document = read_policy(role.get("assume_role_policy"), role, ("assume_role_policy",), ctx.index)
    found = []
    for raw in document.statements:
        statement = normalise(raw, ctx.catalog, today=ctx.settings.today)
        if not statement.allows:
            continue
        actions = [a for a in statement.actions if isinstance(a, str)]
        for kind, value in _principals(raw.body.get("Principal"), actions):
            found.append(_trust(ctx, role, who, kind, value, raw, statement.conditions))
    return found, document.undecided


def _trust(
    ctx: Context, role: Resource, who: Who, kind: TrustKind, value: object, raw: RawStatement,
    conditions: tuple[Condition, ...],
) -> Trust:
    condition = raw.body.get("Condition")
    if kind is TrustKind.OIDC:
        issuer, via = issuer_host(ctx, value, condition)
        required = claims(condition, issuer)
        if not any(c.name == "aud" for c in required):
            implied = provider_audiences(ctx, value)
            required += (implied,) if implied else ()
        return Trust(
            who.id, kind, issuer, raw.span, via,
            subjects=tuple(v for c in required if c.name == "sub" for v in c.values),
            audiences=tuple(v for c in required if c.name == "aud" for v in c.values),
            conditions=conditions, claims=required, written_in=raw.written_in,
        )
    issuer, via = ("*", "") if kind is TrustKind.ANYONE else _issuer(ctx, value)
    if kind is TrustKind.PRINCIPAL and is_sso(value, condition):
        kind = TrustKind.SSO
    who_party = party(ctx, role, value) if kind is TrustKind.PRINCIPAL else None
    return Trust(who.id, kind, issuer, raw.span, via, conditions=conditions, party=who_party,
                 written_in=raw.written_in)


def _principals(principal: object, actions: list[str]) -> Iterator[tuple[TrustKind, object]]:
    if principal == "*":
        yield TrustKind.ANYONE, "*"
        return
    if not isinstance(principal, dict):
        if principal is not None:
            yield TrustKind.UNKNOWN, principal
        return
    for key, values in principal.items():
        for value in _flat(values):
            yield _kind(key, value, actions), value


def _flat(values: object) -> Iterator[object]:
    """The principals of one type; a list nested in the list (Terraform 0.11's
    ``["${local.arns}"]``) is flattened as that Terraform did."""
    for value in as_list(values):
        if isinstance(value, list | tuple):
            yield from _flat(value)
        else:
            yield value


def _kind(key: object, value: object, actions: Iterable[str]) -> TrustKind:
    if key == "Federated":
        shown = value if isinstance(value, str) else getattr(value, "source", "")
        saml = "saml-provider" in shown or any(a.lower() in _SAML_ACTIONS for a in actions)
        return TrustKind.SAML if saml else TrustKind.OIDC
    if value == "*" and key == "AWS":
        return TrustKind.ANYONE
    return _TRUST_KINDS.get(key, TrustKind.UNKNOWN) if isinstance(key, str) else TrustKind.UNKNOWN


def _issuer(ctx: Context, value: object) -> tuple[Text, str]:
    """The principal as written, and its resource when it is declared here."""
    target = ctx.index.referenced(value)
    return _text(value), (target.address if target is not None else "")


def _text(value: object) -> Text:
    if isinstance(value, str | Unknown):
        return value
    return Unknown(f"is a {type(value).__name__}, not a string")


def owner(ctx: Context, resource: Resource) -> Owner:
    """The owner tag of a principal, from its ``tags`` or its provider's ``default_tags``."""
    places = (("tag", resource.get("tags")),
              (f"provider {resource.provider} default_tags", default_tags(ctx.provider(resource))))
    keys = ", ".join(ctx.settings.owner_keys)
    return owner_in(places, ctx.settings.owner_keys,
                    f"no owner tag ({keys}) on the principal or its provider's default_tags")


def default_tags(provider: Provider | None) -> object:
    """``provider "aws" { default_tags { tags = {...} } }``: the tags, unknown, or ``None``."""
    blocks = as_list(provider.attributes.get("default_tags")) if provider else []
    if not blocks:
        return None
    return blocks[0].get("tags") if isinstance(blocks[0], dict) else blocks[0]


def classify_user(ctx: Context, who: Who, held: list[Credential]) -> Verdict:
    keys = [c for c in held if c.persistent and c.kind not in PERSONAL_KINDS]
    logins = [c for c in held if c.kind == "console-password"]
    if keys:
        return Verdict(Automation.YES, tuple(
            Reason(f"holds a static {c.label}", c.address) for c in keys
        ))
    if logins:
        return Verdict(Automation.NO, (Reason("has a console login profile", logins[0].address),))
    return _by_name(ctx, who)


def classify_role(
    ctx: Context, who: Who, found: list[Trust], undecided: tuple[Undecided, ...]
) -> Verdict:
    if who.name and who.name.startswith("AWSReservedSSO_"):
        return Verdict(Automation.NO, (
            Reason("is an IAM Identity Center role (human single sign-on)"),
        ))
    why = [_trust_reason(t) for t in found if t.kind in _AUTOMATION_TRUSTS]
    if why:
        return Verdict(Automation.YES, tuple(dict.fromkeys(why)))
    people = [t for t in found if t.kind.human]
    if people:
        how = ("a SAML provider (human sign-on)" if people[0].kind is TrustKind.SAML
               else "IAM Identity Center roles (human single sign-on)")
        return Verdict(Automation.NO, (Reason(f"is trusted only by {how}", people[0].issuer),))
    verdict = _by_name(ctx, who)
    unknown = tuple(Reason(f"its trust policy: {u.what}", u.value, u.reason) for u in undecided)
    return Verdict(verdict.automation, verdict.why + unknown)


def _trust_reason(trust: Trust) -> Reason:
    what = {
        TrustKind.SERVICE: "service", TrustKind.OIDC: "OIDC provider",
        TrustKind.PRINCIPAL: "AWS principal", TrustKind.ANYONE: "anyone",
    }[trust.kind]
    if trust.kind is TrustKind.ANYONE:
        return Reason("is trusted by anyone")
    if trust.via and isinstance(trust.issuer, str) and trust.issuer != trust.via:
        return Reason(f"is trusted by {what}", f"{trust.via} ({trust.issuer})")
    return Reason(f"is trusted by {what}", trust.via or trust.issuer)


def _by_name(ctx: Context, who: Who) -> Verdict:
    token = ctx.settings.automation_name_match(who.name) if who.name else None
    if token:
        return Verdict(Automation.YES, (
            Reason(f"its name {who.name!r} matches the automation pattern {token!r}"),
        ))
    return Verdict(Automation.UNKNOWN, (
        Reason("nothing in the scanned code shows it is automation"),
    ))


def principal_for(ctx: Context, who: Who, verdict: Verdict) -> Principal:
    resource = ctx.declared.get(who.id.ref) if isinstance(who.id.ref, str) else None
    why = verdict.why
    if resource is None or not who.declared:
        where = (f"one of the instances of {who.instance_of}, which one is not known before apply"
                 if who.instance_of else "not declared in the scanned code")
        return Principal(who.id, KINDS[who.type], who.name, verdict.automation,
                         (Reason(f"it is {where}"), *why), Owner(OwnerState.UNKNOWN, where))
    return Principal(who.id, KINDS[who.type], who.name, verdict.automation, why,
                     owner(ctx, resource), Declaration(resource.address, resource.span))

