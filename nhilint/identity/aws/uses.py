"""Where each policy document and customer managed policy is used, and as what.

A ``data "aws_iam_policy_document"`` is only text until something uses it: as the identity
policy of a user, role, group or permission set, as a role's trust policy, as the
resource-based policy of a bucket, key, topic, queue, secret …, as an Organizations policy
(a guardrail, which grants nothing), as a permissions boundary (which grants nothing either), or
merged into another document.  Uses are read from the references in every resource's
arguments; what references a document from an output or a module call's arguments is not read,
so such a document has no use nhilint can see.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from nhilint.identity.aws import sso
from nhilint.identity.aws.context import ROLE, USER
from nhilint.identity.aws.document import POLICY_DOCUMENT
from nhilint.identity.aws.grants import ATTACH, INLINE
from nhilint.model import AttrPath, Model, Resource, Unknown, without_key

POLICY = "aws_iam_policy"


class UseKind(enum.Enum):
    IDENTITY = "identity"  # an identity-based policy (inline, attached, customer managed)
    TRUST = "trust"  # a role's trust policy
    RESOURCE = "resource"  # a resource-based policy
    GUARDRAIL = "guardrail"  # an Organizations policy (SCP, RCP …)
    BOUNDARY = "boundary"  # a permissions boundary
    SOURCE = "source"  # merged into another policy document
    OTHER = "other"  # anything else: the use does not say what the policy is


#: uses whose policy grants its holder nothing
NOT_GRANTS = frozenset({UseKind.TRUST, UseKind.RESOURCE, UseKind.GUARDRAIL, UseKind.BOUNDARY})

#: (resource type, first argument) -> the use, for the arguments that say it exactly
_BY_ARGUMENT: Mapping[tuple[str, str], UseKind] = {
    (POLICY, "policy"): UseKind.IDENTITY,
    **{(t, "policy"): UseKind.IDENTITY for t in INLINE},
    **{(t, "policy_arn"): UseKind.IDENTITY for t in (*ATTACH, "aws_iam_policy_attachment")},
    (ROLE, "inline_policy"): UseKind.IDENTITY,
    (ROLE, "managed_policy_arns"): UseKind.IDENTITY,
    (sso.INLINE, "inline_policy"): UseKind.IDENTITY,
    (sso.CUSTOMER, sso.REFERENCE): UseKind.IDENTITY,
    (sso.CUSTOMER_EXCLUSIVE, sso.REFERENCE): UseKind.IDENTITY,
    (ROLE, "assume_role_policy"): UseKind.TRUST,
    (ROLE, "permissions_boundary"): UseKind.BOUNDARY,
    (USER, "permissions_boundary"): UseKind.BOUNDARY,
    (sso.BOUNDARY, "permissions_boundary"): UseKind.BOUNDARY,
    ("aws_organizations_policy", "content"): UseKind.GUARDRAIL,
    **{(POLICY_DOCUMENT, a): UseKind.SOURCE for a in (
        "source_policy_documents", "override_policy_documents", "source_json", "override_json",
    )},
}
#: the arguments in which any other AWS resource takes its resource-based policy
#: (``aws_s3_bucket_policy.policy``, ``aws_kms_key.policy``, ``aws_glacier_vault.access_policy``,
#: ``aws_opensearch_domain_policy.access_policies``, ``aws_cloudwatch_log_resource_policy``
#: ``.policy_document`` …)
RESOURCE_POLICY_ARGUMENTS = frozenset({
    "policy", "access_policy", "access_policies", "policy_document", "resource_policy",
})
#: meta-arguments: a reference there orders or expands, it does not use
_META = frozenset({"depends_on", "lifecycle", "provider", "count", "for_each"})
_TARGETS = (f"data.{POLICY_DOCUMENT}.", f"{POLICY}.")


class Use(NamedTuple):
    """``by`` (a resource address) uses the policy as ``kind``."""

    by: str
    kind: UseKind


def base(address: str) -> str:
    """A resource's address without its instance key: every instance shares its uses."""
    return without_key(address)


def policy_uses(model: Model) -> Mapping[str, tuple[Use, ...]]:
    """Every use of every policy document and ``aws_iam_policy``, by its base address."""
    found: dict[str, list[Use]] = {}
    for resource in model.resources:
        for path, value in _values(resource.attributes, ()):
            for target in _targets(value):
                use = Use(resource.address, kind_of(resource, path))
                if use not in found.setdefault(target, []) and base(resource.address) != target:
                    found[target].append(use)
    return {k: tuple(v) for k, v in found.items()}


def kind_of(resource: Resource, path: AttrPath) -> UseKind:
    """What using a policy at ``resource``'s argument ``path`` makes it."""
    first = str(path[0]) if path else ""
    known = _BY_ARGUMENT.get((resource.type, first))
    if known is not None:
        return known
    names = {p for p in path if isinstance(p, str)}
    if resource.type.startswith("aws_") and names & RESOURCE_POLICY_ARGUMENTS:
        return UseKind.RESOURCE
    return UseKind.OTHER


def _values(value: object, path: AttrPath) -> Iterator[tuple[AttrPath, Unknown]]:
    """Every unknown value (a reference, or computed from one) and where it is."""
    if isinstance(value, Unknown):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if path or key not in _META:
                yield from _values(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _values(item, (*path, i))


def _targets(value: Unknown) -> Iterator[str]:
    for ref in value.refs:
        if ref.address.startswith(_TARGETS):
            yield base(ref.qualified)


def effective(uses: Mapping[str, tuple[Use, ...]], address: str) -> frozenset[UseKind]:
    """The kinds of use of a policy, a document merged into another taking that one's; a
    policy nothing uses has none."""
    kinds: set[UseKind] = set()
    seen: set[str] = set()
    todo = [base(address)]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for use in uses.get(current, ()):
            if use.kind is UseKind.SOURCE:
                todo.append(base(use.by))
                if not uses.get(base(use.by)):
                    kinds.add(UseKind.OTHER)  # merged into a document nothing uses
            else:
                kinds.add(use.kind)
    return frozenset(kinds)


def grants_nothing(uses: Mapping[str, tuple[Use, ...]], address: str) -> bool:
    """Used, and only as a trust, resource-based, Organizations or boundary policy."""
    kinds = effective(uses, address)
    return bool(kinds) and kinds <= NOT_GRANTS
