"""Which Vault policy rules alter identity: the reviewed data in
``nhilint/data/vault_policy_rules.json``, and Vault's path globs.

A rule alters identity when it holds a write-like capability (``create``, ``update``,
``patch``, ``delete``, ``sudo``; ``deny`` takes every capability away) on a path pattern that
can match an identity path (``sys/auth*``, ``sys/policy*``, ``auth/*``, ``identity/*`` …), or
``sudo`` anywhere.  Globs are Vault's: ``*`` at the end of a pattern matches any suffix, ``+``
one path segment (https://developer.hashicorp.com/vault/docs/concepts/policies#policy-syntax).
Two patterns can match a common path when their languages intersect, decided exactly on
the two patterns' automata.

A rule's reach is *wildcard* when its glob covers every object of an identity path (``sudo``
on other paths is not: no identity path is in its reach): a ``+``,
or a ``*`` that starts a segment (``auth/approle/role/*``) or follows no more than an
identity path's own root (``sys/auth*``, ``sys/pol*``).  ``auth/approle/role/ci-*`` is
bounded to the roles named ``ci-…``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import NamedTuple

from nhilint.identity.data import DataFileError, read_data

DATA_FILE = "vault_policy_rules.json"
_ANY = "*"
_SEGMENT = "+"


class VaultCatalog(NamedTuple):
    writes: frozenset[str]
    anywhere: frozenset[str]
    altering: tuple[str, ...]
    not_altering: tuple[str, ...]
    builtin: Mapping[str, bool]


class Reading(NamedTuple):
    """What one rule grants: its identity-altering capabilities (``update:auth/*``), and
    whether its path is a wildcard over identity objects."""

    altering: frozenset[str]
    wildcard: bool


@functools.cache
def load_catalog() -> VaultCatalog:
    raw = read_data(DATA_FILE)
    try:
        if not isinstance(raw, dict):
            raise TypeError("not an object")
        return VaultCatalog(
            frozenset(raw["write_capabilities"]), frozenset(raw["anywhere"]),
            tuple(str(e["path"]) for e in raw["altering_paths"]),
            tuple(str(e["path"]) for e in raw["not_altering"]),
            {str(k): bool(v["altering"]) for k, v in raw["builtin"].items()},
        )
    except (KeyError, TypeError) as error:
        raise DataFileError(f"data/{DATA_FILE} is malformed: {error!r}") from error


def judge(catalog: VaultCatalog, path: str, capabilities: tuple[str, ...]) -> Reading:
    """The identity-altering capabilities of one rule, and whether it is a wildcard."""
    if "deny" in capabilities:
        return Reading(frozenset(), False)
    writes = [c for c in capabilities if c in catalog.writes]
    identity = any(overlap(path, a) for a in catalog.altering) and not any(
        matches(path, n) for n in catalog.not_altering)
    found = {f"{c}:{path}" for c in writes if identity or c in catalog.anywhere}
    return Reading(frozenset(found), identity and bool(found) and _wildcard(catalog, path))


def _wildcard(catalog: VaultCatalog, path: str) -> bool:
    if _SEGMENT in path or path == _ANY:
        return True
    if not path.endswith(_ANY):
        return False
    prefix = path[:-1]
    if prefix.endswith("/"):
        return True
    roots = [a.split(_ANY)[0].split(_SEGMENT)[0] for a in catalog.altering]
    return any(r.startswith(prefix) or r.rstrip("/").startswith(prefix) for r in roots)


def matches(path: str, pattern: str) -> bool:
    """The rule's path is wholly inside ``pattern``: a literal path it matches, or the
    pattern itself."""
    if path == pattern:
        return True
    if _ANY in path or _SEGMENT in path:
        return False
    return _accepts(_tokens(pattern), path)


def overlap(one: str, other: str) -> bool:
    """Some path is matched by both patterns."""
    a, b = _tokens(one), _tokens(other)
    symbols = {t for t in (*a, *b) if t not in (_ANY, _SEGMENT)} | {"/", ""}  # "" = other
    start = (_closure(a, {0}), _closure(b, {0}))
    seen = {start}
    todo = [start]
    while todo:
        left, right = todo.pop()
        if len(a) in left and len(b) in right:
            return True
        for symbol in symbols:
            step = (_step(a, left, symbol), _step(b, right, symbol))
            if step[0] and step[1] and step not in seen:
                seen.add(step)
                todo.append(step)
    return False


def _tokens(pattern: str) -> tuple[str, ...]:
    """Each character, with ``*`` only as a glob at the end (Vault's rule) and ``+`` as a
    whole segment."""
    found: list[str] = []
    for i, char in enumerate(pattern):
        if char == _ANY and i == len(pattern) - 1:
            found.append(_ANY)
        elif char == _SEGMENT and (i == 0 or pattern[i - 1] == "/") and (
                i == len(pattern) - 1 or pattern[i + 1] == "/"):
            found.append(_SEGMENT)
        else:
            found.append(char)
    return tuple(found)


def _closure(tokens: tuple[str, ...], states: set[int]) -> frozenset[int]:
    """States reachable without reading: past a glob that matches nothing."""
    found = set(states)
    todo = list(states)
    while todo:
        state = todo.pop()
        if state < len(tokens) and tokens[state] in (_ANY, _SEGMENT) and state + 1 not in found:
            found.add(state + 1)
            todo.append(state + 1)
    return frozenset(found)


def _step(tokens: tuple[str, ...], states: frozenset[int], symbol: str) -> frozenset[int]:
    """The states after reading one character (``""`` stands for any character no pattern
    names)."""
    after: set[int] = set()
    for state in states:
        if state >= len(tokens):
            continue
        token = tokens[state]
        if token == _ANY or (token == _SEGMENT and symbol != "/"):
            after.add(state)  # a glob reads on
        elif token == symbol and symbol:
            after.add(state + 1)
    return _closure(tokens, after)


def _accepts(tokens: tuple[str, ...], path: str) -> bool:
    states = _closure(tokens, {0})
    for char in path:
        named = char if char in tokens else ""
        states = _step(tokens, states, named)
        if not states:
            return False
    return len(tokens) in states
