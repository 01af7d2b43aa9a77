"""``*.tf.json`` files (Terraform's JSON syntax) read as the blocks of their module.

A JSON file's top-level properties are block types (``resource``, ``data``, ``provider``,
``variable``, ``output``, ``module``, ``locals``); labels are nested object properties (or arrays
of them), and a body's properties are its arguments and nested blocks; ``"//"`` properties of a
body are comments and are ignored.  Every argument value is written as HCL expression text
(:mod:`~nhilint.parsers.hcl.jsonexpr`) into one generated document whose lines are the JSON
file's, parsed once with tree-sitter-hcl; the blocks then hold its expression nodes, and the
module reader evaluates them as it evaluates ``.tf`` files.

JSON cannot tell a nested block from an object-valued argument: Terraform asks the provider's
schema.  Without it, an object (or array of objects) is read as nested blocks only under the
names in :data:`NESTED_BLOCKS`, the nested block types the rules read; anywhere else it is an
argument (an array of objects is the same list of dicts either way).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from nhilint.model import Diagnostic
from nhilint.parsers.files import PARSE_ERROR, display_path
from nhilint.parsers.hcl import syntax
from nhilint.parsers.hcl.blocks import MAX_BLOCK_DEPTH
from nhilint.parsers.hcl.jsonexpr import Mode, TemplateError, Writer
from nhilint.parsers.hcl.jsontree import JArray, JMember, JObject, JsonError, JValue, parse
from nhilint.parsers.hcl.source import SourceFile, read_bytes
from nhilint.parsers.hcl.syntax import Attribute, Block, Body, Node

#: how many labels each top-level block type has (``locals`` has a body of values only)
LABELS: Mapping[str, int] = {
    "resource": 2, "data": 2, "provider": 1, "variable": 1, "output": 1, "module": 1,
}
#: nested block types (with their number of labels) read as blocks wherever they appear
NESTED_BLOCKS: Mapping[str, int] = {
    "lifecycle": 0, "dynamic": 1, "content": 0, "provisioner": 1, "connection": 0,
    "precondition": 0, "postcondition": 0, "validation": 0, "timeouts": 0,
    "statement": 0, "condition": 0, "principals": 0, "not_principals": 0,
    "default_tags": 0, "ignore_tags": 0, "assume_role": 0, "assume_role_with_web_identity": 0,
    "inline_policy": 0,
}
#: arguments that are not expressions, by the block type they are written in
_MODES: Mapping[tuple[str, str], Mode] = {
    ("module", "source"): "literal", ("module", "version"): "literal",
    ("module", "providers"): "literal", ("provider", "alias"): "literal",
    ("provider", "version"): "literal", ("output", "description"): "literal",
    ("output", "sensitive"): "literal", ("connection", "type"): "literal",
    ("lifecycle", "ignore_changes"): "names", ("dynamic", "iterator"): "names",
}
_ANY_BLOCK_MODES: Mapping[str, Mode] = {"provider": "literal", "depends_on": "literal"}


class _Argument(NamedTuple):
    name: str
    line: int
    end_line: int
    #: the byte range of its expression in the generated document
    start: int
    end: int


class _Block(NamedTuple):
    type: str
    labels: tuple[str, ...]
    line: int
    end_line: int
    arguments: tuple[_Argument, ...]
    blocks: tuple[_Block, ...]


class _Translation:
    """One file being translated (mutable while it is read)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.writer = Writer()
        self.writer.write("_ = [")
        self.problems: list[Diagnostic] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Diagnostic(PARSE_ERROR, self.file, line, message))


def load_json(file: Path, shown: str = "") -> SourceFile:
    """Read a ``*.tf.json`` file as a :class:`SourceFile` whose ``blocks`` are its blocks."""
    shown = shown or display_path(file)
    data, problem, line = read_bytes(file)
    if data is None:
        return SourceFile(shown, None, (), (Diagnostic(PARSE_ERROR, shown, line, problem),))
    return parse_json(shown, data.decode("utf-8"))


def parse_json(shown: str, text: str) -> SourceFile:
    try:
        root = parse(text)
    except JsonError as exc:
        problem = Diagnostic(PARSE_ERROR, shown, exc.line, f"invalid JSON: {exc.message}")
        return SourceFile(shown, None, (), (problem,))
    work = _Translation(shown)
    pending = _top_level(work, root)
    work.writer.write("]\n")
    tree, _ = syntax.parse(work.writer.text())
    nodes = _elements(tree.root_node)
    blocks = tuple(_finish(work, b, nodes, tree.root_node) for b in pending)
    return SourceFile(shown, tree, (), tuple(work.problems), blocks)


