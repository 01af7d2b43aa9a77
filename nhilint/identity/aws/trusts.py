"""What a role trust policy statement requires of who assumes the role, in the graph's terms.

* Federated (OIDC) trusts: the issuer as its tokens name it (the ``oidc-provider/`` part of the
  provider ARN, the declared provider's ``url``, or the host of the condition keys), and the
  claim requirements: each ``StringEquals``/``StringLike`` condition on ``<issuer>:<claim>`` is
  one :class:`~nhilint.identity.graph.Claim` (negated operators require nothing).  AWS STS
  accepts a token only when its ``aud`` is one of the OIDC provider's ``client_id_list``, so a
  trust without an ``aud`` condition still requires one of those (not known when the provider
  is declared elsewhere).
* Account trusts: whose account the trusted principal belongs to.  The configuration's own
  accounts are what its provider says (``allowed_account_ids``, the account of
  ``assume_role.role_arn``) and whatever ``data.aws_caller_identity`` returns; an account is a
  third party only when the provider names the own accounts and it is not one of them, or
  when the provider forbids it (``forbidden_account_ids``).  Anything else is unknown.
* Trusts of IAM Identity Center roles (``aws-reserved/sso.amazonaws.com``, ``AWSReservedSSO_``)
  are people signing in through single sign-on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from nhilint.identity.aws.arn import template_shape
from nhilint.identity.aws.context import Context
from nhilint.identity.graph import Claim, Party, Text
from nhilint.identity.values import as_list
from nhilint.model import Cause, Resource, Unknown

#: condition operators that require a claim, and whether their values are patterns
_REQUIRING = {"stringequals": False, "stringequalsignorecase": False, "stringlike": True}
#: operators that require aws:PrincipalArn to match one of their values
_ARN_MATCHING = frozenset({*_REQUIRING, "arnlike", "arnequals"})
_OIDC_PROVIDER = re.compile(r"^arn:[^:]*:iam::[^:]*:oidc-provider/(?P<host>[^\0]+)$")
_ACCOUNT = re.compile(r"^(?:arn:[^:]*:(?:iam|sts)::)?(?P<account>[0-9]{12})(?::|$)")
_SSO_ROLE = re.compile(r"(?:role/aws-reserved/sso\.amazonaws\.com/|AWSReservedSSO_)")
_CALLER = "aws_caller_identity"
NOT_DECLARED = "the client_id_list of the OIDC provider, which is not in the scanned code"


def issuer_host(ctx: Context, value: object, condition: object) -> tuple[Text, str]:
    """The issuer of a ``Federated`` principal as its tokens name it, and its declared
    provider's address."""
    target = ctx.index.referenced(value, "aws_iam_openid_connect_provider")
    url = target.get("url") if target is not None else None
    if isinstance(url, str):
        return _host(url), target.address if target else ""
    host = next(_condition_hosts(condition), None)
    found = _OIDC_PROVIDER.match(template_shape(value, "\0"))
    if found:
        return found.group("host"), target.address if target else ""
    if isinstance(value, str):
        return value, ""
    if host:
        return host, target.address if target else ""
    if isinstance(url, Unknown):
        return url, target.address if target else ""
    text = value if isinstance(value, Unknown) else Unknown(f"is a {type(value).__name__}")
    return text, target.address if target else ""


def is_provider_arn(ctx: Context, value: object) -> bool:
    """The ``Federated`` principal is an IAM OIDC provider (not a built-in web identity
    provider such as ``accounts.google.com``): AWS then checks the token's audience."""
    if ctx.index.referenced(value, "aws_iam_openid_connect_provider") is not None:
        return True
    return bool(_OIDC_PROVIDER.match(template_shape(value, "\0")))


def _host(url: str) -> str:
    return re.sub(r"^https?://", "", url.strip())


def claims(condition: object, issuer: Text) -> tuple[Claim, ...]:
    """The claim requirements of a statement's ``Condition`` on ``issuer``'s tokens."""
    return tuple(_claims(condition, issuer))


def _claims(condition: object, issuer: Text) -> Iterator[Claim]:
    for operator, keys in _items(condition):
        glob = _REQUIRING.get(_operator(operator))
        if glob is None:
            continue
        for key, values in _items(keys):
            claim = _claim_of(key, issuer)
            if claim:
                yield Claim(claim, tuple(_texts(values)), glob)


def _items(value: object) -> Iterator[tuple[object, object]]:
    return iter(value.items()) if isinstance(value, dict) else iter(())


