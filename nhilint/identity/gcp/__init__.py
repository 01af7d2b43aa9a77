"""The GCP adapter: service accounts, their IAM bindings, keys and who may act as them.

GCP's own algebra is resolved here: a predefined role is its permissions from the catalog
(:mod:`.catalog`), a custom role declared here is its ``permissions``, a basic role that can
alter identity (owner, editor) is unbounded; a binding on a project, folder or organisation
reaches every resource there (its scope is the whole level), one on a service account that
account; an IAM condition ending ``request.time`` is the grant's expiry and one on the
resource narrows it (:mod:`.conditions`).  What leaves is the platform-neutral graph of
:mod:`nhilint.identity.graph`.  Members not declared here (``user:``, ``group:``,
``principalSet://``, a computed member) are principals named as written, with the automation
verdict their type gives, or none.  Google-managed service agents, and the service agent roles
made for them (``roles/<service>.serviceAgent``), are Google's side of a service the
configuration enables: their bindings are read as granting nothing to the configuration's
principals.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping

from nhilint.identity.gcp.bindings import Binding, bindings
from nhilint.identity.gcp.catalog import load_catalog
from nhilint.identity.gcp.conditions import read_condition
from nhilint.identity.gcp.context import (
    PLATFORM,
    REASONING_ENGINE,
    Context,
    Who,
    service_agent_role,
)
from nhilint.identity.gcp.credentials import credentials
from nhilint.identity.gcp.fixes import FIXES
from nhilint.identity.gcp.principals import principal_for
from nhilint.identity.gcp.roles import custom_policies, read_role
from nhilint.identity.gcp.trusts import TOKENS, federated, trusts
from nhilint.identity.graph import (
    Access,
    Attachment,
    Automation,
    Grant,
    Graph,
    Pending,
    Policy,
    PrincipalId,
    Provenance,
    Reason,
    Scope,
    ScopeLevel,
    Text,
    Trust,
)
from nhilint.identity.secrets import SecretCatalog, load_secrets
from nhilint.identity.values import first_block
from nhilint.model import Model, Resource, Unknown
from nhilint.settings import Settings

__all__ = ["FIXES", "PLATFORM", "build", "secrets"]


@functools.cache
def _secrets() -> SecretCatalog:
    return load_secrets("gcp_secrets.json", PLATFORM)


def secrets() -> SecretCatalog:
    """Where GCP configuration holds secret material (``nhilint/data/gcp_secrets.json``)."""
    return _secrets()


class _Found:
    """What one pass over the bindings collects (local to :func:`build`)."""

    def __init__(self) -> None:
        self.who: dict[PrincipalId, Who] = {}
        self.grants: list[Grant] = []
        self.pending: list[Pending] = []
        self.trusts: list[Trust] = []
        self.attachments: dict[str, tuple[Binding, Access, list[PrincipalId]]] = {}

    def named(self, who: Who) -> None:
        self.who.setdefault(who.id, who)


def build(model: Model, settings: Settings) -> Graph:
    if not any(r.type.startswith("google_") for r in model.resources):
        return Graph()
    ctx = Context.build(model, load_catalog(), settings)
    found = _Found()
    for resource in ctx.accounts.values():
        found.named(ctx.account(resource))
    agents = _agents(ctx, found)
    for binding in bindings(ctx):
        _bind(ctx, binding, found)
    owned = list(credentials(ctx))
    for holder, _ in owned:
        found.named(holder)
    principals = tuple(principal_for(ctx, w, agents) for w in found.who.values())
    return Graph(
        principals=principals,
        grants=tuple(found.grants),
        credentials=tuple(c for _, c in owned),
        trusts=tuple(found.trusts),
        policies=tuple(custom_policies(ctx)),
        attachments=tuple(_attachments(found)),
        pending=tuple(found.pending),
    )


def _agents(ctx: Context, found: _Found) -> Mapping[str, Resource]:
    """Service accounts (and agent identities) that a Vertex AI agent engine runs as, by
    principal reference."""
    agents: dict[str, Resource] = {}
    for engine in ctx.model.of_type(REASONING_ENGINE):
        if engine.mode != "managed":
            continue
        spec = first_block(engine, "spec")
        account = spec.get("service_account")
        if spec.get("identity_type") == "AGENT_IDENTITY":
            who = Who(PrincipalId(PLATFORM, REASONING_ENGINE, engine.address), "ai-agent",
                      None, True, Automation.YES,
                      (Reason("is the agent identity of a Vertex AI agent engine"),))
            found.named(who)
            agents[engine.address] = engine
        elif account is not None:
            who = ctx.service_account(account)
            found.named(who)
            if isinstance(who.id.ref, str):
                agents[who.id.ref] = engine
    return agents


def _bind(ctx: Context, binding: Binding, found: _Found) -> None:
    if service_agent_role(binding.role):  # for Google's service agents only
        return
    read = read_role(ctx, binding.role)
    condition = read_condition(binding.condition, ctx.settings.today)
    if condition.ended:
        return
    account = ctx.service_account(binding.target) if binding.level is ScopeLevel.RESOURCE else None
    # minting the tokens of one service account is a trust of it (.trusts), not a grant
    altering = read.altering - TOKENS if account is not None else read.altering
    access = Access(
        read.permissions, altering, _scope(binding, account), binding.span,
        binding.written_in, wildcard=read.wildcard, conditions=condition.conditions,
        expiry=condition.expiry, undecided=read.undecided + condition.undecided,
        managed=read.managed,
    )
    chain = tuple(dict.fromkeys((
        binding.resource.address, binding.written_in,
        *((read.custom.address,) if read.custom is not None else ()))))
    if account is not None:
        found.named(account)
        found.trusts += trusts(ctx, account, binding, read)
    for member in binding.members:
        if ctx.service_agent(member.value):
            continue
        who = ctx.member(member.value)
        if who.id not in found.who:
            found.trusts += federated(ctx, who, binding, member)
        found.named(who)
        where = Provenance(binding.resource.address, chain, member.span)
        if read.undecided:
            found.pending.append(Pending(who.id, f"the role {_shown(read.name)}",
                                         read.undecided[0], where))
        found.grants.append(Grant(who.id, access, where))
        if read.managed and read.altering and access.scope.wildcard:
            entry = found.attachments.setdefault(binding.resource.address, (binding, access, []))
            entry[2].append(who.id)
    if not binding.members and read.undecided:  # a policy not read: its members neither
        who = ctx.member(read.name)
        found.named(who)
        where = Provenance(binding.resource.address, chain, binding.span)
        found.pending.append(Pending(who.id, "the IAM policy", read.undecided[0], where))


def _scope(binding: Binding, account: Who | None) -> Scope:
    target = binding.target
    shown: Text = target if isinstance(target, str | Unknown) else (
        Unknown("the provider's default project") if target is None else
        Unknown(f"is a {type(target).__name__}, not a name"))
    if account is not None:
        return Scope(ScopeLevel.RESOURCE, (shown,))
    return Scope(binding.level, (shown,), wildcard=True)


def _shown(name: Text) -> str:
    return name if isinstance(name, str) else (name.source or name.reason)


def _attachments(found: _Found) -> Iterator[Attachment]:
    """Each binding of a predefined role that alters identity on a whole project, folder or
    organisation, as an attachment of a provider-managed policy (NHI011 reports it)."""
    for address, (binding, access, principals) in found.attachments.items():
        name = _shown(access.permissions[0])
        policy = Policy(PLATFORM, f"{binding.written_in}#{name}", name, name, (access,),
                        access.span, managed=True)
        yield Attachment(address, policy, binding.span, tuple(dict.fromkeys(principals)))
