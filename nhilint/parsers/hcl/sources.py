"""Where a module call's code is: a local directory, the copy ``terraform init`` downloaded, or
nowhere this scan can read (a registry or git source not downloaded, a source outside the
scanned tree, a cycle).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from nhilint.model import Diagnostic
from nhilint.parsers.files import PARSE_ERROR, display_path

#: Module calls nested deeper than this are not read.
MAX_MODULE_DEPTH = 32
#: ``terraform init`` writes the modules it installed here, relative to the root module.
MODULES_JSON = Path(".terraform") / "modules" / "modules.json"
#: a modules.json larger than this is not read
_MAX_MANIFEST_BYTES = 16 * 1024 * 1024


class Downloaded(NamedTuple):
    """The manifest of ``terraform init``: module key (``a.b``) to its directory."""

    directories: Mapping[str, Path]
    diagnostics: tuple[Diagnostic, ...] = ()


class Located(NamedTuple):
    """A module call's directory (``directory``), or why it is not read (``problem``)."""

    directory: Path | None
    problem: str = ""


def is_local(source: str) -> bool:
    """A local path source, as Terraform tells them apart: ``./x`` or ``../x``."""
    return source.startswith(("./", "../", ".\\", "..\\"))


def boundary(tree: Path) -> Path:
    """The tree local module sources may lead into: the git work tree holding the scanned path
    ``tree``, else ``tree`` itself."""
    start = tree.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def downloaded(root: Path) -> Downloaded:
    """The modules ``terraform init`` installed for the root module ``root``, if it ran."""
    manifest = root / MODULES_JSON
    shown = display_path(manifest)
    try:
        if not manifest.is_file():
            return Downloaded({})
        if manifest.stat().st_size > _MAX_MANIFEST_BYTES:
            return Downloaded({}, (Diagnostic(PARSE_ERROR, shown, 1, "too large: not read"),))
        document = json.loads(manifest.read_bytes())
    except (OSError, ValueError, RecursionError) as exc:
        message = f"cannot read the module manifest of terraform init: {exc}"
        return Downloaded({}, (Diagnostic(PARSE_ERROR, shown, 1, message),))
    entries = document.get("Modules") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        message = "not a module manifest of terraform init (no Modules list)"
        return Downloaded({}, (Diagnostic(PARSE_ERROR, shown, 1, message),))
    found = {
        e["Key"]: root / e["Dir"]
        for e in entries
        if isinstance(e, dict) and isinstance(e.get("Key"), str) and e["Key"]
        and isinstance(e.get("Dir"), str)
    }
    return Downloaded(found)


def locate(
    source: object,
    caller: Path,
    key: str,
    chain: Sequence[Path],
    manifest: Downloaded,
    within: Path,
) -> Located:
    """The directory of the call ``key`` (``a.b``: call ``b`` inside call ``a``) whose source
    is ``source``, written in the module at ``caller``; ``chain`` holds the directories of the
    calling modules (resolved), for cycles."""
    if len(chain) >= MAX_MODULE_DEPTH:
        return Located(None, f"modules are nested more than {MAX_MODULE_DEPTH} deep")
    listed = manifest.directories.get(key)
    if listed is not None:
        return _checked(listed, chain, f"{source} (downloaded to {display_path(listed)})", None)
    if not isinstance(source, str):
        return Located(None, "its source is not known")
    if not is_local(source):
        return Located(None, f"{_kind(source)} source {source} is not downloaded "
                             "(run terraform init to read it)")
    return _checked(caller / source, chain, source, within)


def _checked(directory: Path, chain: Sequence[Path], shown: str, within: Path | None) -> Located:
    try:
        resolved = directory.resolve()
        present = resolved.is_dir()
    except (OSError, RuntimeError):
        return Located(None, f"module source {shown} cannot be read")
    if not present:
        return Located(None, f"module source {shown} is not a directory")
    if within is not None and not resolved.is_relative_to(within):
        return Located(None, f"module source {shown} is outside the scanned tree "
                             f"({display_path(within)})")
    if resolved in chain:
        loop = " -> ".join(display_path(p) for p in (*chain[chain.index(resolved):], resolved))
        return Located(None, f"module source cycle: {loop}")
    return Located(directory)


def _kind(source: str) -> str:
    if source.startswith(("git::", "git@")) or ".git" in source.split("?", 1)[0]:
        return "git"
    if source.startswith(("github.com/", "bitbucket.org/")):
        return "git"
    if source.startswith(("s3::", "gcs::")):
        return "bucket"
    if source.startswith(("http://", "https://", "hg::")):
        return "remote"
    if os.path.isabs(source):
        return "absolute path"
    return "registry"
