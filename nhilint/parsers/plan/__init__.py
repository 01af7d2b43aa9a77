"""The Terraform plan JSON reader: ``terraform show -json plan.out`` to the resource model.

A plan is recognised by its shape (a JSON object with ``format_version`` and
``resource_changes`` or ``planned_values``), whatever the file is called; each plan file is
a unit of its own.  Modules and ``count``/``for_each`` are already expanded in a plan, so
addresses come from it as they are.  See :mod:`nhilint.parsers.plan.changes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nhilint.model import Model
from nhilint.parsers.plan.detect import is_plan, plan_files
from nhilint.parsers.plan.read import read_plan

__all__ = ["KIND", "claims", "parse", "units"]

#: the input kind this parser reads (its key in ``nhilint.parsers.registry.PARSERS``)
KIND = "terraform-plan"


def claims(path: Path) -> bool:
    """A file holding a Terraform plan in JSON (by its content, not its name)."""
    return is_plan(path)


def units(paths: Sequence[Path]) -> list[Path]:
    """The plan files under ``paths``: a named file if it is a plan, ``*.json`` plans below a
    named directory."""
    return plan_files(paths)


def parse(unit: Path, tree: Path | None = None) -> Model:
    return read_plan(unit)
