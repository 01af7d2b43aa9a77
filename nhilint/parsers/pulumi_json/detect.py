"""Which files are Pulumi previews or stack exports: by the shape of their JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

#: larger files are neither claimed nor read
MAX_BYTES = 64 * 1024 * 1024
_URN = b'"urn:pulumi:'


def document_start(data: bytes) -> int:
    """Where the JSON object starts: the CLI may print text before it (pulumi/pulumi#19775)."""
    return data.find(b"{")


def is_document(document: object) -> bool:
    """A preview (``steps``) or a stack export (``deployment.resources``, or a bare
    ``DeploymentV3`` with ``resources`` and ``manifest``)."""
    if not isinstance(document, dict):
        return False
    if isinstance(document.get("steps"), list):
        return True
    deployment = document.get("deployment")
    if isinstance(deployment, dict) and "resources" in deployment:
        return True
    return "resources" in document and "manifest" in document


def is_pulumi_json(path: Path) -> bool:
    data = _read(path)
    if data is None or _URN not in data:
        return False
    start = document_start(data)
    if start < 0:
        return False
    try:
        document = json.loads(data[start:])
    except (ValueError, RecursionError):
        return False
    return is_document(document)


def _read(path: Path) -> bytes | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def pulumi_json_files(paths: Sequence[Path]) -> list[Path]:
    """Named files that are Pulumi JSON, and the ``*.json`` ones under named directories
    (hidden directories and files skipped, linked directories not followed), sorted."""
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            if is_pulumi_json(path):
                found.add(path)
        elif path.is_dir():
            for directory, subdirs, files in os.walk(path):
                subdirs[:] = [d for d in subdirs if not d.startswith(".")]
                found |= {p for f in files if f.endswith(".json") and not f.startswith(".")
                          and is_pulumi_json(p := Path(directory, f))}
    return sorted(found)
