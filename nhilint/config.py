"""``[tool.nhilint]`` in ``pyproject.toml`` or ``.nhilint.toml``: found, read, checked, made values.

The config of a scan is the one nearest to the first scanned path (ruff's rule: a
``.nhilint.toml``, or a ``pyproject.toml`` holding ``[tool.nhilint]``, in the path's directory
or above), else the one nearest to the working directory; ``--config FILE`` wins over both.
Keys use kebab-case::

    owner-tag-keys = ["owner", "Owner", "team", "Team"]
    automation-patterns = ["ci|deploy|bot"]        # regular expressions, matched per name token
    select = ["NHI00"]                             # rule ids, id prefixes or names
    ignore = []
    fail-on = "high"
    severity-overrides = { NHI004 = "low", static-secret = "high" }
    require-suppression-reason = true
    rules = ["./policy/nhi_rules.py", "mypkg.rules"]  # custom rules: paths (relative to this
                                                   # file) or module names (nhilint.registry)

    [[suppress]]                                   # [[tool.nhilint.suppress]] in pyproject.toml
    address = "aws_iam_user.ci"
    rules = ["NHI004"]
    reason = "rotated by the vault job"

    [policy]                                       # [tool.nhilint.policy] in pyproject.toml
    owner-keys = ["team"]                          # = owner-tag-keys (give one of them)
    owner-pattern = "team-[a-z]+|[a-z.]+@acme\\.example"   # NHI002: an owner value must match
    automation-patterns = ["ci|deploy"]            # = automation-patterns above
    forbidden-permissions = ["iam:CreateUser", "roles/owner"]  # NHI016, glob patterns
    allowed-permissions = ["s3:*", "iam:PassRole"] # NHI016: only these (allow-list mode)
    oidc-issuers = ["token.actions.githubusercontent.com"]    # NHI010
    oidc-subjects = ["repo:acme/*:ref:refs/heads/main"]       # NHI010, glob patterns
    max-credential-days = 90                       # NHI004, NHI012
    wide-scopes = ["account", "folder", "organization"]       # NHI003
    severity-overrides = { NHI004 = "high" }       # = severity-overrides above

Nothing is ignored: an unknown key, a value of the wrong type, an unknown rule or severity is a
:class:`ConfigError` of one line, ``<file>: <key>: <what is wrong>``, with the closest valid key
or value.  Array entries are counted from 1 (``suppress[1]`` is the first ``[[suppress]]``).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from nhilint.identity.graph import ScopeLevel
from nhilint.registry import RuleError
from nhilint.registry import load as load_rules
from nhilint.rule import Rule
from nhilint.settings import DEFAULT_AUTOMATION_PATTERNS, DEFAULT_OWNER_KEYS, OrgPolicy, Settings
from nhilint.severity import Severity
from nhilint.suppress import AddressSuppression

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

NAME = ".nhilint.toml"
KEYS = (
    "owner-tag-keys",
    "automation-patterns",
    "select",
    "ignore",
    "fail-on",
    "severity-overrides",
    "require-suppression-reason",
    "suppress",
    "rules",
    "policy",
)
SUPPRESS_KEYS = ("address", "rules", "reason")
POLICY_KEYS = (
    "owner-keys",
    "owner-pattern",
    "automation-patterns",
    "forbidden-permissions",
    "allowed-permissions",
    "oidc-issuers",
    "oidc-subjects",
    "max-credential-days",
    "wide-scopes",
    "severity-overrides",
)
#: ``[policy]`` keys that are another name for a top-level key
POLICY_ALIASES = {
    "owner-keys": "owner-tag-keys",
    "automation-patterns": "automation-patterns",
    "severity-overrides": "severity-overrides",
}
SEVERITIES = tuple(s.label for s in sorted(Severity, reverse=True))
_SHOWN = 60  # characters of a wrong value quoted in an error


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and the key."""


@dataclasses.dataclass(frozen=True)
class Config:
    settings: Settings = dataclasses.field(default_factory=Settings)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: a severity label (``"high"``), checked when loaded; ``None`` when not set
    fail_on: str | None = None
    source: str = ""
    suppress: tuple[AddressSuppression, ...] = ()
    #: every rule known to the scan (built-in, packs, the config's ``rules``); ``None`` when
    #: the config names no rules: the built-in rules and the installed packs'
    rules: tuple[Rule, ...] | None = None

    @property
    def severity_overrides(self) -> tuple[tuple[str, Severity], ...]:
        return self.settings.severity_overrides

    @property
    def require_suppression_reason(self) -> bool:
        return self.settings.require_suppression_reason


