"""RoleBindings and ClusterRoleBindings: who holds which role's rules, and how far they reach.

A RoleBinding grants its role's rules in its own namespace (``NAMESPACE`` scope), also when
it references a ClusterRole; a ClusterRoleBinding grants them in every namespace and on the
cluster's own objects (``CLUSTER`` scope, which is broad: NHI003).  A binding never expires:
it holds until it is deleted.  Each ``subject`` is a principal (see
:meth:`~nhilint.identity.k8s.context.Context.subject`); a subject that stands for anyone
(``system:authenticated``, ``system:unauthenticated``, the ``system:anonymous`` user) bound
to a role that alters identity is an open door, a trust of anyone (NHI010).

People (``User`` and ``Group`` subjects) bound to ``impersonate serviceaccounts`` or
``create serviceaccounts/token`` may act as the service accounts in reach: the named ones
(``resource_names``), or every one declared in the binding's namespace (or cluster).  That is a
trust of people on each of those service accounts (NHI014); the same permission held by a
service account is an impersonation trust (shown in the inventory).

(``hashicorp/terraform-provider-kubernetes:docs/resources/role_binding_v1.md``:
``role_ref { api_group, kind, name }``, ``subject { kind, name, namespace, api_group }``.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from nhilint.identity.graph import (
    Attachment,
    Automation,
    Grant,
    Pending,
    Policy,
    PrincipalId,
    Provenance,
    ScopeLevel,
    Text,
    Trust,
    TrustKind,
)
from nhilint.identity.k8s.context import (
    CLUSTER_ROLE_BINDINGS,
    PLATFORM,
    ROLE_BINDINGS,
    Context,
    Who,
    written,
)
from nhilint.identity.k8s.roles import Read, access_of, namespace_id, read_role, scope_of
from nhilint.identity.values import as_list
from nhilint.model import Resource, Unknown

#: the permissions by which a subject may act as service accounts
_ACTS_AS = frozenset({"impersonate serviceaccounts", "create serviceaccounts/token"})


@dataclasses.dataclass
class Found:
    """What the pass over the bindings collects (local to one build)."""

    who: dict[PrincipalId, Who] = dataclasses.field(default_factory=dict)
    grants: list[Grant] = dataclasses.field(default_factory=list)
    pending: list[Pending] = dataclasses.field(default_factory=list)
    trusts: list[Trust] = dataclasses.field(default_factory=list)
    attachments: list[Attachment] = dataclasses.field(default_factory=list)

    def named(self, who: Who) -> None:
        self.who.setdefault(who.id, who)


def read_bindings(ctx: Context, found: Found) -> None:
    for binding in ctx.model.of_type(*ROLE_BINDINGS, *CLUSTER_ROLE_BINDINGS):
        if binding.mode == "managed":
            _bind(ctx, binding, found)


def _bind(ctx: Context, binding: Resource, found: Found) -> None:
    cluster = binding.type in CLUSTER_ROLE_BINDINGS
    namespace: Text = "cluster" if cluster else ctx.namespace(binding)
    level = ScopeLevel.CLUSTER if cluster else ScopeLevel.NAMESPACE
    ref = next((b for b in as_list(binding.get("role_ref")) if isinstance(b, dict)), {})
    read = read_role(ctx, ref.get("kind"), ref.get("name"), namespace, binding)
    reach: Text = "cluster" if cluster else namespace_id(namespace)
    accesses = tuple(access_of(r, read, scope_of(r, level, reach)) for r in read.rules)
    chain = tuple(dict.fromkeys((binding.address, read.written_in,
                                 *(r.joined_from for r in read.rules if r.joined_from))))
    holders: list[PrincipalId] = []
    for index, block in enumerate(as_list(binding.get("subject"))):
        if not isinstance(block, dict):
            continue
        default: Text = Unknown("a ClusterRoleBinding subject needs its namespace") if (
            cluster) else namespace
        written = block.get("namespace")
        subject_ns = default if written is None else ctx.resolve(written, "namespace")
        who = ctx.subject(block.get("kind"), block.get("name"), subject_ns)
        found.named(who)
        where = Provenance(binding.address, chain, binding.span_of(("subject", index)))
        found.grants += [Grant(who.id, a, where) for a in accesses]
        holders.append(who.id)
        undecided = (*read.undecided, *(u for r in read.rules for u in r.undecided))
        if undecided:
            found.pending.append(Pending(who.id, f"the role {_shown(read.name)}",
                                         undecided[0], where))
        altering = any(a.altering for a in accesses)
        if altering and ctx.anyone(who):
            found.trusts.append(Trust(who.id, TrustKind.ANYONE, who.id.ref, where.span,
                                      via=binding.address, written_in=binding.address))
        if who.automation is not Automation.UNKNOWN:
            found.trusts += _acting(ctx, who, read, binding, namespace, where)
    managed = tuple(a for a in accesses if a.managed)
    if read.builtin and any(a.altering and a.scope.wildcard for a in managed):
        name = _shown(read.name)
        policy = Policy(PLATFORM, f"{binding.address}#{name}", f"ClusterRole {name}", name,
                        managed, read.span, managed=True)
        found.attachments.append(Attachment(binding.address, policy, read.span,
                                            tuple(dict.fromkeys(holders))))


def _acting(ctx: Context, who: Who, read: Read, binding: Resource, namespace: Text,
            where: Provenance) -> Iterator[Trust]:
    """Trusts of people (or of other automation) on the service accounts they may
    impersonate or mint tokens for."""
    kind = TrustKind.PEOPLE if who.automation is Automation.NO else TrustKind.IMPERSONATION
    cluster = binding.type in CLUSTER_ROLE_BINDINGS
    for rule in read.rules:
        if not rule.altering & _ACTS_AS:
            continue
        if rule.names:
            targets = [ctx.service_account(n, namespace) for n in rule.names]
            accounts = [t for t in targets if t.declared]
        else:
            accounts = [ctx.account(r) for r in ctx.accounts.values()
                        if cluster or written(ctx.namespace(r)) == written(namespace)]
        for account in (a for a in accounts if a.id != who.id):
            yield Trust(account.id, kind, who.id.ref, where.span,
                        via=binding.address, written_in=binding.address)


def _shown(name: Text) -> str:
    return name if isinstance(name, str) else (name.source or name.reason)
