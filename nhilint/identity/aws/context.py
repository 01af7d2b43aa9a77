"""What the AWS adapter needs while it reads one model: lookups and principal resolution."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import NamedTuple

from nhilint.identity.aws.actions import ActionCatalog
from nhilint.identity.aws.arn import last_segment
from nhilint.identity.graph import PrincipalId, PrincipalKind, Text
from nhilint.identity.values import Index
from nhilint.model import Model, Provider, Resource, Unknown
from nhilint.settings import Settings

PLATFORM = "aws"
USER, ROLE, GROUP = "aws_iam_user", "aws_iam_role", "aws_iam_group"
#: an IAM Identity Center permission set: the role template provisioned into each account it
#: is assigned in (see :mod:`nhilint.identity.aws.sso`)
PERMISSION_SET = "aws_ssoadmin_permission_set"
PRINCIPAL_TYPES = (USER, ROLE, GROUP, PERMISSION_SET)
KINDS: Mapping[str, PrincipalKind] = {
    USER: "user", ROLE: "role", GROUP: "group", PERMISSION_SET: "role",
}


class Who(NamedTuple):
    """A principal named by a grant, credential or membership: declared here or not."""

    id: PrincipalId
    name: str | None
    declared: bool
    #: a counted or ``for_each`` resource declared here, one of whose instances this is,
    #: when which one is not known before apply
    instance_of: str = ""

    @property
    def type(self) -> str:
        return self.id.type


@dataclasses.dataclass(frozen=True)
class Context:
    model: Model
    index: Index
    catalog: ActionCatalog
    settings: Settings
    declared: Mapping[str, Resource]
    names: Mapping[tuple[str, str], str]
    #: ``aws_iam_policy`` address -> its policy as read (a ``grants.Read``), filled as
    #: policies are first read
    customer_policies: dict[str, object] = dataclasses.field(default_factory=dict)

    @classmethod
    def build(cls, model: Model, catalog: ActionCatalog, settings: Settings) -> Context:
        declared = {
            r.address: r for r in model.resources
            if r.type in PRINCIPAL_TYPES and r.mode == "managed"
        }
        names = {
            (r.type, name): r.address
            for r in declared.values()
            if isinstance(name := r.get("name"), str)
        }
        return cls(model, Index(model.resources), catalog, settings, declared, names)

    def provider(self, resource: Resource) -> Provider | None:
        for provider in self.model.providers:
            if provider.address == resource.provider:
                return provider
        return None

    def principal(self, type_: str, value: object) -> Who:
        """Resolve ``user = aws_iam_user.ci.name`` / ``"deploy-bot"`` / a role ARN."""
        target = self.index.referenced(value, type_)
        if target is not None and target.address in self.declared:
            return self.declared_principal(target)
        if target is not None:  # a data source: declared elsewhere, named here
            value = target.get("name", target.get("arn", value))
        name = last_segment(value)
        if name is not None and (type_, name) in self.names:
            return self.declared_principal(self.declared[self.names[(type_, name)]])
        ref: Text = value if isinstance(value, str | Unknown) else Unknown(
            f"is a {type(value).__name__}, not a name"
        )
        return Who(PrincipalId(PLATFORM, type_, ref), name, False, self._instance_of(value, type_))

    def _instance_of(self, value: object, type_: str) -> str:
        """The counted or ``for_each`` principal of this type the value names one instance of
        (``aws_iam_user.bots[each.key].name``); ``""`` for anything else."""
        refs = value.refs if isinstance(value, Unknown) else ()
        bases = {r.qualified for r in refs}
        return next((base for a, r in self.declared.items()
                     if r.type == type_ and (base := r.base_address) != a and base in bases), "")

    def declared_principal(self, resource: Resource) -> Who:
        name = resource.get("name")
        pid = PrincipalId(PLATFORM, resource.type, resource.address)
        return Who(pid, name if isinstance(name, str) else None, declared=True)
