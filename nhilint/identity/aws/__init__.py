"""The AWS adapter: IAM users, roles and groups, their policies, keys and trusts.

IAM's own algebra (Deny, ``NotAction``, ``NotResource``, ARN services, condition keys) is
resolved here; what leaves is the platform-neutral graph of :mod:`nhilint.identity.graph`.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.identity.aws.actions import load_catalog
from nhilint.identity.aws.context import GROUP, PLATFORM, ROLE, USER, Context, Who
from nhilint.identity.aws.fixes import FIXES
from nhilint.identity.aws.grants import Held, attachments, customer_policies, held_policies
from nhilint.identity.aws.principals import (
    Verdict,
    classify_role,
    classify_user,
    credentials,
    principal_for,
    trusts,
)
from nhilint.identity.aws.statement import access, taken_back
from nhilint.identity.graph import (
    Automation,
    Credential,
    Grant,
    Graph,
    Pending,
    Policy,
    Principal,
    PrincipalId,
    Reason,
    Trust,
)
from nhilint.identity.values import as_list
from nhilint.model import Model
from nhilint.settings import Settings

__all__ = ["FIXES", "PLATFORM", "build"]


def build(model: Model, settings: Settings) -> Graph:
    ctx = Context.build(model, load_catalog(), settings)
    held = list(held_policies(ctx))
    owned = list(credentials(ctx))
    creds = [c for _, c in owned]
    members = list(_memberships(ctx))
    held += [h.inherited_by(m, membership) for membership, m, group in members
             for h in held if h.principal.id == group.id]
    who = _principals_named(ctx, held, owned, members)
    principals, found_trusts = _principals(ctx, who, creds)
    return Graph(
        principals=tuple(principals),
        grants=tuple(_grants(held)),
        credentials=tuple(creds),
        trusts=tuple(found_trusts),
        policies=_defined_policies(ctx, held),
        attachments=attachments(held),
        pending=tuple(_pending(held)),
    )


def _principals_named(
    ctx: Context, held: list[Held], owned: list[tuple[Who, Credential]],
    members: list[tuple[str, Who, Who]],
) -> dict[PrincipalId, Who]:
    """Every principal declared here or named by a grant, credential or membership."""
    found = {w.id: w for w in (ctx.declared_principal(r) for r in ctx.declared.values())}
    for item in held:
        found.setdefault(item.principal.id, item.principal)
    for holder, _ in owned:
        found.setdefault(holder.id, holder)
    for _, member, group in members:
        found.setdefault(member.id, member)
        found.setdefault(group.id, group)
    return found


def _principals(
    ctx: Context, named: dict[PrincipalId, Who], creds: list[Credential]
) -> tuple[list[Principal], list[Trust]]:
    principals, all_trusts = [], []
    for pid, who in named.items():
        if who.type == USER:
            verdict = classify_user(ctx, who, [c for c in creds if c.principal == pid])
        elif who.type == ROLE:
            role = ctx.declared.get(pid.ref) if who.declared and isinstance(pid.ref, str) else None
            found, undecided = trusts(ctx, role, who) if role else ([], ())
            all_trusts += found
            verdict = classify_role(ctx, who, found, undecided)
        else:
            verdict = Verdict(Automation.NO, (
                Reason("is a group: its members hold its permissions"),
            ))
        principals.append(principal_for(ctx, who, verdict))
    return principals, all_trusts


def _grants(held: list[Held]) -> Iterator[Grant]:
    """Every Allow a principal holds, less what an unconditional Deny it holds takes back
    (a Deny in any of the principal's policies applies to all of them)."""
    by_principal: dict[PrincipalId, list[Held]] = {}
    for item in held:
        by_principal.setdefault(item.principal.id, []).append(item)
    for pid, items in by_principal.items():
        denied = taken_back(s for h in items for s in h.read.statements)
        for item in items:
            provenance = item.provenance()
            for statement in item.read.statements:
                if statement.allows:
                    entry = access(statement, statement.altering - denied, item.read.managed)
                    yield Grant(pid, entry, provenance)


def _pending(held: list[Held]) -> Iterator[Pending]:
    """What a principal holds that is not fully known: one entry per held policy."""
    for item in held:
        unknowns = item.read.undecided + tuple(
            u for s in item.read.statements if s.effect != "Deny" for u in s.relevant_unknowns
        )
        if unknowns:
            yield Pending(item.principal.id, item.read.label, unknowns[0], item.provenance())


def _memberships(ctx: Context) -> Iterator[tuple[str, Who, Who]]:
    for resource in ctx.model.of_type("aws_iam_group_membership"):
        group = ctx.principal(GROUP, resource.get("group"))
        for user in as_list(resource.get("users")):
            yield resource.address, ctx.principal(USER, user), group
    for resource in ctx.model.of_type("aws_iam_user_group_membership"):
        member = ctx.principal(USER, resource.get("user"))
        for name in as_list(resource.get("groups")):
            yield resource.address, member, ctx.principal(GROUP, name)


def _defined_policies(ctx: Context, held: list[Held]) -> tuple[Policy, ...]:
    """Policies written in the scanned code (customer managed and inline), once each."""
    found: dict[tuple[str, int | None], Policy] = {}
    for read in list(customer_policies(ctx)) + [h.read for h in held]:
        if not read.managed and read.defined:
            found.setdefault((read.address, read.span.line), read.policy())
    return tuple(found.values())
