"""The AWS adapter: IAM users, roles and groups, IAM Identity Center permission sets, their
policies, keys and trusts.

IAM's own algebra (Deny, ``NotAction``, ``NotResource``, ARN services, condition keys) is
resolved here; what leaves is the platform-neutral graph of :mod:`nhilint.identity.graph`.
A permission set is a principal of kind ``role`` that is always human (:mod:`.sso` says why);
each policy written here is one policy of the graph, located where its statements are written,
and a policy document is one even when no identity holder reads it, unless it is used only as
a trust, resource-based, Organizations or boundary policy (:mod:`.written`, :mod:`.uses`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping

from nhilint.identity.aws import sso
from nhilint.identity.aws.actions import load_catalog
from nhilint.identity.aws.agents import agent_roles, as_agent, trusted_by_agents
from nhilint.identity.aws.boundary import Boundary, boundary_of, bounded, known, unknown_boundary
from nhilint.identity.aws.context import GROUP, PERMISSION_SET, PLATFORM, ROLE, USER, Context, Who
from nhilint.identity.aws.credentials import credentials
from nhilint.identity.aws.escalation import Source, by_principal, escalations
from nhilint.identity.aws.fixes import FIXES
from nhilint.identity.aws.grants import Held, attachments, held_policies
from nhilint.identity.aws.principals import (
    Verdict,
    classify_role,
    classify_user,
    principal_for,
    trusts,
)
from nhilint.identity.aws.statement import Statement, access, taken_back
from nhilint.identity.aws.written import defined_policies
from nhilint.identity.graph import (
    Automation,
    Credential,
    Escalation,
    Grant,
    Graph,
    Pending,
    Principal,
    PrincipalId,
    Provenance,
    Reason,
    Trust,
)
from nhilint.identity.secrets import SecretCatalog, load_secrets
from nhilint.identity.values import as_list
from nhilint.model import Model
from nhilint.settings import Settings

__all__ = ["FIXES", "PLATFORM", "build", "secrets"]


@functools.cache
def _secrets() -> SecretCatalog:
    return load_secrets("aws_secrets.json", PLATFORM)


def secrets() -> SecretCatalog:
    """Where AWS configuration holds secret material (``nhilint/data/aws_secrets.json``)."""
    return _secrets()


def build(model: Model, settings: Settings) -> Graph:
    ctx = Context.build(model, load_catalog(), settings)
    held = list(held_policies(ctx))
    owned = list(credentials(ctx))
    creds = [c for _, c in owned]
    members = list(_memberships(ctx))
    held += [h.inherited_by(m, membership) for membership, m, group in members
             for h in held if h.principal.id == group.id]
    held += sso.held_policies(ctx)
    assigned = list(sso.assignments(ctx))
    who = _principals_named(ctx, held, owned, members)
    for assignment in assigned:
        who.setdefault(assignment.permission_set.id, assignment.permission_set)
    principals, found_trusts, unread_trusts = _principals(ctx, who, creds, assigned)
    agents = trusted_by_agents(found_trusts) | agent_roles(ctx)
    principals = [as_agent(p, agents[p.id]) if p.id in agents else p for p in principals]
    boundaries = {pid: b for pid, w in who.items() if (b := boundary_of(ctx, w)) is not None}
    grants = tuple(_grants(held, boundaries))
    return Graph(
        principals=tuple(principals),
        grants=grants,
        credentials=tuple(creds),
        trusts=tuple(found_trusts),
        policies=defined_policies(ctx, held),
        attachments=attachments(held),
        pending=tuple(_pending(held)) + tuple(_unknown_boundaries(ctx, who, boundaries, grants))
        + tuple(unread_trusts),
        escalations=tuple(_escalations(ctx, held, boundaries)),
    )


def _escalations(
    ctx: Context, held: list[Held], boundaries: Mapping[PrincipalId, Boundary]
) -> Iterator[Escalation]:
    """The known escalation combinations each principal holds, across all its policies and
    within its permissions boundary when that is known."""
    sources = by_principal(
        (item.principal.id, Source(statement, _where(statement, item.provenance())))
        for item in held for statement in item.read.statements
    )
    for principal, found in sources.items():
        boundary = boundaries.get(principal)
        within = boundary.read.statements if boundary is not None and known(boundary) else None
        yield from escalations(principal, found, ctx.catalog, within)


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
    ctx: Context, named: dict[PrincipalId, Who], creds: list[Credential],
    assigned: list[sso.Assignment],
) -> tuple[list[Principal], list[Trust], list[Pending]]:
    """Each principal with its verdict; the trusts read; and, as pending, each role trust
    policy whose content is not known (NHI010 cannot judge it: NHI901 says so)."""
    principals, all_trusts = [], [a.trust for a in assigned]
    unread: list[Pending] = []
    for pid, who in named.items():
        if who.type == PERMISSION_SET:
            verdict = sso.verdict(assigned, pid)
        elif who.type == USER:
            verdict = classify_user(ctx, who, [c for c in creds if c.principal == pid])
        elif who.type == ROLE:
            role = ctx.declared.get(pid.ref) if who.declared and isinstance(pid.ref, str) else None
            found, undecided = trusts(ctx, role, who) if role else ([], ())
            all_trusts += found
            verdict = classify_role(ctx, who, found, undecided)
            if role is not None and undecided:
                span = role.span_of(("assume_role_policy",))
                where = Provenance(role.address, (role.address,), span)
                unread.append(Pending(pid, "its trust policy", undecided[0], where))
        else:
            verdict = Verdict(Automation.NO, (
                Reason("is a group: its members hold its permissions"),
            ))
        principals.append(principal_for(ctx, who, verdict))
    return principals, all_trusts, unread


def _grants(held: list[Held], boundaries: Mapping[PrincipalId, Boundary]) -> Iterator[Grant]:
    """Every Allow a principal holds, less what an unconditional Deny it holds takes back
    (a Deny in any of the principal's policies applies to all of them), as far as its
    permissions boundary (when known) lets it be used."""
    by_principal: dict[PrincipalId, list[Held]] = {}
    for item in held:
        by_principal.setdefault(item.principal.id, []).append(item)
    for pid, items in by_principal.items():
        denied = taken_back(s for h in items for s in h.read.statements)
        boundary = boundaries.get(pid)
        for item in items:
            provenance = item.provenance()
            for statement in item.read.statements:
                if statement.allows:
                    found = access(statement, statement.altering - denied, item.read.managed)
                    if boundary is not None and known(boundary):
                        found = bounded(found, boundary)
                    yield Grant(pid, found, provenance)


def _unknown_boundaries(
    ctx: Context, who: Mapping[PrincipalId, Who], boundaries: Mapping[PrincipalId, Boundary],
    grants: tuple[Grant, ...],
) -> Iterator[Pending]:
    """A boundary not known is not credited; it is pending where it could change a verdict
    (the principal holds identity-altering grants)."""
    altering = {g.principal for g in grants if g.access.altering}
    for pid, boundary in boundaries.items():
        if pid in altering and not known(boundary):
            resource = ctx.declared[str(pid.ref)]
            span = resource.span_of(("permissions_boundary",))
            where = Provenance(resource.address, (resource.address,), span)
            found = unknown_boundary(who[pid], boundary, where)
            if found is not None:
                yield found


def _where(statement: Statement, held: Provenance) -> Provenance:
    """How a principal holds one statement, located at the statement (its evidence line)."""
    return Provenance(statement.written_in or held.holder, held.chain, statement.span)


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
