#!/usr/bin/env python3
"""Regenerate ``nhilint/data/aws_managed_policies.json``: every AWS managed policy, reduced.

Source: ``iann0036/iam-dataset`` (``aws/managedpolicies/<Name>.json``: name, ARN, deprecation and
the policy document), read from a git clone at one commit, which the data file pins.  Each policy
keeps only the statements that grant something the rules weigh -- an identity-altering action of
the catalog ``nhilint/data/aws_actions.json``, an ``obtains-credentials`` action that reaches the
identity its Resource names (altering when unbounded), or a member of a privilege-escalation
method -- and of those only such action patterns (an Allow with ``NotAction`` whole), with their
resources and conditions; a policy with none is listed by name only ("known, harmless").  So
the table must be regenerated when the catalog changes: ``--check`` and the tests say when.

Usage::

    git clone https://github.com/iann0036/iam-dataset ~/src/iam-dataset
    export NHILINT_IAM_DATASET=~/src/iam-dataset
    python scripts/gen_aws_managed_policies.py                # regenerate at the pinned commit
    python scripts/gen_aws_managed_policies.py --commit HEAD  # move the pin to the newest data
    python scripts/gen_aws_managed_policies.py --check        # exit 1 if the table is stale

``--dataset`` defaults to ``$NHILINT_IAM_DATASET``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from git_source import DatasetError, blobs, pinned, resolve  # noqa: E402

from nhilint.identity.aws.actions import (  # noqa: E402  (the repository's own package)
    ALTERS,
    ActionCatalog,
    catalog_from_data,
    is_valid_pattern,
    match_actions,
    match_names,
)
from nhilint.identity.aws.managed import FLAGS, flags_of  # noqa: E402

OUTPUT = REPO_ROOT / "nhilint" / "data" / "aws_managed_policies.json"
CATALOG = REPO_ROOT / "nhilint" / "data" / "aws_actions.json"
EXTRA = REPO_ROOT / "nhilint" / "data" / "aws_escalations.json"
REPOSITORY = "https://github.com/iann0036/iam-dataset"
FOLDER = "aws/managedpolicies/"
ENV = "NHILINT_IAM_DATASET"
_KEPT = ("Effect", "Resource", "NotResource", "Condition")
_ARN_PREFIX = "arn:aws:iam::aws:policy/"


@dataclass(frozen=True)
class Source:
    """One dataset file as read: ``key`` is the ARN's ``path/name``, or the name alone when the
    dataset keeps no ARN (``pathless``: deprecated policies)."""

    key: str
    deprecated: bool
    statements: tuple[Mapping[str, object], ...]
    pathless: bool = False


# --------------------------------------------------------------------------- reading the dataset


def source(path: str, content: bytes) -> Source:
    data = json.loads(content)
    arn, name = data.get("arn"), data.get("name")
    if isinstance(arn, str) and arn.startswith(_ARN_PREFIX):
        key, pathless = arn.removeprefix(_ARN_PREFIX), False
    elif isinstance(name, str) and name and "/" not in name:
        key, pathless = name, True
    else:
        raise DatasetError(f"{path}: neither an AWS managed ARN nor a name")
    document = data.get("document") or {}
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    return Source(key, data.get("deprecated") is True,
                  tuple(s for s in statements if isinstance(s, dict)), pathless)


# --------------------------------------------------------------------------- reducing


def relevant(pattern: object, catalog: ActionCatalog, members: frozenset[str]) -> bool:
    """Does an action pattern grant something the rules weigh on a managed policy: an action
    that alters identity, one that obtains the credentials of the identity its Resource names
    (altering when unbounded), or a member of a privilege-escalation method?"""
    if not isinstance(pattern, str) or not is_valid_pattern(pattern):
        return False
    matched = match_actions([pattern], catalog)
    weighed = catalog.of_class(matched, ALTERS) | catalog.reaching(matched)
    return bool(weighed or match_names([pattern], members))


def reduce(
    statement: Mapping[str, object], catalog: ActionCatalog, members: frozenset[str]
) -> dict[str, object] | None:
    """The statement with only the action patterns nhilint weighs, or None when it has none.

    An Allow with ``NotAction`` is kept whole (it grants everything but its list, and messages
    show the list); a Deny with ``NotAction`` keeps the patterns nhilint weighs (what it does
    not deny of the catalog is unchanged).
    """
    body = {k: statement[k] for k in _KEPT if k in statement}
    if "NotAction" in statement:
        listed = _patterns(statement["NotAction"])
        allow = statement.get("Effect") == "Allow"
        body["NotAction"] = (
            listed if allow else [a for a in listed if relevant(a, catalog, members)]
        )
        return body
    kept = [a for a in _patterns(statement.get("Action", [])) if relevant(a, catalog, members)]
    if not kept:
        return None
    body["Action"] = kept
    return body


def _patterns(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]


def escalation_members(catalog: ActionCatalog, extra: Path = EXTRA) -> frozenset[str]:
    """The actions of every privilege-escalation method NHI015 matches: cloudsplaining's (in the
    catalog) and nhilint's reviewed additions (``aws_escalations.json``, when it is there)."""
    members = {a for actions in catalog.escalation_methods.values() for a in actions}
    if extra.exists():
        methods = json.loads(extra.read_text(encoding="utf-8")).get("methods", {})
        members |= {a for body in methods.values() for a in body.get("actions", [])}
    return frozenset(members)


