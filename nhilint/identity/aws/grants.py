"""Who holds which AWS policy: inline policies, attachments, role inline/managed policies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from nhilint.identity.aws.arn import template_shape
from nhilint.identity.aws.context import GROUP, PLATFORM, ROLE, USER, Context, Who
from nhilint.identity.aws.document import RawStatement, read_policy
from nhilint.identity.aws.managed import dataset_commit, is_aws_managed_arn, managed_policy
from nhilint.identity.aws.statement import Statement, accesses, normalise, taken_back
from nhilint.identity.graph import Attachment, Policy, PrincipalId, Provenance, Undecided
from nhilint.identity.values import as_list
from nhilint.model import AttrPath, Cause, Resource, Span, Unknown

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


class Read(NamedTuple):
    """A policy as read, before IAM's algebra: its statements and what is not known.

    ``address`` is the resource it is written in (empty for a policy only named by an ARN
    that is not declared here); ``managed`` marks an AWS managed policy.
    """

    address: str
    label: str
    name: str
    statements: tuple[Statement, ...]
    span: Span
    managed: bool = False
    undecided: tuple[Undecided, ...] = ()
    defined: bool = True

    def policy(self) -> Policy:
        """The policy as the graph sees it: its Allows, less what its own Denys take back."""
        own = accesses(self.statements, taken_back(self.statements), self.managed)
        return Policy(PLATFORM, self.address, self.label, self.name, own, self.span, self.managed)


class Held(NamedTuple):
    """A policy held by a principal, as the configuration says."""

    principal: Who
    read: Read
    holder: str
    span: Span
    via: tuple[str, ...] = ()

    def provenance(self) -> Provenance:
        chain = [*self.via, self.holder]
        for address in (self.read.address, *(s.written_in for s in self.read.statements)):
            if address and address not in chain:
                chain.append(address)
        return Provenance(self.via[0] if self.via else self.holder, tuple(chain), self.span)

    def inherited_by(self, member: Who, membership: str) -> Held:
        """The same policy, held by a group member through ``membership``."""
        return self._replace(principal=member, via=(membership, *self.via))


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
    """AWS managed policies attached anywhere, grouped by attaching resource."""
    found: dict[tuple[str, str], tuple[Read, Span, list[PrincipalId]]] = {}
    for item in held:
        if item.read.managed and not item.via:
            key = (item.holder, item.read.address)
            found.setdefault(key, (item.read, item.span, []))[2].append(item.principal.id)
    return tuple(
        Attachment(holder, read.policy(), span, tuple(principals))
        for (holder, _), (read, span, principals) in found.items()
    )


def _inline(ctx: Context, resource: Resource, kind: str) -> Iterator[Held]:
    principal = ctx.principal(kind, resource.get(ATTR[kind]))
    read = document_policy(ctx, resource, resource.get("policy"), ("policy",))
    yield Held(principal, read, resource.address, resource.span)


def _attachment(ctx: Context, resource: Resource, kind: str) -> Iterator[Held]:
    principal = ctx.principal(kind, resource.get(ATTR[kind]))
    read = policy_by_arn(ctx, resource.get("policy_arn"), resource, ("policy_arn",))
    yield Held(principal, read, resource.address, resource.span)


def _exclusive_attachment(ctx: Context, resource: Resource) -> Iterator[Held]:
    read = policy_by_arn(ctx, resource.get("policy_arn"), resource, ("policy_arn",))
    for attr, kind in _MULTI.items():
        for value in as_list(resource.get(attr)):
            yield Held(ctx.principal(kind, value), read, resource.address, resource.span)


def _role_policies(ctx: Context, role: Resource) -> Iterator[Held]:
    me = ctx.declared_principal(role)
    for i, block in enumerate(as_list(role.get("inline_policy"))):
        if isinstance(block, dict) and block.get("policy") is not None:
            path: AttrPath = ("inline_policy", i, "policy")
            read = document_policy(ctx, role, block.get("policy"), path, block.get("name"))
            yield Held(me, read, role.address, role.span_of(("inline_policy", i)))
    for i, arn in enumerate(as_list(role.get("managed_policy_arns"))):
        where: AttrPath = ("managed_policy_arns", i)
        yield Held(me, policy_by_arn(ctx, arn, role, where), role.address, role.span_of(where))


def document_policy(
    ctx: Context, holder: Resource, value: object, path: AttrPath, inline_name: object = None,
) -> Read:
    """A policy written in the configuration (JSON, jsonencode, policy document data source)."""
    document = read_policy(value, holder, path, ctx.index)
    statements = tuple(
        normalise(raw, ctx.catalog, today=ctx.settings.today) for raw in document.statements
    )
    name = holder.get("name") if inline_name is None else inline_name
    span = holder.span if len(path) == 1 else holder.span_of(path[:2])
    label = holder.address
    if len(path) > 1:  # an inline policy block inside the role
        label = f'{holder.address} (inline policy "{name}")' if isinstance(name, str) else (
            f"{holder.address} (an inline policy)"
        )
    return Read(holder.address, label, name if isinstance(name, str) else holder.name,
                statements, span, undecided=document.undecided)


def customer_policies(ctx: Context) -> Iterator[Read]:
    """Every ``aws_iam_policy`` declared here, whoever holds it."""
    for resource in ctx.model.of_type("aws_iam_policy"):
        if resource.mode == "managed":
            yield customer_policy(ctx, resource)


def customer_policy(ctx: Context, resource: Resource) -> Read:
    """An ``aws_iam_policy``, read once however many attachments name it."""
    found = ctx.customer_policies.get(resource.address)
    if isinstance(found, Read):
        return found
    read = document_policy(ctx, resource, resource.get("policy"), ("policy",))
    ctx.customer_policies[resource.address] = read
    return read


def policy_by_arn(ctx: Context, value: object, holder: Resource, path: AttrPath) -> Read:
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
    unknown = value if isinstance(value, Unknown) else Unknown("not a string")
    return Read("", "a policy", "", (), span, defined=False,
                undecided=(Undecided("the policy ARN", unknown, "is not known before apply"),))


def _aws_managed_template(value: object) -> object:
    """``"arn:${partition}:iam::aws:policy/Name"`` is AWS managed ``Name`` in any partition."""
    found = _MANAGED_TEMPLATE.match(template_shape(value, "\0"))
    return f"arn:aws:iam::aws:policy/{found.group(1)}" if found else value


def _arn_of_data(data: Resource) -> str | None:
    arn, name = data.get("arn"), data.get("name")
    if isinstance(arn, str):
        return arn
    return f"arn:aws:iam::aws:policy/{name}" if isinstance(name, str) else None


def _policy_for_arn(ctx: Context, arn: str, span: Span, written_in: str) -> Read:
    managed = managed_policy(arn)
    if managed is not None:
        bodies = [b for b in as_list(managed.document.get("Statement")) if isinstance(b, dict)]
        statements = tuple(
            normalise(RawStatement(b, span, written_in), ctx.catalog, today=ctx.settings.today)
            for b in bodies
        )
        return Read(arn, managed.name, managed.name, statements, span, managed=True)
    name = arn.rsplit("/", 1)[-1]
    for resource in ctx.model.of_type("aws_iam_policy"):
        if resource.mode == "managed" and resource.get("name") == name:
            return customer_policy(ctx, resource)
    reason = (
        "is not in nhilint's table of AWS managed policies (deprecated or newer than the data,"
        f" dataset commit {dataset_commit()[:12]})"
        if is_aws_managed_arn(arn)
        else "is a customer managed policy not declared in the scanned code"
    )
    return Read("", arn, name, (), span, defined=False,
                undecided=(Undecided("the policy", None, reason, Cause.EXTERNAL),))
