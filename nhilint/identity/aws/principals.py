"""AWS principals: credentials, trusts, owners, and whether each is an automation principal.

An automation verdict needs positive evidence: a static access key, a trust by a service, an
OIDC provider or another principal, or a name matching the automation patterns.  A console
login profile or a SAML-only trust says human.  Anything else is ``Automation.UNKNOWN``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from nhilint.identity.aws.context import KINDS, USER, Context, Who
from nhilint.identity.aws.document import read_policy
from nhilint.identity.aws.statement import condition_values, normalise
from nhilint.identity.graph import (
    Automation,
    Credential,
    CredentialKind,
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
from nhilint.identity.values import as_list, first_block
from nhilint.model import Provider, Resource, Unknown


class Spec(NamedTuple):
    user_attr: str
    kind: CredentialKind
    label: str
    persistent: bool


#: credential resource type -> how it names its user, its kind, and whether it is a
#: long-lived machine secret
CREDENTIALS = {
    "aws_iam_access_key": Spec("user", "access-key", "access key", True),
    "aws_iam_service_specific_credential": Spec(
        "user_name", "service-credential", "service-specific credential", True
    ),
    "aws_iam_user_login_profile": Spec("user", "console-password", "console login profile", False),
}
_SAML_ACTIONS = {"sts:assumerolewithsaml"}
_TRUST_KINDS = {"Service": TrustKind.SERVICE, "AWS": TrustKind.PRINCIPAL,
                "CanonicalUser": TrustKind.PRINCIPAL}
#: trusts that show a principal is used by software
_AUTOMATION_TRUSTS = (TrustKind.SERVICE, TrustKind.OIDC, TrustKind.PRINCIPAL, TrustKind.ANYONE)


class Verdict(NamedTuple):
    automation: Automation
    why: tuple[Reason, ...]


def credentials(ctx: Context) -> Iterator[tuple[Who, Credential]]:
    for resource in ctx.model.resources:
        spec = CREDENTIALS.get(resource.type)
        if spec is None or resource.mode != "managed":
            continue
        principal = ctx.principal(USER, resource.get(spec.user_attr))
        active = resource.get("status") != "Inactive"
        yield principal, Credential(
            principal.id, resource.address, spec.kind, spec.label, resource.span,
            persistent=spec.persistent and active, rotated=_rotated(ctx, resource),
        )


def _rotated(ctx: Context, resource: Resource) -> bool:
    """``lifecycle { replace_triggered_by = [time_rotating.x] }`` replaces the secret."""
    lifecycle = first_block(resource, "lifecycle")
    triggers = as_list(lifecycle.get("replace_triggered_by"))
    return any(ctx.index.referenced(t, "time_rotating") is not None for t in triggers)


def trusts(ctx: Context, role: Resource, who: Who) -> tuple[list[Trust], tuple[Undecided, ...]]:
    """Who may assume ``role``, and what of its trust policy is not known."""
    document = read_policy(role.get("assume_role_policy"), role, ("assume_role_policy",), ctx.index)
    found = []
    for raw in document.statements:
        statement = normalise(raw, ctx.catalog, today=ctx.settings.today)
        if not statement.allows:
            continue
        actions = [a for a in statement.actions if isinstance(a, str)]
        for kind, issuer, via in _principals(ctx, raw.body.get("Principal"), actions):
            conditions = statement.conditions
            found.append(Trust(
                who.id, kind, issuer, raw.span, via,
                subjects=condition_values(conditions, ":sub"),
                audiences=condition_values(conditions, ":aud"),
                conditions=conditions,
            ))
    return found, document.undecided


def _principals(
    ctx: Context, principal: object, actions: list[str]
) -> Iterator[tuple[TrustKind, Text, str]]:
    if principal == "*":
        yield TrustKind.ANYONE, "*", ""
        return
    if not isinstance(principal, dict):
        if principal is not None:
            yield TrustKind.UNKNOWN, _text(principal), ""
        return
    for key, values in principal.items():
        for value in as_list(values):
            kind = _kind(key, value, actions)
            issuer, via = _issuer(ctx, value)
            yield kind, issuer, via


def _kind(key: object, value: object, actions: Iterable[str]) -> TrustKind:
    if key == "Federated":
        shown = value if isinstance(value, str) else getattr(value, "source", "")
        saml = "saml-provider" in shown or any(a.lower() in _SAML_ACTIONS for a in actions)
        return TrustKind.SAML if saml else TrustKind.OIDC
    if value == "*" and key == "AWS":
        return TrustKind.ANYONE
    return _TRUST_KINDS.get(key, TrustKind.UNKNOWN) if isinstance(key, str) else TrustKind.UNKNOWN


def _issuer(ctx: Context, value: object) -> tuple[Text, str]:
    """The issuer as written (or its declared provider's URL host) and its resource."""
    target = ctx.index.referenced(value)
    if target is None:
        return _text(value), ""
    url = target.get("url")
    if target.type == "aws_iam_openid_connect_provider" and isinstance(url, str):
        return url.removeprefix("https://"), target.address
    return _text(value), target.address


def _text(value: object) -> Text:
    if isinstance(value, str | Unknown):
        return value
    return Unknown(f"is a {type(value).__name__}, not a string")


def owner(ctx: Context, resource: Resource) -> Owner:
    """The owner tag of a principal, from its ``tags`` or its provider's ``default_tags``."""
    tags = resource.get("tags")
    defaults = default_tags(ctx.provider(resource))
    for where, found in (("tag", tags), (f"provider {resource.provider} default_tags", defaults)):
        if isinstance(found, dict):
            for key in ctx.settings.owner_keys:
                value = found.get(key)
                if _present(value):
                    assert isinstance(value, str | Unknown)
                    return Owner(OwnerState.KNOWN, f"{where} {key}", value)
    for where, found in (("tags", tags), ("default_tags", defaults)):
        if isinstance(found, Unknown):
            return Owner(OwnerState.UNKNOWN, f"{where} are computed", found)
    keys = ", ".join(ctx.settings.owner_keys)
    return Owner(OwnerState.ABSENT,
                 f"no owner tag ({keys}) on the principal or its provider's default_tags")


def default_tags(provider: Provider | None) -> object:
    """``provider "aws" { default_tags { tags = {...} } }``: the tags, unknown, or ``None``."""
    blocks = as_list(provider.attributes.get("default_tags")) if provider else []
    if not blocks:
        return None
    return blocks[0].get("tags") if isinstance(blocks[0], dict) else blocks[0]


def _present(value: object) -> bool:
    return isinstance(value, Unknown) or (isinstance(value, str) and value.strip() != "")


def classify_user(ctx: Context, who: Who, held: list[Credential]) -> Verdict:
    keys = [c for c in held if c.persistent]
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
    saml = [t for t in found if t.kind is TrustKind.SAML]
    if saml:
        return Verdict(Automation.NO, (
            Reason("is trusted only by a SAML provider (human sign-on)", saml[0].issuer),
        ))
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

