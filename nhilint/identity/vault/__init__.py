"""The Vault adapter: AppRole roles, JWT/OIDC auth roles and tokens, the ACL policies they
hold, their secret ids and tokens, and who may log in as them.

Vault's own algebra is resolved here: a policy is its ``path`` rules (:mod:`.document` reads
the HCL text strictly), a rule alters identity when it may write an identity path or use
``sudo`` (:mod:`.catalog`, from ``nhilint/data/vault_policy_rules.json``; reading secrets
alters no identity), and its reach is a wildcard when its glob covers every object of an
identity path (``auth/*``, ``sys/policy/*``).  A role or token holds the policies it names
(:mod:`.policies`); they never expire.  Bound CIDRs (``secret_id_bound_cidrs``,
``token_bound_cidrs``) narrow who may log in and are credited in the evidence, as are token
lifetimes; they bound no path.  Secret ids without ``secret_id_ttl`` and tokens without a TTL
are persistent secrets (:mod:`.credentials`); a JWT role's bound claims are an OIDC trust,
judged by the shared issuer table (:mod:`.trusts`).  What leaves is the platform-neutral
graph of :mod:`nhilint.identity.graph`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from nhilint.identity.graph import (
    Attachment,
    Condition,
    Grant,
    Graph,
    Narrowing,
    Pending,
    Policy,
    Principal,
    PrincipalId,
    Text,
    Trust,
)
from nhilint.identity.secrets import SecretCatalog, load_secrets
from nhilint.identity.values import as_list
from nhilint.identity.vault.catalog import load_catalog
from nhilint.identity.vault.context import (
    APPROLE,
    JWT_ROLE,
    PLATFORM,
    POLICY,
    TOKEN,
    TYPES,
    Context,
    duration,
    seconds,
)
from nhilint.identity.vault.credentials import credentials
from nhilint.identity.vault.fixes import FIXES
from nhilint.identity.vault.policies import Extra, custom_policies, held, read_policy
from nhilint.identity.vault.principals import principal_for, principal_id
from nhilint.identity.vault.trusts import trusts
from nhilint.model import Model, Resource, Unknown
from nhilint.settings import Settings

__all__ = ["FIXES", "PLATFORM", "build", "secrets"]

#: the arguments that bound where a holder may log in from, by resource type
_CIDRS = {
    APPROLE: ("secret_id_bound_cidrs", "token_bound_cidrs", "bound_cidr_list"),
    JWT_ROLE: ("token_bound_cidrs", "bound_cidrs"),
}


@functools.cache
def _secrets() -> SecretCatalog:
    return load_secrets("vault_secrets.json", PLATFORM)


def secrets() -> SecretCatalog:
    """Where Vault configuration holds secret material (``nhilint/data/vault_secrets.json``)."""
    return _secrets()


def build(model: Model, settings: Settings) -> Graph:
    if not any(r.type in TYPES for r in model.resources):
        return Graph()
    ctx = Context.build(model, load_catalog(), settings)
    reads = {r.address: read_policy(ctx, r) for r in model.of_type(POLICY) if r.mode == "managed"}
    holders = [r for r in model.of_type(APPROLE, JWT_ROLE, TOKEN) if r.mode == "managed"]
    principals: dict[PrincipalId, Principal] = {}
    grants: list[Grant] = []
    pending: list[Pending] = []
    found_trusts: list[Trust] = []
    attachments: list[Attachment] = []
    for holder in holders:
        who = principal_id(holder)
        principals[who] = principal_for(ctx, holder)
        got = held(ctx, holder, who, reads, _extra(holder))
        grants += got.grants
        pending += got.pending
        found_trusts += trusts(ctx, holder, who)
        attachments += _root_attachments(holder, who, got.grants)
    owned = list(credentials(ctx))
    for holder_principal, _ in owned:
        if holder_principal is not None:
            principals.setdefault(holder_principal.id, holder_principal)
    return Graph(
        principals=tuple(principals.values()),
        grants=tuple(grants),
        credentials=tuple(c for _, c in owned),
        trusts=tuple(found_trusts),
        policies=tuple(custom_policies(ctx, reads)),
        attachments=tuple(attachments),
        pending=tuple(pending),
    )


def _extra(holder: Resource) -> Extra:
    """The bound CIDRs a holder logs in under, and its token lifetimes, in words."""
    conditions: list[Condition] = []
    credited: list[str] = []
    for key in _CIDRS.get(holder.type, ()):
        values = as_list(holder.get(key))
        if not values:
            continue
        shown: tuple[Text, ...] = tuple(v if isinstance(v, str | Unknown) else str(v)
                                        for v in values)
        conditions.append(Condition(key, "in", shown, Narrowing.PRINCIPAL))
        listed = ", ".join(v if isinstance(v, str) else (v.source or v.reason) for v in shown)
        credited.append(f"logins only from {listed} ({key})")
    credited += list(_lifetimes(holder))
    return Extra(tuple(conditions), tuple(credited))


def _lifetimes(holder: Resource) -> Iterator[str]:
    keys = (("explicit_max_ttl", "ttl") if holder.type == TOKEN else
            ("token_explicit_max_ttl", "token_max_ttl", "token_ttl"))
    for key in keys:
        value = seconds(holder.get(key))
        if isinstance(value, int) and value > 0:
            yield f"its tokens live at most {duration(value)} ({key})"
            return


def _root_attachments(holder: Resource, who: PrincipalId,
                      grants: list[Grant] | tuple[Grant, ...]) -> Iterator[Attachment]:
    """The built-in root policy named by a holder, as an attachment of a provider-managed
    policy (NHI011 reports it where it is named)."""
    for grant in grants:
        if grant.access.managed:
            name = str(grant.access.permissions[0])
            policy = Policy(PLATFORM, f"{holder.address}#{name}", name, name, (grant.access,),
                            grant.access.span, managed=True)
            yield Attachment(holder.address, policy, grant.provenance.span, (who,))
            return

