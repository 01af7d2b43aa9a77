#!/usr/bin/env python3
"""Regenerate ``nhilint/data/terraform_modules.json``: what the most used remote modules declare.

A module call nhilint cannot read (a registry or git source that is not downloaded) hides what
the module creates.  For the modules named in :data:`REPOSITORIES` the data file says, per
registry source (``terraform-aws-modules/iam/aws//modules/iam-role``, ``cloudposse/label/null``)
and per major version, the resource types the (sub)module declares, which of them are identity
resources, the identity aspects nhilint would have judged (principal kinds, credential kinds,
policies), the input variables that reach an identity resource or policy document, and its
outputs.  ``nhilint/identity/modules.py`` turns that into one sentence for NHI901.

Source: the modules' own GitHub repositories, read from git at the newest release tag of each
major version (from :attr:`Repository.first_major` on), whose commits the data file pins.  The
module code is read with nhilint's own HCL syntax reader; which types count as identity comes
from the lists nhilint's code already keeps (the resource types its findings can be about, the
AWS adapter's principal, credential and policy types), so the file must be regenerated when
those change: ``--check`` and the tests say when.

Usage::

    # bare git directories or clones, one per repository, under a mirror root:
    #   <root>/terraform-aws-modules+terraform-aws-iam/repo   (or .../terraform-aws-iam)
    python scripts/gen_terraform_modules.py                 # regenerate at the pinned commits
    python scripts/gen_terraform_modules.py --refresh       # move the pins to the newest tags
    python scripts/gen_terraform_modules.py --check         # exit 1 if the file is stale

``--mirror`` defaults to ``$NHILINT_MODULE_MIRROR``, else ``/work/.mirror``.
"""

from __future__ import annotations

import argparse
import datetime
import fnmatch
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from git_source import DatasetError, git  # noqa: E402  (the scripts' shared reader)

from nhilint.identity.aws import sso  # noqa: E402  (the repository's own package)
from nhilint.identity.aws.context import KINDS  # noqa: E402
from nhilint.identity.aws.credentials import CREDENTIALS  # noqa: E402
from nhilint.identity.aws.document import POLICY_DOCUMENT  # noqa: E402
from nhilint.identity.aws.grants import ATTACH, INLINE  # noqa: E402
from nhilint.identity.aws.uses import POLICY  # noqa: E402
from nhilint.integrations.lookup import DATA_TYPES, RESOURCE_TYPES  # noqa: E402
from nhilint.parsers.hcl.syntax import Block, comments, parse, read_body, top_body  # noqa: E402

OUTPUT = REPO_ROOT / "nhilint" / "data" / "terraform_modules.json"
ENV = "NHILINT_MODULE_MIRROR"
DEFAULT_MIRROR = Path("/work/.mirror")
SUBMODULES = "modules/"

#: resource types that carry policies, as the AWS adapter reads them
POLICY_TYPES = frozenset({
    *INLINE, *ATTACH, POLICY, "aws_iam_policy_attachment",
    sso.INLINE, sso.MANAGED, sso.MANAGED_EXCLUSIVE, sso.CUSTOMER, sso.CUSTOMER_EXCLUSIVE,
    sso.BOUNDARY,
})

_RELEASE = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")
_VAR = re.compile(r"(?<![\w.])var\.([A-Za-z_][\w-]*)")
_LOCAL = re.compile(r"(?<![\w.])local\.([A-Za-z_][\w-]*)")
_DATA_REF = re.compile(r"(?<![\w.])data\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)")
_REPO_NAME = re.compile(r"terraform-(?P<provider>[a-z0-9]+)-(?P<name>[a-z0-9-]+)")


class Repository(NamedTuple):
    """A module repository read: ``owner/name`` on GitHub, from which major version on."""

    github: str
    first_major: int

    @property
    def registry(self) -> str:
        """The registry address: the registry requires repositories named
        ``terraform-<PROVIDER>-<NAME>`` and publishes them as ``<owner>/<NAME>/<PROVIDER>``."""
        owner, name = self.github.split("/")
        match = _REPO_NAME.fullmatch(name)
        if match is None:
            raise DatasetError(f"{self.github} is not named terraform-<provider>-<name>")
        return f"{owner}/{match['name']}/{match['provider']}".lower()


#: the module repositories whose calls are most often left unread (the IAM modules, and the
#: label module whose ``tags`` output carries owner tags)
REPOSITORIES = (
    Repository("terraform-aws-modules/terraform-aws-iam", 4),
    Repository("cloudposse/terraform-null-label", 0),
)


class Pin(NamedTuple):
    tag: str
    commit: str
    committed: str


class Declared(NamedTuple):
    """What one module directory declares."""

    resources: frozenset[str]
    data: frozenset[str]
    inputs: frozenset[str]
    outputs: frozenset[str]


