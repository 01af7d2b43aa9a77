"""The Pulumi YAML reader: a ``runtime: yaml`` project's program to the model.

A project is a directory whose ``Pulumi.yaml`` (or ``Pulumi.yml``) says ``runtime: yaml``
(or ``runtime: {name: yaml}``); its program is ``Main.yaml`` when there is one, else the
``Pulumi.yaml`` itself (``pulumi/pulumi-yaml`` ``pkg/pulumiyaml/run.go`` ``LoadDir``).  Projects
of other runtimes are not claimed.  Recognising a project reads its text only: PyYAML is
imported when a program is parsed (:mod:`nhilint.parsers.pulumi_yaml.program`), never by a
Terraform-only scan.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from nhilint.model import Model

__all__ = ["KIND", "claims", "parse", "program_of", "units"]

#: the input kind this parser reads (its key in ``nhilint.parsers.registry.PARSERS``)
KIND = "pulumi-yaml"
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
MAIN_FILES = ("Main.yaml", "Main.yml")
_RUNTIME = re.compile(r"^runtime:\s*(?:yaml\s*(?:#.*)?$|\n(?:[ \t]+.*\n)*?[ \t]+name:\s*yaml\b)",
                      re.MULTILINE)
_MAX_PROJECT_BYTES = 16 * 1024 * 1024


def is_yaml_project(directory: Path) -> bool:
    for name in PROJECT_FILES:
        path = directory / name
        try:
            if path.is_file() and path.stat().st_size <= _MAX_PROJECT_BYTES:
                return bool(_RUNTIME.search(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            return False
    return False


def program_of(directory: Path) -> Path | None:
    """The program file of a YAML project directory, or ``None`` if it is not one."""
    if not is_yaml_project(directory):
        return None
    for name in (*MAIN_FILES, *PROJECT_FILES):
        if (directory / name).is_file():
            return directory / name
    return None


def claims(path: Path) -> bool:
    """A YAML project's program file (``Pulumi.yaml`` or ``Main.yaml``)."""
    return path.name in (*PROJECT_FILES, *MAIN_FILES) and program_of(path.parent) == path


def units(paths: Sequence[Path]) -> list[Path]:
    """The program files of the YAML projects named or under named directories, sorted
    (hidden directories skipped, linked ones not followed)."""
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            program = program_of(path.parent) if path.name in (*PROJECT_FILES, *MAIN_FILES) \
                else None
            if program is not None:
                found.add(program)
        elif path.is_dir():
            for directory, subdirs, files in os.walk(path):
                subdirs[:] = [d for d in subdirs if not d.startswith(".")]
                if any(f in PROJECT_FILES for f in files):
                    program = program_of(Path(directory))
                    if program is not None:
                        found.add(program)
    return sorted(found)


def parse(unit: Path, tree: Path | None = None) -> Model:
    from nhilint.parsers.pulumi_yaml.program import read_program

    return read_program(unit)
