"""The Pulumi JSON reader: ``pulumi preview --json`` and ``pulumi stack export`` to the model.

Both are recognised by their shape, whatever the file is called: a preview is an object with
``steps`` whose entries carry Pulumi URNs, an export an object with ``deployment.resources``
(:mod:`nhilint.parsers.pulumi_json.detect`); each file is a unit of its own.  See
:mod:`nhilint.parsers.pulumi_json.read` for what is read from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nhilint.model import Model
from nhilint.parsers.pulumi_json.detect import is_pulumi_json, pulumi_json_files
from nhilint.parsers.pulumi_json.read import read_pulumi_json

__all__ = ["KIND", "claims", "parse", "units"]

#: the input kind this parser reads (its key in ``nhilint.parsers.registry.PARSERS``)
KIND = "pulumi-json"


def claims(path: Path) -> bool:
    """A file holding a Pulumi preview or stack export in JSON (by its content)."""
    return is_pulumi_json(path)


def units(paths: Sequence[Path]) -> list[Path]:
    return pulumi_json_files(paths)


def parse(unit: Path, tree: Path | None = None) -> Model:
    return read_pulumi_json(unit)
