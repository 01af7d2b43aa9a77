"""The module tree: which scanned Terraform directories are roots, and which are called."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from nhilint.model import ModuleCall

Role = Literal["root", "child"]


def module_roles(calls: Mapping[Path, Sequence[ModuleCall]]) -> dict[Path, Role]:
    """``child`` for each directory a scanned module calls with a local source (``./x``,
    ``../x``, resolved from the caller's directory), ``root`` for the others."""
    known = {_key(d): d for d in calls}
    called = {
        _key(caller / call.source)
        for caller, found in calls.items()
        for call in found
        if isinstance(call.source, str) and call.source.startswith(("./", "../"))
    }
    return {d: "child" if k in called else "root" for k, d in known.items()}


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))
