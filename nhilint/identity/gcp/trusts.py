"""Who may act as a service account: the members of its SA-level bindings whose role mints
its tokens, and the workload identity federation behind a ``principal://`` member.

A role on one service account that holds ``iam.serviceAccounts.getAccessToken``,
``getOpenIdToken``, ``signBlob``, ``signJwt``, ``implicitDelegation`` or
``iam.serviceAccountKeys.create`` lets its members become the account.  By member:

* another service account: impersonation by that automation;
* ``user:``, ``group:``, ``domain:``: people (NHI014 reads these on an automation account);
* ``allUsers`` / ``allAuthenticatedUsers``: anyone;
* ``principal://`` / ``principalSet://`` of a workload identity pool: the pool's providers
  are the issuers (OIDC, SAML, an AWS account).  The member's selector (``subject/…``,
  ``attribute.NAME/…``, ``*``) and each provider's ``attribute_condition`` are the claims
  the token must carry, mapped back to the issuer's own claim names through the provider's
  ``attribute_mapping``.  A part that cannot be read (a mapping that is an expression, a
  condition nhilint does not parse, a pool whose providers are not declared here) is a
  condition not known: NHI901 says so, NHI010 does not guess.

Project-level bindings of the same roles reach every account of the project; they are
grants (``iam.serviceAccounts.getAccessToken`` on the project), not trusts of a particular
account here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nhilint.identity.gcp.bindings import Binding, Member
from nhilint.identity.gcp.context import Context, Who
from nhilint.identity.gcp.roles import Read
from nhilint.identity.graph import Claim, Condition, Narrowing, Text, Trust, TrustKind
from nhilint.identity.values import as_list, first_block
from nhilint.model import Cause, Resource, Unknown

#: permissions that mint a session of the service account they are granted on: on one
#: account they make a trust of it, not an identity-altering grant (obtaining the credentials
#: of one named identity alters none, as ``sts:AssumeRole`` on one role does not)
TOKENS = frozenset({
    "iam.serviceAccounts.getAccessToken", "iam.serviceAccounts.getOpenIdToken",
    "iam.serviceAccounts.signBlob", "iam.serviceAccounts.signJwt",
    "iam.serviceAccounts.implicitDelegation",
})
#: permissions that let a member become the service account they are granted on
BECOME = TOKENS | {"iam.serviceAccountKeys.create"}
POOL = "google_iam_workload_identity_pool"
PROVIDER = "google_iam_workload_identity_pool_provider"
_PEOPLE = ("user", "group", "domain")
_ANYONE = ("allUsers", "allAuthenticatedUsers")
_SELECTOR = re.compile(r"workloadIdentityPools/(?P<pool>[^/]+)/(?P<rest>.*)$")
_AFTER_REF = re.compile(r"^\}/(?P<rest>.*)$")
#: GitHub's subject is ``repo:OWNER/REPO:…``: pinning the owner pins that prefix of it
#: (https://docs.github.com/en/actions/reference/security/oidc)
_GITHUB = "token.actions.githubusercontent.com"
_CONJUNCT = re.compile(
    r"""^(?P<attr>(?:assertion|attribute|google)\.[A-Za-z_][\w.]*)\s*
    (?:==\s*(?P<eq>"[^"]*"|'[^']*')
      |\s+in\s*\[(?P<in>[^\]]*)\]
      |\.startsWith\(\s*(?P<starts>"[^"]*"|'[^']*')\s*\))$""", re.VERBOSE)
_LITERAL = re.compile(r"""\s*("[^"]*"|'[^']*')\s*(?:,|$)""")


def becomes(read: Read) -> bool:
    return bool(read.altering & BECOME) or read.wildcard


def trusts(ctx: Context, account: Who, binding: Binding, read: Read) -> Iterator[Trust]:
    """The trusts one SA-level binding gives on ``account``."""
    if not becomes(read):
        return
    for member in binding.members:
        yield from _trust(ctx, account, binding, member)


def federated(ctx: Context, who: Who, binding: Binding, member: Member) -> Iterator[Trust]:
    """Who may become a ``principal://`` / ``principalSet://`` member granted roles directly
    (direct resource access): the tokens its pool's providers accept, as for a service
    account it may impersonate."""
    text = _text(member.value)
    if text.startswith(("principal://", "principalSet://")):
        yield from _federated(ctx, who, binding, member, text)


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    return value.source.strip().strip('"') if isinstance(value, Unknown) else ""


