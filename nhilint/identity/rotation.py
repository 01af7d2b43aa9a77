"""Whether a secret's resource is replaced on a schedule, whatever the platform.

A secret is rotated when its resource is replaced by a ``time_rotating``:
``lifecycle { replace_triggered_by = [...] }`` naming one directly or through a
``terraform_data``/``null_resource`` whose triggers name one (a rotation keeper), or an
argument that forces replacement when it changes (a GCP key's ``keepers``, an Entra
password's ``rotate_when_changed``) computed from one.
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
    target = index.referenced(trigger, "time_rotating", *_KEEPERS)
    if target is None:
        return False
    if target.type == "time_rotating":
        return True
    values = [target.get(a) for a in _KEEPERS[target.type]]
    return any(index.referenced(u, "time_rotating") is not None
               for v in values for u in unknowns(v))


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
