"""GCP IAM bindings as written: who gets which role on what, under which condition.

Terraform writes a binding five ways, for each level (project, folder, organisation, one
service account): ``*_iam_member`` (one member), ``*_iam_binding`` (members of one role),
``*_iam_policy`` (the whole policy, from a ``google_iam_policy`` data source's ``binding``
blocks), and the SA-level ones ``google_service_account_iam_*``.  A binding on a project,
folder or organisation reaches every resource there; one on a service account reaches that
account only (:mod:`.trusts` reads who it lets act as the account).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from nhilint.identity.gcp.context import Context
from nhilint.identity.graph import ScopeLevel, Text
from nhilint.identity.values import as_list
from nhilint.model import AttrPath, Resource, Span, Unknown

#: binding resource type prefix -> the level it grants at and the argument naming the target
LEVELS: Mapping[str, tuple[ScopeLevel, str]] = {
    "google_project_iam": (ScopeLevel.ACCOUNT, "project"),
    "google_folder_iam": (ScopeLevel.FOLDER, "folder"),
    "google_organization_iam": (ScopeLevel.ORGANIZATION, "org_id"),
    "google_service_account_iam": (ScopeLevel.RESOURCE, "service_account_id"),
}
_KINDS = ("member", "binding", "policy")
POLICY_DATA = "google_iam_policy"


class Member(NamedTuple):
    value: object
    span: Span


class Binding(NamedTuple):
    """One role granted to members on one target.

    ``resource`` is the binding resource; ``written_in`` is where the role and members are
    written (the resource, or the ``google_iam_policy`` data source of a policy);
    ``target`` the project, folder, organisation or service account as written.
    """

    resource: Resource
    written_in: str
    level: ScopeLevel
    target: object
    role: object
    members: tuple[Member, ...]
    condition: Mapping[str, object] | None
    span: Span


def bindings(ctx: Context) -> Iterator[Binding]:
    """Every binding of the model, in order."""
    for resource in ctx.model.resources:
        if resource.mode != "managed":
            continue
        prefix, _, kind = resource.type.rpartition("_")
        if prefix not in LEVELS or kind not in _KINDS:
            continue
        level, target_attr = LEVELS[prefix]
        target = resource.get(target_attr)
        if kind == "policy":
            yield from _policy(ctx, resource, level, target)
            continue
        members = _members(resource, "member" if kind == "member" else "members", ())
        yield Binding(resource, resource.address, level, target, resource.get("role"),
                      members, _condition(resource.get("condition")),
                      resource.span_of(("role",)))


def _members(resource: Resource, attr: str, at: AttrPath) -> tuple[Member, ...]:
    value = resource.get(attr) if not at else _dig(resource, (*at, attr))
    path = (*at, attr)
    if attr == "member":
        return (Member(value, resource.span_of(path)),)
    if isinstance(value, Unknown) or not isinstance(value, list | tuple):
        return (Member(value, resource.span_of(path)),) if value is not None else ()
    return tuple(Member(v, resource.span_of((*path, i))) for i, v in enumerate(value))


def _dig(resource: Resource, path: AttrPath) -> object:
    value: object = resource.attributes
    for step in path:
        if isinstance(step, int) and isinstance(value, list) and step < len(value):
            value = value[step]
        elif isinstance(step, str) and isinstance(value, dict):
            value = value.get(step)
        else:
            return None
    return value


def _condition(value: object) -> Mapping[str, object] | None:
    blocks = as_list(value)
    if not blocks:
        return None
    block = blocks[0]
    return block if isinstance(block, dict) else {"expression": block}


def _policy(ctx: Context, resource: Resource, level: ScopeLevel,
            target: object) -> Iterator[Binding]:
    """An authoritative policy: each ``binding`` block of its ``google_iam_policy``; a policy
    not read here is one binding whose role and members are not known."""
    data = ctx.index.referenced(resource.get("policy_data"), POLICY_DATA)
    if data is None:
        unknown = resource.get("policy_data")
        role: Text = unknown if isinstance(unknown, Unknown) else Unknown(
            "the policy data is not a google_iam_policy data source read here")
        yield Binding(resource, resource.address, level, target, role, (), None,
                      resource.span_of(("policy_data",)))
        return
    for i, block in enumerate(as_list(data.get("binding"))):
        if not isinstance(block, dict):  # a dynamic block, a computed list
            role = block if isinstance(block, Unknown) else Unknown(
                f"the binding is a {type(block).__name__}, not a block")
            yield Binding(resource, data.address, level, target, role, (), None,
                          data.span_of(("binding", i)))
            continue
        yield Binding(resource, data.address, level, target, block.get("role"),
                      _members(data, "members", ("binding", i)),
                      _condition(block.get("condition")), data.span_of(("binding", i, "role")))
