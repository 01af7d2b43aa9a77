"""GCP permissions and predefined roles: which of them alter identity.

Two data files: ``nhilint/data/gcp_altering_rules.json``, the reviewed rules (globs over
permission names, each with its reason) that decide which permissions alter identity, and
``nhilint/data/gcp_roles.json``, generated from them and ``iann0036/iam-dataset`` by
``scripts/gen_gcp_roles.py``: every predefined role with the identity-altering permissions it
holds.  Custom roles (``google_project_iam_custom_role.permissions``) are judged by the rules
at run time.  Both files are read lazily, once.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from nhilint.identity.data import DataFileError, read_data

__all__ = ["GcpCatalog", "Role", "Rules", "load_catalog", "rules_from_data"]


class Role(NamedTuple):
    """A predefined role: ``altering`` are its identity-altering permissions; ``basic`` for
    ``roles/owner``, ``roles/editor``, ``roles/viewer`` (which take no IAM condition)."""

    name: str
    altering: frozenset[str]
    basic: bool
    permissions: int


@dataclasses.dataclass(frozen=True)
class Rules:
    """The reviewed rules: ``(pattern, why)`` pairs and the basic roles."""

    patterns: tuple[tuple[str, str], ...]
    basic: frozenset[str]

    def why(self, permission: str) -> str:
        """The first matching rule's reason, ``""`` when no rule selects ``permission``."""
        for pattern, why in self.patterns:
            if fnmatch.fnmatchcase(permission, pattern):
                return why
        return ""

    def is_altering(self, permission: str) -> bool:
        return bool(self.why(permission))


def rules_from_data(data: object) -> Rules:
    """The rules from the decoded rules file, checked."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise DataFileError("gcp_altering_rules.json: no rules list")
    patterns = []
    for entry in data["rules"]:
        if not (isinstance(entry, dict) and isinstance(entry.get("pattern"), str)
                and isinstance(entry.get("why"), str) and entry["pattern"] and entry["why"]):
            raise DataFileError(f"gcp_altering_rules.json: malformed rule {entry!r}")
        patterns.append((entry["pattern"], entry["why"]))
    basic = data.get("basic_roles", [])
    if not isinstance(basic, list) or not all(isinstance(b, str) for b in basic):
        raise DataFileError("gcp_altering_rules.json: basic_roles is not a list of names")
    return Rules(tuple(patterns), frozenset(basic))


@dataclasses.dataclass(frozen=True)
class GcpCatalog:
    """The predefined roles by name, and the rules for any other permission."""

    source: str
    rules: Rules
    roles: Mapping[str, Role]

    def role(self, name: str) -> Role | None:
        """A predefined role by its ``roles/…`` name; ``None`` when it is not one."""
        return self.roles.get(name)

    def is_altering(self, permission: str) -> bool:
        return self.rules.is_altering(permission)

    def altering(self, permissions: Iterable[str]) -> frozenset[str]:
        """The identity-altering ones of a custom role's permissions."""
        return frozenset(p for p in permissions if self.rules.is_altering(p))

    def why(self, permission: str) -> str:
        return self.rules.why(permission)


def _roles(data: object, basic: frozenset[str]) -> tuple[str, dict[str, Role]]:
    if not isinstance(data, dict):
        raise DataFileError("gcp_roles.json: not an object")
    try:
        source = data["_meta"]["source"]
        pin = f"iann0036/iam-dataset@{source['commit']}"
        found = {
            name: Role(name, frozenset(entry["altering"]), name in basic,
                       int(entry["permissions"]))
            for name, entry in data["altering"].items()
        }
        found |= {name: Role(name, frozenset(), name in basic, int(count))
                  for name, count in data["inert"].items() if name not in found}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DataFileError(f"gcp_roles.json: malformed ({error})") from error
    return pin, found


@functools.cache
def load_catalog() -> GcpCatalog:
    """The catalog from the shipped data files (read once)."""
    rules = rules_from_data(read_data("gcp_altering_rules.json"))
    source, roles = _roles(read_data("gcp_roles.json"), rules.basic)
    return GcpCatalog(source, rules, roles)
