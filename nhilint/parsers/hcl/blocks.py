"""Block bodies as attribute dicts: nested blocks become lists of dicts, ``dynamic`` is expanded.

Every attribute, block and literal collection element written on its own line gets a span under
its attribute path (``("statement", 0, "actions", 1)``).
"""

from __future__ import annotations

from typing import NamedTuple

from nhilint.model import AttrPath, Span, Unknown
from nhilint.parsers.hcl.evaluator import Evaluator
from nhilint.parsers.hcl.forexpr import iterate
from nhilint.parsers.hcl.syntax import Block, Body, Node, line, text
from nhilint.parsers.hcl.syntax import end_line as last_line
from nhilint.parsers.hcl.values import FAILURES, bounded, extend_ref, refs_of, within_limits

#: Blocks nested deeper than this are not read (a guard against hostile input).
MAX_BLOCK_DEPTH = 32
_MAX_SPAN_DEPTH = 16


class Spans:
    """Collects the spans of one resource (mutable while one body is evaluated)."""

    __slots__ = ("file", "spans")

    def __init__(self, file: str) -> None:
        self.file = file
        self.spans: dict[AttrPath, Span] = {}

    def add(self, path: AttrPath, start: int, end: int) -> None:
        self.spans[path] = Span(self.file, start, end)


class _Where(NamedTuple):
    path: AttrPath
    depth: int


def evaluate_body(
    ev: Evaluator, body: Body, spans: Spans, path: AttrPath = (),
) -> dict[str, object]:
    return _body(ev, body, spans, _Where(path, 0))


def _body(ev: Evaluator, body: Body, spans: Spans, where: _Where) -> dict[str, object]:
    result: dict[str, object] = {}
    static = len(where.path) >= 2 and where.path[-2] == "lifecycle"
    for attribute in body.attributes:
        key = (*where.path, attribute.name)
        if static and attribute.name == "ignore_changes":
            result[attribute.name] = _attribute_names(attribute.expr)
        else:
            result[attribute.name] = bounded_value(ev, attribute.expr)
        spans.add(key, attribute.line, attribute.end_line)
        element_spans(attribute.expr, key, spans, 0)
    for block in body.blocks:
        if where.depth >= MAX_BLOCK_DEPTH:
            result[block.type] = Unknown("blocks are nested too deeply", text(block.node)[:80])
        elif block.type == "dynamic" and block.labels:
            _dynamic(ev, block, result, spans, where)
            if result.get(block.labels[0]) == []:
                del result[block.labels[0]]
        else:
            target = _target(result, block.type)
            if target is not None:
                inner = _Where((*where.path, block.type, len(target)), where.depth + 1)
                spans.add(inner.path, block.line, block.end_line)
                target.append(_body(ev, block.body, spans, inner))
    return result


def bounded_value(ev: Evaluator, expr: Node) -> object:
    """The value of an attribute, or an Unknown when it is too large to hand on."""
    value = ev.value(expr)
    return value if within_limits(value) else bounded(value, text(expr))


def _attribute_names(expr: Node) -> object:
    """``ignore_changes = [tags, name]`` names attributes, it is not evaluated: the texts."""
    node = expr
    while node.type in ("expression", "collection_value") and node.child_count == 1:
        node = node.children[0]
    if node.type == "tuple":
        return [text(c).strip() for c in node.children if c.type == "expression"]
    return text(expr).strip()


def _target(result: dict[str, object], name: str) -> list[object] | None:
    target = result.setdefault(name, [])
    return target if isinstance(target, list) else None


def _dynamic(
    ev: Evaluator, block: Block, result: dict[str, object], spans: Spans, where: _Where,
) -> None:
    name = block.labels[0]
    target = _target(result, name)
    if target is None:
        return
    body = block.body
    content = next((b for b in body.blocks if b.type == "content"), None)
    for_each = body.attribute("for_each")
    if content is None or for_each is None:
        spans.add((*where.path, name, len(target)), block.line, block.end_line)
        target.append(Unknown("dynamic block without for_each or content", text(block.node)[:80]))
        return
    iterator = body.attribute("iterator")
    alias = text(iterator.expr).strip() if iterator else name
    collection = ev.value(for_each.expr)
    try:
        pairs = None if isinstance(collection, Unknown) else iterate(collection)
    except FAILURES as exc:
        collection, pairs = Unknown(f"invalid for_each: {exc}", text(for_each.expr)), None
    if pairs is None:
        cause = collection if isinstance(collection, Unknown) else Unknown("not known")
        spans.add((*where.path, name, len(target)), block.line, block.end_line)
        target.append(_unknown_blocks(ev, content, alias, cause, spans.file, where))
        return
    content_body = content.body
    for key, value in pairs:
        inner = _Where((*where.path, name, len(target)), where.depth + 1)
        spans.add(inner.path, block.line, block.end_line)
        scope = ev.child({alias: {"key": key, "value": value}})
        target.append(_body(scope, content_body, spans, inner))


def _unknown_blocks(
    ev: Evaluator, content: Block, alias: str, cause: Unknown, file: str, where: _Where,
) -> Unknown:
    """Blocks whose number is not known: one Unknown whose ``partial`` is their shape."""
    key = Unknown(cause.reason, cause.source, cause.refs)
    scope = ev.child({alias: {"key": key, "value": extend_ref(key, "*", cause.source)}})
    shape = _body(scope, content.body, Spans(file), _Where((), where.depth + 1))
    reason = f"dynamic block for_each is not known ({cause.reason})"
    return Unknown(reason, cause.source, refs_of([cause, shape]), partial=shape)


def element_spans(expr: Node, path: AttrPath, spans: Spans, depth: int) -> None:
    """Spans of the elements of a literal list or object written over several lines."""
    if depth > _MAX_SPAN_DEPTH or expr.start_point[0] == expr.end_point[0]:
        return
    node = expr
    while node.type in ("expression", "collection_value") and node.child_count == 1:
        node = node.children[0]
    if node.type == "tuple":
        elements = [c for c in node.children if c.type == "expression"]
        for index, element in enumerate(elements):
            _element(element, (*path, index), spans, depth)
    elif node.type == "object":
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            exprs = [c for c in elem.children if c.type == "expression"]
            key = _static_key(exprs[0]) if len(exprs) == 2 else None
            if key is not None:
                spans.add((*path, key), line(elem), last_line(elem))
                element_spans(exprs[1], (*path, key), spans, depth + 1)


def _element(element: Node, path: AttrPath, spans: Spans, depth: int) -> None:
    spans.add(path, line(element), last_line(element))
    element_spans(element, path, spans, depth + 1)


def _static_key(node: Node) -> str | None:
    inner = node.children[0] if node.child_count == 1 else None
    if inner is None:
        return None
    if inner.type == "variable_expr":
        return text(inner)
    if inner.type == "literal_value" and inner.child_count == 1:
        literal = inner.children[0]
        raw = text(literal)
        if literal.type == "string_lit" and "\\" not in raw and len(raw) >= 2:
            return raw[1:-1]
    return None
