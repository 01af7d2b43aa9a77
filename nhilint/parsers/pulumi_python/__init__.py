"""The Pulumi Python reader: a ``runtime: python`` project's program, read statically.

A project is a directory whose ``Pulumi.yaml`` (or ``Pulumi.yml``) says ``runtime: python``
(or ``runtime: {name: python}``); its program is ``__main__.py`` in the project directory, or
in the directory (or the file) its ``main:`` names (``pulumi/pulumi`` ``sdk/python/cmd/
pulumi-language-python``: the program directory's ``__main__.py``).  The unit is the project
file; its program and the local modules the program imports are read by
:mod:`nhilint.parsers.pulumi_python.program`, which never imports or runs them.  Recognising a
project reads its text only: libcst is imported when a program is parsed, never by a
Terraform-only scan.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from nhilint.model import Model

__all__ = ["KIND", "PROJECT_FILES", "claims", "parse", "program_of", "units"]

#: the input kind this parser reads (its key in ``nhilint.parsers.registry.PARSERS``)
KIND = "pulumi-python"
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
MAIN_FILE = "__main__.py"
_RUNTIME = re.compile(
    r"^runtime:\s*(?:[\"']?python[\"']?\s*(?:#.*)?$"
    r"|\n(?:[ \t]+.*\n)*?[ \t]+name:\s*[\"']?python\b)",
    re.MULTILINE)
_MAIN = re.compile(r"^main:\s*[\"']?([^\"'#\n]+?)[\"']?\s*(?:#.*)?$", re.MULTILINE)
_MAX_PROJECT_BYTES = 16 * 1024 * 1024


def project_text(directory: Path) -> tuple[Path, str] | None:
    """The project file of a Python project directory and its text, or ``None``."""
    for name in PROJECT_FILES:
        path = directory / name
        try:
            if path.is_file() and path.stat().st_size <= _MAX_PROJECT_BYTES:
                text = path.read_text(encoding="utf-8", errors="replace")
                return (path, text) if _RUNTIME.search(text) else None
        except OSError:
            return None
    return None


def program_of(directory: Path) -> Path | None:
    """The program file (``__main__.py``) of a Python project directory, or ``None``."""
    found = project_text(directory)
    if found is None:
        return None
    main = _MAIN.search(found[1])
    chosen = directory / main.group(1).strip() if main else directory
    program = chosen if chosen.suffix == ".py" else chosen / MAIN_FILE
    try:
        resolved = program.resolve()
        inside = resolved.is_relative_to(directory.resolve())
    except (OSError, RuntimeError):
        return None
    return program if inside and program.is_file() else None


def claims(path: Path) -> bool:
    """A Python project's ``Pulumi.yaml``."""
    return path.name in PROJECT_FILES and program_of(path.parent) is not None


def units(paths: Sequence[Path]) -> list[Path]:
    """The project files of the Python projects named or under named directories, sorted
    (hidden directories skipped, linked ones not followed)."""
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            if claims(path):
                found.add(path)
        elif path.is_dir():
            for directory, subdirs, files in os.walk(path):
                subdirs[:] = [d for d in subdirs if not d.startswith(".")
                              and d not in ("venv", "node_modules", "__pycache__")]
                for name in PROJECT_FILES:
                    if name in files and claims(Path(directory) / name):
                        found.add(Path(directory) / name)
                        break
    return sorted(found)


def parse(unit: Path, tree: Path | None = None) -> Model:
    from nhilint.parsers.pulumi_python.program import read_project

    program = program_of(unit.parent)
    return read_project(unit, program)
