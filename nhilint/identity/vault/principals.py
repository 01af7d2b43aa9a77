"""Vault principals: AppRole roles, JWT/OIDC auth roles and tokens, with their owners.

* An AppRole role (``vault_approle_auth_backend_role``) is how machines log in: with its
  role id and a secret id (https://developer.hashicorp.com/vault/docs/auth/approle).
* A JWT/OIDC role (``vault_jwt_auth_backend_role``) with ``role_type = "jwt"`` admits
  workloads that present a signed token (CI jobs: GitHub Actions, GitLab CI); with
  ``role_type = "oidc"``, the default, people sign in through a browser
  (https://developer.hashicorp.com/vault/docs/auth/jwt).
* A ``vault_token`` is a token Terraform creates and keeps in its state, for a machine to use.

Vault has no tags.  The owner is read from the metadata Vault attaches: an AppRole role's
``alias_metadata`` and a token's ``metadata`` (maps), under one of the configured owner keys
(``[tool.nhilint] owner_keys``); else, by convention, from ``owner=<team>`` in the
``description`` of the auth mount the role is written on (``vault_auth_backend``,
``vault_jwt_auth_backend``).
"""

from __future__ import annotations

import re

from nhilint.identity.graph import (
    Automation,
    Declaration,
    Owner,
    OwnerState,
    Principal,
    PrincipalId,
    PrincipalKind,
    Reason,
)
from nhilint.identity.owners import owner_in
from nhilint.identity.vault.context import APPROLE, JWT_ROLE, PLATFORM, TOKEN, Context
from nhilint.model import Resource, Unknown

_METADATA = {APPROLE: "alias_metadata", TOKEN: "metadata"}


def principal_id(resource: Resource) -> PrincipalId:
    return PrincipalId(PLATFORM, resource.type, resource.address)


def principal_for(ctx: Context, resource: Resource) -> Principal:
    """A role or token declared here."""
    kind, automation, why = _what(resource)
    name = resource.get("role_name", resource.get("display_name"))
    return Principal(principal_id(resource), kind,
                     name if isinstance(name, str | Unknown) else None, automation, why,
                     _owner(ctx, resource), Declaration(resource.address, resource.span))


def external_approle(name: object) -> Principal:
    """An AppRole role a secret id names that is not declared here."""
    ref = name if isinstance(name, str | Unknown) else Unknown("the role name is not a string")
    return Principal(PrincipalId(PLATFORM, APPROLE, ref), "app-role",
                     ref, Automation.YES,
                     (Reason("it is not declared in the scanned code"),
                      Reason("is a Vault AppRole role (machines log in with it)")),
                     Owner(OwnerState.UNKNOWN, "not declared in the scanned code"))


def _what(resource: Resource) -> tuple[PrincipalKind, Automation, tuple[Reason, ...]]:
    if resource.type == APPROLE:
        return "app-role", Automation.YES, (
            Reason("is a Vault AppRole role: machines log in with its role id and a secret id"),)
    if resource.type == TOKEN:
        return "bot", Automation.YES, (
            Reason("is a Vault token created by Terraform and kept in its state"),)
    role_type = resource.get("role_type", "oidc")
    if isinstance(role_type, Unknown):
        return "role", Automation.UNKNOWN, (
            Reason("is a Vault JWT/OIDC role whose role_type is not known", role_type),)
    if role_type == "jwt":
        return "role", Automation.YES, (
            Reason('is a Vault JWT role (role_type = "jwt"): workloads log in with a signed '
                   "token"),)
    return "role", Automation.NO, (
        Reason('is a Vault OIDC role (role_type = "oidc", the default): people sign in '
               "through a browser"),)


def _owner(ctx: Context, resource: Resource) -> Owner:
    keys = ctx.settings.owner_keys
    attribute = _METADATA.get(resource.type)
    places: list[tuple[str, object]] = []
    if attribute is not None:
        places.append((attribute, resource.get(attribute)))
    found = owner_in(places, keys, "")
    if found.state is not OwnerState.ABSENT:
        return found
    mount = ctx.mount_of(resource) if resource.type in (APPROLE, JWT_ROLE) else None
    shown = ", ".join(keys)
    absent = (f"no owner key ({shown}) in its {attribute}" if attribute else
              "no owner metadata (Vault roles have no tags)")
    if mount is None:
        return Owner(OwnerState.ABSENT, absent + (
            "; its auth mount is not declared here" if resource.type != TOKEN else ""))
    return _description_owner(ctx, mount, absent)


def _description_owner(ctx: Context, mount: Resource, absent: str) -> Owner:
    """``owner=team-x`` (or ``owner: team-x``) in the auth mount's description."""
    text = mount.get("description")
    written = text.source.strip().strip('"') if isinstance(text, Unknown) else text
    if isinstance(written, str):
        for key in ctx.settings.owner_keys:
            found = re.search(rf"(?:^|[\s;,|(])({re.escape(key)})\s*[=:]\s*([^\s;,|)]+)",
                              written, re.IGNORECASE)
            if found:
                value = text if isinstance(text, Unknown) else found.group(2)
                return Owner(OwnerState.KNOWN, f"{mount.address} description {found.group(1)}",
                             value)
    if isinstance(text, Unknown):
        return Owner(OwnerState.UNKNOWN, f"the description of {mount.address} is computed", text)
    keys = " or ".join(f"{k}=<team>" for k in dict.fromkeys(
        k.lower() for k in ctx.settings.owner_keys))
    return Owner(OwnerState.ABSENT, f"{absent}, and no {keys} in the description of "
                 f"{mount.address}")
