"""The identity layer: resources in, NHI graph out, one adapter per platform.

Each adapter is a module that satisfies :class:`Adapter`: it contributes its part of the
graph of one module's resources, and the fix hints for its platform.  :data:`ADAPTERS` is the
registry: one explicit entry per platform, no import-time registration.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Protocol

from nhilint.identity import aws, azure, gcp, github, gitlab, k8s, vault
from nhilint.identity.graph import Graph
from nhilint.identity.secrets import SecretCatalog
from nhilint.identity.unread import unread_modules
from nhilint.model import Model
from nhilint.settings import Settings

#: the fix hints every adapter provides (checked by the tests)
FIX_KEYS = (
    "static-secret", "no-owner", "wildcard-scope", "wildcard-scope-managed", "no-expiry-grant",
    "no-expiry-grant-managed", "no-expiry-credential", "admin-policy", "admin-policy-managed",
    "automation-unknown-external", "automation-unknown-declared", "owner-unknown",
    "policy-unknown", "expiry-unknown", "privilege-escalation", "secret-literal",
    "secret-embedded", "secret-output", "open-trust-anyone", "open-trust-subject",
    "open-trust-audience", "open-trust-third-party", "trust-unknown", "long-lived-secret",
    "long-lived-secret-state", "credential-expiry-unknown", "human-login", "human-trust",
)


class Adapter(Protocol):
    """A platform adapter module."""

    PLATFORM: str
    FIXES: Mapping[str, str]

    def build(self, model: Model, settings: Settings) -> Graph: ...

    def secrets(self) -> SecretCatalog: ...


ADAPTERS: Mapping[str, Adapter] = {
    aws.PLATFORM: aws, gcp.PLATFORM: gcp, azure.PLATFORM: azure,
    k8s.PLATFORM: k8s, vault.PLATFORM: vault, github.PLATFORM: github,
    gitlab.PLATFORM: gitlab,
}


def build_graph(model: Model, settings: Settings) -> Graph:
    """The NHI graph of one module's resources: every adapter's part, merged."""
    parts = [adapter.build(model, settings) for adapter in ADAPTERS.values()]
    return Graph.merge([*parts, unread_modules(model)])


def fix_hint(platform: str, key: str) -> str:
    """The platform's fix for ``key``, or ``""`` when the platform has none."""
    adapter = ADAPTERS.get(platform)
    return adapter.FIXES.get(key, "") if adapter else ""


@functools.cache
def secret_catalog() -> SecretCatalog:
    """Where every platform's configuration holds secret material (each adapter's data),
    merged once: the adapters and their data do not change during a run."""
    return SecretCatalog.merge(adapter.secrets() for adapter in ADAPTERS.values())