def fingerprint(catalog: ActionCatalog, members: frozenset[str]) -> str:
    """What the reduction weighed: a change of it (a catalog or escalation data change) makes
    the table stale, which the tests see without the dataset."""
    weighed = {
        "alters": sorted(a for a in catalog.categories if catalog.class_of(a) == ALTERS),
        "reaching": sorted(catalog.reaching(catalog.categories)),
        "members": sorted(members),
    }
    text = json.dumps(weighed, sort_keys=True).encode()
    return hashlib.sha256(text).hexdigest()[:16]


def build(sources: Sequence[Source], catalog: ActionCatalog, pin: Mapping[str, str],
          versions: Mapping[str, object], members: frozenset[str]) -> dict[str, object]:
    """The whole data file as a JSON-ready mapping."""
    policies: dict[str, object] = {}
    flagged: list[list[str]] = []
    harmless: list[str] = []
    for item in sorted(sources, key=lambda s: s.key):
        reduced = [r for r in (reduce(s, catalog, members) for s in item.statements) if r]
        if reduced:
            flagged.append(flags_of(reduced, catalog))
            policies[item.key] = {"statements": reduced, "flags": flagged[-1]}
        else:
            harmless.append(item.key)
    deprecated = sorted(s.key for s in sources if s.deprecated)
    pathless = sorted(s.key for s in sources if s.pathless)
    counts: dict[str, int] = {
        "policies": len(policies) + len(harmless),
        "with_statements": len(policies),
        "harmless": len(harmless),
        "deprecated": len(deprecated),
        "pathless": len(pathless),
    }
    for flag in FLAGS:
        counts[flag] = sum(1 for flags in flagged if flag in flags)
    weighed = fingerprint(catalog, members)
    return {
        "_meta": meta(pin, versions, weighed, counts),
        "policies": policies,
        "harmless": harmless,
        "deprecated": deprecated,
        "pathless": pathless,
    }


def meta(pin: Mapping[str, str], versions: Mapping[str, object], weighed: str,
         counts: Mapping[str, int]) -> dict[str, object]:
    return {
        "generator": "scripts/gen_aws_managed_policies.py (run it to regenerate; --check)",
        "source": {"repository": REPOSITORY, "path": FOLDER, **pin},
        "catalog": {
            "file": "nhilint/data/aws_actions.json",
            "versions": dict(versions),
            "weighed": weighed,
        },
        "counts": dict(counts),
        "policies": (
            "ARN path/name -> {statements: the statements granting an identity-altering action,"
            " an obtains-credentials action reaching another identity, or an escalation"
            " method's action, reduced to those action patterns (an Allow with NotAction"
            " whole); flags: what they amount to}"
        ),
        "harmless": "ARN path/name of every policy granting nothing of the above",
        "deprecated": "ARN path/name of every policy the dataset marks deprecated",
        "pathless": (
            "policies the dataset keeps no ARN for (deprecated ones), by name alone: an ARN"
            " with that name finds them whatever its path (AWS managed policy names are"
            " unique, the dataset names its files after them)"
        ),
    }


