"""The concrete syntax tree: parsing with tree-sitter-hcl and a light view of bodies and blocks.

Only this module and the evaluator know tree-sitter node types.  A :class:`Body` is read when it
is needed (the bodies of ``variable`` or ``output`` blocks are usually never read).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import tree_sitter
import tree_sitter_hcl

Node = tree_sitter.Node


class Attribute(NamedTuple):
    name: str
    expr: Node
    line: int
    end_line: int


class Block(NamedTuple):
    """A block; ``parsed`` is its body when it was read from elsewhere (``*.tf.json``)."""

    type: str
    labels: tuple[str, ...]
    node: Node
    line: int
    end_line: int
    parsed: Body | None = None

    @property
    def body(self) -> Body:
        return self.parsed if self.parsed is not None else read_body(self.node)


class Body(NamedTuple):
    attributes: tuple[Attribute, ...]
    blocks: tuple[Block, ...]

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@lru_cache(maxsize=1)
def _language() -> tree_sitter.Language:
    return tree_sitter.Language(tree_sitter_hcl.language())


_COMMENT_START = re.compile(rb"#|//|/\*")


#: An integer with an exponent and no fraction (``1e3``, ``2E+2``): valid HCL, but the grammar of
#: tree-sitter-hcl accepts an exponent only after a fraction (``1.0e3``).
_EXPONENT = re.compile(rb"(?<![\w.])[0-9]+(?=[eE][-+]?[0-9])")
#: Error recovery may hide a number until the one before it is read: a few passes at most.
_MAX_REWRITES = 8


def parse(source: bytes) -> tuple[tree_sitter.Tree, bytes]:
    """The tree, and the bytes it was read from (see :func:`with_fractions`)."""
    parser = tree_sitter.Parser(_language())
    tree = parser.parse(source)
    for _ in range(_MAX_REWRITES):
        if not tree.root_node.has_error:
            break
        fixed = with_fractions(tree.root_node, source)
        if fixed == source:
            break
        tree, source = parser.parse(fixed), fixed
    return tree, source


def with_fractions(root: Node, source: bytes) -> bytes:
    """``source`` with ``.0`` after the integer part of each number the grammar cannot read.

    Only numbers of the expression syntax are touched (not strings, comments or heredocs), the
    value is the same (``1.0e3`` is ``1e3``) and no line changes; columns after the number do.
    """
    pieces: list[bytes] = []
    last = 0
    for match in _EXPONENT.finditer(source):
        start, end = match.span()
        node = root.descendant_for_byte_range(start, end)
        if node is None or node.type != "numeric_lit" or node.start_byte != start:
            continue
        if node.end_byte != end:
            continue
        pieces.extend((source[last:end], b".0"))
        last = end
    pieces.append(source[last:])
    return b"".join(pieces)


def comments(root: Node, source: bytes) -> list[Node]:
    """The comment nodes, found from the bytes that can start one (cheaper than a query)."""
    found: list[Node] = []
    covered = -1
    for match in _COMMENT_START.finditer(source):
        start = match.start()
        if start < covered:
            continue
        node = root.descendant_for_byte_range(start, start + 1)
        if node is not None and node.type == "comment" and node.start_byte == start:
            found.append(node)
            covered = node.end_byte
    return found


def text(node: Node) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def line(node: Node) -> int:
    return node.start_point[0] + 1


def end_line(node: Node) -> int:
    """The last line of ``node`` (a node ending at a line start ends on the line before)."""
    row, column = node.end_point
    if column == 0 and row > node.start_point[0]:
        return row
    return row + 1


def first_error(root: Node) -> Node | None:
    """The first ERROR or MISSING node in document order, visiting only damaged subtrees."""
    if not root.has_error:
        return None
    node = root
    while True:
        if node.is_error or node.is_missing:
            return node
        child = next((c for c in node.children if c.has_error or c.is_missing), None)
        if child is None:
            return node
        node = child


def error_message(node: Node) -> str:
    if node.is_missing:
        return f"syntax error: missing {node.type!r}"
    leaf = node
    while leaf.child_count:
        first = leaf.children[0]
        leaf = first
    token = text(leaf).strip() or leaf.type
    if len(token) > 30:
        token = token[:27] + "..."
    return f"syntax error: unexpected {token!r}"


def top_body(root: Node) -> Node | None:
    return next((c for c in root.children if c.type == "body"), None)


def read_body(node: Node) -> Body:
    """The attributes and blocks of a ``block`` node or a ``body`` node (undamaged ones only)."""
    body = node if node.type == "body" else _child(node, "body")
    if body is None:
        return Body((), ())
    attributes: list[Attribute] = []
    blocks: list[Block] = []
    for child in body.children:
        kind = child.type
        if child.has_error:
            continue
        if kind == "attribute":
            attribute = _attribute(child)
            if attribute is not None:
                attributes.append(attribute)
        elif kind == "block":
            blocks.append(read_block(child))
    return Body(tuple(attributes), tuple(blocks))


def read_block(node: Node) -> Block:
    children = node.children
    labels: list[str] = []
    for child in children[1:]:
        kind = child.type
        if kind == "string_lit" or kind == "identifier":
            labels.append(label_text(child))
        else:
            break
    start, end = node.start_point[0], node.end_point
    last = end[0] if end[1] == 0 and end[0] > start else end[0] + 1
    return Block(text(children[0]), tuple(labels), node, start + 1, last)


def label_text(node: Node) -> str:
    if node.type == "identifier":
        return text(node)
    raw = text(node)
    return raw[1:-1] if len(raw) >= 2 and raw.endswith('"') else raw[1:]


def _attribute(node: Node) -> Attribute | None:
    children = node.children
    expr = children[-1] if children else None
    if expr is None or expr.type != "expression":
        return None
    return Attribute(text(children[0]), expr, line(node), end_line(node))


def _child(node: Node, kind: str) -> Node | None:
    return next((c for c in node.children if c.type == kind), None)