# --------------------------------------------------------------------------- reading git


def locate(mirror: Path, repository: Repository) -> Path:
    """The git directory of ``repository`` under ``mirror`` (the fetch layout or a clone)."""
    owner, name = repository.github.split("/")
    for candidate in (mirror / f"{owner}+{name}" / "repo", mirror / f"{owner}+{name}",
                      mirror / name):
        if candidate.is_dir():
            return candidate
    raise DatasetError(f"no git directory of {repository.github} under {mirror}")


def resolve(where: Path, tag: str, commit: str = "") -> Pin:
    """The tag's commit id and date; with ``commit``, the commit must be in the repository."""
    shown = git(where, "log", "-1", "--format=%H %cI", commit or f"{tag}^{{commit}}", "--")
    fields = shown.decode().split()
    if len(fields) != 2:
        raise DatasetError(f"no commit {commit or tag} in {where}")
    return Pin(tag, fields[0], fields[1])


def newest_tags(where: Path, first_major: int) -> list[str]:
    """The newest release tag (``vX.Y.Z`` or ``X.Y.Z``, no pre-release) of each major."""
    best: dict[int, tuple[tuple[int, int, int], str]] = {}
    for tag in git(where, "tag", "--list").decode().split():
        match = _RELEASE.fullmatch(tag)
        if match is None:
            continue
        version = (int(match[1]), int(match[2]), int(match[3]))
        if version[0] >= first_major and version > best.get(version[0], ((-1, 0, 0), ""))[0]:
            best[version[0]] = (version, tag)
    if not best:
        raise DatasetError(f"no release tag from major {first_major} on in {where}")
    return [best[major][1] for major in sorted(best, reverse=True)]


def module_files(where: Path, commit: str) -> dict[str, list[str]]:
    """Module directory ("" for the root, ``modules/<name>``) -> its ``*.tf`` files."""
    listing = git(where, "ls-tree", "-r", "-z", "--name-only", commit).split(b"\0")
    found: dict[str, list[str]] = {}
    for raw in listing:
        path = raw.decode()
        directory, _, file = path.rpartition("/")
        if not file.endswith(".tf"):
            continue
        if directory == "" or (directory.startswith(SUBMODULES)
                               and "/" not in directory.removeprefix(SUBMODULES)):
            found.setdefault(directory, []).append(path)
    return found


def contents(where: Path, commit: str, paths: Sequence[str]) -> Iterator[bytes]:
    request = "".join(f"{commit}:{path}\n" for path in paths).encode()
    out = git(where, "cat-file", "--batch", data=request)
    at = 0
    for path in paths:
        end = out.index(b"\n", at)
        fields = out[at:end].decode().split()
        if len(fields) != 3 or fields[1] != "blob":
            raise DatasetError(f"{path} at {commit} is not in {where}: {' '.join(fields)}")
        at = end + 1 + int(fields[2])
        yield out[end + 1:at]
        at += 1


# --------------------------------------------------------------------------- reading a module


class _File(NamedTuple):
    blocks: tuple[Block, ...]
    #: the file's bytes with every comment blanked (references are searched in it)
    code: bytes


def read_file(data: bytes) -> _File:
    tree, source = parse(data)
    blank = bytearray(source)
    for comment in comments(tree.root_node, source):
        blank[comment.start_byte:comment.end_byte] = b" " * (comment.end_byte - comment.start_byte)
    body = top_body(tree.root_node)
    blocks = read_body(body).blocks if body is not None else ()
    return _File(blocks, bytes(blank))


def _span(file: _File, block: Block) -> str:
    return file.code[block.node.start_byte:block.node.end_byte].decode("utf-8", "replace")


def is_identity(kind: str, type_: str) -> bool:
    patterns = RESOURCE_TYPES if kind == "resource" else DATA_TYPES
    return any(fnmatch.fnmatchcase(type_, p) for p in patterns)


def declared(files: Iterable[bytes]) -> Declared:
    """What a module directory declares, and the variables reaching its identity blocks."""
    parsed = [read_file(data) for data in files]
    resources: set[str] = set()
    data: set[str] = set()
    outputs: set[str] = set()
    locals_: dict[str, str] = {}
    reaching: list[str] = []
    named_data: dict[tuple[str, str], str] = {}
    for file in parsed:
        for block in file.blocks:
            if block.type == "locals":
                for attribute in block.body.attributes:
                    expr = attribute.expr
                    locals_[attribute.name] = file.code[expr.start_byte:expr.end_byte].decode(
                        "utf-8", "replace")
            elif block.type == "output" and block.labels:
                outputs.add(block.labels[0])
            elif block.type in ("resource", "data") and len(block.labels) >= 2:
                type_ = block.labels[0]
                (resources if block.type == "resource" else data).add(type_)
                if block.type == "data":
                    named_data[(type_, block.labels[1])] = _span(file, block)
                if is_identity(block.type, type_):
                    reaching.append(_span(file, block))
    identity_data = {t for t in data if is_identity("data", t)}
    return Declared(frozenset(resources), frozenset(identity_data),
                    frozenset(variables_of(reaching, locals_, named_data)), frozenset(outputs))


