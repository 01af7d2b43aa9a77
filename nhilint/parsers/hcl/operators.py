"""Unary and binary operators, with Terraform's conversions and exact number arithmetic."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from nhilint.model import Unknown
from nhilint.parsers.hcl.syntax import Node, text
from nhilint.parsers.hcl.values import (
    EvalError,
    NotEvaluated,
    equal,
    first_unknown,
    normal_number,
    to_bool,
    to_num,
    unknown_from,
)

if TYPE_CHECKING:
    from nhilint.parsers.hcl.evaluator import Evaluator

#: Integers are exact, but not without bound (Python cannot even print the largest).
_MAX_BITS = 4096
_BINARY = frozenset({"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"})


def unary(ev: Evaluator, node: Node) -> object:
    children = node.children
    if len(children) < 2:
        raise EvalError("malformed unary operation")
    operator = children[0].type
    operand = ev.seq(children[1:])
    if first_unknown(operand) is not None:
        return unknown_from(text(node), [operand])
    if operator == "!":
        return not to_bool(operand)
    if operator == "-":
        return -to_num(operand)
    raise EvalError(f"unknown operator {operator!r}")


def binary(ev: Evaluator, node: Node) -> object:
    """A binary operation; a left-nested chain (``a + b + c``) is folded without recursion."""
    steps: list[tuple[str, list[Node], Node]] = []
    current = node
    while True:
        children = current.children
        split = next((i for i, c in enumerate(children) if not c.is_named and c.type in _BINARY), 0)
        if split <= 0 or split >= len(children) - 1:
            raise EvalError("malformed binary operation")
        steps.append((children[split].type, children[split + 1:], current))
        left = children[:split]
        inner = _nested_binary(left)
        if inner is None:
            break
        current = inner
    value = ev.seq(left)
    for operator, right, whole in reversed(steps):
        value = _combine(ev, operator, value, right, whole)
    return value


def _nested_binary(nodes: list[Node]) -> Node | None:
    if len(nodes) == 1 and nodes[0].type == "operation" and nodes[0].child_count == 1:
        inner = nodes[0].children[0]
        return inner if inner.type == "binary_operation" else None
    return None


def _combine(
    ev: Evaluator, operator: str, left: object, right_nodes: list[Node], whole: Node,
) -> object:
    if operator in ("&&", "||") and not isinstance(left, Unknown):
        decided = to_bool(left)
        if decided is (operator == "||"):
            return decided
    right = ev.seq(right_nodes)
    if first_unknown(left) is not None or first_unknown(right) is not None:
        return unknown_from(text(whole), [left, right])
    return apply(operator, left, right)


def apply(operator: str, left: object, right: object) -> object:
    """``left operator right`` on known values."""
    if operator == "==":
        return equal(left, right)
    if operator == "!=":
        return not equal(left, right)
    if operator in ("&&", "||"):
        return to_bool(left) and to_bool(right) if operator == "&&" else (
            to_bool(left) or to_bool(right)
        )
    a, b = to_num(left), to_num(right)
    if operator in _COMPARE:
        return _COMPARE[operator](a, b)
    try:
        result = _arithmetic(operator, a, b)
    except (OverflowError, ValueError) as exc:
        raise EvalError(f"arithmetic error: {exc}") from None
    if isinstance(result, float) and not math.isfinite(result):
        raise EvalError("arithmetic result is not a finite number")
    if isinstance(result, int) and result.bit_length() > _MAX_BITS:
        raise NotEvaluated("arithmetic result is too large")
    return normal_number(result)


_COMPARE = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _arithmetic(operator: str, a: int | float, b: int | float) -> int | float:
    if operator == "+":
        return a + b
    if operator == "-":
        return a - b
    if operator == "*":
        return a * b
    if b == 0:
        raise EvalError("division by zero")
    if operator == "/":
        if isinstance(a, int) and isinstance(b, int) and a % b == 0:
            return a // b
        return a / b
    if operator == "%":
        if isinstance(a, int) and isinstance(b, int):
            remainder = abs(a) % abs(b)
            return remainder if a >= 0 else -remainder
        return math.fmod(a, b)
    raise EvalError(f"unknown operator {operator!r}")
