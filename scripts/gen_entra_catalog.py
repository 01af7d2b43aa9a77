#!/usr/bin/env python3
"""Regenerate ``nhilint/data/entra_catalog.json``: Microsoft Graph application permissions and
Microsoft Entra built-in directory roles by GUID, and which of them alter identity.

Sources, each read at one commit, which the data file pins:

* Graph application permissions: ``microsoftgraph/microsoft-graph-devx-content``,
  ``permissions/permissions-descriptions.json`` (``applicationScopesList``: the app roles of the
  Microsoft Graph service principal, with their ids and values), from a clone (``--dataset``).
  Without one, the app roles the data file already holds are kept with their pin, so that
  the directory roles can be regenerated (and checked) on their own.
* Directory role templates: ``MicrosoftDocs/entra-docs``,
  ``docs/identity/role-based-access-control/permissions-reference.md`` (the generated "All
  roles" table: name, description, template id).  Read from a clone (``--entra-docs``), or
  from a plain copy of that one file (``--entra-docs-file`` with ``--entra-docs-commit``, the
  full id of the commit it was taken at; the pin then records the sha256 of the file's bytes
  and ``"read": "file"``), for the repository is too large to clone everywhere.  With
  neither, the directory roles the data file already holds are kept with their pin, and only
  their altering flags are recomputed from the rules.

Which ones alter identity is decided by the reviewed rules in
``nhilint/data/entra_altering_rules.json`` (globs over permission values and role names).
The rules file's hash is recorded, so the catalog must be regenerated when the rules change:
``--check`` and the tests say when.

Usage::

    export NHILINT_GRAPH_DEVX_CONTENT=~/src/microsoft-graph-devx-content   # bare is fine
    export NHILINT_ENTRA_DOCS=~/src/entra-docs                             # optional
    python scripts/gen_entra_catalog.py                  # regenerate at the pinned commits
    python scripts/gen_entra_catalog.py --entra-docs-file permissions-reference.md \
        --entra-docs-commit d5f7a99c649368f42141ee9f8ea435be62a47c03   # docs from one file
    python scripts/gen_entra_catalog.py --commit HEAD    # move the Graph pin to the newest
    python scripts/gen_entra_catalog.py --check          # exit 1 if the catalog is stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from git_source import DatasetError, git, resolve, write_or_check  # noqa: E402

from nhilint.identity.azure.entra import Rules, rules_from_data  # noqa: E402

OUTPUT = REPO_ROOT / "nhilint" / "data" / "entra_catalog.json"
RULES = REPO_ROOT / "nhilint" / "data" / "entra_altering_rules.json"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"

GRAPH_REPOSITORY = "https://github.com/microsoftgraph/microsoft-graph-devx-content"
GRAPH_FILE = "permissions/permissions-descriptions.json"
GRAPH_ENV = "NHILINT_GRAPH_DEVX_CONTENT"
GRAPH_PINNED = "6cbd6bbd665a877560fdefbad74f3bdb5b57af88"

DOCS_REPOSITORY = "https://github.com/MicrosoftDocs/entra-docs"
DOCS_FILE = "docs/identity/role-based-access-control/permissions-reference.md"
DOCS_ENV = "NHILINT_ENTRA_DOCS"
DOCS_PINNED = "d5f7a99c649368f42141ee9f8ea435be62a47c03"

_COMMIT = re.compile(r"[0-9a-f]{40}$")
_GUID = re.compile(r"[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$")
# one row of the "All roles" table: > | [Name](#anchor) | Description | template-id |
_PRIVILEGED = "privileged-label.png"
_ROW = re.compile(r"^> \| \[(?P<name>[^\]]+)\]\(#[^)]*\) \| .* \| (?P<id>[0-9a-f-]{36}) \|\s*$")


def app_roles(content: bytes) -> list[tuple[str, str]]:
    """(id, value) of every Graph application permission in permissions-descriptions.json."""
    data = json.loads(content)
    listed = data.get("applicationScopesList") if isinstance(data, dict) else None
    if not isinstance(listed, list):
        raise DatasetError(f"{GRAPH_FILE}: no applicationScopesList")
    found: dict[str, str] = {}
    for entry in listed:
        guid, value = entry.get("id"), entry.get("value")
        if not (isinstance(guid, str) and _GUID.match(guid) and isinstance(value, str)):
            raise DatasetError(f"{GRAPH_FILE}: malformed entry {entry!r}")
        if "Application" not in (entry.get("allowedMemberTypes") or ["Application"]):
            continue
        if found.get(guid, value) != value:
            raise DatasetError(f"{GRAPH_FILE}: {guid} is both {found[guid]} and {value}")
        found[guid] = value
    if len(set(found.values())) != len(found):
        raise DatasetError(f"{GRAPH_FILE}: a permission value has two ids")
    return sorted(found.items(), key=lambda item: item[1])


def directory_roles(text: str) -> list[tuple[str, str, bool]]:
    """(template id, name, privileged) of every role in the "All roles" table of
    permissions-reference.md; ``privileged`` when Microsoft labels the role privileged."""
    start = text.find("## All roles")
    if start < 0:
        raise DatasetError(f"{DOCS_FILE}: no 'All roles' table")
    found: dict[str, tuple[str, str, bool]] = {}
    for line in text[start:].splitlines()[1:]:
        if line.startswith("## "):
            break
        row = _ROW.match(line)
        if row:
            found[row["id"]] = (row["id"], row["name"], _PRIVILEGED in line)
    if not found:
        raise DatasetError(f"{DOCS_FILE}: the 'All roles' table has no rows")
    return sorted(found.values(), key=lambda role: role[1])


def _listed(entries: Iterable[tuple[str, str, bool]],
            why: Callable[[str], str]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for guid, name, privileged in entries:
        entry: dict[str, object] = {"id": guid, "name": name}
        if why(name):
            entry["altering"] = True
        if privileged:
            entry["privileged"] = True
        out.append(entry)
    return out


def build(graph: list[tuple[str, str]], graph_source: dict[str, str],
          roles: list[tuple[str, str, bool]], roles_source: dict[str, str] | None, rules: Rules,
          rules_text: bytes) -> dict[str, object]:
    listed_apps = _listed(((guid, name, False) for guid, name in graph), rules.app_role_why)
    listed_roles = _listed(roles, rules.directory_role_why)
    return {
        "_meta": {
            "about": "Microsoft Graph application permissions (app roles of the Microsoft Graph "
                     "service principal) and Microsoft Entra built-in directory role templates, "
                     "by id and name; the ones nhilint/data/entra_altering_rules.json selects "
                     "are marked altering, and the directory roles Microsoft labels privileged "
                     "are marked privileged. Generated by scripts/gen_entra_catalog.py; do not "
                     "edit.",
            "sources": {"app_roles": graph_source, "directory_roles": roles_source},
            "rules_sha256": hashlib.sha256(rules_text).hexdigest(),
            "counts": {
                "app_roles": len(listed_apps),
                "app_roles_altering": sum(1 for e in listed_apps if e.get("altering")),
                "directory_roles": len(listed_roles),
                "directory_roles_altering": sum(1 for e in listed_roles if e.get("altering")),
            },
        },
        "graph_app_id": GRAPH_APP_ID,
        "app_roles": listed_apps,
        "directory_roles": listed_roles,
    }


def render(table: dict[str, object]) -> str:
    return json.dumps(table, indent=1, sort_keys=True) + "\n"


def _current(output: Path) -> dict[str, object]:
    try:
        data = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _pin(current: dict[str, object], part: str) -> str | None:
    meta = current.get("_meta")
    try:
        commit = meta["sources"][part]["commit"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    return commit if isinstance(commit, str) else None


def _kept_roles(
        current: dict[str, object]) -> tuple[list[tuple[str, str, bool]], dict[str, str] | None]:
    """The directory roles (and their pin) of the current file, when no docs clone is given."""
    meta = current.get("_meta")
    source = meta.get("sources", {}).get("directory_roles") if isinstance(meta, dict) else None
    listed = current.get("directory_roles")
    if not isinstance(listed, list):
        return [], None
    try:
        roles = sorted(((str(e["id"]), str(e["name"]), bool(e.get("privileged")))
                        for e in listed), key=lambda role: role[1])
    except (KeyError, TypeError) as error:
        raise DatasetError(f"current directory_roles are malformed ({error})") from error
    return roles, source if isinstance(source, dict) else None


def _docs_from_file(path: Path, commit: str) -> tuple[str, dict[str, str]]:
    """The text of a plain copy of permissions-reference.md taken at ``commit``, and its pin."""
    if not _COMMIT.match(commit):
        raise DatasetError(f"--entra-docs-commit {commit!r}: with --entra-docs-file, give the "
                           "full 40-hex id of the commit the file was taken at")
    try:
        content = path.read_bytes()
    except OSError as error:
        raise DatasetError(f"--entra-docs-file {path}: {error.strerror}") from error
    try:
        page = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DatasetError(f"--entra-docs-file {path}: not UTF-8 ({error})") from error
    return page, {"repository": DOCS_REPOSITORY, "commit": commit, "file": DOCS_FILE,
                  "sha256": hashlib.sha256(content).hexdigest(), "read": "file"}


def _kept_app_roles(current: dict[str, object]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The Graph app roles (and their pin) of the current file, when no Graph clone is given."""
    meta = current.get("_meta")
    source = meta.get("sources", {}).get("app_roles") if isinstance(meta, dict) else None
    listed = current.get("app_roles")
    if not (isinstance(listed, list) and listed and isinstance(source, dict)):
        raise DatasetError(f"no clone of {GRAPH_REPOSITORY} (--dataset or ${GRAPH_ENV}), and "
                           "the current file holds no Graph app roles to keep")
    try:
        graph = sorted(((str(e["id"]), str(e["name"])) for e in listed),
                       key=lambda item: item[1])
    except (KeyError, TypeError) as error:
        raise DatasetError(f"current app_roles are malformed ({error})") from error
    return graph, source


