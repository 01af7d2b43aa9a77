"""Reading a generator's pinned source from a git clone (bare or not), shared by the scripts
that regenerate ``nhilint/data/``: run ``git``, resolve a commit, read many files at once, and
the ``--check`` / write step of a generator whose output is one text file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path


class DatasetError(Exception):
    """The source cannot be read at the commit asked for."""


def git(where: Path, *args: str, data: bytes | None = None) -> bytes:
    run = subprocess.run(["git", "-C", str(where), *args], input=data, capture_output=True,
                         check=False)
    if run.returncode != 0:
        raise DatasetError(f"git {' '.join(args[:2])}: {run.stderr.decode(errors='replace')}")
    return run.stdout


def resolve(dataset: Path, commit: str) -> tuple[str, str]:
    """The full commit id and its commit date."""
    shown = git(dataset, "log", "-1", "--format=%H %cI", commit, "--").decode().split()
    if len(shown) != 2:
        raise DatasetError(f"no commit {commit} in {dataset}")
    return shown[0], shown[1]


def blobs(dataset: Path, commit: str, folder: str) -> Iterator[tuple[str, bytes]]:
    """Every ``<folder>*.json`` file at ``commit``: (path, content)."""
    listing = git(dataset, "ls-tree", "-z", commit, folder).split(b"\0")
    files = [line.decode().split("\t", 1) for line in listing if line]
    ids = [(meta.split()[2], path) for meta, path in files if path.endswith(".json")]
    if not ids:
        raise DatasetError(f"no {folder}*.json at {commit}")
    out = git(dataset, "cat-file", "--batch", data="".join(f"{i}\n" for i, _ in ids).encode())
    at = 0
    for blob, path in ids:
        end = out.index(b"\n", at)
        header = out[at:end].decode()
        fields = header.split()
        if len(fields) != 3 or fields[1] != "blob":
            raise DatasetError(f"{path} ({blob}) is not in the clone: {header}")
        at = end + 1 + int(fields[2])
        yield path, out[end + 1:at]
        at += 1


def pinned(output: Path) -> str | None:
    """The commit the current data file pins (``_meta.source.commit``), if it names one."""
    try:
        commit = json.loads(output.read_text(encoding="utf-8"))["_meta"]["source"]["commit"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return commit if isinstance(commit, str) else None


def write_or_check(output: Path, text: str, script: str, *, check: bool) -> int:
    """Write ``text`` to ``output``, or with ``check`` exit 1 when the file differs."""
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} is stale: run scripts/{script}", file=sys.stderr)
            return 1
        return 0
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0