def discover(paths: Sequence[Path]) -> Path | None:
    """The config of a scan of ``paths``: the nearest to the first path (its directory when it
    is a file), else the nearest to the working directory."""
    if paths:
        start = paths[0] if paths[0].is_dir() else paths[0].parent
        found = find(start)
        if found is not None:
            return found
    return find(Path.cwd())


def find(start: Path) -> Path | None:
    """``.nhilint.toml``, or a ``pyproject.toml`` with ``[tool.nhilint]``, in ``start`` or above."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "nhilint" in _tool(_read(pyproject), pyproject):
            return pyproject
    return None


def load(path: Path | None) -> Config:
    """The config in ``path`` (``pyproject.toml``: its ``[tool.nhilint]``); defaults for None."""
    if path is None:
        return Config()
    shown = _shown_path(path)
    data = _read(path)
    if path.name != "pyproject.toml":
        return _located(_config(data, shown, path.parent), path)
    table = _tool(data, path).get("nhilint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}: tool.nhilint: must be a table, got {_toml(table)}")
    return _located(_config(table, shown, path.parent), path)


_SUPPRESS_HEADER = re.compile(r"^\s*\[\[\s*(?:tool\s*\.\s*nhilint\s*\.\s*)?suppress\s*\]\]")


def _located(config: Config, path: Path) -> Config:
    """Each ``[[suppress]]`` entry with the line of its header (TOML readers give no lines),
    so that an entry that suppresses nothing is reported where it is written."""
    if not config.suppress:
        return config
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    lines = [n for n, line in enumerate(text, 1) if _SUPPRESS_HEADER.match(line)]
    located = tuple(
        dataclasses.replace(entry, path=config.source, line=lines[n] if n < len(lines) else 1)
        for n, entry in enumerate(config.suppress)
    )
    return dataclasses.replace(config, suppress=located)


def _shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            data: dict[str, object] = tomllib.load(handle)
            return data
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{_shown_path(path)}: {exc}") from None


def _tool(data: Mapping[str, object], path: Path) -> dict[str, object]:
    tool = data.get("tool", {}) if path.name == "pyproject.toml" else {}
    return tool if isinstance(tool, dict) else {}


def _config(table: Mapping[str, object], source: str, base: Path | None = None) -> Config:
    _known_keys(table, KEYS, source)
    rules = _rules(table, source, base or Path.cwd())
    policy_table = _policy_table(table, source)
    owners, owners_key = _aliased(table, policy_table, "owner-tag-keys", source)
    names, names_key = _aliased(table, policy_table, "automation-patterns", source)
    levels, levels_key = _aliased(table, policy_table, "severity-overrides", source)
    settings = Settings(
        owner_keys=_strings(owners, owners_key, source, DEFAULT_OWNER_KEYS),
        automation_patterns=_patterns(names, source, names_key),
        severity_overrides=_overrides(levels.get(levels_key, {}), rules, source, levels_key),
        require_suppression_reason=_require_reason(table, source),
        policy=_policy(policy_table, f"{source}: policy."),
    )
    return Config(
        settings=settings,
        select=_selectors(table, "select", rules, source),
        ignore=_selectors(table, "ignore", rules, source),
        fail_on=_fail_on(table, source),
        source=source,
        suppress=_suppressions(table, rules, settings.require_suppression_reason, source),
        rules=rules if table.get("rules") else None,
    )


def _rules(table: Mapping[str, object], source: str, base: Path) -> tuple[Rule, ...]:
    """Every rule of the scan: built-in, installed packs', and the ``rules`` entries'."""
    entries = _strings(table, "rules", source, ())
    if any(not e.strip() for e in entries):
        raise ConfigError(f'{source}: rules: "" names no module or file')
    try:
        return load_rules(entries, base)
    except RuleError as exc:
        text = str(exc)
        raise RuleError(f"{source}: {text}" if text.startswith("rules:") else text) from None


def _policy_table(table: Mapping[str, object], source: str) -> Mapping[str, object]:
    value = table.get("policy", {})
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: policy: must be a table ([policy]), got {_toml(value)}")
    _known_keys(value, POLICY_KEYS, f"{source}: policy")
    return value


def _aliased(
    table: Mapping[str, object], policy: Mapping[str, object], key: str, source: str
) -> tuple[Mapping[str, object], str]:
    """Where a setting with a ``[policy]`` alias is read: the top-level ``key``, or the alias
    (named ``policy.<alias>`` in errors); both is an error."""
    alias = next(a for a, k in POLICY_ALIASES.items() if k == key)
    if alias not in policy:
        return table, key
    if key in table:
        raise ConfigError(f"{source}: policy.{alias}: also given as {key}; give one of them")
    return {f"policy.{alias}": policy[alias]}, f"policy.{alias}"


def _policy(table: Mapping[str, object], where: str) -> OrgPolicy:
    """The ``[policy]`` settings of their own (the aliases are read with their top-level
    keys); ``where`` is ``<file>: policy.``."""
    return OrgPolicy(
        owner_pattern=_regex(table, "owner-pattern", where),
        forbidden_permissions=_globs(table, "forbidden-permissions", where) or (),
        allowed_permissions=_globs(table, "allowed-permissions", where),
        oidc_issuers=_issuers(table, where),
        oidc_subjects=_globs(table, "oidc-subjects", where),
        max_credential_days=_days(table, "max-credential-days", where),
        wide_scopes=_levels(table, "wide-scopes", where),
    )


def _regex(table: Mapping[str, object], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}{key}: must be a regular expression (a non-empty string), "
                          f"got {_toml(value)}")
    try:
        re.compile(value)
    except re.error as exc:
        raise ConfigError(f"{where}{key}: {value!r} is not a regular expression: {exc}"
                          ) from None
    return value


def _globs(table: Mapping[str, object], key: str, where: str) -> tuple[str, ...] | None:
    """A non-empty list of glob patterns (``*``, ``?``), ``None`` when not given."""
    value = table.get(key)
    if value is None:
        return None
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) and v.strip() for v in value)):
        raise ConfigError(f"{where}{key}: must be a non-empty list of patterns (strings, "
                          f"* and ? as wildcards), got {_toml(value)}")
    return tuple(v.strip() for v in value)


def _issuers(table: Mapping[str, object], where: str) -> tuple[str, ...] | None:
    """Issuer URLs as trusts name them: without scheme or trailing slash."""
    found = _globs(table, "oidc-issuers", where)
    if found is None:
        return None
    return tuple(re.sub(r"^[a-z]+://", "", i, flags=re.IGNORECASE).rstrip("/") for i in found)


def _days(table: Mapping[str, object], key: str, where: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where}{key}: must be a whole number of days (1 or more), "
                          f"got {_toml(value)}")
    return value


def _levels(table: Mapping[str, object], key: str, where: str) -> tuple[str, ...] | None:
    value = table.get(key)
    if value is None:
        return None
    levels = tuple(level.value for level in ScopeLevel)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}{key}: must be a list of scope levels ({', '.join(levels)}), "
                          f"got {_toml(value)}")
    for level in value:
        if level not in levels:
            raise ConfigError(f"{where}{key}: unknown scope level {level!r}{_hint(level, levels)}")
    return tuple(dict.fromkeys(value))


def _known_keys(table: Mapping[str, object], keys: Sequence[str], where: str) -> None:
    for key in table:
        if key not in keys:
            raise ConfigError(f"{where}: unknown key {key!r}{_hint(key, keys)}")


def _hint(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (one of: {', '.join(choices)})"


def _toml(value: object) -> str:
    """A wrong value as it is written in TOML, on one line and short."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list):
        text = "[" + ", ".join(_toml(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = "a table"
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _strings(
    table: Mapping[str, object], key: str, source: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    value = table.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {key}: must be a list of strings, got {_toml(value)}")
    return tuple(value)


def _patterns(
    table: Mapping[str, object], source: str, key: str = "automation-patterns"
) -> tuple[str, ...]:
    patterns = _strings(table, key, source, DEFAULT_AUTOMATION_PATTERNS)
    for pattern in patterns:
        if not pattern:
            raise ConfigError(f'{source}: {key}: "" would match every name')
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{source}: {key}: {pattern!r}: {exc}") from None
    return patterns


def _severity(value: object, where: str) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: must be a string, got {_toml(value)}")
    if value.lower() not in SEVERITIES:
        raise ConfigError(f"{where}: unknown severity {value!r}{_hint(value.lower(), SEVERITIES)}")
    return Severity.parse(value)


def _fail_on(table: Mapping[str, object], source: str) -> str | None:
    value = table.get("fail-on")
    return None if value is None else _severity(value, f"{source}: fail-on").label


def _require_reason(table: Mapping[str, object], source: str) -> bool:
    value = table.get("require-suppression-reason", False)
    if not isinstance(value, bool):
        where = f"{source}: require-suppression-reason"
        raise ConfigError(f"{where}: must be true or false, got {_toml(value)}")
    return value


def _rule_id(rules: Sequence[Rule], text: str) -> str | None:
    """The id of the rule ``text`` names by id (any case) or by name."""
    return next((r.id for r in rules if text.upper() == r.id or text == r.name), None)


def _rule_hint(rules: Sequence[Rule], text: str, ids_only: bool = False) -> str:
    """The closest rule id to ``text``, else the closest name (as its id when ``ids_only``)."""
    close_id = _closest_id(text.upper(), [r.id for r in rules])
    names = difflib.get_close_matches(text, [r.name for r in rules], n=1)
    if close_id is not None:
        close = close_id
    elif names:
        close = (_rule_id(rules, names[0]) or names[0]) if ids_only else names[0]
    else:
        return " (see `nhilint rules`)"
    return f" (did you mean {close!r}?)"


def _closest_id(text: str, ids: Sequence[str]) -> str | None:
    """Of the ids close to ``text``, the one sharing the longest prefix, then the nearest number
    (``NHI099``: ``NHI011`` rather than ``NHI901``)."""
    close = difflib.get_close_matches(text, ids, n=len(ids))
    return max(close, key=lambda i: (_shared_prefix(text, i), -abs(_number(text) - _number(i))),
               default=None)


def _shared_prefix(one: str, other: str) -> int:
    shared = 0
    while shared < min(len(one), len(other)) and one[shared] == other[shared]:
        shared += 1
    return shared


def _number(text: str) -> int:
    digits = re.search(r"\d+$", text)
    return int(digits.group()) if digits else 0


def _selectors(
    table: Mapping[str, object], key: str, rules: Sequence[Rule], source: str
) -> tuple[str, ...]:
    selectors = _strings(table, key, source, ())
    for selector in selectors:
        if not selector or not any(
            r.id.startswith(selector.upper()) or r.name == selector for r in rules
        ):
            hint = _rule_hint(rules, selector)
            raise ConfigError(f"{source}: {key}: no rule matches {selector!r}{hint}")
    return selectors


def _overrides(
    value: object, rules: Sequence[Rule], source: str, key: str = "severity-overrides"
) -> tuple[tuple[str, Severity], ...]:
    where = f"{source}: {key}"
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a table, got {_toml(value)}")
    chosen: dict[str, tuple[str, Severity]] = {}
    for key, severity in value.items():
        rule_id = _rule_id(rules, key)
        if rule_id is None:
            raise ConfigError(f"{where}: unknown rule {key!r}{_rule_hint(rules, key)}")
        if rule_id in chosen:
            first = chosen[rule_id][0]
            raise ConfigError(f"{where}: {rule_id} is given twice (as {first!r} and {key!r})")
        chosen[rule_id] = (key, _severity(severity, f"{where}.{key}"))
    return tuple(sorted((rule_id, s) for rule_id, (_, s) in chosen.items()))


def _suppressions(
    table: Mapping[str, object], rules: Sequence[Rule], need_reason: bool, source: str
) -> tuple[AddressSuppression, ...]:
    entries = table.get("suppress", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: suppress: must be an array of tables, got {_toml(entries)}")
    return tuple(
        _suppression(entry, rules, need_reason, f"{source}: suppress[{number}]")
        for number, entry in enumerate(entries, start=1)
    )


def _suppression(
    entry: object, rules: Sequence[Rule], need_reason: bool, where: str
) -> AddressSuppression:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table, got {_toml(entry)}")
    _known_keys(entry, SUPPRESS_KEYS, where)
    if "address" not in entry:
        raise ConfigError(f'{where}.address: missing (a resource address, e.g. "aws_iam_user.ci")')
    address = entry["address"]
    if not isinstance(address, str) or not address.strip():
        raise ConfigError(f"{where}.address: must be a resource address, got {_toml(address)}")
    return AddressSuppression(
        address=address.strip(),
        rules=_suppressed_rules(entry, rules, f"{where}.rules"),
        reason=_reason(entry, need_reason, f"{where}.reason"),
        source=where,
    )


def _suppressed_rules(
    entry: Mapping[str, object], rules: Sequence[Rule], where: str
) -> tuple[str, ...]:
    if "rules" not in entry:
        raise ConfigError(f'{where}: missing (a list of rule ids, e.g. ["NHI001"])')
    value = entry["rules"]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: must be a non-empty list of rule ids, got {_toml(value)}")
    for rule_id in value:
        named = _rule_id(rules, rule_id)
        if named is None:
            hint = _rule_hint(rules, rule_id, ids_only=True)
            raise ConfigError(f"{where}: unknown rule {rule_id!r}{hint}")
        if named != rule_id.upper():
            raise ConfigError(f"{where}: {rule_id!r} is a rule name, not an id (use {named!r})")
    return tuple(dict.fromkeys(v.upper() for v in value))


def _reason(entry: Mapping[str, object], need_reason: bool, where: str) -> str:
    value = entry.get("reason", "")
    if not isinstance(value, str):
        raise ConfigError(f"{where}: must be a string, got {_toml(value)}")
    if need_reason and not value.strip():
        raise ConfigError(f"{where}: missing, and require-suppression-reason is true")
    return " ".join(value.split())
