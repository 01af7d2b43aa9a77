"""Engine property values (camelCase, Pulumi's object shapes) to model attributes.

:func:`attributes` renames keys (:mod:`nhilint.parsers.pulumi.tokens`) where they are names of
the resource's schema: at the top level, and inside a block (a list element that is an object,
or an object Terraform holds as a block of one).  Any other object is a map (``tags``,
``labels``, ``attributeMapping``, a policy document passed as an object): its keys are data and
stay as written, and so do the keys of everything inside it.  Each reader turns its own special
values (a preview's unknown sentinel, a secret, a YAML interpolation) into model values through
``special``; what it marks secret is listed in the resource's sensitive paths.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from nhilint.model import AttrPath
from nhilint.parsers.pulumi.tokens import PulumiType, snake


class Special(NamedTuple):
    """A reader's value for an input that is not plain data, and whether it is a secret."""

    value: object
    secret: bool = False


#: a reader's hook: the model value of an input that is not plain data, or ``None``
Hook = Callable[[object, AttrPath], Special | None]


class Converted(NamedTuple):
    attributes: dict[str, object]
    sensitive: frozenset[AttrPath]


def attributes(kind: PulumiType | None, props: Mapping[str, object], special: Hook
               ) -> Converted:
    """A resource's inputs as model attributes (bridge bookkeeping such as ``__defaults``
    dropped)."""
    walk = _Walk(kind, special)
    found = {}
    for name, value in props.items():
        if not isinstance(name, str) or name.startswith("__"):
            continue
        renamed = kind.properties.get(name, snake(name)) if kind else snake(name)
        found[renamed] = walk.value(value, (renamed,), renamed, in_map=False)
    return Converted(found, frozenset(walk.secrets))


def property_name(kind: PulumiType | None, name: str) -> str:
    """The model name of a top-level input."""
    return kind.properties.get(name, snake(name)) if kind else snake(name)


class _Walk:
    def __init__(self, kind: PulumiType | None, special: Hook) -> None:
        self.kind = kind
        self.special = special
        self.secrets: list[AttrPath] = []

    def value(self, value: object, path: AttrPath, dotted: str, *, in_map: bool) -> object:
        found = self.special(value, path)
        if found is not None:
            if found.secret:
                self.secrets.append(path)
            return found.value
        if isinstance(value, dict):
            if not in_map and self.kind is not None and dotted in self.kind.max_items_one:
                return [self.block(value, (*path, 0), dotted)]
            return {k: self.value(v, (*path, str(k)), dotted, in_map=True)
                    for k, v in value.items()}
        if isinstance(value, list):
            return [
                self.block(v, (*path, i), dotted)
                if isinstance(v, dict) and not in_map and self.special(v, (*path, i)) is None
                else self.value(v, (*path, i), dotted, in_map=in_map)
                for i, v in enumerate(value)
            ]
        return value

    def block(self, value: Mapping[object, object], path: AttrPath, dotted: str
              ) -> dict[str, object]:
        found = {}
        for name, inner in value.items():
            key = str(name)
            renamed = self.kind.nested.get(key, snake(key)) if self.kind else snake(key)
            found[renamed] = self.value(inner, (*path, renamed), f"{dotted}.{renamed}",
                                        in_map=False)
        return found
