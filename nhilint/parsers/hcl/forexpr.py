"""``for`` expressions (``[for k, v in x : v if c]``, ``{for k, v in x : k => v...}``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from nhilint.model import Unknown
from nhilint.parsers.hcl.syntax import Node, text
from nhilint.parsers.hcl.values import (
    FAILURES,
    EvalError,
    NotEvaluated,
    TfSet,
    extend_ref,
    first_unknown,
    to_bool,
    to_str,
    type_name,
    unknown_from,
    within_limits,
)

if TYPE_CHECKING:
    from nhilint.parsers.hcl.evaluator import Evaluator


class _For(NamedTuple):
    names: list[str]
    collection: Node
    exprs: list[Node]
    condition: Node | None
    grouping: bool


def iterate(collection: object) -> list[tuple[object, object]]:
    """(key, value) pairs in Terraform's order: list index, set element, sorted map key."""
    if isinstance(collection, TfSet):
        return [(v, v) for v in collection]
    if isinstance(collection, list):
        return list(enumerate(collection))
    if isinstance(collection, dict):
        return [(k, collection[k]) for k in sorted(collection)]
    raise EvalError(f"cannot iterate over a {type_name(collection)} value")


def scope_names(names: Sequence[str], key: object, value: object) -> dict[str, object]:
    if len(names) == 2:
        return {names[0]: key, names[1]: value}
    return {names[0]: value}


def probe(
    ev: Evaluator, names: Sequence[str], collection: Unknown,
    body: Callable[[Evaluator], object],
) -> object:
    """The body evaluated with unknown iteration variables, to keep the refs it carries.

    The value variable reads any element of the collection: its ref path gets a ``"*"`` step.
    """
    key = Unknown(reason=collection.reason, source=collection.source, refs=collection.refs)
    element = extend_ref(key, "*", collection.source)
    inner = ev.child(scope_names(names, key, element))
    try:
        return body(inner)
    except FAILURES as exc:
        return Unknown(reason=str(exc))


def for_tuple(ev: Evaluator, node: Node) -> object:
    spec = _read(node)
    collection = ev.eval(spec.collection)
    if isinstance(collection, Unknown):
        return _unknown(ev, node, spec, collection)
    result: list[object] = []
    for key, value in iterate(collection):
        inner = ev.child(scope_names(spec.names, key, value))
        keep = _keep(inner, spec)
        if isinstance(keep, Unknown):
            return _unknown(ev, node, spec, keep)
        if keep:
            result.append(inner.eval(spec.exprs[0]))
    if not within_limits(result):
        raise NotEvaluated("for expression result is too large")
    return result


def for_object(ev: Evaluator, node: Node) -> object:
    spec = _read(node)
    if len(spec.exprs) != 2:
        raise EvalError("malformed for expression")
    collection = ev.eval(spec.collection)
    if isinstance(collection, Unknown):
        return _unknown(ev, node, spec, collection)
    result: dict[str, object] = {}
    for key, value in iterate(collection):
        inner = ev.child(scope_names(spec.names, key, value))
        keep = _keep(inner, spec)
        if isinstance(keep, Unknown):
            return _unknown(ev, node, spec, keep)
        if not keep:
            continue
        new_key = inner.eval(spec.exprs[0])
        if first_unknown(new_key) is not None:
            return unknown_from(text(node), [new_key, collection])
        _put(result, to_str(new_key), inner.eval(spec.exprs[1]), spec.grouping)
    if not within_limits(result):
        raise NotEvaluated("for expression result is too large")
    return result


def _put(result: dict[str, object], key: str, value: object, grouping: bool) -> None:
    if grouping:
        group = result.setdefault(key, [])
        if isinstance(group, list):
            group.append(value)
    elif key in result:
        raise EvalError(f"duplicate key {key!r} in for expression (use ... to group)")
    else:
        result[key] = value


def _keep(inner: Evaluator, spec: _For) -> bool | Unknown:
    if spec.condition is None:
        return True
    keep = inner.eval(spec.condition)
    if isinstance(keep, Unknown):
        return keep
    return to_bool(keep)


def _unknown(ev: Evaluator, node: Node, spec: _For, cause: Unknown) -> Unknown:
    def body(inner: Evaluator) -> object:
        return [inner.value(expr) for expr in (*spec.exprs, *filter(None, [spec.condition]))]

    probed = probe(ev, spec.names, cause, body)
    return unknown_from(text(node), [cause, probed])


def _read(node: Node) -> _For:
    names: list[str] = []
    collection: Node | None = None
    exprs: list[Node] = []
    condition: Node | None = None
    grouping = False
    for child in node.children:
        kind = child.type
        if kind == "for_intro":
            names = [text(c) for c in child.children if c.type == "identifier"]
            collection = next((c for c in child.children if c.type == "expression"), None)
        elif kind == "expression":
            exprs.append(child)
        elif kind == "for_cond":
            condition = next((c for c in child.children if c.type == "expression"), None)
        elif kind == "ellipsis":
            grouping = True
    if collection is None or not exprs or not 1 <= len(names) <= 2:
        raise EvalError("malformed for expression")
    return _For(names, collection, exprs, condition, grouping)
