"""The baseline: the findings an existing estate already has, accepted so that only new ones fail.

``nhilint baseline -o .nhilint-baseline.json`` writes one; ``nhilint check --baseline FILE``
hides the findings it holds and lists those it holds that no longer occur as fixed.

An entry is the finding's fingerprint (rule, resource address and what the finding is about;
no line, no file name, no wording) and its module directory relative to the baseline file.
So an entry survives line moves, reformatting, renaming the file or its neighbours, and running
from another working directory; the same resource address in two modules is two entries.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from nhilint import __version__
from nhilint.rule import Finding

SCHEMA = "nhilint/baseline/v1"


class BaselineError(ValueError):
    """The file is not a baseline nhilint wrote; the message names the file and the reason."""


class Entry(NamedTuple):
    """One accepted finding.  ``path`` and ``message`` are for the reader; only the fingerprint
    and the module are matched."""

    fingerprint: str
    module: str
    rule: str
    resource: str
    path: str = ""
    message: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.fingerprint, self.module)


class Baseline(NamedTuple):
    path: str
    entries: tuple[Entry, ...]

    @property
    def root(self) -> Path:
        """The directory module paths are relative to: the baseline file's."""
        return Path(os.path.abspath(self.path)).parent


def module_of(finding: Finding, root: Path) -> str:
    """The finding's module directory relative to ``root``, with ``/`` separators."""
    directory = os.path.dirname(os.path.abspath(finding.span.path))
    return Path(os.path.relpath(directory, root)).as_posix()


def entry(finding: Finding, root: Path) -> Entry:
    path = Path(os.path.relpath(os.path.abspath(finding.span.path), root)).as_posix()
    return Entry(
        finding.fingerprint, module_of(finding, root), finding.rule, finding.resource,
        path, finding.message,
    )


def render(findings: Iterable[Finding], target: Path) -> str:
    """The baseline file for ``findings``, to be written at ``target``."""
    root = Path(os.path.abspath(target)).parent
    entries = sorted({entry(f, root) for f in findings})
    return json.dumps({
        "schema": SCHEMA,
        "tool": {"name": "nhilint", "version": __version__},
        "findings": [e._asdict() for e in entries],
    }, indent=2) + "\n"


def load(path: Path) -> Baseline:
    """Read a baseline; anything else is a :class:`BaselineError`, never an empty baseline."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a nhilint baseline: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise BaselineError(
            f"{path}: not a nhilint baseline (schema {found!r}, expected {SCHEMA!r}; "
            "write one with 'nhilint baseline -o FILE')"
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"{path}: not a nhilint baseline: 'findings' must be a list")
    return Baseline(str(path), tuple(_entry(item, n, path) for n, item in enumerate(findings)))


_REQUIRED = ("fingerprint", "module", "rule", "resource")


def _entry(item: Any, n: int, path: Path) -> Entry:
    if not isinstance(item, dict):
        raise BaselineError(f"{path}: findings[{n}] must be an object")
    for key in _REQUIRED:
        if not isinstance(item.get(key), str) or not item[key]:
            raise BaselineError(f"{path}: findings[{n}].{key} must be a non-empty string")
    return Entry(
        item["fingerprint"], item["module"], item["rule"], item["resource"],
        str(item.get("path", "")), str(item.get("message", "")),
    )


class Matched(NamedTuple):
    new: tuple[Finding, ...]
    known: tuple[Finding, ...]
    fixed: tuple[Entry, ...]


def match(
    findings: Sequence[Finding], baseline: Baseline, analysed: Collection[str]
) -> Matched:
    """Split ``findings`` into new ones and those in the baseline; the baseline's entries for
    the ``analysed`` module directories (relative to the working directory) that no finding
    matched are fixed.  Entries of modules this scan did not read are neither."""
    root = baseline.root
    keys = {e.key for e in baseline.entries}
    new: list[Finding] = []
    known: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for finding in findings:
        key = (finding.fingerprint, module_of(finding, root))
        (known if key in keys else new).append(finding)
        seen.add(key)
    read = {Path(os.path.relpath(os.path.abspath(d), root)).as_posix() for d in analysed}
    fixed = tuple(e for e in baseline.entries if e.key not in seen and e.module in read)
    return Matched(tuple(new), tuple(known), fixed)
