"""Roles and ClusterRoles: their rules read against the RBAC data, and the built-in roles.

A binding's ``role_ref { kind, name }`` names a Role of the binding's namespace or a
ClusterRole.  A role declared here (by reference to its ``metadata[0].name``, or by its
literal name) is its ``rule`` blocks; a built-in ClusterRole (``cluster-admin``, ``admin``,
``edit``, ``view``, ``system:node``, ``system:controller:*`` …, generated from the API
server's bootstrap policy: see :mod:`nhilint.identity.k8s.rbac`) is its rules there, judged
exactly as a declared role's, and reported at the binding's ``role_ref`` (an aggregated one,
``admin``, ``edit``, ``view``, with the rules of the ClusterRoles declared here whose labels
join them, reported where those are written); any other name is a
role declared outside the scanned code, whose rules are not known (NHI901).  A ClusterRole
declared with an ``aggregation_rule`` takes its rules from the ClusterRoles its selectors
match, at run time: those are not known either.

A rule with ``resource_names`` reaches the named objects only; without, every object of its
resources in the binding's namespace (a RoleBinding, also when it references a ClusterRole) or
in the whole cluster (a ClusterRoleBinding).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from nhilint.identity.graph import Access, Policy, Scope, ScopeLevel, Text, Undecided
from nhilint.identity.k8s.context import CLUSTER_ROLES, PLATFORM, ROLES, Context, written
from nhilint.identity.k8s.rbac import Builtin
from nhilint.identity.values import as_list
from nhilint.model import Cause, Resource, Span, Unknown


@dataclasses.dataclass(frozen=True)
class RoleRule:
    """One ``rule`` block of a role: its permissions judged, where it is written."""

    permissions: tuple[Text, ...]
    altering: frozenset[str]
    wildcard: bool
    names: tuple[Text, ...]
    span: Span
    undecided: tuple[Undecided, ...] = ()
    #: the ClusterRole that adds this rule to a built-in aggregated role, if one does
    joined_from: str | None = None


@dataclasses.dataclass(frozen=True)
class Read:
    """A role as a binding references it: ``name`` as shown, its rules, where they are
    written (``written_in``), whether it is built in (cannot be edited)."""

    name: Text
    rules: tuple[RoleRule, ...]
    written_in: str
    span: Span
    declared: Resource | None = None
    builtin: bool = False
    undecided: tuple[Undecided, ...] = ()


def read_role(ctx: Context, kind: object, name: object, namespace: Text,
              binding: Resource) -> Read:
    """The role a ``role_ref`` names, from the binding ``binding``."""
    span = binding.span_of(("role_ref", 0))
    types = CLUSTER_ROLES if kind == "ClusterRole" else ROLES
    declared = _declared(ctx, types, name, namespace)
    if declared is not None:
        return Read(ctx.name(declared), tuple(rules_of(ctx, declared)), declared.address,
                    declared.span, declared, undecided=_aggregated(declared))
    shown = ctx.resolve(name, "name")
    if not isinstance(shown, str):
        return Read(shown, (), binding.address, span, undecided=(
            Undecided("the role", shown if isinstance(shown, Unknown) else None,
                      "is not known before apply"),))
    builtin = ctx.rbac.builtin(shown) if kind == "ClusterRole" else None
    if builtin is not None:
        rules = tuple(
            _judged(ctx, [list(b.api_groups), list(b.resources), list(b.verbs)],
                    b.resource_names, span)
            for b in builtin.rules if b.resources or not b.non_resource_urls)
        return Read(shown, (*rules, *_joined(ctx, builtin)), binding.address, span,
                    builtin=True)
    where = "ClusterRole" if kind == "ClusterRole" else f"Role of namespace {namespace}"
    return Read(shown, (), binding.address, span, undecided=(Undecided(
        f"the {where} {shown}", None, "is declared outside the scanned code",
        Cause.EXTERNAL),))


def _declared(ctx: Context, types: Sequence[str], name: object,
              namespace: Text) -> Resource | None:
    target = ctx.index.referenced(name, *types)
    if target is not None and target.mode == "managed":
        return target
    if not isinstance(name, str):
        return None
    for resource in ctx.model.of_type(*types):
        if resource.mode != "managed" or ctx.name(resource) != name:
            continue
        if resource.type in CLUSTER_ROLES or written(ctx.namespace(resource)) == written(
                namespace):
            return resource
    return None


def _joined(ctx: Context, builtin: Builtin) -> Iterator[RoleRule]:
    """The rules of the ClusterRoles declared here whose labels join them to ``builtin``."""
    if not builtin.selectors:
        return
    for role in ctx.model.of_type(*CLUSTER_ROLES):
        labels = ctx.metadata(role).get("labels")
        if role.mode == "managed" and isinstance(labels, dict) and builtin.joins(labels):
            for rule in rules_of(ctx, role):
                yield dataclasses.replace(rule, joined_from=role.address)


def _aggregated(role: Resource) -> tuple[Undecided, ...]:
    if not as_list(role.get("aggregation_rule")):
        return ()
    return (Undecided("the aggregated rules of the ClusterRole", None,
                      "are those of the ClusterRoles its selectors match in the cluster",
                      Cause.EXTERNAL),)


def rules_of(ctx: Context, role: Resource) -> Iterator[RoleRule]:
    """The role's ``rule`` blocks, judged."""
    for index, block in enumerate(as_list(role.get("rule"))):
        if not isinstance(block, dict):
            continue
        undecided: list[Undecided] = []
        lists = [_strings(block.get(f), f, undecided) for f in ("api_groups", "resources",
                                                                 "verbs")]
        if block.get("non_resource_urls") and not block.get("resources"):
            continue  # /healthz and the like: no object, no identity
        names = tuple(v for v in as_list(block.get("resource_names"))
                      if isinstance(v, str | Unknown))
        yield _judged(ctx, lists, names, role.span_of(("rule", index)), tuple(undecided))


