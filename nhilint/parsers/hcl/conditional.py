"""Conditional expressions ``c ? a : b``: right-associative, with Terraform's type unification.

tree-sitter-hcl parses ``a ? x : b ? y : z`` as ``(a ? x : b) ? y : z``; HCL reads it as
``a ? x : (b ? y : z)``.  The chain is rebuilt from the tree before it is evaluated.  The
result is converted to the type both branches unify to (``false ? "a" : 5`` is ``"5"``): the
branch not taken is evaluated for its type only, and an invalid one converts nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from nhilint.model import Unknown
from nhilint.parsers.hcl import static_types
from nhilint.parsers.hcl.syntax import Node, text
from nhilint.parsers.hcl.values import (
    EvalError,
    NotEvaluated,
    first_unknown,
    to_bool,
    unify_branch,
    unknown_from,
)

if TYPE_CHECKING:
    from nhilint.parsers.hcl.evaluator import Evaluator

#: (condition, result) pairs, then the result when no condition holds.
Chain = tuple[list[tuple[Node, Node]], Node]


def conditional(ev: Evaluator, node: Node) -> object:
    pairs, otherwise = chain(node)
    return _choose(ev, node, pairs, otherwise)


def chain(node: Node) -> Chain:
    """The conditions and results of ``node`` in HCL's (right-associative) order."""
    exprs = _parts(node)
    ups: list[tuple[Node, Node]] = []
    inner = _bare_conditional(exprs[0])
    while inner is not None:
        ups.append((exprs[1], exprs[2]))
        exprs = _parts(inner)
        inner = _bare_conditional(exprs[0])
    pairs = [(exprs[0], exprs[1])]
    otherwise = exprs[2]
    for then, other in reversed(ups):
        pairs.append((otherwise, then))
        otherwise = other
    return pairs, otherwise


def _parts(node: Node) -> list[Node]:
    exprs = [c for c in node.children if c.type == "expression"]
    if len(exprs) != 3:
        raise EvalError("malformed conditional")
    return exprs


def _bare_conditional(expr: Node) -> Node | None:
    """The conditional an expression is, when it is not in parentheses."""
    if expr.child_count == 1 and expr.children[0].type == "conditional":
        return expr.children[0]
    return None


def _choose(
    ev: Evaluator, node: Node, pairs: Sequence[tuple[Node, Node]], otherwise: Node,
) -> object:
    (test, then), rest = pairs[0], pairs[1:]
    condition = ev.eval(test)
    if first_unknown(condition) is not None:
        branches = [ev.value(then), _rest_value(ev, node, rest, otherwise)]
        return unknown_from(text(node), [condition, *branches])
    if to_bool(condition):
        value = ev.eval(then)
        other_node: Node | None = otherwise if not rest else None
    else:
        value = ev.eval(otherwise) if not rest else _choose(ev, node, rest, otherwise)
        other_node = then
    if first_unknown(value) is not None:
        return value
    return _unify(ev, value, node, rest, otherwise, other_node)


def _rest_value(
    ev: Evaluator, node: Node, rest: Sequence[tuple[Node, Node]], otherwise: Node,
) -> object:
    if not rest:
        return ev.value(otherwise)
    try:
        return _choose(ev, node, rest, otherwise)
    except (EvalError, NotEvaluated, RecursionError) as exc:
        return Unknown(reason=str(exc), source=text(node))


def _unify(
    ev: Evaluator, value: object, node: Node, rest: Sequence[tuple[Node, Node]],
    otherwise: Node, other_node: Node | None,
) -> object:
    ev.budget.strict += 1  # an error anywhere in the other branch is an error of the branch
    try:
        if other_node is None:
            alternative = _choose(ev, node, rest, otherwise)
        else:
            alternative = ev.eval(other_node)
    except EvalError:
        return value  # an invalid branch not taken has no type to convert to (as in HCL)
    except (NotEvaluated, RecursionError) as exc:
        alternative = Unknown(reason=str(exc), source=text(node))
    finally:
        ev.budget.strict -= 1
    if isinstance(alternative, Unknown) and other_node is not None:
        alternative = static_types.placeholder(other_node, alternative)
    return unify_branch(value, alternative)
