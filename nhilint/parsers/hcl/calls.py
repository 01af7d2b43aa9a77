"""Function calls: argument handling, ``try``/``can``/``file``, and the function table.

A function either returns an exact value, raises :class:`EvalError` (Terraform would reject the
call) or raises :class:`NotEvaluated` (the result is an Unknown that keeps the refs of the
arguments).  A function missing from the table is never guessed: its result is an Unknown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

from nhilint.model import Unknown
from nhilint.parsers.hcl import functions_collections, functions_text, template_file
from nhilint.parsers.hcl.function_table import Function
from nhilint.parsers.hcl.syntax import Node, text
from nhilint.parsers.hcl.values import (
    FAILURES,
    EvalError,
    NotEvaluated,
    first_unknown,
    refs_of,
    unknown_from,
)

if TYPE_CHECKING:
    from nhilint.parsers.hcl.evaluator import Evaluator

FUNCTIONS: Mapping[str, Function] = MappingProxyType(
    {**functions_collections.TABLE, **functions_text.TABLE}
)

_Reader = Callable[["Evaluator", Sequence[object]], object]

#: The functions that read files of the module (they need the evaluator's context).
_READERS: Mapping[str, _Reader] = MappingProxyType({
    "file": template_file.file,
    "fileexists": template_file.fileexists,
    "templatefile": template_file.templatefile,
})


def call(ev: Evaluator, node: Node) -> object:
    children = node.children
    name = text(children[0]) if children else ""
    arguments = next((c for c in children if c.type == "function_arguments"), None)
    arg_nodes = [c for c in arguments.children if c.type == "expression"] if arguments else []
    expand = arguments is not None and any(c.type == "ellipsis" for c in arguments.children)
    if name in ("try", "can") and not expand:
        ev.budget.strict += 1
        try:
            return _try(ev, node, arg_nodes) if name == "try" else _can(ev, node, arg_nodes)
        finally:
            ev.budget.strict -= 1
    function = FUNCTIONS.get(name)
    reader = _READERS.get(name)
    if function is None and reader is None:
        values = [ev.value(a) for a in arg_nodes]
        return Unknown(f"function {name} is not evaluated", text(node), refs_of(values))
    args = [ev.eval(a) for a in arg_nodes]
    if expand:
        expanded = _expand(args)
        if isinstance(expanded, Unknown):
            return unknown_from(text(node), [expanded])
        args = expanded
    try:
        if function is not None:
            result = _apply(function, name, args)
        elif reader is not None:
            result = reader(ev, args)
    except NotEvaluated as exc:
        return Unknown(str(exc), text(node), refs_of(args))
    if isinstance(result, Unknown) and not result.source:
        return dataclasses.replace(result, source=text(node))
    return result


def _expand(args: list[object]) -> list[object] | Unknown:
    if not args:
        raise EvalError("... needs an argument to expand")
    last = args[-1]
    if isinstance(last, Unknown):
        return last
    if not isinstance(last, list):
        raise EvalError("the argument before ... must be a list")
    return [*args[:-1], *last]


def _apply(function: Function, name: str, args: Sequence[object]) -> object:
    if len(args) < function.min_args or (
        function.max_args is not None and len(args) > function.max_args
    ):
        raise EvalError(f"wrong number of arguments to {name}()")
    if function.strict == "deep":
        unknown = first_unknown(list(args))
        if unknown is not None:
            raise NotEvaluated(unknown.reason)
    elif function.strict == "shallow":
        unknown = next((a for a in args if isinstance(a, Unknown)), None)
        if unknown is not None:
            raise NotEvaluated(unknown.reason)
    return function.impl(list(args))


def _try(ev: Evaluator, node: Node, arg_nodes: Sequence[Node]) -> object:
    if not arg_nodes:
        raise EvalError("try() needs at least one argument")
    for index, arg in enumerate(arg_nodes):
        try:
            value = ev.eval(arg)
        except EvalError:
            continue
        except NotEvaluated as exc:
            value = Unknown(str(exc), text(arg))
        if first_unknown(value) is None:
            return value
        rest = [ev.value(a) for a in arg_nodes[index + 1:]]
        return unknown_from(text(node), [value, *rest])
    raise EvalError("no argument of try() could be evaluated")


def _can(ev: Evaluator, node: Node, arg_nodes: Sequence[Node]) -> object:
    if len(arg_nodes) != 1:
        raise EvalError("can() takes exactly one argument")
    try:
        value = ev.eval(arg_nodes[0])
    except EvalError:
        return False
    except FAILURES as exc:
        return Unknown(str(exc), text(node))
    if first_unknown(value) is not None:
        return unknown_from(text(node), [value])
    return True
