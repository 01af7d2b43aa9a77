"""Finding Terraform modules: every directory holding at least one ``*.tf`` file."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def is_config_file(name: str) -> bool:
    """A ``*.tf`` name Terraform reads (it ignores hidden, ``#...#`` and ``...~`` files)."""
    return (
        name.endswith(".tf")
        and not name.startswith(".")
        and not name.endswith("~")
        and not (name.startswith("#") and name.endswith("#"))
    )


def config_files(directory: Path) -> list[Path]:
    """The ``*.tf`` files of one directory, sorted by name (dangling links left out)."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return []
    return sorted(
        (Path(e.path) for e in entries if is_config_file(e.name) and _is_file(e)),
        key=lambda p: p.name,
    )


def discover_modules(paths: Sequence[Path]) -> list[Path]:
    """Every directory under ``paths`` holding a ``*.tf`` file, sorted; a file means its directory.

    Hidden directories (``.terraform`` too) are skipped; symlinked directories are followed once
    (a directory already visited is not visited again, so link loops end).
    """
    found: set[Path] = set()
    visited: set[tuple[int, int]] = set()
    for path in paths:
        if path.is_file():
            if config_files(path.parent):
                found.add(path.parent)
        elif path.is_dir():
            _walk(path, found, visited)
    return sorted(found)


def _walk(root: Path, found: set[Path], visited: set[tuple[int, int]]) -> None:
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            info = directory.stat()
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        identity = (info.st_dev, info.st_ino)
        if identity in visited:
            continue
        visited.add(identity)
        has_config = False
        for entry in entries:
            if _is_dir(entry):
                if not entry.name.startswith("."):
                    stack.append(Path(entry.path))
            elif is_config_file(entry.name) and _is_file(entry):
                has_config = True
        if has_config:
            found.add(directory)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False
