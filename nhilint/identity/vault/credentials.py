"""Vault credentials: AppRole secret ids (and a role id that logs in alone), and tokens.

* ``vault_approle_auth_backend_role.secret_id_ttl`` is "the number of seconds after which any
  SecretID expires"; Vault's API: "a value of zero will allow the SecretID to not expire"
  (https://developer.hashicorp.com/vault/api-docs/auth/approle#secret_id_ttl), and unset is
  zero.  So a secret id of a role without a TTL is a persistent secret: one declared here
  (``vault_approle_auth_backend_role_secret_id``, whose ``secret_id`` Terraform keeps in its
  state unless it is response-wrapped with ``wrapping_ttl``), or, when none is, the secret ids
  the role issues at run time (``bind_secret_id`` defaults to true).  A role with a TTL issues
  secret ids that expire by themselves: not persistent.
* ``bind_secret_id = false`` lets the role id alone log in: the role id is then the secret,
  and it never expires.
* ``vault_token`` ends at its ``explicit_max_ttl`` (a hard cap), or at its ``ttl`` when it is
  not periodic; a ``period`` without ``explicit_max_ttl`` renews it forever, and a token with
  neither has no end written in the configuration (the token store's defaults apply, which the
  configuration does not show).  Its ``client_token`` is in the state.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.identity.graph import Credential, Expiry, Principal
from nhilint.identity.vault.context import (
    APPROLE,
    SECRET_ID,
    TOKEN,
    Context,
    duration,
    seconds,
)
from nhilint.identity.vault.principals import external_approle, principal_id
from nhilint.model import Cause, Resource, Unknown


def credentials(ctx: Context) -> Iterator[tuple[Principal | None, Credential]]:
    """Each credential, with the principal it belongs to when that is not declared here."""
    made: set[str] = set()
    for resource in ctx.model.of_type(SECRET_ID):
        if resource.mode != "managed":
            continue
        role = ctx.role_of(resource)
        if role is not None:
            made.add(role.address)
        yield _secret_id(resource, role)
    for role in ctx.model.of_type(APPROLE):
        if role.mode == "managed":
            yield from ((None, c) for c in _role(role, role.address in made))
    for token in ctx.model.of_type(TOKEN):
        if token.mode == "managed":
            yield None, _token(token)


def _lifetime(role: Resource) -> tuple[bool, Expiry]:
    """Whether the role's secret ids are persistent, and when they end."""
    ttl = seconds(role.get("secret_id_ttl"))
    if isinstance(ttl, Unknown):
        return True, ttl
    if not ttl:
        return True, None
    return False, f"{duration(ttl)} after it is made (secret_id_ttl)"


def _secret_id(resource: Resource, role: Resource | None) -> tuple[Principal | None, Credential]:
    wrapped = resource.get("wrapping_ttl") is not None
    if role is None:
        holder = external_approle(resource.get("role_name"))
        unknown = Unknown(f"the secret_id_ttl of {holder.label}", cause=Cause.EXTERNAL)
        return holder, Credential(holder.id, resource.address, "secret-id", "AppRole secret id",
                                  resource.span, persistent=True, expiry=unknown,
                                  exposed_in_state=not wrapped)
    persistent, expiry = _lifetime(role)
    return None, Credential(principal_id(role), resource.address, "secret-id",
                            "AppRole secret id", resource.span, persistent=persistent,
                            expiry=expiry, exposed_in_state=not wrapped)


def _role(role: Resource, made: bool) -> Iterator[Credential]:
    bind = role.get("bind_secret_id", True)
    if bind is False:
        yield Credential(principal_id(role), role.address, "secret-id",
                         "AppRole role id (bind_secret_id = false: it logs in alone)",
                         role.span_of(("bind_secret_id",)), persistent=True,
                         exposed_in_state=True)
        return
    if made:
        return
    persistent, expiry = _lifetime(role)
    label = ("AppRole secret id (issued at run time)" if expiry is not None else
             "AppRole secret id (issued at run time; secret_id_ttl unset)")
    span = role.span_of(("secret_id_ttl",)) if "secret_id_ttl" in role.attributes else role.span
    yield Credential(principal_id(role), role.address, "secret-id", label, span,
                     persistent=persistent, expiry=expiry)


def _token(token: Resource) -> Credential:
    cap, ttl, period = (seconds(token.get(k)) for k in ("explicit_max_ttl", "ttl", "period"))
    expiry: Expiry = None
    if isinstance(cap, Unknown) or cap:
        expiry = cap if isinstance(cap, Unknown) else f"{duration(cap)} after it is made " \
            "(explicit_max_ttl)"
    elif isinstance(period, Unknown):
        expiry = period
    elif period:
        expiry = None  # periodic: renewed forever
    elif isinstance(ttl, Unknown) or ttl:
        expiry = ttl if isinstance(ttl, Unknown) else f"{duration(ttl)} after it is made (ttl)"
    return Credential(principal_id(token), token.address, "token", "Vault token", token.span,
                      persistent=True, expiry=expiry, exposed_in_state=True)
