"""YAML text to a tree of values that keep their lines, loaded safely.

PyYAML's ``SafeLoader`` composes the document (no Python tags, no object construction);
values are then built here from the nodes, so that every mapping key and value keeps the line
it is written on, and so that what a hostile file can do is bounded:

* a mapping with the same key twice is rejected (YAML 1.2 forbids it; PyYAML keeps the last);
* aliases are followed, but the document may expand to at most :data:`MAX_NODES` values (an
  alias bomb, a "billion laughs", stops there), nested at most :data:`MAX_DEPTH` deep;
* tags other than the core schema's (``!Ref``, ``!!python/object``) are rejected.

Each is a :class:`YamlError` with the line it is found at.
"""

from __future__ import annotations

import dataclasses

import yaml

MAX_NODES = 200_000
MAX_DEPTH = 200
_CORE = "tag:yaml.org,2002:"


class YamlError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclasses.dataclass(frozen=True)
class Node:
    """A value and where it is written (1-based lines, inclusive)."""

    value: object  # str | int | float | bool | None | list[Node] | dict[str, Entry]
    line: int
    end_line: int


@dataclasses.dataclass(frozen=True)
class Entry:
    """A mapping entry: the key's line, and the value."""

    key_line: int
    node: Node


def load(text: str) -> Node | None:
    """The first document of ``text``; ``None`` for an empty file."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(mark.line + 1 if mark else 1, f"not valid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise YamlError(1, f"not valid YAML: {exc}") from exc
    except RecursionError as exc:
        raise YamlError(1, "YAML nested too deep to read") from exc
    if root is None:
        return None
    return _Builder().node(root, 0)


class _Builder:
    def __init__(self) -> None:
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def node(self, node: yaml.Node, depth: int) -> Node:
        line = node.start_mark.line + 1
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError(line, f"the YAML expands to more than {MAX_NODES} values (aliases "
                            "repeated too often): not read")
        if depth > MAX_DEPTH:
            raise YamlError(line, f"YAML nested deeper than {MAX_DEPTH}: not read")
        end = max(line, node.end_mark.line + (1 if node.end_mark.column else 0))
        if not node.tag.startswith(_CORE):
            raise YamlError(line, f"YAML tag {node.tag} is not read")
        if isinstance(node, yaml.ScalarNode):
            return Node(self.constructor.construct_object(node), line, line)
        if isinstance(node, yaml.SequenceNode):
            return Node([self.node(n, depth + 1) for n in node.value], line, end)
        if isinstance(node, yaml.MappingNode):
            found: dict[str, Entry] = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise YamlError(key.start_mark.line + 1, "a mapping key that is not a "
                                    "scalar is not read")
                name = str(self.constructor.construct_object(key))
                if name == "<<":
                    raise YamlError(key.start_mark.line + 1, "YAML merge keys are not read")
                if name in found:
                    raise YamlError(key.start_mark.line + 1, f"duplicate key {name!r}")
                found[name] = Entry(key.start_mark.line + 1, self.node(value, depth + 1))
            return Node(found, line, end)
        raise YamlError(line, "a YAML node of an unknown kind")


def plain(node: Node) -> object:
    """The value without its lines."""
    if isinstance(node.value, list):
        return [plain(n) for n in node.value]
    if isinstance(node.value, dict):
        return {k: plain(e.node) for k, e in node.value.items()}
    return node.value
