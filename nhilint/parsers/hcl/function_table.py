"""The shape of a built-in function: its implementation, arity and how it treats Unknowns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NamedTuple

#: ``deep``: any Unknown anywhere in the arguments makes the result Unknown; ``shallow``: only an
#: argument that is itself Unknown does; ``none``: the implementation decides.
Strictness = Literal["deep", "shallow", "none"]

Impl = Callable[[list[object]], object]


class Function(NamedTuple):
    impl: Impl
    min_args: int
    max_args: int | None
    strict: Strictness = "deep"


def fixed(impl: Impl, count: int, strict: Strictness = "deep") -> Function:
    return Function(impl, count, count, strict)


def variadic(impl: Impl, minimum: int = 0, strict: Strictness = "deep") -> Function:
    return Function(impl, minimum, None, strict)
