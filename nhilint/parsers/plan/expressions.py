"""A plan's ``configuration``: expressions by resource, provider blocks, references.

Configuration expressions are ``{"constant_value": v}``, ``{"references": [...]}`` or ``{}``
(an expression Terraform did not record); nested blocks are lists of objects of expressions.
They are keyed by module path (``module.a.module.b``, instance keys dropped: the configuration
is written once for every instance).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from nhilint.model import AttrPath, Cause, Ref, Unknown
from nhilint.parsers.plan.refs import references

#: the reason of a configuration value that the plan does not record
NOT_RECORDED = "expression not recorded in the plan"
NOT_CONSTANT = "computed from other values of the configuration"


class Config(NamedTuple):
    """Resource expressions by (module path, resource address in its module), and the
    provider configurations by their key."""

    expressions: Mapping[tuple[str, str], Mapping[str, object]]
    providers: Mapping[str, Mapping[str, object]]
    provider_keys: Mapping[tuple[str, str], str]
    #: each module output's expression, by (module path, output name)
    outputs: Mapping[tuple[str, str], Mapping[str, object]] = {}


def read_config(configuration: object) -> Config:
    expressions: dict[tuple[str, str], Mapping[str, object]] = {}
    keys: dict[tuple[str, str], str] = {}
    root = configuration.get("root_module") if isinstance(configuration, dict) else None
    outputs: dict[tuple[str, str], Mapping[str, object]] = {}
    for path, module in _modules(root, ""):
        for name, output in _dict(module.get("outputs")).items():
            expression = output.get("expression") if isinstance(output, dict) else None
            if isinstance(expression, dict):
                outputs[(path, name)] = expression
        for resource in _list(module.get("resources")):
            address = resource.get("address")
            if isinstance(address, str):
                expressions[(path, address)] = _dict(resource.get("expressions"))
                key = resource.get("provider_config_key")
                if isinstance(key, str):
                    keys[(path, address)] = key
    providers = _dict(configuration.get("provider_config")) if isinstance(
        configuration, dict) else {}
    return Config(expressions, {k: _dict(v) for k, v in providers.items()}, keys, outputs)


def _modules(module: object, path: str) -> Iterator[tuple[str, Mapping[str, object]]]:
    if not isinstance(module, dict):
        return
    yield path, module
    for name, call in _dict(module.get("module_calls")).items():
        child = call.get("module") if isinstance(call, dict) else None
        yield from _modules(child, f"{path}.module.{name}" if path else f"module.{name}")


def module_path(address: str) -> str:
    """``module.a["x"].module.b[0]`` → ``module.a.module.b`` (the configuration's key)."""
    parts = []
    for part in _split_module(address):
        parts.append(part.split("[", 1)[0])
    return ".".join(parts)


def _split_module(address: str) -> list[str]:
    """The dot-separated parts of a module address, keys (which may hold dots) kept whole."""
    parts: list[str] = []
    current = ""
    depth = 0
    quoted = False
    for char in address:
        if char == '"' and depth:
            quoted = not quoted
        elif not quoted and char == "[":
            depth += 1
        elif not quoted and char == "]":
            depth -= 1
        if char == "." and not depth:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current] if current else parts


def expression_at(expressions: Mapping[str, object], path: AttrPath) -> object:
    """The configuration expression written for the attribute at ``path``, or ``None``.

    Nested blocks are followed by position only where the configuration lists exactly as
    many blocks as the value has elements (``dynamic`` blocks do not line up: no expression).
    """
    node: object = expressions
    for step in path:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return None
    return node


def refs_at(expressions: Mapping[str, object], path: AttrPath, module: str) -> tuple[Ref, ...]:
    """The resource, data source and module references of the expression at ``path`` (of the
    nearest enclosing expression when ``path`` goes inside one)."""
    for length in range(len(path), 0, -1):
        node = expression_at(expressions, path[:length])
        if isinstance(node, dict) and "references" in node:
            return references(_list_of(node["references"]), module)
        if isinstance(node, dict) and "constant_value" in node:
            return ()
    return ()


def value_of(expression: object, module: str) -> object:
    """A provider argument's value: its constant, or ``Unknown`` with its references."""
    if isinstance(expression, list):
        return [_block(b, module) for b in expression]
    if not isinstance(expression, dict):
        return Unknown(NOT_RECORDED, cause=Cause.NOT_EVALUATED)
    if "constant_value" in expression:
        return expression["constant_value"]
    if "references" in expression:
        refs = references(_list_of(expression["references"]), module)
        return Unknown(NOT_CONSTANT, refs=refs, cause=Cause.NOT_EVALUATED)
    return Unknown(NOT_RECORDED, cause=Cause.NOT_EVALUATED)


def _block(block: object, module: str) -> object:
    if not isinstance(block, dict):
        return Unknown(NOT_RECORDED, cause=Cause.NOT_EVALUATED)
    return {k: value_of(v, module) for k, v in block.items()}


def _dict(value: object) -> dict[str, object]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _list(value: object) -> list[dict[str, object]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _list_of(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []
