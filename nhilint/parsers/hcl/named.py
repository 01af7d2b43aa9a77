"""Variable defaults and local values as model objects, evaluated when first read.

A default is read as written (``*.tfvars`` values and the variable's type are not applied):
rules ask what the source holds.  A local is the module's memoised value of ``local.<name>``,
the one resources see.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from nhilint.model import AttrPath, Local, Span, Variable
from nhilint.parsers.hcl.blocks import Spans, bounded_value, element_spans
from nhilint.parsers.hcl.context import Declarations, ModuleContext
from nhilint.parsers.hcl.syntax import Attribute, text


def defaults(context: ModuleContext, found: Declarations) -> tuple[Variable, ...]:
    """Every variable that has a ``default``, in declaration order."""
    variables = []
    for name, block in found.variables.items():
        body = block.body
        default = body.attribute("default")
        if default is None:
            continue
        file = found.files.get(f"var.{name}", "")
        variables.append(Variable(
            name, _evaluate(context, default), _is_true(body.attribute("sensitive")),
            Span(file, block.line, block.end_line), _locate(file, default), context.module,
            _has_text(default),
        ))
    return tuple(variables)


def local_values(context: ModuleContext, found: Declarations) -> tuple[Local, ...]:
    """Every local value, in declaration order."""
    values = []
    for name, attribute in found.locals.items():
        file = found.files.get(f"local.{name}", "")
        span = Span(file, attribute.line, attribute.end_line)
        values.append(Local(name, _local(context, name), span, _locate(file, attribute),
                            context.module, _has_text(attribute)))
    return tuple(values)


def _evaluate(context: ModuleContext, attribute: Attribute) -> Callable[[], object]:
    ev = context.evaluator()
    return lambda: bounded_value(ev, attribute.expr)


def _local(context: ModuleContext, name: str) -> Callable[[], object]:
    return lambda: context.local(name)


def _has_text(attribute: Attribute) -> bool:
    """The expression's source has a quoted string or a heredoc in it."""
    raw = text(attribute.expr)
    return '"' in raw or "<<" in raw


def _is_true(attribute: Attribute | None) -> bool:
    return attribute is not None and text(attribute.expr).strip() == "true"


def _locate(file: str, attribute: Attribute) -> Callable[[], Mapping[AttrPath, Span]]:
    def locate() -> Mapping[AttrPath, Span]:
        spans = Spans(file)
        spans.add((), attribute.line, attribute.end_line)
        element_spans(attribute.expr, (), spans, 0)
        return spans.spans

    return locate