def _trust(ctx: Context, account: Who, binding: Binding, member: Member) -> Iterator[Trust]:
    written_in = binding.written_in
    value = member.value
    text = _text(value)
    if text.startswith(("principal://", "principalSet://")):
        yield from _federated(ctx, account, binding, member, text)
        return
    who = ctx.member(value)
    issuer: Text = who.id.ref
    via = who.id.ref if who.declared and isinstance(who.id.ref, str) else ""
    if text in _ANYONE:
        kind = TrustKind.ANYONE
    elif text.partition(":")[0] in _PEOPLE:
        kind = TrustKind.PEOPLE
    elif who.id.type == "google_service_account":
        kind = TrustKind.IMPERSONATION
    else:
        kind = TrustKind.UNKNOWN
    yield Trust(account.id, kind, issuer, member.span, str(via), written_in=written_in)


def _federated(ctx: Context, account: Who, binding: Binding, member: Member,
               text: str) -> Iterator[Trust]:
    pool = ctx.index.referenced(member.value, POOL)
    selector = _selector(text)
    providers = _providers(ctx, pool, text)
    if not providers:
        why = Unknown("the workload identity pool's providers are not declared in the "
                      "scanned code", cause=Cause.EXTERNAL)
        yield Trust(account.id, TrustKind.OIDC, why, member.span, pool.address if pool else "",
                    conditions=(Condition("provider", "", (why,), Narrowing.UNKNOWN),),
                    written_in=binding.written_in)
        return
    for provider in providers:
        yield _provider_trust(account, binding, member, provider, selector)


def _selector(text: str) -> str | Unknown:
    """What the member selects in its pool: ``subject/…``, ``attribute.x/…``, ``*``."""
    found = _SELECTOR.search(text)
    rest = found.group("rest") if found else ""
    if not found:
        after = text.rsplit("${", 1)[-1]
        tail = after[after.find("}"):] if "}" in after else ""
        match = _AFTER_REF.match(tail)
        rest = match.group("rest") if match else ""
    if "${" in rest or not rest:
        return Unknown("the member's selector is not known before apply", source=text)
    return rest


def _providers(ctx: Context, pool: Resource | None, text: str) -> list[Resource]:
    pool_id = pool.get("workload_identity_pool_id") if pool is not None else None
    if pool is None and (found := _SELECTOR.search(text)) and "${" not in found.group("pool"):
        pool_id = found.group("pool")
    matched = []
    for provider in ctx.model.of_type(PROVIDER):
        named = provider.get("workload_identity_pool_id")
        target = ctx.index.referenced(named, POOL)
        if (pool is not None and target is not None and target.address == pool.address) or (
                isinstance(pool_id, str) and named == pool_id):
            matched.append(provider)
    return matched


def _provider_trust(account: Who, binding: Binding, member: Member, provider: Resource,
                    selector: str | Unknown) -> Trust:
    kind, issuer = _issuer(provider)
    mapping = provider.get("attribute_mapping")
    claims: list[Claim] = []
    conditions: list[Condition] = []
    host = issuer if isinstance(issuer, str) else ""
    chosen = _selected(selector, mapping, host)
    if isinstance(chosen, Unknown):
        conditions.append(Condition("member", "", (chosen,), Narrowing.UNKNOWN))
    elif chosen is not None:
        claims.append(chosen)
    found, unread = _attribute_condition(provider.get("attribute_condition"), mapping, host)
    claims += found
    audiences = _audiences(provider)
    claims.append(Claim("aud", audiences))
    conditions += unread
    span = member.span
    return Trust(
        account.id, kind, issuer, span, provider.address,
        subjects=tuple(v for c in claims if c.name == "sub" for v in c.values),
        audiences=audiences,
        conditions=tuple(conditions), claims=tuple(claims), written_in=binding.written_in,
    )


def _issuer(provider: Resource) -> tuple[TrustKind, Text]:
    oidc = first_block(provider, "oidc")
    if oidc:
        uri = oidc.get("issuer_uri")
        if isinstance(uri, str):
            return TrustKind.OIDC, re.sub(r"^https?://", "", uri).rstrip("/")
        return TrustKind.OIDC, uri if isinstance(uri, Unknown) else Unknown("no issuer_uri")
    if first_block(provider, "saml"):
        return TrustKind.SAML, provider.address
    aws = first_block(provider, "aws")
    if aws:
        account = aws.get("account_id")
        return TrustKind.PRINCIPAL, account if isinstance(account, str | Unknown) else (
            Unknown("no account_id"))
    return TrustKind.PRINCIPAL, provider.address  # x509: workloads presenting certificates


