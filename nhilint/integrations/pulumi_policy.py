"""nhilint as a Pulumi CrossGuard policy pack: the same rules at ``pulumi preview``.

One **stack validation** policy (``StackValidationPolicy``, named ``nhilint``) receives every
resource of the stack (the graph needs them all: a key, its user and the user's policy are
three resources), turns them into the model with the conversion the preview-JSON reader uses
(:func:`nhilint.parsers.pulumi.records.model_of`), builds the NHI graph and runs the rules.
Each finding is one violation, ``report_violation(message, urn)``, on the URN of the resource
the finding is about (the principal for the core rules); the message is
``NHI001 static-secret (critical): <the finding's message>``.

What a stack policy sees (``pulumi_policy`` 1.21 ``policy.py`` ``AnalyzeStack``; notes in
``/work/shared/reference/pulumi.md`` §1): each ``PolicyResource`` has the type token, the
resource's properties (its outputs; during a preview the inputs, with what is known after apply
as the engine's unknown sentinels), the URN, the logical name, the provider and the
per-property dependencies.  The properties are wrapped in a proxy that raises when an unknown
value is touched; the pack reads beneath it, and an unknown stays
:class:`~nhilint.model.Unknown` (NHI901 where a rule needs it), never a guess.  Secrets arrive
decrypted: the values of properties the resource lists in ``additionalSecretOutputs`` and of
the attributes nhilint's secret catalogs name as secret (``aws_iam_access_key.secret``, a
Kubernetes Secret's ``data``) are replaced by an Unknown marked sensitive before anything
reads them; nhilint never reads a secret's value.  For the same reason the stack's outputs are
all taken as secrets (the pack cannot tell a secret output from a plain one): NHI013's check of
outputs that show a secret needs the preview JSON (``nhilint check preview.json``).

Configuration (the policy's ``config_schema``; the pack's config file passed with
``pulumi preview --policy-pack DIR --policy-pack-config config.json``, keyed by the policy's
name ``nhilint``)::

    {"nhilint": {"enforcementLevel": "mandatory",
                 "select": ["NHI001", "NHI003"], "ignore": ["no-owner"],
                 "minimumSeverity": "high"}}

* ``enforcementLevel``: ``advisory`` (the default: violations are shown, the update goes on),
  ``mandatory`` (a violation stops the update) or ``disabled``; the Pulumi engine applies it.
* ``select`` / ``ignore``: rule ids, id prefixes (``NHI00``) or names, as ``nhilint check
  --select/--ignore``; an unknown one is a violation of the stack saying so (no rule runs).
* ``minimumSeverity``: only findings at or above this severity are violations (``info``,
  ``low``, ``medium``, ``high``, ``critical``; default ``low``, so the informational NHI901
  "indeterminate" findings are left out unless ``info`` is asked for).

:func:`policy_pack` serves the pack (``PolicyPack.__init__`` starts the engine's gRPC server and
never returns): it is what the pack's ``__main__.py`` calls (``nhilint pulumi-policy-pack DIR``
writes one, :mod:`nhilint.integrations.pulumi_pack`).  :func:`stack_policy` builds the policy
alone, for tests and for packs that add policies of their own.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple, NoReturn

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    PolicyResource,
    ReportViolation,
    Secret,
    StackValidationArgs,
    StackValidationPolicy,
)

from nhilint.engine import analyse
from nhilint.identity import secret_catalog
from nhilint.model import Span
from nhilint.parsers.pulumi.records import SIG, Record, model_of
from nhilint.parsers.pulumi.tokens import resource_type
from nhilint.parsers.pulumi.urns import parse_urn
from nhilint.registry import RuleError, load, select
from nhilint.rule import Severity
from nhilint.settings import Settings

__all__ = ["NAME", "POLICY", "Violation", "config_schema", "policy_pack", "records",
           "stack_policy", "violations"]

#: the pack's name (``PolicyPack(name=...)``)
NAME = "nhilint"
#: the stack policy's name: its key in the policy-pack config
POLICY = "nhilint"
DEFAULT_MINIMUM = "low"
STACK = "pulumi:pulumi:Stack"
_DESCRIPTION = ("nhilint: automation identities (non-human identities) that can alter identity "
                "or access with a static secret, no owner, a wildcard scope or no expiry")
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_UNREAD_SIG = "unknown kind"


class Violation(NamedTuple):
    """One violation to report: its message and the URN it is about (``None``: the stack)."""

    message: str
    urn: str | None


def config_schema() -> PolicyConfigSchema:
    """``select``, ``ignore`` and ``minimumSeverity`` (``enforcementLevel`` is the engine's)."""
    strings = {"type": "array", "items": {"type": "string"}}
    return PolicyConfigSchema(properties={
        "select": {**strings, "description": "only these rules (ids, id prefixes or names)"},
        "ignore": {**strings, "description": "skip these rules (ids, id prefixes or names)"},
        "minimumSeverity": {
            "type": "string", "enum": [s.label for s in Severity], "default": DEFAULT_MINIMUM,
            "description": "report findings at or above this severity",
        },
    })


def stack_policy(enforcement_level: EnforcementLevel | None = None,
                 settings: Settings | None = None) -> StackValidationPolicy:
    """The ``nhilint`` stack policy; ``settings`` are the rules' (owner tag keys, automation
    patterns, …), the defaults with today's date when not given."""
    chosen = settings

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for found in violations(args, chosen):
            report_violation(found.message, found.urn)

    return StackValidationPolicy(
        name=POLICY, description=_DESCRIPTION, validate=validate,
        enforcement_level=enforcement_level, config_schema=config_schema(),
        display_name="nhilint: non-human identity governance",
    )


def policy_pack(name: str = NAME, enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY,
                settings: Settings | None = None) -> NoReturn:  # pragma: no cover - serves
    """Serve the pack to the Pulumi engine (this never returns)."""
    PolicyPack(name=name, policies=[stack_policy(settings=settings)],
               enforcement_level=enforcement_level, description=_DESCRIPTION)
    raise SystemExit(0)


def violations(args: StackValidationArgs, settings: Settings | None = None) -> list[Violation]:
    """The stack's findings as violations, in the order ``nhilint check`` reports them."""
    config = args.get_config()
    try:
        rules = select(load(), _strings(config.get("select")), _strings(config.get("ignore")))
        minimum = Severity.parse(str(config.get("minimumSeverity") or DEFAULT_MINIMUM))
    except (RuleError, ValueError) as exc:
        return [Violation(f"nhilint policy config: {exc}", None)]
    used = settings or dataclasses.replace(Settings(), today=datetime.date.today())
    done = analyse(model_of(records(args.resources)), Path("."), rules, used)
    found = [Violation(f"{f.rule} {f.name} ({f.severity.label}): {f.message}", f.origin or None)
             for f in sorted(done.findings, key=lambda f: (f.origin, f.rule, f.resource))
             if f.severity >= minimum]
    found += [Violation(f"{d.code}: {d.message}", None) for d in done.diagnostics]
    return found


def records(resources: Sequence[PolicyResource]) -> list[Record]:
    """The stack's resources (and the providers they name) as records."""
    found = [_record(r) for r in resources]
    seen = {r.urn for r in found}
    for resource in resources:
        provider = resource.provider
        if provider is not None and provider.urn and provider.urn not in seen:
            seen.add(provider.urn)
            props = _plain(provider.props)
            found.append(Record(provider.urn, provider.resource_type, provider.name,
                                props if isinstance(props, dict) else {},
                                span=_span(provider.urn)))
    return found


def _record(resource: PolicyResource) -> Record:
    props = _plain(resource.props)
    provider = resource.provider.urn if resource.provider is not None else ""
    depends = {str(k): [d.urn for d in v] for k, v in resource.property_dependencies.items()}
    return Record(
        resource.urn, resource.resource_type, resource.name,
        props if isinstance(props, dict) else {}, provider, _span(resource.urn),
        dependencies=depends, secrets=_secrets(resource),
    )


def _secrets(resource: PolicyResource) -> frozenset[str]:
    """The properties whose values are secrets: those the resource declares secret and the
    attributes the secret catalogs name; every output of the stack (the engine hands them
    decrypted without saying which were secrets, so none is read)."""
    if resource.resource_type == STACK:
        return frozenset(str(k) for k in _keys(resource.props))
    declared = list(getattr(resource.opts, "additional_secret_outputs", None) or ())
    kind = resource_type(resource.resource_type)
    exported = secret_catalog().exported.get(kind.terraform_type, {}) if kind else {}
    return frozenset(str(n) for n in [*declared, *exported])


def _span(urn: str) -> Span:
    """Where a finding is: the stack (a policy sees no source file)."""
    parsed = parse_urn(urn)
    return Span(f"{parsed.project}/{parsed.stack}" if parsed else "pulumi", 1, 1)


def _plain(value: object) -> object:
    """A property value without the policy SDK's wrappers: the unknown-checking proxy (read
    beneath, so an unknown stays the engine's sentinel), a :class:`pulumi_policy.Secret`
    (a secret object) and assets or other objects (values nhilint does not read)."""
    if isinstance(value, Secret):
        return {SIG: _SECRET_SIG}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in _items(value)}
    if isinstance(value, Sequence):
        return [_plain(v) for v in _elements(value)]
    return {SIG: _UNREAD_SIG}


def _items(value: Mapping[object, object]) -> Iterator[tuple[object, object]]:
    target = _target(value)
    if isinstance(target, dict):
        yield from target.items()
    else:
        yield from ((k, value[k]) for k in value)


def _elements(value: Sequence[object]) -> list[object]:
    target = _target(value)
    return list(target) if isinstance(target, list) else [value[i] for i in range(len(value))]


def _target(value: object) -> object:
    """The proxy's wrapped dict or list (``pulumi_policy/proxy.py``: ``proxy["__target"]``)."""
    if isinstance(value, (dict, list)):
        return value
    try:
        return value["__target"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None


def _keys(value: object) -> list[object]:
    return [k for k, _ in _items(value)] if isinstance(value, Mapping) else []


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [str(v) for v in _elements(value)]
    return []
