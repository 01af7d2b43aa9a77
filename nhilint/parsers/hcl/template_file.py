"""``file``, ``fileexists`` and ``templatefile``: files read from inside the module only.

A template file has the syntax of a heredoc's body (interpolations and directives, no backslash
escapes), so it is read as one: wrapped in a heredoc whose closing marker it does not contain,
with a sentinel before the last newline so that a trailing ``~}`` strips exactly what it would
strip in the file.  Inside the template only the variables passed in are in scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from nhilint.model import Unknown
from nhilint.parsers.hcl import syntax, templates
from nhilint.parsers.hcl.values import (
    EvalError,
    NotEvaluated,
    first_unknown,
    to_map,
    to_str,
    unknown_from,
)

if TYPE_CHECKING:
    from nhilint.parsers.hcl.evaluator import Evaluator

_SENTINEL = "\x01"


def file(ev: Evaluator, args: Sequence[object]) -> object:
    content = ev.context.read_file(_path(args, "file", 1))
    if content is None:
        raise NotEvaluated(f"file {to_str(args[0])!r} cannot be read")
    return content


def fileexists(ev: Evaluator, args: Sequence[object]) -> object:
    path = _path(args, "fileexists", 1)
    exists = ev.context.file_exists(path)
    if exists is None:
        raise NotEvaluated(f"whether file {path!r} exists is not evaluated outside the module")
    return exists


def templatefile(ev: Evaluator, args: Sequence[object]) -> object:
    path = _path(args, "templatefile", 2)
    variables = args[1]
    if isinstance(variables, Unknown):
        raise NotEvaluated(variables.reason)
    names = to_map(variables)
    content = ev.context.read_file(path)
    if content is None:
        raise NotEvaluated(f"template {path!r} cannot be read")
    node = _template_node(content)
    if node is None:
        raise NotEvaluated(f"template {path!r} is not read")
    scope = type(ev)(_TemplateScope(ev.context.module), names, ev.budget)
    result = templates.evaluate(scope, node)
    if isinstance(result, Unknown) or first_unknown(result) is not None:
        return unknown_from(path, [result])
    text = to_str(result)
    if not text.endswith(_SENTINEL + "\n"):
        raise NotEvaluated(f"template {path!r} is not read")
    return text[: -len(_SENTINEL) - 1]


def _path(args: Sequence[object], name: str, count: int) -> str:
    if len(args) != count:
        raise EvalError(f"wrong number of arguments to {name}()")
    unknown = first_unknown(args[0])
    if unknown is not None:
        raise NotEvaluated(unknown.reason)
    return to_str(args[0])


def _template_node(content: str) -> syntax.Node | None:
    marker = "NHILINT_TEMPLATE"
    while marker in content:
        marker += "_"
    source = f"t = <<{marker}\n{content}{_SENTINEL}\n{marker}\n".encode()
    tree, _ = syntax.parse(source)
    root = tree.root_node
    if root.has_error:
        return None
    found = root
    while found.type != "heredoc_template":
        named = [c for c in found.children if c.is_named]
        if not named:
            return None
        found = named[-1] if found.type == "attribute" else named[0]
    return found


class _TemplateScope:
    """What a template may ask: nothing but the variables it is given."""

    def __init__(self, module: str) -> None:
        self.module = module

    @property
    def path_module(self) -> str:
        raise EvalError("path.module is not available in a template")

    def variable(self, name: str) -> object:
        raise EvalError("templates cannot refer to variables")

    def local(self, name: str) -> object:
        raise EvalError("templates cannot refer to locals")

    def read_file(self, path: str) -> str | None:
        return None

    def file_exists(self, path: str) -> bool | None:
        return None

    def module_call(self, name: str) -> None:
        return None