def _audiences(provider: Resource) -> tuple[Text, ...]:
    """The audiences a token must carry: ``allowed_audiences``, else the provider's own full
    resource name (GCP's default), which no other relying party uses."""
    allowed = as_list(first_block(provider, "oidc").get("allowed_audiences"))
    values = tuple(a for a in allowed if isinstance(a, str | Unknown))
    return values or (Unknown("the provider's resource name (GCP's default audience)",
                              source=f"{provider.address}.name"),)


def _claim_of(attribute: str, mapping: object) -> str | Unknown:
    """The issuer's claim an attribute (``google.subject``, ``attribute.repository``) is
    mapped from, when the mapping is one claim (``assertion.sub``)."""
    if attribute.startswith("assertion."):
        return attribute.removeprefix("assertion.")
    source = mapping.get(attribute) if isinstance(mapping, dict) else None
    if isinstance(source, str):
        found = re.fullmatch(r"\s*assertion\.([A-Za-z_][\w]*)\s*", source)
        if found:
            return found.group(1)
    return Unknown(f"{attribute} is mapped from an expression nhilint does not evaluate",
                   source=f"{attribute} = {source}" if isinstance(source, str) else attribute)


def _selected(selector: str | Unknown, mapping: object, host: str) -> Claim | Unknown | None:
    if isinstance(selector, Unknown):
        return selector
    if selector in ("*", "") or selector.startswith("group/"):
        return None if selector in ("*", "") else Unknown(
            "a principalSet of a mapped group is not evaluated", source=selector)
    name, _, value = selector.partition("/")
    attribute = "google.subject" if name == "subject" else name
    claim = _claim_of(attribute, mapping)
    if isinstance(claim, Unknown):
        return claim
    return _claim(claim, (value,), host)


def _claim(name: str, values: tuple[Text, ...], host: str, glob: bool = False) -> Claim:
    if host == _GITHUB and name == "repository_owner":
        return Claim("sub", tuple(f"repo:{v}/*" if isinstance(v, str) else v for v in values),
                     glob=True)
    return Claim(name, values, glob)


def _attribute_condition(condition: object, mapping: object,
                         host: str) -> tuple[list[Claim], list[Condition]]:
    if condition is None:
        return [], []
    if isinstance(condition, Unknown):
        return [], [Condition("attribute_condition", "", (condition,), Narrowing.UNKNOWN)]
    if not isinstance(condition, str):
        return [], []
    text = " ".join(condition.split())
    if "||" in text or not text:
        return [], [_unread(text)]
    claims, unread = [], []
    for part in (p.strip().strip("()").strip() for p in text.split("&&")):
        claim = _conjunct(part, mapping, host)
        if claim is None:
            unread.append(_unread(part))
        elif isinstance(claim, Unknown):
            unread.append(Condition("attribute_condition", "", (claim,), Narrowing.UNKNOWN))
        else:
            claims.append(claim)
    return claims, unread


def _conjunct(part: str, mapping: object, host: str) -> Claim | Unknown | None:
    found = _CONJUNCT.match(part)
    if found is None:
        return None
    attribute = found.group("attr")
    claim = _claim_of("google.subject" if attribute == "google.subject" else attribute, mapping)
    if isinstance(claim, Unknown):
        return claim
    if found.group("eq") is not None:
        return _claim(claim, (found.group("eq")[1:-1],), host)
    if found.group("starts") is not None:
        prefix = found.group("starts")[1:-1]
        if host == _GITHUB and claim == "repository":  # repo:OWNER/REPO:… starts alike
            return Claim("sub", (f"repo:{prefix}*",), glob=True)
        if claim != "sub":  # a prefix of another claim pins nothing nhilint can weigh
            return Unknown(f"a prefix of the {claim} claim is not evaluated", source=part)
        return Claim("sub", (prefix + "*",), glob=True)
    items = _LITERAL.findall(found.group("in") or "")
    return _claim(claim, tuple(i[1:-1] for i in items), host) if items else None


def _unread(text: str) -> Condition:
    unknown = Unknown("an attribute_condition nhilint does not evaluate", source=text)
    return Condition("attribute_condition", "", (unknown,), Narrowing.UNKNOWN)

