"""IAM Identity Center: permission sets, the policies in them, and who is assigned to them.

A permission set is a role template: Identity Center provisions it as an ``AWSReservedSSO_*``
role into every account it is assigned in, and the people assigned to it sign in to that role
through single sign-on.  It is modelled as a principal of kind ``role`` (so its policies are
grants, its managed policies attachments and its unreadable policies pending, as for any
role), whose automation verdict is always *human*: an account assignment's ``principal_type``
is ``USER`` or ``GROUP``, an Identity Center user or group, and nothing else can be assigned.
So no core rule (NHI001-NHI004) and no indeterminate automation finding ever judges a
permission set or the people assigned to it, while NHI011 still reports an admin policy in
it where the policy is written or attached.

An account assignment is a trust: the assigned user or group may become the permission set's
role (a SAML sign-on by IAM Identity Center), in the account it names.  The assigned user or
group is not modelled as a principal of its own.

A customer managed policy is attached by name and path, the policy being expected in each
account the set is provisioned into: it is the ``aws_iam_policy`` declared here with that name
and path (or the one the name refers to), else not known (pending, which no rule needs for a
human principal).  A permissions boundary attachment grants nothing; the policies it names are
boundary uses (:mod:`nhilint.identity.aws.uses`), and crediting it on a permission set's grants
would change no verdict, since no core rule judges a permission set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import NamedTuple

from nhilint.identity.aws.context import PERMISSION_SET, Context, Who
from nhilint.identity.aws.grants import Held, Read, customer_policy, document_policy, policy_by_arn
from nhilint.identity.aws.principals import Verdict
from nhilint.identity.graph import (
    Automation,
    PrincipalId,
    Reason,
    Text,
    Trust,
    TrustKind,
    Undecided,
)
from nhilint.identity.values import as_list
from nhilint.model import AttrPath, Cause, Resource, Unknown

INLINE = "aws_ssoadmin_permission_set_inline_policy"
MANAGED = "aws_ssoadmin_managed_policy_attachment"
MANAGED_EXCLUSIVE = "aws_ssoadmin_managed_policy_attachments_exclusive"
CUSTOMER = "aws_ssoadmin_customer_managed_policy_attachment"
CUSTOMER_EXCLUSIVE = "aws_ssoadmin_customer_managed_policy_attachments_exclusive"
BOUNDARY = "aws_ssoadmin_permissions_boundary_attachment"
ASSIGNMENT = "aws_ssoadmin_account_assignment"
REFERENCE = "customer_managed_policy_reference"
#: who signs in to a permission set's role
ISSUER = "IAM Identity Center"
_PRINCIPAL_TYPES = {"USER": "user", "GROUP": "group"}

HUMAN = Reason(
    "is an IAM Identity Center permission set: only Identity Center users and groups are "
    "assigned to it, and they sign in through single sign-on"
)


def held_policies(ctx: Context) -> Iterator[Held]:
    """Every (permission set, policy) pair the configuration declares."""
    for resource in ctx.model.resources:
        reader = _READERS.get(resource.type)
        if reader is not None and resource.mode == "managed":
            yield from reader(ctx, resource)


def _permission_set(ctx: Context, resource: Resource) -> Who:
    return ctx.principal(PERMISSION_SET, resource.get("permission_set_arn"))


def _inline(ctx: Context, resource: Resource) -> Iterator[Held]:
    read = document_policy(ctx, resource, resource.get("inline_policy"), ("inline_policy",))
    yield Held(_permission_set(ctx, resource), read, resource.address, resource.span)


def _managed(ctx: Context, resource: Resource) -> Iterator[Held]:
    path: AttrPath = ("managed_policy_arn",)
    read = policy_by_arn(ctx, resource.get("managed_policy_arn"), resource, path)
    yield Held(_permission_set(ctx, resource), read, resource.address, resource.span)


def _managed_exclusive(ctx: Context, resource: Resource) -> Iterator[Held]:
    who = _permission_set(ctx, resource)
    for i, arn in enumerate(as_list(resource.get("managed_policy_arns"))):
        path: AttrPath = ("managed_policy_arns", i)
        yield Held(who, policy_by_arn(ctx, arn, resource, path), resource.address,
                   resource.span_of(path))


def _customer(ctx: Context, resource: Resource) -> Iterator[Held]:
    who = _permission_set(ctx, resource)
    for i, block in enumerate(as_list(resource.get(REFERENCE))):
        path: AttrPath = (REFERENCE, i)
        span = resource.span if resource.type == CUSTOMER else resource.span_of(path)
        yield Held(who, customer_reference(ctx, block, resource, path), resource.address, span)


def customer_reference(ctx: Context, block: object, holder: Resource, path: AttrPath) -> Read:
    """The ``aws_iam_policy`` a ``customer_managed_policy_reference`` names, when declared here."""
    name, where = _name_and_path(block)
    target = ctx.index.referenced(name, "aws_iam_policy")
    if target is not None and target.mode == "managed":
        return customer_policy(ctx, target)
    if isinstance(name, str) and isinstance(where, str):
        for resource in ctx.model.of_type("aws_iam_policy"):
            if resource.mode == "managed" and _named(resource, name, where):
                return customer_policy(ctx, resource)
    return _not_declared(name, where, holder, path)


def _name_and_path(block: object) -> tuple[object, object]:
    if not isinstance(block, dict):
        return block, "/"
    where = block.get("path")
    return block.get("name"), "/" if where is None else where


def _named(policy: Resource, name: str, where: str) -> bool:
    own = policy.get("path")
    return policy.get("name") == name and (own if own is not None else "/") == where


def _not_declared(name: object, where: object, holder: Resource, path: AttrPath) -> Read:
    span = holder.span_of(path)
    if isinstance(name, str) and isinstance(where, str):
        shown = f"{where}{name}"
        reason = "is a customer managed policy not declared in the scanned code"
        return Read("", shown, name, (), span, defined=False,
                    undecided=(Undecided(f"customer managed policy {shown}", None, reason,
                                         Cause.EXTERNAL),))
    unknown = next((v for v in (name, where) if isinstance(v, Unknown)), None)
    return Read("", "a customer managed policy", "", (), span, defined=False, undecided=(
        Undecided("the customer managed policy name", unknown, "is not known before apply"),
    ))


class Assignment(NamedTuple):
    """An account assignment: the permission set, the trust it gives, and in words to whom."""

    permission_set: Who
    trust: Trust
    reason: Reason


def assignments(ctx: Context) -> Iterator[Assignment]:
    """Each account assignment of a permission set to an Identity Center user or group."""
    for resource in ctx.model.of_type(ASSIGNMENT):
        if resource.mode != "managed":
            continue
        who = _permission_set(ctx, resource)
        assigned = _text(resource.get("principal_id"))
        kind = resource.get("principal_type")
        named = _PRINCIPAL_TYPES.get(kind, "user or group") if isinstance(kind, str) else (
            "user or group"
        )
        trust = Trust(who.id, TrustKind.SAML, ISSUER, resource.span, via=resource.address,
                      subjects=(assigned,))
        yield Assignment(who, trust, Reason(f"is assigned to the Identity Center {named}",
                                            assigned, f"by {resource.address}"))


def verdict(assigned: list[Assignment], permission_set: PrincipalId) -> Verdict:
    """Always human; the assignments say who signs in."""
    reasons = (a.reason for a in assigned if a.trust.principal == permission_set)
    return Verdict(Automation.NO, (HUMAN, *reasons))


def _text(value: object) -> Text:
    if isinstance(value, str | Unknown):
        return value
    return Unknown(f"is a {type(value).__name__}, not a string")


Reader = Callable[[Context, Resource], Iterator[Held]]
_READERS: Mapping[str, Reader] = {
    INLINE: _inline, MANAGED: _managed, MANAGED_EXCLUSIVE: _managed_exclusive,
    CUSTOMER: _customer, CUSTOMER_EXCLUSIVE: _customer,
}
