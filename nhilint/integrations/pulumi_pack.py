"""``nhilint pulumi-policy-pack DIR``: a ready Pulumi CrossGuard policy pack running nhilint.

The pack is the three files a Python pack holds (``pulumi/docs``
``content/docs/insights/policy/policy-packs/project-file.md``; the layout of
``pulumi/templates-policy`` ``aws-python``): ``PulumiPolicy.yaml`` (``runtime: python`` with a
virtualenv the Pulumi CLI creates and fills from ``requirements.txt``), ``requirements.txt``
(nhilint and pulumi-policy) and ``__main__.py``, which serves
:func:`nhilint.integrations.pulumi_policy.policy_pack`.  Run it with
``pulumi preview --policy-pack DIR`` (add ``--policy-pack-config config.json`` for the
enforcement level and rule selection, :mod:`nhilint.integrations.pulumi_policy`).

This module does not import ``pulumi_policy``: writing the pack needs nothing of Pulumi.
Existing files are kept unless ``force``: nothing is written when one of the three exists.
"""

from __future__ import annotations

from pathlib import Path

from nhilint import __version__
from nhilint.atomic import write_atomically

__all__ = ["FILES", "PackError", "files", "write_pack"]

#: the files of the pack, in the order they are written
FILES = ("PulumiPolicy.yaml", "requirements.txt", "__main__.py")
#: pulumi-policy's supported range (the template's ``pulumi-policy>=1.20.0,<2.0.0``)
PULUMI_POLICY = "pulumi-policy>=1.20.0,<2.0.0"

_PROJECT = """\
# A Pulumi CrossGuard policy pack running nhilint, written by `nhilint pulumi-policy-pack`.
# Run it with: pulumi preview --policy-pack <this directory>
description: nhilint finds automation identities that can alter identity or access with a static
  secret, no owner, a wildcard scope or no expiry.
runtime:
  name: python
  options:
    virtualenv: venv
version: {version}
"""

_MAIN = '''\
"""The nhilint policy pack, written by `nhilint pulumi-policy-pack`.

One stack policy, `nhilint`, runs nhilint's rules on every resource of the stack and reports
each finding as a violation on its resource.  Configure it with --policy-pack-config, e.g.
{{"nhilint": {{"enforcementLevel": "mandatory", "select": ["NHI001"], "minimumSeverity": "high"}}}}
(see the README's "Pulumi CrossGuard" section).
"""

from pulumi_policy import EnforcementLevel

from nhilint.integrations.pulumi_policy import policy_pack

policy_pack(name="nhilint", enforcement_level=EnforcementLevel.ADVISORY)
'''


class PackError(ValueError):
    """The pack cannot be written; the message says why."""


def _nhilint_range() -> str:
    """This version and the later ones of its minor series (0.x minors may break)."""
    parts = __version__.split(".")
    major, minor = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f"nhilint>={__version__},<{upper}"


def files() -> dict[str, str]:
    """The pack's files by name."""
    return {
        "PulumiPolicy.yaml": _PROJECT.format(version=__version__),
        "requirements.txt": f"{_nhilint_range()}\n{PULUMI_POLICY}\n",
        "__main__.py": _MAIN.format(),
    }


def write_pack(directory: Path, force: bool = False) -> list[Path]:
    """Write the pack into ``directory`` (made if missing); an existing file of the pack is
    an error unless ``force``, and then nothing is written."""
    if directory.exists() and not directory.is_dir():
        raise PackError(f"{directory} is not a directory")
    wanted = files()
    targets = [directory / name for name in wanted]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        verb = "exists" if len(existing) == 1 else "exist"
        raise PackError(f"{', '.join(existing)} already {verb} (use --force to overwrite)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for target, text in zip(targets, wanted.values(), strict=True):
            write_atomically(target, text)
    except OSError as exc:
        raise PackError(f"cannot write the pack to {directory}: {exc.strerror or exc}") from None
    return targets