def generate(graph_clone: Path | None, graph_commit: str, docs_clone: Path | None,
             docs_commit: str, current: dict[str, object],
             docs_file: Path | None = None) -> str:
    text = RULES.read_bytes()
    rules = rules_from_data(json.loads(text))
    graph_source: dict[str, str]
    if graph_clone is not None:
        pin = resolve(graph_clone, graph_commit)
        graph = app_roles(git(graph_clone, "show", f"{pin[0]}:{GRAPH_FILE}"))
        graph_source = {"repository": GRAPH_REPOSITORY, "commit": pin[0], "date": pin[1],
                        "file": GRAPH_FILE}
    else:
        graph, graph_source = _kept_app_roles(current)
    roles_source: dict[str, str] | None
    roles: list[tuple[str, str, bool]]
    if docs_file is not None:
        page, roles_source = _docs_from_file(docs_file, docs_commit)
        roles = directory_roles(page)
    elif docs_clone is not None:
        docs = resolve(docs_clone, docs_commit)
        page = git(docs_clone, "show", f"{docs[0]}:{DOCS_FILE}").decode("utf-8")
        roles = directory_roles(page)
        roles_source = {"repository": DOCS_REPOSITORY, "commit": docs[0], "date": docs[1],
                        "file": DOCS_FILE}
    else:
        roles, roles_source = _kept_roles(current)
    return render(build(graph, graph_source, roles, roles_source, rules, text))


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=os.environ.get(GRAPH_ENV),
                        help=f"a clone of {GRAPH_REPOSITORY} (default: ${GRAPH_ENV}); "
                             "without one the current app roles are kept")
    parser.add_argument("--commit", help="its commit (default: the one pinned)")
    parser.add_argument("--entra-docs", type=Path, default=os.environ.get(DOCS_ENV),
                        help=f"a clone of {DOCS_REPOSITORY} (default: ${DOCS_ENV}); without "
                             "one the current directory roles are kept")
    parser.add_argument("--entra-docs-file", type=Path,
                        help=f"instead of a clone, a plain copy of {DOCS_FILE} (its bytes as "
                             "stored at --entra-docs-commit, which is then required)")
    parser.add_argument("--entra-docs-commit",
                        help="the docs commit (default for a clone: the one pinned; required, "
                             "as a full id, with --entra-docs-file)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.commit is not None and args.dataset is None:
        parser.error(f"--commit needs a clone: --dataset or ${GRAPH_ENV}")
    if args.entra_docs_file is not None and args.entra_docs_commit is None:
        parser.error("--entra-docs-file needs --entra-docs-commit (the commit it was taken at)")
    current = _current(args.output)
    try:
        text = generate(args.dataset, args.commit or _pin(current, "app_roles") or GRAPH_PINNED,
                        None if args.entra_docs_file is not None else args.entra_docs,
                        args.entra_docs_commit or _pin(current, "directory_roles")
                        or DOCS_PINNED, current, args.entra_docs_file)
    except DatasetError as error:
        print(f"gen_entra_catalog: {error}", file=sys.stderr)
        return 2
    return write_or_check(args.output, text, "gen_entra_catalog.py", check=args.check)


if __name__ == "__main__":
    sys.exit(main())
