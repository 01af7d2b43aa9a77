"""Expression evaluation: a CST expression node to a value or an :class:`Unknown`, never a guess.

The :class:`Evaluator` holds the names in scope (iteration variables, ``count``, ``each``) and a
:class:`Context` that answers ``var.*``, ``local.*`` and ``file()``.  ``eval`` raises
:class:`EvalError` where Terraform would report an error (``try`` and ``can`` need that);
``value`` turns every failure into an Unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from nhilint.model import Unknown
from nhilint.parsers.hcl import calls, conditional, forexpr, operators, references, templates
from nhilint.parsers.hcl.expanded import Expanded
from nhilint.parsers.hcl.syntax import Node, text
from nhilint.parsers.hcl.values import (
    EvalError,
    NotEvaluated,
    parse_number,
    to_str,
    unknown_from,
)

#: The deepest expression nesting evaluated (a guard against RecursionError).
MAX_DEPTH = 64
#: The most expression nodes evaluated for one module (a guard against runaway loops).
MAX_STEPS = 2_000_000


class Context(Protocol):
    """What expressions may ask of their module."""

    @property
    def module(self) -> str: ...

    @property
    def path_module(self) -> str: ...

    def variable(self, name: str) -> object: ...

    def local(self, name: str) -> object: ...

    def read_file(self, path: str) -> str | None: ...

    def file_exists(self, path: str) -> bool | None: ...

    def module_call(self, name: str) -> Expanded | Unknown | None:
        """``module.<name>``: its instances, why it is not known, or ``None`` (no such call
        was read: the reference stays an opaque Unknown)."""
        ...


class Budget:
    """Evaluation state shared by every evaluator of one module (mutable, per parse).

    ``depth`` guards against deep recursion and ``steps`` against runaway work; ``strict``
    counts the enclosing ``try``/``can`` calls, inside which an error anywhere must reach the
    call instead of becoming an Unknown.
    """

    __slots__ = ("depth", "steps", "strict")

    def __init__(self) -> None:
        self.depth = 0
        self.steps = 0
        self.strict = 0


class Evaluator:
    __slots__ = ("budget", "context", "names")

    def __init__(
        self, context: Context, names: Mapping[str, object] | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.context = context
        self.names: Mapping[str, object] = names or {}
        self.budget = budget or Budget()

    def child(self, names: Mapping[str, object]) -> Evaluator:
        """An evaluator with more names in scope (``for`` variables, ``each``, iterators)."""
        return Evaluator(self.context, {**self.names, **names}, self.budget)

    def eval(self, node: Node) -> object:
        budget = self.budget
        if budget.depth >= MAX_DEPTH:
            raise NotEvaluated("expression is nested too deeply")
        budget.steps += 1
        if budget.steps > MAX_STEPS:
            raise NotEvaluated("evaluation budget of the module is exhausted")
        handler = _HANDLERS.get(node.type)
        if handler is None:
            raise EvalError(f"unexpected {node.type!r} in expression")
        budget.depth += 1
        try:
            return handler(self, node)
        finally:
            budget.depth -= 1

    def value(self, node: Node) -> object:
        """``eval`` that never raises: errors and unsupported forms become Unknown."""
        try:
            return self.eval(node)
        except EvalError as exc:
            return Unknown(reason=f"invalid expression: {exc}", source=text(node))
        except NotEvaluated as exc:
            return Unknown(reason=str(exc), source=text(node))
        except RecursionError:
            return Unknown(reason="expression is nested too deeply", source=text(node))
        except Exception as exc:  # a limit of Python itself (huge integers...): never escape
            return Unknown(reason=f"cannot evaluate: {type(exc).__name__}", source=text(node))

    def element(self, node: Node) -> object:
        """A collection element: an error in it makes only the element Unknown (outside try)."""
        return self.eval(node) if self.budget.strict else self.value(node)

    def seq(self, nodes: Sequence[Node]) -> object:
        """A primary expression followed by attribute, index and splat steps."""
        head = nodes[0]
        if head.type == "variable_expr":
            return references.resolve(self, nodes)
        if head.type == "(" and len(nodes) >= 3:
            value = self.eval(nodes[1])
            rest = nodes[3:]
        else:
            value = self.eval(head)
            rest = nodes[1:]
        return references.traverse(self, value, rest, nodes) if rest else value


def _expression(ev: Evaluator, node: Node) -> object:
    children = node.children
    if not children:
        raise EvalError("empty expression")
    return ev.seq(children)


def _first_child(ev: Evaluator, node: Node) -> object:
    if not node.children:
        raise EvalError(f"empty {node.type}")
    return ev.eval(node.children[0])


def _literal(ev: Evaluator, node: Node) -> object:
    child = node.children[0] if node.children else node
    kind = child.type
    if kind == "numeric_lit":
        return parse_number(text(child))
    if kind == "bool_lit":
        return text(child) == "true"
    if kind == "null_lit":
        return None
    if kind == "string_lit":
        return templates.evaluate(ev, child)
    raise EvalError(f"unexpected literal {kind!r}")


def _tuple(ev: Evaluator, node: Node) -> object:
    return [ev.element(c) for c in node.children if c.type == "expression"]


def _object(ev: Evaluator, node: Node) -> object:
    result: dict[str, object] = {}
    unknown_keys: list[object] = []
    for elem in node.children:
        if elem.type != "object_elem":
            continue
        exprs = [c for c in elem.children if c.type == "expression"]
        if len(exprs) != 2:
            raise EvalError("malformed object element")
        key = object_key(ev, exprs[0])
        value = ev.element(exprs[1])
        if isinstance(key, Unknown):
            unknown_keys.extend((key, value))
        elif key in result:
            raise EvalError(f"duplicate object key {key!r}")
        else:
            result[key] = value
    if unknown_keys:
        return unknown_from(text(node), [*unknown_keys, result])
    return result


def object_key(ev: Evaluator, node: Node) -> str | Unknown:
    """An object key: a bare identifier is its own name, anything else is evaluated."""
    children = node.children
    if len(children) == 1 and children[0].type == "variable_expr":
        return text(children[0])
    key = ev.eval(node)
    if isinstance(key, Unknown):
        return key
    return to_str(key)


def _error(ev: Evaluator, node: Node) -> object:
    raise EvalError(f"syntax error in expression {text(node)[:40]!r}")


_Handler = Callable[[Evaluator, Node], object]

_HANDLERS: Mapping[str, _Handler] = {
    "expression": _expression,
    "literal_value": _literal,
    "collection_value": _first_child,
    "template_expr": _first_child,
    "operation": _first_child,
    "for_expr": _first_child,
    "tuple": _tuple,
    "object": _object,
    "string_lit": templates.evaluate,
    "quoted_template": templates.evaluate,
    "heredoc_template": templates.evaluate,
    "function_call": calls.call,
    "for_tuple_expr": forexpr.for_tuple,
    "for_object_expr": forexpr.for_object,
    "unary_operation": operators.unary,
    "binary_operation": operators.binary,
    "conditional": conditional.conditional,
    "ERROR": _error,
}
