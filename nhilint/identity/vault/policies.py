"""Vault ACL policies and what the roles and tokens that name them are granted.

A ``vault_policy`` holds its rules as text (``policy``: HCL in a heredoc, or
``data.vault_policy_document.<name>.hcl``, whose ``rule`` blocks are read instead); each
``path`` rule is one :class:`~nhilint.identity.graph.Access` on that path, its capabilities
the permissions, the identity-altering ones judged by :mod:`.catalog`.  A text that cannot be
read (a Terraform template left in it, syntax Vault would reject) is not known, never
guessed: its holders get a :class:`~nhilint.identity.graph.Pending` (NHI901).

Roles and tokens hold policies by name (``token_policies``, the legacy ``policies``; a
token's ``policies``): a name of a policy declared here grants its rules; the built-in
``default`` policy alters nothing and ``root`` everything (the ``builtin`` entries of the
data, https://developer.hashicorp.com/vault/docs/concepts/policies#built-in-policies); any
other name is a policy written elsewhere, not known here (NHI901).  Policy grants never
expire: they hold for every token the role issues, for as long as the role exists.  A
``deny`` rule grants nothing; it is not subtracted from the reach of the policy's other rules
(Vault applies the most specific matching path), so a policy that denies one role under an
``auth/*`` it allows is still read as reaching ``auth/*``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import NamedTuple

from nhilint.identity.graph import (
    Access,
    Condition,
    Grant,
    Pending,
    Policy,
    PrincipalId,
    Provenance,
    Scope,
    ScopeLevel,
    Text,
    Undecided,
)
from nhilint.identity.values import as_list
from nhilint.identity.vault.catalog import judge
from nhilint.identity.vault.context import DOCUMENT, PLATFORM, POLICY, Context
from nhilint.identity.vault.document import PolicyError, read
from nhilint.model import Cause, Resource, Span, Unknown

#: the arguments that name a holder's policies, by resource type
POLICY_ARGUMENTS = {
    "vault_approle_auth_backend_role": ("token_policies", "policies"),
    "vault_jwt_auth_backend_role": ("token_policies", "policies"),
    "vault_token": ("policies",),
}


class Read(NamedTuple):
    """A policy as read: where its rules are written (``address``: the policy, or the policy
    document it uses), its rules as access, or why they are not known."""

    resource: Resource
    address: str
    access: tuple[Access, ...]
    undecided: Undecided | None


def read_policy(ctx: Context, resource: Resource) -> Read:
    text = resource.get("policy")
    document = ctx.index.referenced(text, DOCUMENT)
    if document is not None:
        return _document(ctx, resource, document)
    if isinstance(text, Unknown):
        return Read(resource, resource.address, (), _computed(text))
    if not isinstance(text, str):
        return Read(resource, resource.address, (), Undecided(
            "the policy text", None, "is not a string", Cause.NOT_EVALUATED))
    try:
        rules = read(text)
    except PolicyError as error:
        return Read(resource, resource.address, (), Undecided(
            "the policy text", None, f"cannot be read ({error})", Cause.NOT_EVALUATED))
    span = resource.span_of(("policy",))
    first = _first_line(span, text)
    access = tuple(
        _access(ctx, r.path, r.capabilities,
                Span(span.path, first + r.line, first + r.line) if first is not None else span,
                resource.address)
        for r in rules if "deny" not in r.capabilities
    )
    return Read(resource, resource.address, access, None)


def _computed(text: Unknown) -> Undecided:
    """A policy text not known before apply, named by what it is computed from (a heredoc
    template is too long to show)."""
    names = ", ".join(dict.fromkeys(r.address for r in text.refs))
    if not names or len(text.source) <= 60:
        return Undecided("the policy text", text, "is not known before apply")
    shown = Unknown(text.reason, names, text.refs, cause=text.cause)
    return Undecided("the policy text, a template of", shown, "is not known before apply")


def _first_line(span: Span, text: str) -> int | None:
    """The line the text's first line is written on: after the ``<<EOT`` of a heredoc (which
    spans the text's lines and two more), else the attribute's line."""
    if span.line is None or span.end_line is None:
        return None
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    return span.line + 1 if span.end_line - span.line + 1 >= lines + 2 else span.line


def _document(ctx: Context, policy: Resource, document: Resource) -> Read:
    found: list[Access] = []
    for i, rule in enumerate(as_list(document.get("rule"))):
        if not isinstance(rule, dict):
            continue
        path, capabilities = rule.get("path"), rule.get("capabilities")
        span = document.span_of(("rule", i, "path"))
        unknown = next((v for v in (path, capabilities, *as_list(capabilities))
                        if isinstance(v, Unknown)), None)
        if unknown is not None:
            return Read(policy, document.address, (), Undecided(
                f"rule {i + 1} of {document.address}", unknown, "is not known before apply"))
        caps = tuple(str(c).lower() for c in as_list(capabilities))
        if not isinstance(path, str) or "deny" in caps:
            continue
        found.append(_access(ctx, path, caps, span, document.address))
    return Read(policy, document.address, tuple(found), None)


def _access(ctx: Context, path: str, capabilities: tuple[str, ...], span: Span,
            written_in: str) -> Access:
    reading = judge(ctx.catalog, path, capabilities)
    shown: tuple[Text, ...] = tuple(sorted(capabilities, key=lambda c: (
        c not in ctx.catalog.writes, capabilities.index(c))))
    return Access(shown, reading.altering,
                  Scope(ScopeLevel.RESOURCE, (path,), wildcard=reading.wildcard), span,
                  written_in)


def custom_policies(ctx: Context, reads: dict[str, Read]) -> Iterator[Policy]:
    """The policies written here, once per place their rules are written (a policy document
    used by several policies is one)."""
    by_place: dict[str, list[Read]] = {}
    for found in reads.values():
        if found.undecided is None:
            by_place.setdefault(found.address, []).append(found)
    for address, used in by_place.items():
        first = used[0]
        name = first.resource.get("name")
        users = tuple(r.resource.address for r in used if r.resource.address != address)
        admin = [a for a in first.access if a.altering and a.scope.wildcard]
        altering = admin or [a for a in first.access if a.altering]
        span = altering[0].span if altering else first.resource.span
        yield Policy(PLATFORM, address, address, name if isinstance(name, str) else address,
                     first.access, span, used_by=users)


class Held(NamedTuple):
    grants: tuple[Grant, ...]
    pending: tuple[Pending, ...]


def held(ctx: Context, holder: Resource, who: PrincipalId, reads: dict[str, Read],
         access_of: Extra) -> Held:
    """The grants (and the policies not known) of a role or token, from the policies it
    names."""
    grants: list[Grant] = []
    pending: list[Pending] = []
    for argument in POLICY_ARGUMENTS.get(holder.type, ()):
        value = holder.get(argument)
        span = holder.span_of((argument,))
        if isinstance(value, Unknown):
            where = Provenance(holder.address, (holder.address,), span)
            pending.append(Pending(who, f"the policies of {argument}", Undecided(
                f"{argument}", value, "is not known before apply"), where))
            continue
        for name in as_list(value):
            policy = ctx.index.referenced(name, POLICY) or (
                ctx.policies.get(name) if isinstance(name, str) else None)
            if policy is not None and policy.address in reads:
                found = reads[policy.address]
                chain = tuple(dict.fromkeys((holder.address, policy.address, found.address)))
                where = Provenance(holder.address, chain, span)
                if found.undecided is not None:
                    pending.append(Pending(who, f"the policy {policy.address}", found.undecided,
                                           where))
                grants += [Grant(who, access_of(a), where) for a in found.access]
            elif isinstance(name, str) and name in ctx.catalog.builtin:
                if ctx.catalog.builtin[name]:  # root: every capability on every path
                    where = Provenance(holder.address, (holder.address,), span)
                    grants.append(Grant(who, access_of(_builtin(name, holder, span)), where))
            elif isinstance(name, str):
                where = Provenance(holder.address, (holder.address,), span)
                pending.append(Pending(who, f'the Vault policy "{name}"', Undecided(
                    "the policy", None, "is not declared in the scanned code",
                    Cause.EXTERNAL), where))
            else:
                unknown = name if isinstance(name, Unknown) else Unknown(
                    f"is a {type(name).__name__}, not a policy name")
                where = Provenance(holder.address, (holder.address,), span)
                pending.append(Pending(who, "a policy", Undecided(
                    "the policy name", unknown, "is not known before apply"), where))
    return Held(tuple(grants), tuple(pending))


def _builtin(name: str, holder: Resource, span: Span) -> Access:
    """A built-in policy that alters identity (``root``): every capability on every path."""
    return Access((name,), frozenset({f"{name}:*"}),
                  Scope(ScopeLevel.RESOURCE, ("*",), wildcard=True), span, holder.address,
                  wildcard=True, managed=True)


class Extra(NamedTuple):
    """What a holder adds to each access it holds: conditions it logs in under, and the
    controls credited to it (bound CIDRs, token lifetimes)."""

    conditions: tuple[Condition, ...] = ()
    credited: tuple[str, ...] = ()

    def __call__(self, access: Access) -> Access:
        if not self.conditions and not self.credited:
            return access
        return dataclasses.replace(
            access, conditions=access.conditions + self.conditions,
            credited=access.credited + self.credited)


__all__ = ["POLICY_ARGUMENTS", "Extra", "Held", "Read", "custom_policies", "held", "read_policy"]