def _top_level(work: _Translation, root: JValue) -> list[_Block]:
    if not isinstance(root, JObject):
        work.problem(root.line, "a Terraform JSON file must hold one JSON object")
        return []
    found: list[_Block] = []
    for member in root.members:
        if member.key == "locals":
            found.extend(_locals(work, member.value))
        elif member.key in LABELS:
            found.extend(_labelled(work, member, (), LABELS[member.key], 0))
    return found


def _locals(work: _Translation, value: JValue) -> list[_Block]:
    bodies = _objects(work, value, "locals")
    return [
        _Block("locals", (), body.line, body.end_line, _arguments(work, body, "locals"), ())
        for body in bodies
    ]


def _labelled(
    work: _Translation, member: JMember, labels: tuple[str, ...], wanted: int, depth: int,
) -> list[_Block]:
    """The blocks of ``member`` (a block type, nested ``depth`` deep) after ``labels``, until
    ``wanted`` labels are read."""
    found: list[_Block] = []
    for value in _objects(work, member.value, member.key):
        if wanted == len(labels):
            found.append(_body(work, member.key, labels, value, depth))
            continue
        for inner in value.members:
            more = JMember(member.key, inner.line, inner.value)
            found.extend(_labelled(work, more, (*labels, inner.key), wanted, depth))
    return found


def _objects(work: _Translation, value: JValue, kind: str) -> list[JObject]:
    """An object, or the objects of an array (Terraform's way to repeat a level)."""
    if isinstance(value, JObject):
        return [value]
    if isinstance(value, JArray) and all(isinstance(i, JObject) for i in value.items):
        return [i for i in value.items if isinstance(i, JObject)]
    work.problem(value.line, f"{kind} must be a JSON object or an array of objects")
    return []


def _body(
    work: _Translation, kind: str, labels: tuple[str, ...], value: JObject, depth: int,
) -> _Block:
    """A block body; nested blocks deeper than the block reader reads are left as arguments."""
    arguments: list[_Argument] = []
    blocks: list[_Block] = []
    for member in value.members:
        if member.key == "//":
            continue
        nested = NESTED_BLOCKS.get(member.key) if depth < MAX_BLOCK_DEPTH else None
        if nested is not None and isinstance(member.value, (JObject, JArray)):
            blocks.extend(_labelled(work, member, (), nested, depth + 1))
            continue
        argument = _argument(work, member, _mode(kind, member.key))
        if argument is not None:
            arguments.append(argument)
    return _Block(kind, labels, value.line, value.end_line, tuple(arguments), tuple(blocks))


def _arguments(work: _Translation, body: JObject, kind: str) -> tuple[_Argument, ...]:
    found = (_argument(work, m, _mode(kind, m.key)) for m in body.members if m.key != "//")
    return tuple(a for a in found if a is not None)


def _mode(kind: str, name: str) -> Mode:
    if kind == "variable":
        return "type" if name == "type" else "literal"
    return _MODES.get((kind, name)) or _ANY_BLOCK_MODES.get(name, "template")


def _argument(work: _Translation, member: JMember, mode: Mode) -> _Argument | None:
    writer = work.writer
    writer.at(member.line)
    start = writer.offset
    try:
        scratch = Writer()
        scratch.value(member.value, mode)  # a template that is not closed fails here first
    except TemplateError as exc:
        work.problem(member.line, f"invalid template in {member.key!r}: {exc}")
        return None
    writer.value(member.value, mode)
    end = writer.offset
    writer.write(", ")
    return _Argument(member.key, member.line, member.value.end_line, start, end)


def _elements(root: Node) -> dict[tuple[int, int], Node]:
    """The generated document's tuple elements by byte range."""
    body = syntax.top_body(root)
    attribute = body.children[0] if body is not None and body.children else None
    found: dict[tuple[int, int], Node] = {}
    stack = [attribute] if attribute is not None else []
    while stack:
        node = stack.pop()
        if node.type == "tuple":
            for child in node.children:
                if child.type == "expression":
                    found[(child.start_byte, child.end_byte)] = child
            return found
        stack.extend(node.children)
    return found


def _finish(
    work: _Translation, pending: _Block, nodes: dict[tuple[int, int], Node], root: Node,
) -> Block:
    attributes: list[Attribute] = []
    for argument in pending.arguments:
        node = nodes.get((argument.start, argument.end))
        if node is None or node.has_error:
            work.problem(argument.line, f"cannot read the value of {argument.name!r}")
            continue
        attributes.append(Attribute(argument.name, node, argument.line, argument.end_line))
    blocks = tuple(_finish(work, b, nodes, root) for b in pending.blocks)
    body = Body(tuple(attributes), blocks)
    return Block(pending.type, pending.labels, root, pending.line, pending.end_line, body)
