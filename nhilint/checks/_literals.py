"""The literal strings of a configuration value, each with its path and what names it.

A value is walked to its string leaves; a ``{name = …, value = …}`` pair (an ECS or
Kubernetes environment entry) is named by its ``name``, and a string that holds a JSON
object or list (``jsonencode``, a heredoc) is walked into, so that every leaf keeps the key
that names it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import NamedTuple

from nhilint.identity.secrets import ANY, Place
from nhilint.model import AttrPath, Unknown

#: JSON text nested deeper than this is not walked into
_MAX_DEPTH = 24


class Leaf(NamedTuple):
    """One string: where it is in the value (a leaf inside a JSON string continues the
    string's path), the key that names it, and its text."""

    path: AttrPath
    name: str
    text: str


def leaves(value: object, path: AttrPath = (), name: str = "") -> Iterator[Leaf]:
    """Every known string inside ``value``; unknown parts are skipped."""
    yield from _walk(value, path, name, 0)


def _walk(value: object, path: AttrPath, name: str, depth: int) -> Iterator[Leaf]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        decoded = _json(value)
        if decoded is None:
            yield Leaf(path, name, value)
        else:
            yield from _walk(decoded, path, name, depth + 1)
    elif isinstance(value, dict):
        pair = _named_pair(value)
        if pair is not None:
            yield Leaf((*path, pair[0]), pair[0], pair[1])
            return
        for key, item in value.items():
            yield from _walk(item, (*path, str(key)), str(key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index), name, depth + 1)


def unknowns(value: object, path: AttrPath = ()) -> Iterator[tuple[AttrPath, Unknown]]:
    """Every unknown part of ``value``, with its path."""
    if isinstance(value, Unknown):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from unknowns(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unknowns(item, (*path, index))


def _named_pair(value: dict[object, object]) -> tuple[str, str] | None:
    name, text = value.get("name"), value.get("value")
    if set(value) == {"name", "value"} and isinstance(name, str) and isinstance(text, str):
        return name, text
    return None


def _json(text: str) -> object:
    stripped = text.strip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        decoded: object = json.loads(stripped)
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict | list) else None


def decode(text: str, encoding: str) -> str | None:
    """``text`` decoded as a place's encoding says (``base64``), ``None`` when it is not."""
    if encoding != "base64":
        return text
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def place_of(path: AttrPath, places: tuple[Place, ...]) -> Place | None:
    """The free-form place ``path`` is inside, if any."""
    return next((p for p in places if _under(path, p.path)), None)


def _under(path: AttrPath, prefix: AttrPath) -> bool:
    if len(path) < len(prefix):
        return False
    return all(
        (step == ANY and isinstance(got, int)) or step == got
        for step, got in zip(prefix, path, strict=False)
    )


def dotted(path: AttrPath) -> str:
    """``environment.variables.API_KEY`` (list indices of blocks left out)."""
    return ".".join(str(step) for step in path if isinstance(step, str))
