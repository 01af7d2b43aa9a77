"""Finding Terraform modules: every directory holding a ``*.tf`` or ``*.tf.json`` file."""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from pathlib import Path

from nhilint.model import Diagnostic


def is_config_file(name: str) -> bool:
    """A ``*.tf`` or ``*.tf.json`` name Terraform reads (it ignores hidden, ``#...#`` and
    ``...~`` files)."""
    return (
        name.endswith((".tf", ".tf.json"))
        and not name.startswith(".")
        and not name.endswith("~")
        and not (name.startswith("#") and name.endswith("#"))
    )


def config_files(directory: Path) -> list[Path]:
    """The ``*.tf`` and ``*.tf.json`` files of one directory, sorted by name (dangling links left
    out)."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return []
    return sorted(
        (Path(e.path) for e in entries if is_config_file(e.name) and _is_file(e)),
        key=lambda p: p.name,
    )


def broken_links(directory: Path, shown: str) -> list[Diagnostic]:
    """NHI900 for each ``*.tf`` symbolic link of ``directory`` that leads nowhere or loops."""
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return []
    found = []
    for entry in entries:
        if is_config_file(entry.name) and entry.is_symlink() and not _is_file(entry):
            where = entry.name if shown in ("", ".") else os.path.join(shown, entry.name)
            found.append(Diagnostic("NHI900", where, 1, _link_problem(entry.path)))
    return found


def _link_problem(path: str) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop: the file cannot be read"
        return f"dangling symbolic link to {os.readlink(path)}: the file cannot be read"
    return "symbolic link to something that is not a file"


def discover_modules(paths: Sequence[Path]) -> list[Path]:
    """Every directory under ``paths`` holding a configuration file, sorted (a file: its directory).

    Hidden directories (``.terraform`` too) are skipped; symlinked directories are followed once
    (a directory already visited is not visited again, so link loops end).
    """
    found: set[Path] = set()
    visited: set[tuple[int, int]] = set()
    for path in paths:
        if path.is_file() or path.is_symlink():
            if config_files(path.parent) or broken_links(path.parent, ""):
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
            elif is_config_file(entry.name) and (_is_file(entry) or entry.is_symlink()):
                has_config = True  # a broken link too: reading the module reports it
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