def variables_of(texts: Sequence[str], locals_: Mapping[str, str],
                 named_data: Mapping[tuple[str, str], str]) -> set[str]:
    """The variables ``texts`` read, directly or through locals and data sources."""
    found: set[str] = set()
    seen: set[str] = set()
    pending = list(texts)
    while pending:
        text = pending.pop()
        found |= set(_VAR.findall(text))
        for name in _LOCAL.findall(text):
            if name in locals_ and f"local.{name}" not in seen:
                seen.add(f"local.{name}")
                pending.append(locals_[name])
        for type_, name in _DATA_REF.findall(text):
            key = f"data.{type_}.{name}"
            if (type_, name) in named_data and key not in seen:
                seen.add(key)
                pending.append(named_data[(type_, name)])
    return found


def aspects(identity: Iterable[str], data: Iterable[str]) -> dict[str, object]:
    """What nhilint would have judged of these types: principal kinds, credential kinds,
    whether policies are written or attached."""
    types = set(identity)
    return {
        "principals": sorted({KINDS[t] for t in types if t in KINDS}),
        "credentials": sorted({CREDENTIALS[t].label for t in types if t in CREDENTIALS}),
        "policies": bool(types & POLICY_TYPES or POLICY_DOCUMENT in set(data)),
    }


def entry(tag: str, module: Declared) -> dict[str, object]:
    identity = sorted(t for t in module.resources if is_identity("resource", t))
    return {
        "tag": tag,
        "identity": identity,
        "other": sorted(module.resources - set(identity)),
        "data": sorted(module.data),
        **aspects(identity, module.data),
        "inputs": sorted(module.inputs),
        "outputs": sorted(module.outputs),
    }


# --------------------------------------------------------------------------- building


def read_repository(where: Path, repository: Repository,
                    pins: Sequence[Pin]) -> dict[str, dict[str, object]]:
    """Registry source -> major -> entry, for every pinned tag of one repository."""
    modules: dict[str, dict[str, object]] = {}
    for pin in pins:
        major = _RELEASE.fullmatch(pin.tag)
        if major is None:
            raise DatasetError(f"{pin.tag} is not a release tag")
        for directory, paths in sorted(module_files(where, pin.commit).items()):
            key = f"{repository.registry}//{directory}" if directory else repository.registry
            module = declared(contents(where, pin.commit, sorted(paths)))
            if not (module.resources or module.outputs):
                continue  # nothing declared here (a root holding only versions.tf)
            modules.setdefault(key, {})[str(int(major[1]))] = entry(pin.tag, module)
    return modules


def build(read: Mapping[Repository, tuple[Sequence[Pin], Mapping[str, dict[str, object]]]],
          generated: str) -> dict[str, object]:
    modules: dict[str, object] = {}
    repositories: dict[str, str] = {}
    sources: list[dict[str, object]] = []
    for repository, (pins, found) in read.items():
        modules.update(found)
        repositories[f"github.com/{repository.github}".lower()] = repository.registry
        sources.append({
            "repository": f"https://github.com/{repository.github}",
            "registry": repository.registry,
            "first_major": repository.first_major,
            "tags": {p.tag: {"commit": p.commit, "committed": p.committed} for p in pins},
        })
    return {
        "_meta": meta(sources, generated, len(modules)),
        "repositories": dict(sorted(repositories.items())),
        "modules": dict(sorted(modules.items())),
    }


def weighed() -> dict[str, object]:
    """The lists of nhilint's code the classification used: a change of them makes the file
    stale, which the tests see without the repositories."""
    return {
        "resource_types": list(RESOURCE_TYPES),
        "data_types": list(DATA_TYPES),
        "principals": dict(sorted(KINDS.items())),
        "credentials": sorted(CREDENTIALS),
        "policies": sorted(POLICY_TYPES | {POLICY_DOCUMENT}),
    }


def meta(sources: Sequence[Mapping[str, object]], generated: str,
         count: int) -> dict[str, object]:
    return {
        "generator": "scripts/gen_terraform_modules.py (run it to regenerate; --check)",
        "source": {"generated": generated, "repositories": list(sources)},
        "weighed": weighed(),
        "counts": {"modules": count},
        "repositories": "GitHub repository (lower case, no scheme) -> its registry source",
        "modules": (
            "registry source (<namespace>/<name>/<provider>[//<subdirectory>]) -> major version"
            " -> {tag: the release read; identity: the resource types declared that nhilint"
            " judges; other: the other resource types declared; data: identity data sources;"
            " principals, credentials, policies: what nhilint would have judged of them;"
            " inputs: variables reaching an"
            " identity resource or data source (directly, through locals or data sources);"
            " outputs}"
        ),
    }


