"""A module call as its caller sees it: the instances read, each answering for its outputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Protocol

from nhilint.model import Unknown


class Outputs(Protocol):
    """One instance of a called module (a child module's context)."""

    def output(self, name: str) -> object:
        """The value of ``output "<name>"``; ``KeyError`` when the module has none."""
        ...

    def outputs(self) -> dict[str, object]: ...


class Expanded(NamedTuple):
    """The instances of one module call that was read.

    ``keyed`` when the call has ``count`` or ``for_each``; its instances are then keyed by
    index or key, or held under ``None`` alone when the keys are not known (``unknown``
    says why).  A call without either has one instance under ``None``.
    """

    keyed: bool
    instances: Mapping[int | str | None, Outputs]
    unknown: Unknown | None = None
