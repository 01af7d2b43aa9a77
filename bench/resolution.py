"""How much of a Terraform tree nhilint resolves (a script, not a test).

    python bench/resolution.py ../shared/corpora/cloudposse+terraform-aws-components

Reports, for the identity resources (``aws_iam_*``, ``aws_ssoadmin_*``): how many of their
top-level attributes are known values, partly known (a structure with unknown parts), linked
(another resource's attribute, followed by the identity layer) or unknown, with the most
common reasons for the unknown ones and their count by cause (the vocabulary of
:class:`nhilint.model.Cause`, the one NHI901 reports), over every analysed instance (a module
called twice and scanned on its own counts three times); how many resource blocks gave no
instance in any analysis (``count``/``for_each`` evaluated to nothing), and how many possible
instances (switched off only by a defaulted input) were found; the module calls as written
by kind of source (local, registry or git, unknown) and how many of them were not read; and
the NHI901 findings by cause (the same vocabulary).  JSON on stdout, one object.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from nhilint.engine import Options, scan
from nhilint.model import Cause, Model, Unknown, cause_of, is_known, ref_cause
from nhilint.parsers.registry import PARSERS, discover

IDENTITY_PREFIXES = ("aws_iam_", "aws_ssoadmin_")


def attribute_counts(models: list[Model]) -> dict[str, object]:
    known = partial = unknown = linked = 0
    reasons: collections.Counter[str] = collections.Counter()
    causes: collections.Counter[str] = collections.Counter()
    for model in models:
        for resource in model.resources:
            if not resource.type.startswith(IDENTITY_PREFIXES):
                continue
            for value in resource.attributes.values():
                if isinstance(value, Unknown) and _linked(value):
                    linked += 1
                elif isinstance(value, Unknown):
                    unknown += 1
                    reasons[value.reason] += 1
                    causes[cause_of(value).value] += 1
                elif is_known(value):
                    known += 1
                else:
                    partial += 1
    total = known + partial + linked + unknown
    return {
        "identity_attributes": total,
        "known": known,
        "partly_known": partial,
        "linked": linked,
        "unknown": unknown,
        "known_or_linked_share": round((known + linked) / total, 3) if total else None,
        "unknown_by_cause": dict(causes.most_common()),
        "unknown_reasons": dict(reasons.most_common(8)),
    }


def _linked(value: Unknown) -> bool:
    """An attribute of another resource of the module (``aws_iam_user.ci.name``): unknown
    until apply, but the identity layer follows the reference to the resource."""
    return bool(value.refs) and cause_of(value) is Cause.COMPUTED_ATTRIBUTE and all(
        ref_cause(r) is Cause.COMPUTED_ATTRIBUTE for r in value.refs
    )


def module_calls(models: list[Model]) -> dict[str, int]:
    """The module calls as written (one per block, however many times it is expanded), by
    kind of source, and how many of them no analysis could read."""
    kinds: collections.Counter[str] = collections.Counter()
    calls: dict[tuple[str, int | None], bool] = {}
    for model in models:
        for call in model.module_calls:
            where = (call.span.path, call.span.line)
            if where not in calls:
                source = call.source
                kinds["unknown source" if not isinstance(source, str)
                      else "local" if source.startswith(("./", "../"))
                      else "registry or git"] += 1
            calls[where] = calls.get(where, False) or not call.unread
    kinds["not read"] = sum(1 for read in calls.values() if not read)
    return dict(kinds)


def instances(models: list[Model], blocks: set[tuple[str, int]]) -> dict[str, int]:
    """Resource and data blocks that gave no instance in any analysis, and the possible
    instances (switched off only by a defaulted input) found."""
    spans = {(r.span.path, r.span.line or 0) for m in models for r in m.resources}
    possible = [r for m in models for r in m.resources if r.condition]
    written = {(r.span.path, r.span.line) for r in possible}
    iam = {(r.span.path, r.span.line) for r in possible if r.type.startswith(IDENTITY_PREFIXES)}
    return {
        "blocks_without_instance": len(blocks - spans),
        "possible_instances": len(possible),
        "blocks_with_possible_instances": len(written),
        "identity_blocks_with_possible_instances": len(iam),
    }


def nhi901_causes(root: Path) -> dict[str, int]:
    """The NHI901 findings by their cause (:class:`nhilint.model.Cause`)."""
    found: collections.Counter[str] = collections.Counter()
    for finding in scan([root], Options()).findings:
        if finding.rule == "NHI901":
            found[finding.cause.cause.value if finding.cause else "none"] += 1
    return dict(found.most_common())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    args = parser.parse_args()
    models = [PARSERS[u.kind].parse(u.path, u.tree) for u in discover([args.root]).units]
    blocks = _blocks(models)
    report = {
        "root": str(args.root),
        "modules": len(models),
        **attribute_counts(models),
        "resource_and_data_blocks": len(blocks),
        **instances(models, blocks),
        "module_calls": module_calls(models),
        "nhi901_by_cause": nhi901_causes(args.root),
    }
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


def _blocks(models: list[Model]) -> set[tuple[str, int]]:
    """The resource and data blocks of every file read, by (file, line) (every file is read
    again, by text: the models hold instances, not blocks)."""
    found: set[tuple[str, int]] = set()
    for file in dict.fromkeys(f for m in models for f in m.files):
        path = Path(file)
        if path.suffix != ".tf" or not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, 1):
            stripped = line.lstrip()
            if stripped.startswith(('resource "', 'data "')) and stripped.rstrip().endswith("{"):
                found.add((file, number))
    return found


if __name__ == "__main__":
    raise SystemExit(main())
