"""Whether a secret's resource is replaced on a schedule, whatever the platform.

A secret is rotated when its resource is replaced by a ``time_rotating``:
``lifecycle { replace_triggered_by = [...] }`` naming one directly or through a
``terraform_data``/``null_resource`` whose triggers name one (a rotation keeper), or an
argument that forces replacement when it changes (a GCP key's ``keepers``, an Entra
password's ``rotate_when_changed``) computed from one.

How often is :func:`rotation_days`: the ``time_rotating``'s ``rotation_days``,
``rotation_hours``, ``rotation_minutes``, ``rotation_months`` (31 days each, the longest) or
``rotation_years`` (366 days), of which one is set
(https://registry.terraform.io/providers/hashicorp/time/latest/docs/resources/rotating); a
``rotation_rfc3339`` date, or a value not known before deploy, is not known.  With several
schedules the shortest one replaces the secret.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.identity.values import Index, as_list, first_block
from nhilint.model import Resource, Unknown

_KEEPERS = {"terraform_data": ("triggers_replace", "input"), "null_resource": ("triggers",)}


def rotated(index: Index, resource: Resource, *replaced_by: str) -> bool:
    """``resource`` is replaced on a schedule (``replaced_by``: its own arguments that force a
    new secret when they change)."""
    lifecycle = first_block(resource, "lifecycle")
    triggers = [*as_list(lifecycle.get("replace_triggered_by")),
                *(u for a in replaced_by for u in unknowns(resource.get(a)))]
    return any(_rotates(index, t) for t in triggers)


def _rotates(index: Index, trigger: object) -> bool:
    return bool(_schedules(index, trigger))


def _schedules(index: Index, trigger: object) -> list[Resource]:
    """The ``time_rotating`` resources a trigger names, directly or through a keeper."""
    target = index.referenced(trigger, "time_rotating", *_KEEPERS)
    if target is None:
        return []
    if target.type == "time_rotating":
        return [target]
    values = [target.get(a) for a in _KEEPERS[target.type]]
    found = (index.referenced(u, "time_rotating") for v in values for u in unknowns(v))
    return [r for r in found if r is not None]


#: days per unit of a ``time_rotating`` schedule (the longest month and year)
_UNIT_DAYS = {"rotation_minutes": 1 / 1440, "rotation_hours": 1 / 24, "rotation_days": 1.0,
              "rotation_months": 31.0, "rotation_years": 366.0}


def rotation_days(index: Index, resource: Resource, *replaced_by: str) -> float | Unknown | None:
    """Every how many days ``resource`` is replaced at most; ``None`` when it is not rotated,
    unknown when a schedule's period is not known before deploy."""
    lifecycle = first_block(resource, "lifecycle")
    triggers = [*as_list(lifecycle.get("replace_triggered_by")),
                *(u for a in replaced_by for u in unknowns(resource.get(a)))]
    schedules = [s for t in triggers for s in _schedules(index, t)]
    if not schedules:
        return None
    periods = [_period(s) for s in schedules]
    known = [p for p in periods if isinstance(p, float)]
    if known:
        return min(known)
    return next(p for p in periods if isinstance(p, Unknown))


def _period(schedule: Resource) -> float | Unknown:
    for key, days in _UNIT_DAYS.items():
        value = schedule.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            return float(value) * days
        return value if isinstance(value, Unknown) else Unknown(f"{key} is not a number")
    return Unknown(f"{schedule.address} rotates on a fixed date (rotation_rfc3339)")


def unknowns(value: object) -> Iterator[Unknown]:
    """The unknown values inside a value (references to other resources are unknown)."""
    if isinstance(value, Unknown):
        yield value
        if isinstance(value.partial, dict | list):
            yield from unknowns(value.partial)
    elif isinstance(value, dict):
        for item in value.values():
            yield from unknowns(item)
    elif isinstance(value, list):
        for item in value:
            yield from unknowns(item)
