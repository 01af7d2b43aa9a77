"""``resource_changes`` as model resources: what each resource will be after the plan applies.

* ``change.after`` gives the values; every ``true`` leaf of ``change.after_unknown`` is an
  :class:`~nhilint.model.Unknown` ("known after apply") carrying the references the
  configuration wrote for that attribute, so the identity layer can link a policy attachment to
  a role whose name is not known yet.
* ``change.after_sensitive`` leaves marked ``true`` are :attr:`Resource.sensitive`.
* A change whose only action is ``delete`` gives no resource (a deleted grant is not a grant);
  ``create``, ``update``, ``no-op``, ``read`` and replacements give their ``after`` values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from nhilint.model import AttrPath, Cause, Diagnostic, Mode, Ref, Resource, Span, Unknown
from nhilint.parsers.plan.expressions import Config, module_path, refs_at

AFTER_APPLY = "known after apply"


class Where(NamedTuple):
    """The plan file (as reported) and its configuration."""

    path: str
    config: Config


def resource_of(change: Mapping[str, object], where: Where) -> Resource | Diagnostic | None:
    """One ``resource_changes`` entry as a resource; ``None`` for a deletion."""
    address, kind, name = change.get("address"), change.get("type"), change.get("name")
    if not (isinstance(address, str) and isinstance(kind, str) and isinstance(name, str)):
        return Diagnostic("NHI900", where.path, 1, "a resource change without address, type "
                          "or name is not read")
    body = change.get("change")
    body = body if isinstance(body, dict) else {}
    actions = body.get("actions")
    if isinstance(actions, list) and actions and set(actions) == {"delete"}:
        return None
    module = change.get("module_address")
    module = module if isinstance(module, str) else ""
    local = address[len(module) + 1:] if module and address.startswith(module + ".") else address
    key = (module_path(module), _without_key(local))
    expressions = where.config.expressions.get(key, {})
    after = body.get("after")
    unknown = _written(body.get("after_unknown"), expressions if key in where.config.expressions
                       else None)
    attributes = merge(after if isinstance(after, dict) else {}, unknown,
                       lambda path: refs_at(expressions, path, module))
    mode: Mode = "data" if change.get("mode") == "data" else "managed"
    return Resource(
        kind, name, address, mode, attributes if isinstance(attributes, dict) else {},
        Span(where.path, None, None), {}, module,
        _provider(where.config, key, kind), frozenset(_true_leaves(body.get("after_sensitive"))),
    )


def _written(unknown: object, expressions: Mapping[str, object] | None) -> object:
    """``after_unknown`` without the attributes the configuration does not set.

    Such an attribute is computed by the provider (``arn``, ``id``, a role's
    ``managed_policy_arns``): it is not part of what the configuration declares, and the HCL
    reader does not have it either (what reads it is reached through references).  Without the
    resource's configuration every unknown is kept.
    """
    if expressions is None or not isinstance(unknown, dict):
        return unknown
    return {k: v for k, v in unknown.items() if k in expressions}


def _without_key(local: str) -> str:
    """``aws_iam_role.r["p1"]`` → ``aws_iam_role.r``."""
    return local.split("[", 1)[0]


def _provider(config: Config, key: tuple[str, str], kind: str) -> str:
    """The address of the provider configuration the resource uses (``aws``,
    ``module.x.aws``), as :class:`~nhilint.model.Provider` addresses read from the plan."""
    config_key = config.provider_keys.get(key)
    if config_key is None:
        return kind.split("_", 1)[0]
    return provider_address(config_key, config.providers.get(config_key, {}))


def provider_address(config_key: str, provider: Mapping[str, object]) -> str:
    """``module.x:aws.east`` or an entry with ``module_address`` → ``module.x.aws.east``."""
    local = config_key.rsplit(":", 1)[-1]
    name, alias = provider.get("name"), provider.get("alias")
    if isinstance(name, str):
        local = f"{name}.{alias}" if isinstance(alias, str) and alias else name
    module = provider.get("module_address")
    if not isinstance(module, str) and ":" in config_key:
        module = config_key.rsplit(":", 1)[0]
    return f"{module}.{local}" if isinstance(module, str) and module else local


#: the references written for the attribute at a path
Refs = Callable[[AttrPath], tuple[Ref, ...]]


def merge(after: object, unknown: object, refs: Refs, path: AttrPath = ()) -> object:
    """``after`` with every ``true`` leaf of ``unknown`` (the same shape) made Unknown."""
    if unknown is True:
        return Unknown(AFTER_APPLY, refs=refs(path), cause=Cause.AFTER_APPLY)
    if isinstance(unknown, dict):
        known = dict(after) if isinstance(after, dict) else {}
        for name, inner in unknown.items():
            if _any_true(inner):
                known[name] = merge(known.get(name), inner, refs, (*path, name))
        return known
    if isinstance(unknown, list) and isinstance(after, list):
        return [
            merge(value, unknown[i] if i < len(unknown) else False, refs, (*path, i))
            for i, value in enumerate(after)
        ]
    if isinstance(unknown, list) and after is None and _any_true(unknown):
        return Unknown(AFTER_APPLY, refs=refs(path), cause=Cause.AFTER_APPLY)
    return after


def _any_true(tree: object) -> bool:
    if tree is True:
        return True
    if isinstance(tree, dict):
        return any(_any_true(v) for v in tree.values())
    if isinstance(tree, list):
        return any(_any_true(v) for v in tree)
    return False


def _true_leaves(tree: object, path: AttrPath = ()) -> list[AttrPath]:
    if tree is True:
        return [path]
    if isinstance(tree, dict):
        return [p for k, v in tree.items() for p in _true_leaves(v, (*path, str(k)))]
    if isinstance(tree, list):
        return [p for i, v in enumerate(tree) for p in _true_leaves(v, (*path, i))]
    return []
