"""Which parser reads which input: detection in one place, and an explicit registry.

A parser is a module that satisfies :class:`Parser`: it claims file names, groups the files
under some paths into units (for Terraform: module directories) and parses one unit into a
:class:`~nhilint.model.Model`.  :data:`PARSERS` holds one entry per input kind (Terraform
HCL and ``.tf.json``, Terraform plan JSON, Pulumi preview / stack export JSON, Pulumi YAML,
Pulumi Python).  Use :func:`discover`, then ``PARSERS[unit.kind].parse(unit.path)`` for each unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple, Protocol

from nhilint.model import Model
from nhilint.parsers import hcl, plan, pulumi_json, pulumi_python, pulumi_yaml


class Parser(Protocol):
    """An input format's reader (a module)."""

    KIND: str

    def claims(self, path: Path) -> bool: ...

    def units(self, paths: Sequence[Path]) -> list[Path]: ...

    def parse(self, unit: Path, tree: Path | None = None) -> Model:
        """One unit; ``tree`` is the scanned path it was found under (a Terraform module may
        call local modules anywhere inside it)."""
        ...


PARSERS: Mapping[str, Parser] = {
    hcl.KIND: hcl, plan.KIND: plan,
    pulumi_json.KIND: pulumi_json, pulumi_yaml.KIND: pulumi_yaml,
    pulumi_python.KIND: pulumi_python,
}


class SourceUnit(NamedTuple):
    """One thing to parse: a path, the kind of input it is, and the scanned path it was
    found under (a named file: its directory)."""

    path: Path
    kind: str
    tree: Path | None = None


class Discovery(NamedTuple):
    """What to parse, and which of the named paths hold nothing any parser reads."""

    units: tuple[SourceUnit, ...]
    unread: tuple[Path, ...]


def detect(path: Path, kind: str | None = None) -> str | None:
    """The input kind of a file (``kind`` overrides, as ``--input-type`` does): the first
    parser that claims it (HCL by name, plan and Pulumi JSON by the shape of their content,
    Pulumi YAML by its project's ``runtime``)."""
    if kind is not None:
        return kind if kind in PARSERS else None
    return next((k for k, p in PARSERS.items() if p.claims(path)), None)


def discover(paths: Sequence[Path], kind: str | None = None) -> Discovery:
    """Every unit under ``paths``, sorted, and the named paths that gave none (a named file
    gives units only to the parser that claims it, or to the one ``kind`` chooses)."""
    chosen = {k: p for k, p in PARSERS.items() if kind is None or k == kind}
    units: dict[tuple[Path, str], SourceUnit] = {}
    unread: list[Path] = []
    for path in paths:
        readers = {k: p for k, p in chosen.items()
                   if not path.is_file() or kind == k or p.claims(path)}
        tree = path.parent if path.is_file() else path
        found = [SourceUnit(u, k, tree) for k, p in readers.items() for u in p.units([path])]
        if not found or (path.is_file() and detect(path, kind) is None):
            unread.append(path)
        for unit in found:
            units.setdefault((unit.path, unit.kind), unit)
    return Discovery(tuple(sorted(units.values(), key=lambda u: (u.path, u.kind))),
                     tuple(unread))