def render(table: Mapping[str, object]) -> str:
    """Compact: one policy per line (the file is read by machines, reviewed by diff)."""
    lines = ["{"]
    sections = list(table.items())
    for index, (key, value) in enumerate(sections):
        comma = "," if index < len(sections) - 1 else ""
        if key == "policies" and isinstance(value, dict):
            lines.append(f"{json.dumps(key)}: {{")
            items = list(value.items())
            lines += [f"  {json.dumps(k)}: {_line(v)}{',' if i < len(items) - 1 else ''}"
                      for i, (k, v) in enumerate(items)]
            lines.append("}" + comma)
        elif key == "_meta":
            lines.append(f"{json.dumps(key)}: {json.dumps(value, indent=2, sort_keys=True)}{comma}")
        else:
            lines.append(f"{json.dumps(key)}: {_line(value)}{comma}")
    return "\n".join(lines) + "\n}\n"


def _line(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --------------------------------------------------------------------------- CLI


def generate(dataset: Path, commit: str, catalog_file: Path = CATALOG) -> dict[str, object]:
    full, date = resolve(dataset, commit)
    raw = json.loads(catalog_file.read_text(encoding="utf-8"))
    catalog = catalog_from_data(raw)
    sources = [source(path, content) for path, content in blobs(dataset, full, FOLDER)]
    return build(sources, catalog, {"commit": full, "committed": date},
                 raw.get("_meta", {}).get("versions", {}), escalation_members(catalog))


def check(output: Path, expected: str) -> int:
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    if current == expected:
        print(f"{output} is up to date")
        return 0
    print(f"{output} is stale; run scripts/gen_aws_managed_policies.py", file=sys.stderr)
    for line in diff_summary(current, json.loads(expected)):
        print("  " + line, file=sys.stderr)
    return 1


def diff_summary(old_text: str, new: Mapping[str, object]) -> list[str]:
    try:
        old = json.loads(old_text)
    except ValueError:
        return ["the committed file is missing or not JSON"]
    lines = []
    for key in ("policies", "harmless", "deprecated"):
        before, after = _keys(old.get(key)), _keys(new.get(key))
        for label, names in (("added", after - before), ("removed", before - after)):
            if names:
                lines.append(f"{key}: {len(names)} {label}: {', '.join(sorted(names)[:10])}")
    changed = [k for k in _keys(old.get("policies")) & _keys(new.get("policies"))
               if old["policies"][k] != new["policies"][k]]  # type: ignore[index]
    if changed:
        lines.append(f"policies: {len(changed)} changed: {', '.join(sorted(changed)[:10])}")
    return lines or ["_meta or formatting differs"]


def _keys(value: object) -> set[str]:
    return set(value) if isinstance(value, dict | list) else set()


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dataset", type=Path, default=os.environ.get(ENV),
                        help=f"a git clone of {REPOSITORY} (default ${ENV})")
    parser.add_argument("--commit", help="dataset commit (default: the one the data file pins)")
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="data file to write or check")
    args = parser.parse_args(list(argv) if argv is not None else None)
    commit = args.commit or pinned(args.output)
    if args.dataset is None or commit is None:
        print(f"error: give --dataset (a clone of {REPOSITORY}) and --commit", file=sys.stderr)
        return 2
    try:
        text = render(generate(args.dataset, commit))
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        return check(args.output, text)
    args.output.write_text(text, encoding="utf-8")
    meta = json.loads(text)["_meta"]
    print(f"wrote {args.output} from {REPOSITORY} at {meta['source']['commit']}")
    for key, value in meta["counts"].items():
        print(f"  {key:<18} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
