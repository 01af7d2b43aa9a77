"""Reading model values in the identity layer: lists, nested blocks, and following references."""

from __future__ import annotations

from collections.abc import Mapping

from nhilint.model import Ref, Resource, Unknown


def as_list(value: object) -> list[object]:
    """IAM and HCL allow a single value where a list is expected; ``None`` is empty."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def first_block(resource: Resource, name: str) -> Mapping[str, object]:
    """The first nested block called ``name`` (``default_tags``), or an empty mapping."""
    for block in as_list(resource.get(name)):
        if isinstance(block, dict):
            return block
    return {}


#: reference roots that do not name a resource of the configuration
_NOT_RESOURCES = ("var.", "local.", "module.", "each.", "count.", "self.", "path.", "terraform.")


def names_a_resource(value: object) -> bool:
    """``aws_cognito_identity_pool.main.id``: an unknown value that is one attribute of one
    resource (or data source), so one concrete value, not a pattern a caller chose."""
    if not isinstance(value, Unknown) or value.ref is None or not value.ref.attr:
        return False
    written = value.source.strip()
    return not value.ref.address.startswith(_NOT_RESOURCES) and "${" not in written and (
        not written.startswith('"'))


def could_be_anything(value: object) -> bool:
    """An unknown value computed as a whole (a variable, a module output), which could be any
    string, ``*`` included; not one resource's attribute, not a template with literal text."""
    if not isinstance(value, Unknown) or names_a_resource(value):
        return False
    return not value.source.strip().startswith('"')


class Index:
    """Resources of one model by address, to follow references."""

    def __init__(self, resources: tuple[Resource, ...]) -> None:
        self._instances: dict[str, list[Resource]] = {}
        for resource in resources:
            base = resource.base_address
            self._instances.setdefault(base, []).append(resource)

    def target(self, ref: Ref) -> Resource | None:
        """The resource a reference points at, when the reference says which one.

        A reference without an instance key names a resource that has no ``count`` or
        ``for_each``; one whose key is not known (an unknown ``for_each``) names no resource
        in particular, so nothing is returned rather than a guess.
        """
        address = ref.qualified
        instances = self._instances.get(address, [])
        key = ref.attr[0] if ref.attr and isinstance(ref.attr[0], int | str) else None
        for resource in instances:
            if key is not None and resource.address.endswith(f"[{_key(key)}]"):
                return resource
        single = [r for r in instances if r.address == address]
        return single[0] if len(single) == 1 else None

    def referenced(self, value: object, *types: str) -> Resource | None:
        """The resource of one of ``types`` that ``value`` refers to, if it is a reference."""
        if not isinstance(value, Unknown):
            return None
        for ref in value.refs:
            resource = self.target(ref)
            if resource is not None and (not types or resource.type in types):
                return resource
        return None


def _key(key: int | str) -> str:
    return str(key) if isinstance(key, int) else f'"{key}"'
