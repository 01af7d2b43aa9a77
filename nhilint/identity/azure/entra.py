"""Microsoft Graph application permissions and Microsoft Entra directory roles, by GUID or
name: which of them alter identity.

Two data files: ``nhilint/data/entra_altering_rules.json``, the reviewed rules (globs over
Graph permission values and directory role names, each with its reason), and
``nhilint/data/entra_catalog.json``, generated from them by ``scripts/gen_entra_catalog.py``:
every Graph application permission (an app role of the Microsoft Graph service principal) and
every built-in directory role template it knows, by id and name, with the ones the rules
select marked.  Both files are read lazily, once.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
from collections.abc import Mapping
from typing import NamedTuple

from nhilint.identity.data import DataFileError, read_data

__all__ = ["EntraCatalog", "Permission", "Rules", "load_catalog", "rules_from_data"]


class Permission(NamedTuple):
    """A Graph application permission or a directory role template; ``why`` is the reason it
    alters identity, ``""`` when it does not."""

    id: str
    name: str
    altering: bool
    why: str


@dataclasses.dataclass(frozen=True)
class Rules:
    """The reviewed rules: ``(pattern, why)`` pairs for app roles and for directory roles."""

    app_roles: tuple[tuple[str, str], ...]
    directory_roles: tuple[tuple[str, str], ...]

    @staticmethod
    def _why(patterns: tuple[tuple[str, str], ...], name: str) -> str:
        for pattern, why in patterns:
            if fnmatch.fnmatchcase(name, pattern):
                return why
        return ""

    def app_role_why(self, name: str) -> str:
        """The first matching rule's reason, ``""`` when no rule selects the permission."""
        return self._why(self.app_roles, name)

    def directory_role_why(self, name: str) -> str:
        return self._why(self.directory_roles, name)


def _patterns(data: dict[str, object], key: str) -> tuple[tuple[str, str], ...]:
    entries = data.get(key)
    if not isinstance(entries, list):
        raise DataFileError(f"entra_altering_rules.json: no {key} list")
    found = []
    for entry in entries:
        if not (isinstance(entry, dict) and isinstance(entry.get("pattern"), str)
                and isinstance(entry.get("why"), str) and entry["pattern"] and entry["why"]):
            raise DataFileError(f"entra_altering_rules.json: malformed rule {entry!r}")
        found.append((entry["pattern"], entry["why"]))
    return tuple(found)


def rules_from_data(data: object) -> Rules:
    """The rules from the decoded rules file, checked."""
    if not isinstance(data, dict):
        raise DataFileError("entra_altering_rules.json: not an object")
    return Rules(_patterns(data, "app_roles"), _patterns(data, "directory_roles"))


@dataclasses.dataclass(frozen=True)
class EntraCatalog:
    """Graph application permissions and directory role templates, by lower-cased GUID and
    by name (permission values as Graph spells them, role names lower-cased)."""

    source: str
    graph_app_id: str
    _app_roles: Mapping[str, Permission] = dataclasses.field(repr=False)
    _directory_roles: Mapping[str, Permission] = dataclasses.field(repr=False)

    def app_role(self, key: str) -> Permission | None:
        """A Graph application permission by its GUID (any case) or its value
        (``RoleManagement.ReadWrite.Directory``); ``None`` when Graph has no such one."""
        return self._app_roles.get(key) or self._app_roles.get(key.lower())

    def directory_role(self, key: str) -> Permission | None:
        """A built-in directory role by its template GUID or display name (any case)."""
        return self._directory_roles.get(key.lower())


def _entries(data: dict[str, object], key: str) -> list[tuple[str, str]]:
    entries = data.get(key)
    if not isinstance(entries, list):
        raise DataFileError(f"entra_catalog.json: no {key} list")
    found = []
    for entry in entries:
        if not (isinstance(entry, dict) and isinstance(entry.get("id"), str)
                and isinstance(entry.get("name"), str)):
            raise DataFileError(f"entra_catalog.json: malformed {key} entry {entry!r}")
        found.append((entry["id"], entry["name"]))
    return found


@functools.cache
def load_catalog() -> EntraCatalog:
    """The catalog from the shipped data files (read once)."""
    rules = rules_from_data(read_data("entra_altering_rules.json"))
    data = read_data("entra_catalog.json")
    if not isinstance(data, dict):
        raise DataFileError("entra_catalog.json: not an object")
    try:
        graph = data["_meta"]["sources"]["app_roles"]
        source = f"{graph['repository'].removeprefix('https://github.com/')}@{graph['commit']}"
        graph_app_id = str(data["graph_app_id"])
    except (KeyError, TypeError, AttributeError) as error:
        raise DataFileError(f"entra_catalog.json: malformed ({error})") from error
    app_roles: dict[str, Permission] = {}
    for guid, name in _entries(data, "app_roles"):
        why = rules.app_role_why(name)
        app_roles[guid.lower()] = app_roles[name] = Permission(guid, name, bool(why), why)
    directory_roles: dict[str, Permission] = {}
    for guid, name in _entries(data, "directory_roles"):
        why = rules.directory_role_why(name)
        found = Permission(guid, name, bool(why), why)
        directory_roles[guid.lower()] = directory_roles[name.lower()] = found
    return EntraCatalog(source, graph_app_id, app_roles, directory_roles)
