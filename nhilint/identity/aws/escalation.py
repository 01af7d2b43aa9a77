"""Known AWS privilege-escalation combinations a principal holds in full.

The combinations are data: cloudsplaining's methods (``aws_actions.json`` ``escalation_methods``,
with their pathfinding.cloud links) and nhilint's reviewed additions (``aws_escalations.json``:
running code where another identity's credentials are).  A principal holds a method when every
action of it is allowed by some statement of some policy it holds (inline, attached, managed,
through a group), on a resource of the action's service, and no unconditional Deny of any of its
policies takes the action back.  Conditions do not take a step out: a condition that narrows
``iam:PassRole`` to one service still lets the role be passed to that service.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple

from nhilint.identity.aws.actions import ActionCatalog, match_names
from nhilint.identity.aws.arn import service_of
from nhilint.identity.aws.statement import Statement, applicable
from nhilint.identity.data import DataFileError, read_data
from nhilint.identity.graph import Escalation, PrincipalId, Provenance
from nhilint.model import Span

_EXTRA_FILE = "aws_escalations.json"


class Method(NamedTuple):
    name: str
    actions: frozenset[str]
    description: str
    reference: str


class Source(NamedTuple):
    """One statement a principal holds, and how it holds it."""

    statement: Statement
    provenance: Provenance


def methods(catalog: ActionCatalog) -> Mapping[str, Method]:
    """Every known method: cloudsplaining's and the reviewed additions, by name."""
    found = {
        name: Method(name, actions, "", catalog.pathfinding.get(name, ""))
        for name, actions in catalog.escalation_methods.items()
    }
    found.update((m.name, m) for m in _extra_methods())
    return MappingProxyType(found)


@functools.cache
def _extra_methods() -> tuple[Method, ...]:
    return tuple(_extra(read_data(_EXTRA_FILE)))


def _extra(data: object) -> Iterator[Method]:
    """The reviewed additions; a malformed file fails loudly (a broken install)."""
    table = data.get("methods") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        raise DataFileError(f"data/{_EXTRA_FILE}: 'methods' must be an object")
    for name, body in table.items():
        actions = body.get("actions") if isinstance(body, dict) else None
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise DataFileError(f"data/{_EXTRA_FILE}: {name}.actions must be a list of names")
        yield Method(name, frozenset(actions), str(body.get("description", "")),
                     str(body.get("reference", "")))


def escalations(
    principal: PrincipalId, sources: Sequence[Source], catalog: ActionCatalog,
    boundary: Sequence[Statement] | None = None,
) -> Iterator[Escalation]:
    """The methods ``principal`` holds every action of, each action with its source;
    ``boundary``, the statements of its (known) permissions boundary, must allow each too.

    Each statement is matched once against every action any method needs, then each method
    is a subset test (a principal with ``iam:*`` holds dozens)."""
    known = methods(catalog)
    wanted = _wanted(catalog)
    granted = _granted(
        [s.statement for s in sources], wanted, [s.provenance for s in sources], catalog
    )
    within = None if boundary is None else set(_granted(boundary, wanted, None, catalog))
    for method in known.values():
        if within is not None and not method.actions <= within:
            continue
        if method.actions <= granted.keys():
            yield Escalation(
                principal, method.name,
                tuple((a, granted[a]) for a in sorted(method.actions)),
                method.description,
            )


def _wanted(catalog: ActionCatalog) -> frozenset[str]:
    return frozenset().union(*(m.actions for m in methods(catalog).values()))


def _granted(
    statements: Sequence[Statement], wanted: frozenset[str],
    provenances: Sequence[Provenance] | None, catalog: ActionCatalog,
) -> dict[str, Provenance]:
    """The wanted actions some Allow grants on a resource they act on, less what an
    unconditional Deny takes back, each with the first statement's provenance (an empty one
    when none is given, for a boundary)."""
    denied: set[str] = set()
    for statement in statements:
        if statement.takes_back:
            denied |= _covered(statement, wanted)
    found: dict[str, Provenance] = {}
    empty = Provenance("", (), Span("", None, None))
    for n, statement in enumerate(statements):
        if not statement.allows:
            continue
        for action in sorted(_covered(statement, wanted) - denied):
            if action not in found and _applies(statement, action, catalog):
                found[action] = provenances[n] if provenances is not None else empty
    return found


def _covered(statement: Statement, wanted: frozenset[str]) -> frozenset[str]:
    """The wanted actions the statement's ``Action`` (or, for ``NotAction``, its complement)
    includes; an unknown action entry decides nothing (it may be anything) and grants nothing."""
    known = [a for a in statement.actions if isinstance(a, str)]
    matched = match_names(known, wanted)
    if statement.not_actions:
        return wanted - matched if len(known) == len(statement.actions) else frozenset()
    return matched


def _applies(statement: Statement, action: str, catalog: ActionCatalog) -> bool:
    """A resource the action can act on (:func:`~nhilint.identity.aws.statement.applicable`:
    ``iam:PassRole`` on ``arn:aws:s3:::bucket`` passes no role, ``iam:CreatePolicyVersion`` on
    ``arn:aws:iam::aws:policy/*`` writes nothing); an action whose resource types the catalog
    does not know is kept to the ARNs of its service (or to ``*``, unknown, non-ARN ones)."""
    if statement.not_resources or not statement.resources:
        return True
    if action in catalog.resources:
        return bool(applicable(frozenset((action,)), statement.resources, catalog))
    services = set()
    for resource in statement.resources:
        service = service_of(resource)
        if not service:
            return True
        services.add(service)
    wanted = action.partition(":")[0].lower()
    return wanted in services or (wanted == "sts" and "iam" in services)


def by_principal(items: Iterable[tuple[PrincipalId, Source]]) -> dict[PrincipalId, list[Source]]:
    found: dict[PrincipalId, list[Source]] = {}
    for principal, source in items:
        found.setdefault(principal, []).append(source)
    return found
