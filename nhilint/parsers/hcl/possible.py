"""Possible instances and branches: the module as it would be if inputs nobody set (they are at
their default) were set.

A ``count``/``for_each`` that is empty only because of such inputs gives possible instances
(:func:`worlds`); a conditional on an argument whose condition is a flag left at ``false``
is judged both ways (:func:`branch_flags`: the module is read again with the flags set).  An
input set by ``*.tfvars``, by the caller, or a literal is final.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.model import Ref, Unknown
from nhilint.parsers.hcl.context import ModuleContext
from nhilint.parsers.hcl.syntax import Block, Body


def worlds(context: ModuleContext, body: Body) -> Iterator[tuple[ModuleContext, str]]:
    """The module as it would be if the inputs a ``count``/``for_each`` uses that nobody set
    (they are at their default) were set: first with the flags among them that default to
    false turned on (``when var.enable_user = true``), then with the inputs that are not flags
    unknown (``when var.users is set``).  Inputs set by tfvars or by the caller, and literals,
    are final: they give no world."""
    meta = body.attribute("count") or body.attribute("for_each")
    inputs = context.defaulted_inputs(meta.expr.text or b"") if meta is not None else []
    defaults = {n: context.variable(n) for n in inputs}
    flags = {n: True for n, v in defaults.items() if v is False}
    if flags:
        said = " and ".join(f"var.{n} = true" for n in flags)
        yield context.with_values(flags), f"when {said}"
    others = [n for n, v in defaults.items() if not isinstance(v, bool)]
    if others:
        unset = {n: Unknown(f"var.{n} is set by whoever applies it", f"var.{n}",
                            (Ref(f"var.{n}", (), context.module),)) for n in others}
        said = " and ".join(f"var.{n}" for n in others)
        verb = "is" if len(others) == 1 else "are"
        yield context.with_values(unset), f"when {said} {verb} set"


def both(outer: str, inner: str) -> str:
    """Two conditions as one (``when a`` and ``when b`` -> ``when a and b``)."""
    if not outer or not inner:
        return outer or inner
    return f"{outer} and {inner.removeprefix('when ')}"


def branch_flags(context: ModuleContext) -> dict[str, bool]:
    """The flags (variables defaulting to false that nobody set) the arguments of the root
    module's resources, data sources and module calls use, outside ``count``/``for_each``:
    each chooses a branch of a conditional that is judged both ways."""
    flags: dict[str, bool] = {}
    for block, _ in context.declarations.objects:
        if block.type in ("resource", "data", "module"):
            for name in context.defaulted_inputs(arguments_text(block)):
                if context.variable(name) is False:
                    flags[name] = True
    return flags


def arguments_text(block: Block) -> bytes:
    """A block's text without its ``count`` and ``for_each`` (read by possible instances)."""
    raw = block.node.text or b""
    for name in ("count", "for_each"):
        attribute = block.body.attribute(name)
        if attribute is not None and attribute.expr.text:
            raw = raw.replace(attribute.expr.text, b"")
    return raw