def _operator(operator: object) -> str:
    if not isinstance(operator, str):
        return ""
    name = operator.lower().split(":", 1)[-1]
    return name.removesuffix("ifexists")


def _claim_of(key: object, issuer: Text) -> str:
    """``sub`` of ``token.actions.githubusercontent.com:sub`` (or of a key whose host is
    computed); ``""`` for a global key (``aws:SourceIp``) or another issuer's."""
    host, sep, claim = template_shape(key, "\0").rpartition(":")
    if not sep or not claim or "\0" in claim or not _is_host(host):
        return ""
    if "\0" not in host and isinstance(issuer, str) and not _same(host, issuer):
        return ""
    return claim.lower()


def _is_host(host: str) -> bool:
    return "." in host or "/" in host or "\0" in host


def _same(host: str, issuer: str) -> bool:
    def norm(text: str) -> str:
        return _host(text).lower().rstrip("/")

    return norm(host) == norm(issuer)


def _condition_hosts(condition: object) -> Iterator[str]:
    for _, keys in _items(condition):
        for key, _ in _items(keys):
            host, sep, _claim = template_shape(key, "\0").rpartition(":")
            if sep and "\0" not in host and _is_host(host):
                yield host


def _texts(values: object) -> Iterator[Text]:
    for value in as_list(values):
        if isinstance(value, str | Unknown):
            yield value
        else:
            yield Unknown(f"is a {type(value).__name__}, not a string")


def provider_audiences(ctx: Context, value: object) -> Claim | None:
    """The audience requirement AWS adds for an IAM OIDC provider: its ``client_id_list``."""
    if not is_provider_arn(ctx, value):
        return None
    target = ctx.index.referenced(value, "aws_iam_openid_connect_provider")
    if target is None or target.mode != "managed":
        return Claim("aud", (Unknown(NOT_DECLARED, cause=Cause.EXTERNAL),))
    clients = target.get("client_id_list")
    if isinstance(clients, list):
        return Claim("aud", tuple(_texts(clients)))
    found = clients if isinstance(clients, Unknown) else Unknown("client_id_list is not set")
    return Claim("aud", (found,))


# -- accounts ----------------------------------------------------------------------------------


def party(ctx: Context, role: Resource, value: object) -> Party:
    """Whose account the trusted principal ``value`` belongs to."""
    if _caller_account(value) or _declared_alongside(ctx, role, value):
        return Party.OWN
    account = _account(value)
    if account is None:
        return Party.UNKNOWN
    own, forbidden = own_accounts(ctx, role)
    if account in own:
        return Party.OWN
    if account in forbidden or own:
        return Party.THIRD
    return Party.UNKNOWN


def _account(value: object) -> str | None:
    found = _ACCOUNT.match(value) if isinstance(value, str) else None
    return found.group("account") if found else None


def _caller_account(value: object) -> bool:
    refs = value.refs if isinstance(value, Unknown) else ()
    return any(r.address.startswith(f"data.{_CALLER}.") for r in refs)


def _declared_alongside(ctx: Context, role: Resource, value: object) -> bool:
    target = ctx.index.referenced(value)
    return target is not None and target.mode == "managed" and target.provider == role.provider


def own_accounts(ctx: Context, role: Resource) -> tuple[frozenset[str], frozenset[str]]:
    """The accounts the role's provider says are the configuration's own, and those it
    forbids."""
    provider = ctx.provider(role)
    attributes: Mapping[str, object] = provider.attributes if provider else {}
    own = {a for a in as_list(attributes.get("allowed_account_ids")) if isinstance(a, str)}
    assumed = _assumed_role(attributes)
    account = _account(assumed) if assumed else None
    if account:
        own.add(account)
    forbidden = {a for a in as_list(attributes.get("forbidden_account_ids")) if isinstance(a, str)}
    return frozenset(own), frozenset(forbidden)


def _assumed_role(attributes: Mapping[str, object]) -> object:
    for block in as_list(attributes.get("assume_role")):
        if isinstance(block, dict):
            return block.get("role_arn")
    return None


def is_sso(value: object, condition: object) -> bool:
    """The trusted principal is an IAM Identity Center role (people signed in through single
    sign-on): named so, or narrowed to such roles by an ``aws:PrincipalArn`` condition."""
    if _SSO_ROLE.search(template_shape(value, "\0")):
        return True
    arns = [v for op, keys in _items(condition) if _operator(op) in _ARN_MATCHING
            for k, vs in _items(keys) if template_shape(k).lower() == "aws:principalarn"
            for v in as_list(vs)]
    return bool(arns) and all(_SSO_ROLE.search(template_shape(v, "\0")) for v in arns)
