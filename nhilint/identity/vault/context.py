"""What the Vault adapter needs while it reads one model: the resource types it knows, its
lookups (policies by name, JWT/OIDC mounts by path, secret ids by role) and Vault's durations.

Resource types and arguments are those of the Vault provider's documentation,
hashicorp/terraform-provider-vault ``website/docs/r/*.html.md`` and
``website/docs/d/policy_document.md`` at commit 31447510c5c6ab0e1bd60435ff5b4a838b3f2f69.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from nhilint.identity.values import Index
from nhilint.identity.vault.catalog import VaultCatalog
from nhilint.model import Model, Resource, Unknown
from nhilint.settings import Settings

PLATFORM = "vault"
POLICY = "vault_policy"
DOCUMENT = "vault_policy_document"  # a data source: its ``hcl`` is a policy text
APPROLE = "vault_approle_auth_backend_role"
SECRET_ID = "vault_approle_auth_backend_role_secret_id"
TOKEN = "vault_token"
JWT_ROLE = "vault_jwt_auth_backend_role"
JWT_BACKEND = "vault_jwt_auth_backend"
AUTH_BACKEND = "vault_auth_backend"
#: every resource type the adapter reads (a model with none of them gives an empty graph)
TYPES = (POLICY, APPROLE, SECRET_ID, TOKEN, JWT_ROLE, JWT_BACKEND)
#: the mount path a role's ``backend`` defaults to, by role type (the provider's docs)
DEFAULT_BACKEND = {APPROLE: "approle", JWT_ROLE: "jwt"}

_DURATION = re.compile(r"^\s*(?:(?P<n>[0-9]+)\s*(?P<unit>ms|s|m|h|d)?)+\s*$")
_PART = re.compile(r"([0-9]+)\s*(ms|s|m|h|d)?")
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def seconds(value: object) -> int | Unknown | None:
    """A Vault duration as seconds: ``3600``, ``"3600"``, ``"1h"``, ``"1h30m"``; ``None``
    when absent or not a duration; an unknown value as it is."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and _DURATION.match(value):
        return int(sum(int(n) * _SECONDS[u or None] for n, u in _PART.findall(value)))
    return None


def duration(value: int) -> str:
    """Seconds as Vault writes a duration: ``3600`` is ``1h``."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if value and value % size == 0:
            return f"{value // size}{unit}"
    return f"{value}s"


@dataclasses.dataclass(frozen=True)
class Context:
    model: Model
    index: Index
    catalog: VaultCatalog
    settings: Settings
    #: declared ``vault_policy`` resources by their literal ``name``
    policies: Mapping[str, Resource]
    #: declared JWT/OIDC mounts by address and by their literal ``path``
    backends: Mapping[str, Resource]
    #: declared auth mounts (``vault_auth_backend``) by their literal ``path``
    mounts: Mapping[str, Resource]

    @classmethod
    def build(cls, model: Model, catalog: VaultCatalog, settings: Settings) -> Context:
        policies = {n: r for r in model.of_type(POLICY)
                    if r.mode == "managed" and isinstance(n := r.get("name"), str)}
        backends: dict[str, Resource] = {}
        for r in model.of_type(JWT_BACKEND):
            backends[r.address] = r
            path = r.get("path")
            if isinstance(path, str):
                backends.setdefault(path.strip("/"), r)
        mounts: dict[str, Resource] = {}
        for r in model.of_type(AUTH_BACKEND):
            path = r.get("path", r.get("type"))
            if isinstance(path, str):
                mounts.setdefault(path.strip("/"), r)
        return cls(model, Index(model.resources), catalog, settings, policies, backends, mounts)

    def mount_of(self, role: Resource) -> Resource | None:
        """The auth mount a role is written on: its ``backend`` reference or path, or the
        type's default path."""
        value = role.get("backend", DEFAULT_BACKEND.get(role.type))
        target = self.index.referenced(value, JWT_BACKEND, AUTH_BACKEND)
        if target is not None:
            return target
        if isinstance(value, str):
            path = value.strip("/")
            return self.backends.get(path) if role.type == JWT_ROLE else self.mounts.get(path)
        return None

    def role_of(self, secret_id: Resource) -> Resource | None:
        """The AppRole role a secret id is made for: by reference, or by its literal
        ``role_name`` (on the same mount)."""
        value = secret_id.get("role_name")
        target = self.index.referenced(value, APPROLE)
        if target is not None:
            return target
        if not isinstance(value, str):
            return None
        return next((r for r in self.model.of_type(APPROLE)
                     if r.get("role_name") == value and self._same_mount(r, secret_id)), None)

    def _same_mount(self, role: Resource, secret_id: Resource) -> bool:
        mine, theirs = role.get("backend", "approle"), secret_id.get("backend", "approle")
        if isinstance(mine, str) and isinstance(theirs, str):
            return mine.strip("/") == theirs.strip("/")
        return mine == theirs
