"""Pulumi URNs and logical names to model addresses.

A URN is ``urn:pulumi:<stack>::<project>::<type chain>::<name>``; the type chain is the
parent types and the resource's own type joined with ``$`` (a component's child:
``acme:ci:Bot$aws:iam/user:User``); the name may itself hold ``::``
(``sdk/go/common/resource/urn.go``).  A resource's address is its canonical type and its
logical name, ``aws_iam_user.ci`` (a name with characters an address cannot hold has them
replaced by ``_``); two resources of one type with one name (children of two components) are
told apart by a numeric suffix.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_PREFIX = "urn:pulumi:"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


class Urn(NamedTuple):
    stack: str
    project: str
    #: the resource's own type token (the last of the chain)
    type: str
    #: the parent types, outermost first
    parents: tuple[str, ...]
    name: str


def parse_urn(urn: str) -> Urn | None:
    if not urn.startswith(_PREFIX):
        return None
    parts = urn[len(_PREFIX):].split("::", 3)
    if len(parts) != 4 or not parts[2] or not parts[3]:
        return None
    stack, project, chain, name = parts
    types = chain.split("$")
    return Urn(stack, project, types[-1], tuple(types[:-1]), name)


def local_name(name: str) -> str:
    """A logical name as an address's name part."""
    safe = _UNSAFE.sub("_", name)
    return safe if safe[:1].isalpha() or safe[:1] == "_" else f"_{safe}"


class Addresses:
    """Unique addresses, handed out in the input's order."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def address(self, kind: str, name: str, mode: str = "managed") -> str:
        base = f"{'data.' if mode == 'data' else ''}{kind}.{local_name(name)}"
        found, n = base, 1
        while found in self._taken:
            n += 1
            found = f"{base}_{n}"
        self._taken.add(found)
        return found
