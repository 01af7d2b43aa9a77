"""The type of an expression known from its form alone (``length(x)`` is a number).

A conditional converts its result to the type both branches unify to; when the branch not taken
is unknown, its written form may still tell its type.
"""

from __future__ import annotations

from collections.abc import Mapping

from nhilint.parsers.hcl.syntax import Node, text

_NUMBER = ("length", "tonumber", "max", "min", "sum", "abs", "ceil", "floor", "signum",
           "parseint", "log", "pow")
_STRING = ("tostring", "join", "format", "lower", "upper", "replace", "jsonencode", "substr",
           "trimspace", "trimprefix", "trimsuffix", "trim", "title", "chomp", "base64encode",
           "md5", "sha1", "sha256", "sha512", "uuid", "timestamp", "timeadd", "file",
           "templatefile", "basename", "dirname", "abspath", "indent")
_BOOL = ("tobool", "can", "contains", "startswith", "endswith", "alltrue", "anytrue",
         "fileexists")

RESULT_TYPES: Mapping[str, str] = {
    **dict.fromkeys(_NUMBER, "number"), **dict.fromkeys(_STRING, "string"),
    **dict.fromkeys(_BOOL, "bool"),
}
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})
_LOGICAL = frozenset({"==", "!=", "<", ">", "<=", ">=", "&&", "||"})
_PLACEHOLDERS: Mapping[str, object] = {"number": 0, "string": "", "bool": False}


def placeholder(node: Node, unknown: object) -> object:
    """A value of the type ``node`` is known to have, else ``unknown`` itself."""
    kind = static_type(node)
    return _PLACEHOLDERS[kind] if kind is not None else unknown


def static_type(node: Node) -> str | None:
    while node.type in ("expression", "operation") and node.child_count == 1:
        node = node.children[0]
    if node.type == "function_call" and node.children:
        return RESULT_TYPES.get(text(node.children[0]))
    if node.type == "template_expr" and node.children:
        parts = [c for c in node.children[0].children if c.is_named and not c.type.endswith(
            ("_start", "_end"))]
        single = len(parts) == 1 and parts[0].type == "template_interpolation"
        return None if single else "string"
    if node.type == "binary_operation":
        operators = {c.type for c in node.children if not c.is_named}
        if operators & _ARITHMETIC:
            return "number"
        return "bool" if operators & _LOGICAL else None
    if node.type == "unary_operation" and node.children:
        return "bool" if node.children[0].type == "!" else "number"
    return None
