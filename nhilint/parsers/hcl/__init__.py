"""The Terraform HCL reader: ``*.tf`` and ``*.tf.json`` modules to the resource model
(tree-sitter-hcl based)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nhilint.model import Diagnostic, Model
from nhilint.parsers.files import PARSE_ERROR, display_path
from nhilint.parsers.hcl.discover import discover_modules, is_config_file
from nhilint.parsers.hcl.module import read_module

__all__ = ["KIND", "claims", "discover_modules", "parse", "parse_module", "units"]

#: the input kind this parser reads (its key in ``nhilint.parsers.registry.PARSERS``)
KIND = "terraform"


def claims(path: Path) -> bool:
    """A ``*.tf`` or ``*.tf.json`` file, or a ``*.tfvars`` file (read with its module)."""
    return is_config_file(path.name) or path.name.endswith(".tfvars")


def units(paths: Sequence[Path]) -> list[Path]:
    """The module directories under ``paths`` (a named file stands for its directory)."""
    return discover_modules(paths)


def parse(unit: Path, tree: Path | None = None) -> Model:
    return parse_module(unit, tree)


def parse_module(directory: Path, tree: Path | None = None) -> Model:
    """All ``*.tf`` and ``*.tf.json`` files of ``directory`` as one root module, with the
    modules it calls that can be read (local sources inside ``tree`` or its git work tree,
    and what ``terraform init`` downloaded); never raises.

    ``terraform.tfvars`` and ``*.auto.tfvars`` (lexical order) give variable values.  Files that
    cannot be read or have syntax errors are reported as NHI900 diagnostics; what could be read
    is still used.
    """
    try:
        if not directory.is_dir():
            problem = Diagnostic(PARSE_ERROR, display_path(directory), 1, "not a directory")
            return Model(diagnostics=(problem,))
        return read_module(directory, tree)
    except Exception as exc:  # the reader must never stop a scan
        message = f"internal error reading module: {exc!r}"
        return Model(diagnostics=(Diagnostic(PARSE_ERROR, display_path(directory), 1, message),))
