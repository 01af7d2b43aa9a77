"""AWS managed policies by ARN.

Documents come from ``nhilint/data/aws_managed_policies.json`` (hand-curated from the public
``iann0036/iam-dataset``; provenance in its ``_meta``), read lazily on first lookup. Only the
policies nhilint needs are shipped: a lookup of any other AWS managed ARN returns ``None``, while
:func:`is_aws_managed_arn` still says it is AWS managed.

ARNs of every partition (``aws``, ``aws-us-gov``, ``aws-cn``, …) and paths
(``arn:aws:iam::aws:policy/service-role/...``) are accepted; names compare without regard to case,
as IAM names do.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from nhilint.identity.data import DataFileError, read_data

__all__ = [
    "ManagedPolicy",
    "ManagedPolicyDataError",
    "is_aws_managed_arn",
    "known_managed_policies",
    "managed_policy",
]

_DATA_FILE = "aws_managed_policies.json"

# arn:<partition>:iam::aws:policy/<path/><name>; IAM paths are "/"-separated segments.
_AWS_MANAGED = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z0-9]+)*):iam::aws:policy/(?P<path>(?:[^/\s]+/)*)(?P<name>[^/\s]+)"
)


class ManagedPolicyDataError(ValueError):
    """The shipped managed-policy file is missing or malformed (a broken install)."""


@dataclass(frozen=True)
class ManagedPolicy:
    """An AWS managed policy: ``document`` is the policy JSON (``Version``, ``Statement``).

    ``partial`` marks a document cut down to the entries nhilint evaluates (very large
    policies such as ReadOnlyAccess); see the data file's ``_meta.partial``. The document is
    shared between lookups: treat it as read-only.
    """

    name: str
    arn: str
    document: Mapping[str, object]
    partial: bool = False


@dataclass(frozen=True)
class _Parsed:
    partition: str
    path: str
    name: str


def is_aws_managed_arn(arn: str) -> bool:
    """True for ``arn:<partition>:iam::aws:policy/...``, known to nhilint or not."""
    return isinstance(arn, str) and _parse(arn) is not None


def managed_policy(arn: str) -> ManagedPolicy | None:
    """The AWS managed policy ``arn`` names, or None when it is not one nhilint ships."""
    parsed = _parse(arn) if isinstance(arn, str) else None
    if parsed is None:
        return None
    known = _policies_by_key().get((parsed.path.lower(), parsed.name.lower()))
    if known is None:
        return None
    if parsed.partition == "aws":
        return known
    return ManagedPolicy(
        name=known.name,
        arn=_with_partition(known.arn, parsed.partition),
        document=known.document,
        partial=known.partial,
    )


def known_managed_policies() -> Mapping[str, ManagedPolicy]:
    """Every shipped policy by name (``aws`` partition ARNs)."""
    return _load()


# --------------------------------------------------------------------------- loading


@functools.cache
def _load() -> Mapping[str, ManagedPolicy]:
    try:
        raw = read_data(_DATA_FILE)
    except DataFileError as error:
        raise ManagedPolicyDataError(str(error)) from error
    return MappingProxyType(policies_from_data(raw))


@functools.cache
def _policies_by_key() -> Mapping[tuple[str, str], ManagedPolicy]:
    by_key: dict[tuple[str, str], ManagedPolicy] = {}
    for policy in _load().values():
        parsed = _parse(policy.arn)
        if parsed is None:
            raise ManagedPolicyDataError(f"{policy.name}: not an AWS managed ARN: {policy.arn}")
        by_key[(parsed.path.lower(), parsed.name.lower())] = policy
    return MappingProxyType(by_key)


def policies_from_data(raw: object) -> dict[str, ManagedPolicy]:
    """Decode the data file (validated: a bad entry fails loudly)."""
    if not isinstance(raw, dict):
        raise ManagedPolicyDataError("top level: expected an object")
    policies: dict[str, ManagedPolicy] = {}
    for name, entry in raw.items():
        if name.startswith("_"):
            continue
        if not isinstance(entry, dict):
            raise ManagedPolicyDataError(f"{name}: expected an object")
        arn, document = entry.get("arn"), entry.get("document")
        if not isinstance(arn, str) or not isinstance(document, dict):
            raise ManagedPolicyDataError(f"{name}: needs a string arn and an object document")
        parsed = _parse(arn)
        if parsed is None or parsed.name != name:
            raise ManagedPolicyDataError(f"{name}: arn {arn} does not name this policy")
        policies[name] = ManagedPolicy(
            name=name, arn=arn, document=document, partial=entry.get("partial") is True
        )
    return policies


def _parse(arn: str) -> _Parsed | None:
    match = _AWS_MANAGED.fullmatch(arn)
    if match is None:
        return None
    return _Parsed(match["partition"], match["path"], match["name"])


def _with_partition(arn: str, partition: str) -> str:
    return re.sub(r"^arn:[^:]+:", f"arn:{partition}:", arn, count=1)
