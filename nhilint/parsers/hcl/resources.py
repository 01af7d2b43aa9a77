"""``resource``, ``data`` and ``provider`` blocks as model objects; count/for_each expansion."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import NamedTuple

from nhilint.model import Diagnostic, Mode, ModuleCall, Output, Provider, Resource, Span, Unknown
from nhilint.parsers.hcl.blocks import Spans, bounded_value, evaluate_body
from nhilint.parsers.hcl.evaluator import Evaluator
from nhilint.parsers.hcl.sources import is_local
from nhilint.parsers.hcl.syntax import Attribute, Block, text
from nhilint.parsers.hcl.values import FAILURES, TfSet, extend_ref, first_unknown, to_int

#: More instances than this are not expanded (the resource is read once, its key Unknown).
MAX_INSTANCES = 1000


class Instance(NamedTuple):
    """One instance of a resource: its key (``None`` when not expanded) and names in scope."""

    key: int | str | None
    names: dict[str, object]


def resource_blocks(
    ev: Evaluator, block: Block, file: str, module: str,
    providers: Callable[[str], str] | None = None,
) -> tuple[list[Resource], list[Diagnostic]]:
    """The instances of a ``resource`` or ``data`` block; ``providers`` gives the provider
    configuration address a provider name of this module stands for (in a called module:
    the caller's configuration it inherits)."""
    if len(block.labels) != 2:
        message = f"{block.type} block needs two labels (type and name)"
        return [], [Diagnostic("NHI900", file, block.line, message)]
    kind, name = block.labels
    mode: Mode = "data" if block.type == "data" else "managed"
    local = f"data.{kind}.{name}" if mode == "data" else f"{kind}.{name}"
    base = f"{module}.{local}" if module else local
    body = block.body
    provider = _provider_of(body.attribute("provider"), kind)
    span = Span(file, block.line, block.end_line)
    if providers is not None:
        configuration = providers(provider)
    else:
        configuration = f"{module}.{provider}" if module else provider
    resources = []
    for instance in instances(ev, body.attribute("count"), body.attribute("for_each")):
        spans = Spans(file)
        attributes = evaluate_body(ev.child(instance.names), body, spans)
        if "provider" in attributes:
            attributes["provider"] = provider
        address = base + key_text(instance.key)
        resources.append(Resource(kind, name, address, mode, attributes, span, spans.spans,
                                  module, configuration))
    return resources, []


def provider_block(ev: Evaluator, block: Block, file: str, module: str) -> Provider | None:
    if len(block.labels) != 1:
        return None
    spans = Spans(file)
    attributes = evaluate_body(ev, block.body, spans)
    alias = attributes.get("alias")
    return Provider(block.labels[0], alias if isinstance(alias, str) else "", attributes,
                    Span(file, block.line, block.end_line), module, spans.spans)


def instances(ev: Evaluator, count: Attribute | None, for_each: Attribute | None) -> list[Instance]:
    if count is not None:
        return _count(ev.value(count.expr))
    if for_each is not None:
        return _for_each(ev.value(for_each.expr))
    return [Instance(None, {})]


def _count(value: object) -> list[Instance]:
    reason = ""
    if isinstance(value, Unknown):
        reason = f"count is not known ({value.reason})"
    else:
        try:
            number = to_int(value)
        except FAILURES as exc:
            number, reason = -1, f"invalid count: {exc}"
        if not reason and 0 <= number <= MAX_INSTANCES:
            return [Instance(i, {"count": {"index": i}}) for i in range(number)]
        reason = reason or f"count {number} is not expanded"
    refs = value.refs if isinstance(value, Unknown) else ()
    index = Unknown(reason, "count.index", refs)
    return [Instance(None, {"count": {"index": index}})]


def _for_each(value: object) -> list[Instance]:
    """Instances by key; unknown keys give one instance whose ``each.value`` reads any element."""
    keys = _for_each_keys(value)
    if isinstance(keys, str):
        refs = value.refs if isinstance(value, Unknown) else ()
        key = Unknown(keys, "each.key", refs)
        each = {"key": key, "value": extend_ref(key, "*", "each.value")}
        return [Instance(None, {"each": each})]
    mapping = value if isinstance(value, dict) else {}
    return [Instance(k, {"each": {"key": k, "value": mapping.get(k, k)}}) for k in keys]


def _for_each_keys(value: object) -> list[str] | str:
    """The sorted instance keys, or why they are not known."""
    if isinstance(value, Unknown):
        return f"for_each is not known ({value.reason})"
    if isinstance(value, dict):
        keys = sorted(value)
    elif isinstance(value, (list, TfSet)):
        if first_unknown(value) is not None:
            return "for_each set has unknown elements"
        if not all(isinstance(v, str) for v in value):
            return "for_each set must hold strings"
        keys = sorted(set(value))
    else:
        return "for_each must be a map or a set of strings"
    if len(keys) > MAX_INSTANCES:
        return f"for_each with {len(keys)} keys is not expanded"
    return keys


def key_text(key: int | str | None) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key, ensure_ascii=False)}]"


def _provider_of(attribute: Attribute | None, kind: str) -> str:
    if attribute is not None:
        written = text(attribute.expr).strip().strip('"')
        if written:
            return written
    return kind.split("_", 1)[0]


def output_block(ev: Evaluator, block: Block, file: str, module: str) -> Output | Diagnostic:
    """``output "name" { value = ..., sensitive = true }``; the value is evaluated when read."""
    if len(block.labels) != 1:
        return Diagnostic("NHI900", file, block.line, "output block needs one label (its name)")
    body = block.body
    sensitive = body.attribute("sensitive")
    value = body.attribute("value")

    def evaluate() -> object:
        return None if value is None else bounded_value(ev, value.expr)

    return Output(block.labels[0], evaluate,
                  sensitive is not None and ev.value(sensitive.expr) is True,
                  Span(file, block.line, block.end_line), module)


def module_block(ev: Evaluator, block: Block, file: str, module: str) -> ModuleCall | Diagnostic:
    """``module "name" { source = "./child", ... }``: the call, its ``source`` and ``version``.

    The call's other arguments are the child's variables, evaluated (when the child reads
    them) by the module expansion.
    """
    if len(block.labels) != 1:
        return Diagnostic("NHI900", file, block.line, "module block needs one label (its name)")
    source = block.body.attribute("source")
    value = None if source is None else ev.value(source.expr)
    written = block.body.attribute("version")
    version = None if written is None else ev.value(written.expr)
    return ModuleCall(block.labels[0], value, Span(file, block.line, block.end_line), module,
                      remote=isinstance(value, str) and not is_local(value),
                      version=version if isinstance(version, str) else None)
