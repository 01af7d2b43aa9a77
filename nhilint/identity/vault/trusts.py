"""Who may log in as a Vault JWT/OIDC role: the issuer its mount trusts and the claims the
role binds.

A ``vault_jwt_auth_backend`` names its issuer by ``bound_issuer`` (the ``iss`` a token must
carry) or ``oidc_discovery_url`` (the issuer whose keys it fetches); a role on it
(``vault_jwt_auth_backend_role``) requires ``bound_subject`` (the ``sub`` claim, exact),
``bound_audiences`` (``aud``, any one) and ``bound_claims`` (each claim one of the listed
values; a value may list several, comma-separated), matched exactly, or as globs with
``bound_claims_type = "glob"`` (https://developer.hashicorp.com/vault/docs/auth/jwt#bound-claims
and the provider's ``jwt_auth_backend_role`` docs).  Each becomes a
:class:`~nhilint.identity.graph.Claim` of an OIDC :class:`~nhilint.identity.graph.Trust`, which
the shared OIDC table (:mod:`nhilint.identity.oidc`) judges like any other platform's: a role
for GitHub Actions that binds no ``sub`` nor ``repository`` admits every repository.

A role of ``role_type = "oidc"`` (the default) signs people in through a browser: its trust
is single sign-on, not a workload's federation.  A value not known before apply is a
condition not known (NHI901), never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nhilint.identity.graph import (
    Claim,
    Condition,
    Narrowing,
    PrincipalId,
    Text,
    Trust,
    TrustKind,
)
from nhilint.identity.values import as_list
from nhilint.identity.vault.context import JWT_ROLE, Context
from nhilint.model import Cause, Resource, Unknown


def trusts(ctx: Context, role: Resource, who: PrincipalId) -> Iterator[Trust]:
    if role.type != JWT_ROLE:
        return
    mount = ctx.mount_of(role)
    issuer = _issuer(mount)
    role_type = role.get("role_type", "oidc")
    kind = TrustKind.OIDC if role_type != "oidc" else TrustKind.SSO
    claims: list[Claim] = []
    conditions: list[Condition] = []
    subject = role.get("bound_subject")
    if subject is not None:
        claims.append(Claim("sub", (_text(subject),)))
    audiences = role.get("bound_audiences")
    if isinstance(audiences, Unknown):
        conditions.append(Condition("bound_audiences", "", (audiences,), Narrowing.UNKNOWN))
    elif audiences:
        claims.append(Claim("aud", tuple(_text(a) for a in as_list(audiences))))
    bound = role.get("bound_claims")
    glob = role.get("bound_claims_type", "string")
    if isinstance(glob, Unknown):
        conditions.append(Condition("bound_claims_type", "", (glob,), Narrowing.UNKNOWN))
    if isinstance(bound, Unknown):
        conditions.append(Condition("bound_claims", "", (bound,), Narrowing.UNKNOWN))
    elif isinstance(bound, dict):
        for name, value in bound.items():
            claims.append(Claim(str(name), _values(value), glob=glob == "glob"))
    span = role.span_of(("bound_claims",)) if "bound_claims" in role.attributes else (
        role.span_of(("bound_subject",)) if subject is not None else role.span)
    yield Trust(
        who, kind, issuer, span, via=mount.address if mount is not None else "",
        subjects=tuple(v for c in claims if c.name == "sub" for v in c.values),
        audiences=tuple(v for c in claims if c.name == "aud" for v in c.values),
        conditions=tuple(conditions), claims=tuple(claims), written_in=role.address,
    )


def _issuer(mount: Resource | None) -> Text:
    if mount is None:
        return Unknown("the JWT/OIDC auth mount is not declared in the scanned code",
                       cause=Cause.EXTERNAL)
    for key in ("bound_issuer", "oidc_discovery_url", "jwks_url"):
        value = mount.get(key)
        if isinstance(value, str) and value.strip():
            return re.sub(r"^[a-z]+://", "", value.strip()).rstrip("/")
        if isinstance(value, Unknown):
            return value
    return Unknown(f"{mount.address} names no issuer (bound_issuer, oidc_discovery_url)",
                   cause=Cause.NO_EVIDENCE)


def _values(value: object) -> tuple[Text, ...]:
    """A bound claim's values: a string of comma-separated values, or a list."""
    found: list[Text] = []
    for item in as_list(value):
        if isinstance(item, str):
            found += [v.strip() for v in item.split(",") if v.strip()]
        else:
            found.append(_text(item))
    return tuple(found)


def _text(value: object) -> Text:
    if isinstance(value, str | Unknown):
        return value
    return Unknown(f"is a {type(value).__name__}, not a string", cause=Cause.NOT_EVALUATED)
