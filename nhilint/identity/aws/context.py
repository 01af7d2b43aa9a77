"""What the AWS adapter needs while it reads one model: lookups and principal resolution."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import NamedTuple

from nhilint.identity.aws.actions import ActionCatalog
from nhilint.identity.graph import Policy
from nhilint.identity.values import Index, text
from nhilint.model import Model, Provider, Resource, Unknown
from nhilint.settings import Settings

USER, ROLE, GROUP = "aws_iam_user", "aws_iam_role", "aws_iam_group"
PRINCIPAL_TYPES = (USER, ROLE, GROUP)


class PrincipalRef(NamedTuple):
    """A principal named by a grant, credential or membership: declared or external."""

    address: str
    kind: str
    name: str | None

    @property
    def external(self) -> bool:
        return self.address.startswith("external.")


@dataclasses.dataclass(frozen=True)
class Context:
    model: Model
    index: Index
    catalog: ActionCatalog
    settings: Settings
    declared: Mapping[str, Resource]
    names: Mapping[tuple[str, str], str]
    #: ``aws_iam_policy`` address -> its policy, filled as policies are first read
    customer_policies: dict[str, Policy] = dataclasses.field(default_factory=dict)

    @classmethod
    def build(cls, model: Model, catalog: ActionCatalog, settings: Settings) -> Context:
        declared = {r.address: r for r in model.resources if r.type in PRINCIPAL_TYPES}
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

    def principal(self, kind: str, value: object) -> PrincipalRef:
        """Resolve ``user = aws_iam_user.ci.name`` / ``"deploy-bot"`` / a role ARN."""
        target = self.index.referenced(value, kind)
        if target is not None:
            return PrincipalRef(target.address, kind, _name(target))
        name = _name_from(value)
        if name is not None and (kind, name) in self.names:
            return PrincipalRef(self.names[(kind, name)], kind, name)
        return PrincipalRef(f"external.{kind}.{name or text(value)}", kind, name)


def _name(resource: Resource) -> str | None:
    name = resource.get("name")
    return name if isinstance(name, str) else None


def _name_from(value: object) -> str | None:
    """``deploy-bot``, or the last path segment of an IAM ARN; ``None`` when not known."""
    if isinstance(value, Unknown) or not isinstance(value, str) or not value:
        return None
    if value.startswith("arn:"):
        return value.rsplit("/", 1)[-1]
    return value
