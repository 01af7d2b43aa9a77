"""Which files are Terraform plans: by the shape of their JSON, never by their name alone."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

#: Larger files are neither claimed nor read (a plan of this size is reported, not parsed).
MAX_PLAN_BYTES = 64 * 1024 * 1024
#: both must occur in a plan's text; checked before the JSON is parsed
_FORMAT = b'"format_version"'
_CONTENT = (b'"resource_changes"', b'"planned_values"')


def is_plan(path: Path) -> bool:
    """Does ``path`` hold a JSON object with ``format_version`` and ``resource_changes`` or
    ``planned_values``?  Anything unreadable, too large or not JSON is not a plan."""
    data = _read(path)
    if data is None or data.lstrip()[:1] != b"{" or _FORMAT not in data:
        return False
    if not any(key in data for key in _CONTENT):
        return False
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return False
    return is_plan_document(document)


def is_plan_document(document: object) -> bool:
    return isinstance(document, dict) and "format_version" in document and (
        "resource_changes" in document or "planned_values" in document
    )


def _read(path: Path) -> bytes | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_PLAN_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def plan_files(paths: Sequence[Path]) -> list[Path]:
    """Named files that are plans, and the ``*.json`` plans under named directories, sorted.

    Hidden directories (``.terraform`` among them) and hidden files (``.terraform-plan.json``,
    a plan kept beside its configuration) are skipped under a directory, as Terraform skips
    hidden ``.tf`` files; a named hidden file is read.  Linked directories are not followed.
    """
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            if is_plan(path):
                found.add(path)
        elif path.is_dir():
            found |= {p for p in _json_files(path) if is_plan(p)}
    return sorted(found)


def _json_files(root: Path) -> list[Path]:
    found = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        found += [Path(directory, f) for f in files
                  if f.endswith(".json") and not f.startswith(".")]
    return found
