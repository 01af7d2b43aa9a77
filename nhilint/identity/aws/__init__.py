"""The AWS adapter: IAM users, roles and groups, their policies, keys and trusts."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.identity.aws.actions import load_catalog
from nhilint.identity.aws.context import GROUP, ROLE, USER, Context, PrincipalRef
from nhilint.identity.aws.grants import Held, attachments, customer_policies, held_policies
from nhilint.identity.aws.principals import (
    classify_role,
    classify_user,
    credentials,
    group_verdict,
    principal_for,
    trusts,
)
from nhilint.identity.graph import Credential, Grant, Graph, Policy, Principal, Trust
from nhilint.identity.values import as_list
from nhilint.model import Model
from nhilint.settings import Settings


def build(model: Model, settings: Settings) -> Graph:
    ctx = Context.build(model, load_catalog(), settings)
    held = list(held_policies(ctx))
    creds = list(credentials(ctx))
    members = list(_memberships(ctx))
    refs = _principal_refs(ctx, held, creds)
    for _, user, group in members:
        refs.setdefault(user.address, user)
        refs.setdefault(group.address, group)
    grants = [h.grant() for h in held]
    grants += list(_membership_grants(members, grants))
    principals, found_trusts = _principals(ctx, refs, [c for _, c in creds])
    return Graph(
        principals=tuple(principals),
        grants=tuple(grants),
        credentials=tuple(c for _, c in creds),
        trusts=tuple(found_trusts),
        policies=_defined_policies(ctx, held),
        attachments=attachments(held),
        resources=len(model.resources),
    )


def _principal_refs(
    ctx: Context, held: list[Held], creds: list[tuple[PrincipalRef, Credential]]
) -> dict[str, PrincipalRef]:
    refs = {a: PrincipalRef(a, r.type, _name(r.get("name"))) for a, r in ctx.declared.items()}
    for ref in [h.principal for h in held] + [p for p, _ in creds]:
        refs.setdefault(ref.address, ref)
    return refs


def _name(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _principals(
    ctx: Context, refs: dict[str, PrincipalRef], creds: list[Credential]
) -> tuple[list[Principal], list[Trust]]:
    principals, all_trusts = [], []
    for ref in refs.values():
        if ref.kind == USER:
            verdict = classify_user(ctx, ref, [c for c in creds if c.principal == ref.address])
        elif ref.kind == ROLE:
            role = ctx.declared.get(ref.address)
            found, unknown = trusts(ctx, role) if role else ([], "")
            all_trusts += found
            verdict = classify_role(ctx, ref, found, unknown)
        else:
            verdict = group_verdict()
        principals.append(principal_for(ctx, ref, *verdict))
    return principals, all_trusts


def _membership_grants(
    members: list[tuple[str, PrincipalRef, PrincipalRef]], grants: list[Grant]
) -> Iterator[Grant]:
    """Users inherit the grants of their groups; the membership joins the evidence chain."""
    for membership, member, group in members:
        for grant in grants:
            if grant.principal == group.address:
                chain = (membership, *grant.chain)
                yield Grant(member.address, grant.policy, chain, grant.span)


def _memberships(ctx: Context) -> Iterator[tuple[str, PrincipalRef, PrincipalRef]]:
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
    found: dict[tuple[str, int], Policy] = {}
    for policy in list(customer_policies(ctx)) + [h.policy for h in held]:
        if not policy.managed and policy.kind != "unknown":
            found.setdefault((policy.address, policy.span.line), policy)
    return tuple(found.values())
