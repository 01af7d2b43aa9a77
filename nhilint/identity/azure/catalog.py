"""Azure RBAC role definitions: which of them alter identity.

Two data files: ``nhilint/data/azure_altering_rules.json``, the reviewed list of
identity-altering Azure Resource Manager operations (each with its reason), and
``nhilint/data/azure_roles.json``, generated from it and ``iann0036/iam-dataset`` by
``scripts/gen_azure_roles.py``: every built-in role definition by name and GUID with the
identity-altering operations it grants.  A custom role definition (``azurerm_role_definition``
``permissions``) is judged the same way at run time: an operation is granted when one of the
``actions`` matches it (case-insensitive, ``*`` any run of characters) and no ``not_actions``
pattern does.  Both files are read lazily, once.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from nhilint.identity.data import DataFileError, read_data

__all__ = [
    "AzureCatalog", "RoleDefinition", "Rules", "granted", "load_catalog", "rules_from_data",
]

_GUID = re.compile(r"[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$", re.IGNORECASE)


class RoleDefinition(NamedTuple):
    """A built-in role: ``altering`` the identity-altering operations it grants; ``wildcard``
    when its actions include ``*`` (every operation, less its notActions); ``conditioned``
    when its identity-altering grants hold only under the definition's ABAC condition."""

    name: str
    id: str
    altering: frozenset[str]
    wildcard: bool
    conditioned: bool = False


@dataclasses.dataclass(frozen=True)
class Rules:
    """The reviewed identity-altering operations, ``(operation, why)`` pairs; ``uses`` those
    (lower case) whose holder, at a user-assigned identity's own scope, may act as it."""

    operations: tuple[tuple[str, str], ...]
    uses: frozenset[str] = frozenset()

    def why(self, operation: str) -> str:
        wanted = operation.lower()
        return next((why for name, why in self.operations if name.lower() == wanted), "")


def rules_from_data(data: object) -> Rules:
    """The rules from the decoded rules file, checked."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise DataFileError("azure_altering_rules.json: no rules list")
    found, uses = [], set()
    for entry in data["rules"]:
        if not (isinstance(entry, dict) and isinstance(entry.get("operation"), str)
                and isinstance(entry.get("why"), str) and entry["operation"] and entry["why"]):
            raise DataFileError(f"azure_altering_rules.json: malformed rule {entry!r}")
        if not isinstance(entry.get("uses", False), bool):
            raise DataFileError(f"azure_altering_rules.json: malformed uses in {entry!r}")
        found.append((entry["operation"], entry["why"]))
        if entry.get("uses"):
            uses.add(entry["operation"].lower())
    return Rules(tuple(found), frozenset(uses))


@functools.lru_cache(maxsize=4096)
def _pattern(action: str) -> re.Pattern[str]:
    """An action as a pattern: ``*`` any run of characters, and a whole ``/*/`` segment
    possibly none (``userAssignedIdentities/*/assign/action`` is how Managed Identity Operator
    grants ``userAssignedIdentities/assign/action``)."""
    segments = ("(?:/.*)?/".join(".*".join(re.escape(part) for part in piece.split("*"))
                                 for piece in action.split("/*/")))
    return re.compile(segments + r"\Z", re.IGNORECASE)


def granted(operation: str, actions: Iterable[str], not_actions: Iterable[str] = ()) -> bool:
    """Azure's evaluation of one permissions block for ``operation``: matched by an action
    and by no not-action."""
    return (any(_pattern(a).match(operation) for a in actions)
            and not any(_pattern(n).match(operation) for n in not_actions))


@dataclasses.dataclass(frozen=True)
class AzureCatalog:
    """The built-in roles by name and id, and the rules for custom definitions."""

    source: str
    rules: Rules
    by_name: Mapping[str, RoleDefinition]
    by_id: Mapping[str, RoleDefinition]

    def role(self, name_or_id: str) -> RoleDefinition | None:
        """A built-in role by name (any case), GUID, or a full role definition id
        (``/subscriptions/…/providers/Microsoft.Authorization/roleDefinitions/<GUID>``)."""
        last = name_or_id.rstrip("/").rsplit("/", 1)[-1]
        if _GUID.match(last):
            return self.by_id.get(last.lower())
        return self.by_name.get(name_or_id.lower())

    def altering(self, actions: Iterable[str], not_actions: Iterable[str] = ()) -> frozenset[str]:
        """The identity-altering operations a permissions block grants."""
        actions, not_actions = tuple(actions), tuple(not_actions)
        return frozenset(op for op, _ in self.rules.operations
                         if granted(op, actions, not_actions))

    def why(self, operation: str) -> str:
        return self.rules.why(operation)

    def uses(self, operations: Iterable[str]) -> bool:
        """Whether ``operations`` include one that lets its holder act as a user-assigned
        identity it holds it on."""
        return any(op.lower() in self.rules.uses for op in operations)


def _roles(data: object) -> tuple[str, list[RoleDefinition]]:
    if not isinstance(data, dict):
        raise DataFileError("azure_roles.json: not an object")
    try:
        pin = f"iann0036/iam-dataset@{data['_meta']['source']['commit']}"
        found = [
            RoleDefinition(str(entry["name"]), str(entry["id"]).lower(),
                           frozenset(entry.get("altering", ())), bool(entry.get("wildcard")),
                           bool(entry.get("conditioned")))
            for entry in data["roles"]
        ]
    except (KeyError, TypeError, AttributeError) as error:
        raise DataFileError(f"azure_roles.json: malformed ({error})") from error
    return pin, found


@functools.cache
def load_catalog() -> AzureCatalog:
    """The catalog from the shipped data files (read once)."""
    rules = rules_from_data(read_data("azure_altering_rules.json"))
    source, roles = _roles(read_data("azure_roles.json"))
    return AzureCatalog(source, rules, {r.name.lower(): r for r in roles},
                        {r.id: r for r in roles})
