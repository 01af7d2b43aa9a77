"""The module tree: which scanned Terraform directories are roots, and which are called."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from nhilint.model import ModuleCall

Role = Literal["root", "child"]


def module_roles(calls: Mapping[Path, Sequence[ModuleCall]]) -> dict[Path, Role]:
    """``child`` for each scanned directory some scanned module calls (the directory read for
    the call: a local source, resolved from its caller), ``root`` for the others."""
    known = {_key(d): d for d in calls}
    called = {_key(Path(call.directory)) for found in calls.values() for call in found
              if call.directory}
    return {d: "child" if k in called else "root" for k, d in known.items()}


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))
