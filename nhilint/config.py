"""``[tool.nhilint]`` in ``pyproject.toml`` or ``.nhilint.toml``: read, checked, made values.

Unknown keys are an error with a hint, never ignored.  Keys use kebab-case::

    [tool.nhilint]
    owner-tag-keys = ["owner", "Owner", "team", "Team"]
    automation-patterns = ["ci|deploy|bot"]        # regular expressions, matched per name token
    select = ["NHI00"]
    ignore = []
    fail-on = "high"
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from nhilint.settings import DEFAULT_AUTOMATION_PATTERNS, DEFAULT_OWNER_KEYS, Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

KEYS = ("owner-tag-keys", "automation-patterns", "select", "ignore", "fail-on")


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and the key."""


@dataclasses.dataclass(frozen=True)
class Config:
    settings: Settings = dataclasses.field(default_factory=Settings)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    source: str = ""


def find(start: Path) -> Path | None:
    """``.nhilint.toml``, or a ``pyproject.toml`` with ``[tool.nhilint]``, in ``start`` or above."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / ".nhilint.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "nhilint" in _table(_read(pyproject), pyproject.name):
            return pyproject
    return None


def load(path: Path | None) -> Config:
    if path is None:
        return Config()
    data = _read(path)
    table = _table(data, path.name).get("nhilint", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.nhilint] must be a table")
    return _config(table, str(path))


def _read(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            data: dict[str, object] = tomllib.load(handle)
            return data
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _table(data: Mapping[str, object], name: str) -> dict[str, object]:
    tool = data.get("tool", {}) if name == "pyproject.toml" else {}
    return tool if isinstance(tool, dict) else {}


def _config(table: Mapping[str, object], source: str) -> Config:
    for key in table:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            known = ", ".join(KEYS)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {known})"
            raise ConfigError(f"{source}: unknown key {key!r}{hint}")
    patterns = _strings(table, "automation-patterns", source, DEFAULT_AUTOMATION_PATTERNS)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{source}: automation-patterns: {pattern!r}: {exc}") from None
    fail_on = table.get("fail-on")
    if fail_on is not None and not isinstance(fail_on, str):
        raise ConfigError(f"{source}: fail-on must be a string")
    settings = Settings(
        owner_keys=_strings(table, "owner-tag-keys", source, DEFAULT_OWNER_KEYS),
        automation_patterns=patterns,
    )
    return Config(
        settings,
        _strings(table, "select", source, ()),
        _strings(table, "ignore", source, ()),
        fail_on,
        source,
    )


def _strings(
    table: Mapping[str, object], key: str, source: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    value = table.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {key} must be a list of strings")
    return tuple(value)
