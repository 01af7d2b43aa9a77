"""``nhilint init``: a commented starter ``.nhilint.toml``, every key at its default.

The text is made from the defaults the config loader uses, so it cannot drift from them, and
``nhilint check`` reads it as written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from nhilint.atomic import write_atomically
from nhilint.config import NAME, SEVERITIES
from nhilint.settings import DEFAULT_AUTOMATION_PATTERNS, DEFAULT_OWNER_KEYS

DEFAULT_FAIL_ON = "high"

_HEADER = """\
# nhilint configuration, written by `nhilint init`.  Every key shows its built-in default:
# delete a key to follow the defaults of later versions.  nhilint reads the .nhilint.toml
# (or pyproject.toml [tool.nhilint]) nearest to the first scanned path.
"""

_SUPPRESS = """\
# accept a rule's findings on one resource (for inputs without comments, such as plan JSON);
# one [[suppress]] block per resource:
# [[suppress]]
# address = "aws_iam_user.ci"       # the resource address, as findings report it
# rules = ["NHI004"]                # rule ids
# reason = "rotated nightly by the vault job"
"""


class StarterError(ValueError):
    """The starter config cannot be written; the message names the file."""


def starter() -> str:
    """The text of the starter config."""
    severities = ", ".join(SEVERITIES)
    entries = (
        ("tag keys whose value names a principal's owner (NHI002)",
         f"owner-tag-keys = {_list(DEFAULT_OWNER_KEYS)}"),
        ("regular expressions for automation name tokens (a principal named ci-deployer is one)",
         f"automation-patterns = {_list(DEFAULT_AUTOMATION_PATTERNS, one_per_line=True)}"),
        ("only these rules: ids (NHI001), id prefixes (NHI00) or names; [] is every rule",
         "select = []"),
        ("skip these rules: ids, id prefixes or names", "ignore = []"),
        (f"exit 1 when a finding is at or above this severity ({severities})",
         f'fail-on = "{DEFAULT_FAIL_ON}"'),
        ('give a rule\'s findings another severity, e.g. { NHI004 = "low", no-owner = "medium" }',
         "severity-overrides = {}"),
        ("every suppression (inline comment or [[suppress]] below) must give a reason",
         "require-suppression-reason = false"),
        ("custom rules: .py files (relative to this file) or module names (docs/custom-rules.md)",
         "rules = []"),
        ("the organisation's policy, as a [policy] table or inline: owner-pattern, "
         "forbidden-permissions,\n# allowed-permissions, oidc-issuers, oidc-subjects, "
         "max-credential-days, wide-scopes (README)", "policy = {}"),
    )
    body = "\n".join(f"# {comment}\n{line}\n" for comment, line in entries)
    return f"{_HEADER}\n{body}\n{_SUPPRESS}"


def _list(values: Sequence[str], one_per_line: bool = False) -> str:
    items = [json.dumps(v) for v in values]
    if not one_per_line:
        return "[" + ", ".join(items) + "]"
    return "[\n" + "".join(f"    {item},\n" for item in items) + "]"


def write_starter(directory: Path, force: bool = False) -> Path:
    """Write the starter config into ``directory``; an existing one is kept unless ``force``."""
    target = directory / NAME
    if not directory.is_dir():
        raise StarterError(f"{directory}: no such directory")
    if target.exists() and not force:
        raise StarterError(f"{target} already exists (use --force to overwrite it)")
    try:
        write_atomically(target, starter())
    except OSError as exc:
        raise StarterError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