def render(table: Mapping[str, object]) -> str:
    """Compact: one module version per line (read by machines, reviewed by diff)."""
    lines = ["{"]
    sections = list(table.items())
    for index, (key, value) in enumerate(sections):
        comma = "," if index < len(sections) - 1 else ""
        if key == "modules" and isinstance(value, dict):
            lines.append(f"{json.dumps(key)}: {{")
            items = list(value.items())
            for i, (source, majors) in enumerate(items):
                lines.append(f"  {json.dumps(source)}: {{")
                versions = sorted(majors.items(), key=lambda kv: -int(kv[0]))
                lines += [f"    {json.dumps(m)}: {_line(v)}{',' if j < len(versions) - 1 else ''}"
                          for j, (m, v) in enumerate(versions)]
                lines.append("  }" + ("," if i < len(items) - 1 else ""))
            lines.append("}" + comma)
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, indent=2)}{comma}")
    return "\n".join(lines) + "\n}\n"


def _line(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# --------------------------------------------------------------------------- CLI


def pinned(output: Path) -> tuple[dict[str, list[Pin]], str]:
    """The tags and commits the current data file pins, by repository, and its date."""
    try:
        source = json.loads(output.read_text(encoding="utf-8"))["_meta"]["source"]
        pins = {
            str(r["repository"]).removeprefix("https://github.com/"): [
                Pin(tag, str(p["commit"]), str(p["committed"])) for tag, p in r["tags"].items()
            ]
            for r in source["repositories"]
        }
        return pins, str(source["generated"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, ""


def generate(mirror: Path, pins: Mapping[str, Sequence[Pin]], generated: str,
             refresh: bool = False) -> dict[str, object]:
    """The data file: each repository read at its pinned tags, or (``refresh``, or nothing
    pinned for it) at the newest release tag of each major."""
    read: dict[Repository, tuple[Sequence[Pin], Mapping[str, dict[str, object]]]] = {}
    for repository in REPOSITORIES:
        where = locate(mirror, repository)
        known = [] if refresh else list(pins.get(repository.github, ()))
        at = ([resolve(where, p.tag, p.commit) for p in known] if known
              else [resolve(where, tag) for tag in newest_tags(where, repository.first_major)])
        read[repository] = (at, read_repository(where, repository, at))
    return build(read, generated)


def check(output: Path, expected: str) -> int:
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    if current == expected:
        print(f"{output} is up to date")
        return 0
    print(f"{output} is stale; run scripts/gen_terraform_modules.py", file=sys.stderr)
    for line in diff_summary(current, json.loads(expected)):
        print("  " + line, file=sys.stderr)
    return 1


def diff_summary(old_text: str, new: Mapping[str, object]) -> list[str]:
    try:
        old = json.loads(old_text)
    except ValueError:
        return ["the committed file is missing or not JSON"]
    before, after = old.get("modules", {}), new.get("modules", {})
    assert isinstance(after, dict)
    lines = []
    added, removed = set(after) - set(before), set(before) - set(after)
    for label, names in (("added", added), ("removed", removed)):
        if names:
            lines.append(f"modules: {len(names)} {label}: {', '.join(sorted(names)[:10])}")
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    if changed:
        lines.append(f"modules: {len(changed)} changed: {', '.join(changed[:10])}")
    return lines or ["_meta or formatting differs"]


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mirror", type=Path,
                        default=Path(os.environ.get(ENV) or DEFAULT_MIRROR),
                        help=f"directory holding the repositories' git directories (${ENV})")
    parser.add_argument("--refresh", action="store_true",
                        help="read the newest release tag of each major instead of the pins")
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="data file to write or check")
    args = parser.parse_args(list(argv) if argv is not None else None)
    pins, generated = pinned(args.output)
    if not args.check:  # --check compares with the date the committed file records
        generated = datetime.date.today().isoformat()
    try:
        text = render(generate(args.mirror, pins, generated, args.refresh))
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        return check(args.output, text)
    args.output.write_text(text, encoding="utf-8")
    table = json.loads(text)
    for repository in table["_meta"]["source"]["repositories"]:
        tags = ", ".join(f"{t} {p['commit'][:12]}" for t, p in repository["tags"].items())
        print(f"read {repository['repository']} at {tags}")
    print(f"wrote {args.output}: {table['_meta']['counts']['modules']} module sources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
