"""Evaluating string templates: interpolations, ``%{ if }`` and ``%{ for }`` directives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nhilint.model import Unknown
from nhilint.parsers.hcl.forexpr import iterate, probe, scope_names
from nhilint.parsers.hcl.syntax import Node, text
from nhilint.parsers.hcl.template_text import Part, Template, for_parts, if_branches, read_template
from nhilint.parsers.hcl.values import (
    FAILURES,
    EvalError,
    check_length,
    first_unknown,
     to_bool,
    to_str,
    unknown_from,
)

if TYPE_CHECKING:
    from nhilint.parsers.hcl.evaluator import Evaluator


def evaluate(ev: Evaluator, node: Node) -> object:
    """A ``string_lit``, ``quoted_template`` or ``heredoc_template`` node's value."""
    if node.type == "string_lit" and node.child_count <= 3:
        simple = _plain_string(node)
        if simple is not None:
            return simple
    template = read_template(node)
    parts = template.parts()
    if len(parts) == 1 and not isinstance(parts[0], str):
        only = parts[0]
        if only.type == "template_interpolation":
            return ev.eval(_inner(only))
    result = _render(ev, template, parts)
    if isinstance(result, Unknown):
        return unknown_from(text(node), [result])
    return result


def _plain_string(node: Node) -> str | None:
    """A string literal without escapes, straight from its bytes (the common case)."""
    raw = node.text or b""
    if len(raw) < 2 or not raw.endswith(b'"') or b"\\" in raw or b"$${" in raw or b"%%{" in raw:
        return None
    return raw[1:-1].decode("utf-8", "replace")


def _inner(interpolation: Node) -> Node:
    inner = next((c for c in interpolation.children if c.type == "expression"), None)
    if inner is None:
        raise EvalError("empty interpolation")
    return inner


def _render(ev: Evaluator, template: Template, parts: list[Part]) -> str | Unknown:
    pieces: list[str] = []
    unknowns: list[object] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        value = _element(ev, template, part)
        if isinstance(value, Unknown):
            unknowns.append(value)
        else:
            pieces.append(value)
    if unknowns:
        return unknown_from("", unknowns)
    check_length(sum(map(len, pieces)))
    return "".join(pieces)


def _element(ev: Evaluator, template: Template, node: Node) -> str | Unknown:
    if node.type == "template_interpolation":
        inner = _inner(node)
        value = ev.eval(inner)
        if first_unknown(value) is not None:
            return unknown_from(text(inner), [value])
        return to_str(value)
    directive = node.children[0] if node.children else None
    if directive is not None and directive.type == "template_if":
        return _if(ev, template, directive)
    if directive is not None and directive.type == "template_for":
        return _for(ev, template, directive)
    raise EvalError("malformed template directive")


def _if(ev: Evaluator, template: Template, node: Node) -> str | Unknown:
    condition_node, then, then_start, other, else_start = if_branches(node)
    if condition_node is None:
        raise EvalError("if directive without a condition")
    condition = ev.eval(condition_node)
    then_parts = template.sequence(then_start, then)
    else_parts = template.sequence(else_start, other)
    if first_unknown(condition) is not None:
        branches = [_safe_render(ev, template, then_parts), _safe_render(ev, template, else_parts)]
        return unknown_from(text(node), [condition, *branches])
    return _render(ev, template, then_parts if to_bool(condition) else else_parts)


def _for(ev: Evaluator, template: Template, node: Node) -> str | Unknown:
    names, collection_node, body, start = for_parts(node)
    if collection_node is None or not 1 <= len(names) <= 2:
        raise EvalError("malformed for directive")
    collection = ev.eval(collection_node)
    parts = template.sequence(start, body)
    if isinstance(collection, Unknown):
        probed = probe(ev, names, collection, lambda inner: _safe_render(inner, template, parts))
        return unknown_from(text(node), [collection, probed])
    pieces: list[str] = []
    unknowns: list[object] = []
    for key, value in iterate(collection):
        rendered = _render(ev.child(scope_names(names, key, value)), template, parts)
        if isinstance(rendered, Unknown):
            unknowns.append(rendered)
        else:
            pieces.append(rendered)
    if unknowns:
        return unknown_from(text(node), unknowns)
    check_length(sum(map(len, pieces)))
    return "".join(pieces)


def _safe_render(ev: Evaluator, template: Template, parts: list[Part]) -> object:
    try:
        return _render(ev, template, parts)
    except FAILURES as exc:
        return Unknown(reason=f"cannot evaluate template: {exc}")