def _judged(ctx: Context, lists: list[list[str]], names: tuple[Text, ...], span: Span,
            undecided: tuple[Undecided, ...] = ()) -> RoleRule:
    """One rule (``lists``: its api groups, resources and verbs), judged by the RBAC data:
    the same for a declared role and a built-in one (whose rules of non-resource URLs only,
    ``/healthz`` and the like, are left out as a declared role's are: no object, no
    identity)."""
    judged = ctx.rbac.judge(*lists)
    first = sorted(judged.altering)
    rest = [p for p in judged.permissions if p not in judged.altering]
    return RoleRule(tuple(dict.fromkeys([*first, *rest])), judged.altering, judged.wildcard,
                    names, span, undecided)


def _strings(value: object, field: str, undecided: list[Undecided]) -> list[str]:
    found = []
    for item in as_list(value):
        if isinstance(item, str):
            found.append(item)
        else:
            unknown = item if isinstance(item, Unknown) else Unknown(
                f"is a {type(item).__name__}, not a string")
            undecided.append(Undecided(f"the rule's {field}", unknown,
                                       "is not known before apply"))
    return found


def scope_of(rule: RoleRule, level: ScopeLevel, where: Text) -> Scope:
    """What a rule reaches through a binding at ``level`` (namespace ``where``, or the
    cluster)."""
    if rule.names:
        return Scope(ScopeLevel.RESOURCE, rule.names)
    return Scope(level, (where,), wildcard=True)


def namespace_id(namespace: Text) -> Text:
    """How a namespace is named in a scope: ``namespace/apps``."""
    return f"namespace/{namespace}" if isinstance(namespace, str) else namespace


def access_of(rule: RoleRule, read: Read, scope: Scope) -> Access:
    """The access a rule gives through a binding; a built-in role's own rules are managed
    (they cannot be edited), those a declared ClusterRole joins to it are written there."""
    return Access(rule.permissions, rule.altering, scope, rule.span,
                  rule.joined_from or read.written_in, wildcard=rule.wildcard,
                  undecided=rule.undecided, managed=read.builtin and rule.joined_from is None)


def policies(ctx: Context) -> Iterator[Policy]:
    """Every Role and ClusterRole declared here, whoever it is bound to (NHI011 reads them)."""
    for role in ctx.model.of_type(*ROLES, *CLUSTER_ROLES):
        if role.mode != "managed":
            continue
        cluster = role.type in CLUSTER_ROLES
        level = ScopeLevel.CLUSTER if cluster else ScopeLevel.NAMESPACE
        where = "cluster" if cluster else namespace_id(ctx.namespace(role))
        name = ctx.name(role)
        read = Read(name, (), role.address, role.span, role)
        access = tuple(access_of(r, read, scope_of(r, level, where)) for r in rules_of(ctx, role))
        shown = name if isinstance(name, str) else role.address
        label = f"{'ClusterRole' if cluster else 'Role'} {shown} ({role.address})"
        yield Policy(PLATFORM, role.address, label, shown, access, role.span)
