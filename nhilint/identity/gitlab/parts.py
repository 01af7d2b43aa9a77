"""What one pass of the GitLab adapter collects (local to one build), and the expiry of a
GitLab secret."""

from __future__ import annotations

import dataclasses

from nhilint.identity.graph import (
    Attachment,
    Credential,
    Expiry,
    Exposure,
    Grant,
    Graph,
    Pending,
    Principal,
    PrincipalId,
)
from nhilint.model import Resource, Unknown


@dataclasses.dataclass
class Parts:
    principals: dict[PrincipalId, Principal] = dataclasses.field(default_factory=dict)
    grants: list[Grant] = dataclasses.field(default_factory=list)
    credentials: list[Credential] = dataclasses.field(default_factory=list)
    pending: list[Pending] = dataclasses.field(default_factory=list)
    attachments: list[Attachment] = dataclasses.field(default_factory=list)
    exposures: list[Exposure] = dataclasses.field(default_factory=list)

    def add(self, principal: Principal) -> None:
        self.principals.setdefault(principal.id, principal)

    def graph(self) -> Graph:
        return Graph(principals=tuple(self.principals.values()), grants=tuple(self.grants),
                     credentials=tuple(self.credentials), pending=tuple(self.pending),
                     attachments=tuple(self.attachments), exposures=tuple(self.exposures))


def expiry(resource: Resource) -> Expiry:
    """``expires_at`` as written; else, for a token with a ``rotation_configuration``, the
    lifetime of each rotated token (the provider sets ``expires_at`` from it); else never."""
    at = resource.get("expires_at")
    if isinstance(at, str | Unknown):
        return at
    days = rotation(resource).get("expiration_days")
    if isinstance(days, Unknown):
        return days
    if isinstance(days, int | float | str):
        return f"{days} days after each rotation (rotation_configuration)"
    return None


def rotation(resource: Resource) -> dict[str, object]:
    """The token's ``rotation_configuration`` object (written as an attribute or a block)."""
    value = resource.get("rotation_configuration")
    if isinstance(value, list) and value and isinstance(value[0], dict):
        value = value[0]
    return value if isinstance(value, dict) else {}
