"""Variable type constraints (``type = map(string)``): converting a value like Terraform does.

Only the conversions Terraform applies silently are made (number or bool to string, numeric
string to number, list to set, object attributes dropped or defaulted); a value that does not
fit is an :class:`EvalError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from nhilint.model import Unknown
from nhilint.parsers.hcl.syntax import Node, text
from nhilint.parsers.hcl.values import (
    EvalError,
    make_set,
    to_bool,
    to_list,
    to_map,
    to_num,
    to_str,
    type_name,
)


class Type(NamedTuple):
    """``kind`` is a primitive name, ``any``, a collection kind, ``object`` or ``tuple``."""

    kind: str
    element: Type | None = None
    fields: tuple[tuple[str, Type, bool, Node | None], ...] = ()
    items: tuple[Type, ...] = ()


ANY = Type("any")


def read_type(node: Node) -> Type:
    """The type written by an expression node; anything unusual is ``any``."""
    children = node.children
    if node.type == "expression" and len(children) == 1:
        return read_type(children[0])
    if node.type == "variable_expr":
        name = text(node)
        return Type(name) if name in ("string", "number", "bool", "any") else ANY
    if node.type != "function_call" or not children:
        return ANY
    name = text(children[0])
    args = _arguments(node)
    if name in ("list", "set", "map") and len(args) == 1:
        return Type(name, read_type(args[0]))
    if name == "object" and len(args) == 1:
        return Type("object", fields=_fields(args[0]))
    if name == "tuple" and len(args) == 1:
        return Type("tuple", items=tuple(read_type(e) for e in _elements(args[0], "tuple")))
    return ANY


def _arguments(call: Node) -> list[Node]:
    arguments = next((c for c in call.children if c.type == "function_arguments"), None)
    return [c for c in arguments.children if c.type == "expression"] if arguments else []


def _elements(node: Node, kind: str) -> list[Node]:
    found: Node | None = node
    while found is not None and found.type != kind:
        found = found.children[0] if found.children else None
    if found is None:
        return []
    if kind == "tuple":
        return [c for c in found.children if c.type == "expression"]
    return [c for c in found.children if c.type == "object_elem"]


def _fields(node: Node) -> tuple[tuple[str, Type, bool, Node | None], ...]:
    fields = []
    for elem in _elements(node, "object"):
        exprs = [c for c in elem.children if c.type == "expression"]
        if len(exprs) != 2:
            continue
        field_type, optional, default = _optional(exprs[1])
        fields.append((text(exprs[0]).strip('"'), field_type, optional, default))
    return tuple(fields)


def _optional(node: Node) -> tuple[Type, bool, Node | None]:
    inner = node.children[0] if node.children else node
    if inner.type == "function_call" and inner.children and text(inner.children[0]) == "optional":
        args = _arguments(inner)
        if args:
            return read_type(args[0]), True, args[1] if len(args) > 1 else None
    return read_type(node), False, None


Defaults = Callable[[Node], object]


def convert(value: object, target: Type, defaults: Defaults) -> object:
    """``value`` converted to ``target``; ``defaults`` evaluates ``optional()`` defaults."""
    if isinstance(value, Unknown) or value is None or target.kind == "any":
        return value
    simple = _PRIMITIVES.get(target.kind)
    if simple is not None:
        return simple(value)
    element = target.element or ANY
    if target.kind == "list":
        return [convert(v, element, defaults) for v in to_list(value)]
    if target.kind == "set":
        return make_set(_hashable(convert(v, element, defaults)) for v in to_list(value))
    if target.kind == "map":
        return {k: convert(v, element, defaults) for k, v in to_map(value).items()}
    if target.kind == "tuple":
        items = to_list(value)
        if len(items) != len(target.items):
            raise EvalError("tuple has the wrong number of elements")
        return [convert(v, t, defaults) for v, t in zip(items, target.items, strict=True)]
    return _object(to_map(value), target, defaults)


def _object(value: Mapping[str, object], target: Type, defaults: Defaults) -> object:
    result: dict[str, object] = {}
    for name, field_type, optional, default in target.fields:
        if name in value and value[name] is not None:
            result[name] = convert(value[name], field_type, defaults)
        elif optional or name in value:
            result[name] = None if default is None else convert(
                defaults(default), field_type, defaults
            )
        else:
            raise EvalError(f"attribute {name!r} is required")
    return result


def _hashable(value: object) -> object:
    if isinstance(value, (list, dict)):
        raise EvalError(f"sets of {type_name(value)} values are not converted")
    return value


_PRIMITIVES: Mapping[str, Callable[[object], object]] = {
    "string": to_str,
    "number": to_num,
    "bool": to_bool,
}
