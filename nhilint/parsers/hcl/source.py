"""Reading one HCL file: bytes, UTF-8 check, tree-sitter parse, syntax errors and comments."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

import tree_sitter

from nhilint.model import Comment, Diagnostic
from nhilint.parsers.files import PARSE_ERROR, display_path
from nhilint.parsers.hcl import syntax

#: Larger files are reported (NHI900) and not read.
MAX_FILE_BYTES = 16 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"


class SourceFile(NamedTuple):
    """A parsed file; ``tree`` is ``None`` when the file could not be read at all.

    ``blocks`` are the file's top-level blocks when they are not the tree's own (a
    ``*.tf.json`` file, whose tree holds only its expressions).
    """

    path: str
    tree: tree_sitter.Tree | None
    comments: tuple[Comment, ...]
    diagnostics: tuple[Diagnostic, ...]
    blocks: tuple[syntax.Block, ...] | None = None

    @property
    def root(self) -> syntax.Node | None:
        return self.tree.root_node if self.tree is not None else None


def display_child(directory: str, name: str) -> str:
    """The display path of ``name`` in a directory whose display path is ``directory``."""
    return name if directory == "." else os.path.join(directory, name)


def read_bytes(file: Path, limit: int | None = None) -> tuple[bytes | None, str, int]:
    """``(data, "", 0)``, or ``(None, problem, line)`` when the file cannot be used as text."""
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file", 1
        if info.st_size > limit:
            return None, f"file is larger than {limit} bytes", 1
        with file.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}", 1
    if len(data) > limit:
        return None, f"file is larger than {limit} bytes", 1
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, "file is not valid UTF-8 text", data.count(b"\n", 0, exc.start) + 1
    return (data[len(_BOM):] if data.startswith(_BOM) else data), "", 0


def load(file: Path, shown: str = "") -> SourceFile:
    """Read and parse ``file``; ``shown`` is its display path when the caller knows it."""
    shown = shown or display_path(file)
    data, problem, line = read_bytes(file)
    if data is None:
        return SourceFile(shown, None, (), (Diagnostic(PARSE_ERROR, shown, line, problem),))
    return parse_source(shown, data)


def parse_source(shown: str, data: bytes) -> SourceFile:
    tree, data = syntax.parse(data)
    root = tree.root_node
    diagnostics: tuple[Diagnostic, ...] = ()
    error = syntax.first_error(root)
    if error is not None:
        message = syntax.error_message(error)
        diagnostics = (Diagnostic(PARSE_ERROR, shown, syntax.line(error), message),)
    comments = tuple(
        Comment(shown, syntax.line(node), syntax.text(node).rstrip())
        for node in syntax.comments(root, data)
    )
    return SourceFile(shown, tree, comments, diagnostics)
