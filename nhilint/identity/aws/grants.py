"""Who holds which AWS policy: inline policies, attachments, role inline/managed policies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from nhilint.identity.aws.context import GROUP, ROLE, USER, Context, PrincipalRef
from nhilint.identity.aws.document import RawStatement, read_policy
from nhilint.identity.aws.managed import is_aws_managed_arn, managed_policy
from nhilint.identity.aws.policy import normalise
from nhilint.identity.graph import Attachment, Grant, Policy
from nhilint.identity.values import as_list, template_shape, text
from nhilint.model import AttrPath, Resource, Span

INLINE = {"aws_iam_user_policy": USER, "aws_iam_role_policy": ROLE, "aws_iam_group_policy": GROUP}
ATTACH = {
    "aws_iam_user_policy_attachment": USER,
    "aws_iam_role_policy_attachment": ROLE,
    "aws_iam_group_policy_attachment": GROUP,
}
#: the principal attribute of inline/attachment resources is named after its kind
ATTR = {USER: "user", ROLE: "role", GROUP: "group"}
_MULTI = {"users": USER, "roles": ROLE, "groups": GROUP}
_MANAGED_TEMPLATE = re.compile(r"^arn:[^:]*:iam::aws:policy/([^\0]+)$")


class Held(NamedTuple):
    """A policy held by a principal, as the configuration says."""

    principal: PrincipalRef
    policy: Policy
    holder: str
    span: Span

    def grant(self) -> Grant:
        chain = [self.holder]
        for address in (self.policy.address, *(s.written_in for s in self.policy.statements)):
            if address not in chain and not address.startswith("${"):
                chain.append(address)
        return Grant(self.principal.address, self.policy, tuple(chain), self.span)


def held_policies(ctx: Context) -> Iterator[Held]:
    """Every (principal, policy) pair the configuration declares."""
    for resource in ctx.model.resources:
        if resource.mode != "managed":
            continue
        if resource.type in INLINE:
            yield from _inline(ctx, resource, INLINE[resource.type])
        elif resource.type in ATTACH:
            yield from _attachment(ctx, resource, ATTACH[resource.type])
        elif resource.type == "aws_iam_policy_attachment":
            yield from _exclusive_attachment(ctx, resource)
        elif resource.type == ROLE:
            yield from _role_policies(ctx, resource)


def attachments(held: list[Held]) -> tuple[Attachment, ...]:
    """Provider-managed policies attached anywhere, grouped by attaching resource."""
    found: dict[tuple[str, str], Attachment] = {}
    for item in held:
        if not item.policy.managed:
            continue
        key = (item.holder, item.policy.address)
        before = found.get(key)
        principals = (before.principals if before else ()) + (item.principal.address,)
        found[key] = Attachment(item.holder, item.policy, item.span, principals)
    return tuple(found.values())


def _inline(ctx: Context, resource: Resource, kind: str) -> Iterator[Held]:
    principal = ctx.principal(kind, resource.get(ATTR[kind]))
    policy = document_policy(ctx, resource, resource.get("policy"), ("policy",), "inline")
    yield Held(principal, policy, resource.address, resource.span)


def _attachment(ctx: Context, resource: Resource, kind: str) -> Iterator[Held]:
    principal = ctx.principal(kind, resource.get(ATTR[kind]))
    policy = policy_by_arn(ctx, resource.get("policy_arn"), resource, ("policy_arn",))
    yield Held(principal, policy, resource.address, resource.span)


def _exclusive_attachment(ctx: Context, resource: Resource) -> Iterator[Held]:
    policy = policy_by_arn(ctx, resource.get("policy_arn"), resource, ("policy_arn",))
    for attr, kind in _MULTI.items():
        for value in as_list(resource.get(attr)):
            yield Held(ctx.principal(kind, value), policy, resource.address, resource.span)


def _role_policies(ctx: Context, role: Resource) -> Iterator[Held]:
    name = role.get("name")
    me = PrincipalRef(role.address, ROLE, name if isinstance(name, str) else None)
    for i, block in enumerate(as_list(role.get("inline_policy"))):
        if isinstance(block, dict) and block.get("policy") is not None:
            path: AttrPath = ("inline_policy", i, "policy")
            policy = document_policy(
                ctx, role, block.get("policy"), path, "role-inline", block.get("name")
            )
            yield Held(me, policy, role.address, role.span_of(("inline_policy", i)))
    for i, arn in enumerate(as_list(role.get("managed_policy_arns"))):
        where: AttrPath = ("managed_policy_arns", i)
        yield Held(me, policy_by_arn(ctx, arn, role, where), role.address, role.span_of(where))


def document_policy(
    ctx: Context, holder: Resource, value: object, path: AttrPath, kind: str,
    name: object = None,
) -> Policy:
    """A policy written in the configuration (JSON, jsonencode, policy document data source)."""
    document = read_policy(value, holder, path, ctx.index)
    statements = tuple(normalise(raw, ctx.catalog) for raw in document.statements)
    name = holder.get("name") if name is None else name
    span = holder.span if len(path) == 1 else holder.span_of(path[:2])
    return Policy(
        holder.address, kind, name if isinstance(name, str) else holder.name, statements,
        span, unknown=document.unknown,
    )


def customer_policies(ctx: Context) -> Iterator[Policy]:
    """Every ``aws_iam_policy`` declared here, whoever holds it."""
    for resource in ctx.model.of_type("aws_iam_policy"):
        if resource.mode == "managed":
            yield customer_policy(ctx, resource)


def customer_policy(ctx: Context, resource: Resource) -> Policy:
    """An ``aws_iam_policy``, read once however many attachments name it."""
    found = ctx.customer_policies.get(resource.address)
    if found is None:
        found = document_policy(ctx, resource, resource.get("policy"), ("policy",), "customer")
        ctx.customer_policies[resource.address] = found
    return found


def policy_by_arn(ctx: Context, value: object, holder: Resource, path: AttrPath) -> Policy:
    """The policy a ``policy_arn`` points at: declared here, AWS managed, or unknown.

    An AWS managed policy's statements are located where the ARN is written.
    """
    span = holder.span_of(path)
    target = ctx.index.referenced(value, "aws_iam_policy")
    if target is not None and target.mode == "managed":
        return customer_policy(ctx, target)
    arn = _arn_of_data(target) if target is not None else _aws_managed_template(value)
    if isinstance(arn, str):
        return _policy_for_arn(ctx, arn, span, holder.address)
    return Policy(text(value), "unknown", text(value), (), span,
                  unknown=f"the policy ARN is {text(value)}, not known before apply")


def _aws_managed_template(value: object) -> object:
    """``"arn:${partition}:iam::aws:policy/Name"`` is AWS managed ``Name`` in any partition."""
    found = _MANAGED_TEMPLATE.match(template_shape(value, "\0"))
    return f"arn:aws:iam::aws:policy/{found.group(1)}" if found else value


def _arn_of_data(data: Resource) -> str | None:
    arn, name = data.get("arn"), data.get("name")
    if isinstance(arn, str):
        return arn
    return f"arn:aws:iam::aws:policy/{name}" if isinstance(name, str) else None


def _policy_for_arn(ctx: Context, arn: str, span: Span, written_in: str) -> Policy:
    managed = managed_policy(arn)
    if managed is not None:
        bodies = [b for b in as_list(managed.document.get("Statement")) if isinstance(b, dict)]
        statements = tuple(
            normalise(RawStatement(b, span, written_in), ctx.catalog) for b in bodies
        )
        return Policy(arn, "aws-managed", managed.name, statements, span, managed=True)
    name = arn.rsplit("/", 1)[-1]
    for resource in ctx.model.of_type("aws_iam_policy"):
        if resource.mode == "managed" and resource.get("name") == name:
            return customer_policy(ctx, resource)
    reason = (
        "an AWS managed policy nhilint has no document for"
        if is_aws_managed_arn(arn)
        else "a customer managed policy not declared in the scanned code"
    )
    return Policy(arn, "unknown", name, (), span, unknown=f"{arn} is {reason}")
