"""Names and traversals: ``var.x``, ``local.x``, ``aws_iam_role.r[0].arn``, ``a["k"]``, ``x[*].y``.

A reference to a resource, data source or module is always an :class:`Unknown` whose
:class:`Ref` names the object (module-local, without instance key) and the attribute path read
from it (instance keys included: ``aws_iam_role.r[0].arn`` → ``Ref("aws_iam_role.r", (0,
"arn"))``; a splat step is ``"*"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from nhilint.model import Ref, Unknown
from nhilint.parsers.hcl.syntax import Node, text
from nhilint.parsers.hcl.values import (
    EvalError,
    TfSet,
    extend_ref,
    first_unknown,
    is_number,
    refs_of,
    to_int,
    to_str,
    type_name,
    unknown_from,
)

if TYPE_CHECKING:
    from nhilint.parsers.hcl.evaluator import Evaluator
    from nhilint.parsers.hcl.expanded import Outputs

AFTER_APPLY = "known after apply"


def seq_text(nodes: Sequence[Node]) -> str:
    return "".join(text(n) for n in nodes)


def resolve(ev: Evaluator, nodes: Sequence[Node]) -> object:
    """``nodes`` is a ``variable_expr`` followed by traversal steps."""
    name = text(nodes[0])
    rest = nodes[1:]
    if name in ev.names:
        return traverse(ev, ev.names[name], rest, nodes)
    root = _ROOTS.get(name)
    if root is not None:
        return root(ev, rest, nodes)
    first = attr_name(rest[0]) if rest else None
    if first is None:
        raise EvalError(f"unknown name {name!r}")
    return _object_ref(ev, f"{name}.{first}", rest[1:], nodes, AFTER_APPLY)


def attr_name(step: Node) -> str | None:
    if step.type != "get_attr":
        return None
    ident = step.children[-1] if step.children else None
    return text(ident) if ident is not None and ident.type == "identifier" else None


def traverse(ev: Evaluator, value: object, steps: Sequence[Node], nodes: Sequence[Node]) -> object:
    for index, step in enumerate(steps):
        if isinstance(value, Unknown):
            return _follow_unknown(ev, value, steps[index:], nodes)
        value = _step(ev, value, step, nodes)
    return value


def _step(ev: Evaluator, value: object, step: Node, nodes: Sequence[Node]) -> object:
    kind = step.type
    if kind == "get_attr":
        return _get_attr(value, attr_name(step))
    if kind == "index":
        return _index(ev, value, step, nodes)
    if kind == "splat":
        inner = [c for c in step.children[0].children if c.is_named] if step.children else []
        elements = [] if value is None else value if isinstance(value, list) else [value]
        return [traverse(ev, element, inner, nodes) for element in elements]
    raise EvalError(f"unexpected {kind!r} after an expression")


def _get_attr(value: object, name: str | None) -> object:
    if name is None:
        raise EvalError("malformed attribute access")
    if isinstance(value, dict):
        if name in value:
            return value[name]
        raise EvalError(f"object has no attribute {name!r}")
    raise EvalError(f"a {type_name(value)} value has no attribute {name!r}")


def _index(ev: Evaluator, value: object, step: Node, nodes: Sequence[Node]) -> object:
    key = _index_key(ev, step)
    if first_unknown(key) is not None:
        return unknown_from(seq_text(nodes), [key, value])
    if isinstance(value, list) and not isinstance(value, TfSet):
        position = to_int(key)
        if not 0 <= position < len(value):
            raise EvalError(f"index {position} out of range for {len(value)} elements")
        return value[position]
    if isinstance(value, dict):
        name = to_str(key)
        if name not in value:
            raise EvalError(f"no element with key {name!r}")
        return value[name]
    raise EvalError(f"a {type_name(value)} value cannot be indexed")


def _index_key(ev: Evaluator, step: Node) -> object:
    inner = step.children[0] if step.children else None
    if inner is None:
        raise EvalError("malformed index")
    if inner.type == "legacy_index":
        return to_int(text(inner).lstrip("."))
    expr = next((c for c in inner.children if c.type == "expression"), None)
    if expr is None:
        raise EvalError("malformed index")
    return ev.eval(expr)


def _path(ev: Evaluator, steps: Sequence[Node], extra: list[object]) -> list[str | int]:
    """The attribute path written by ``steps``, up to the first step whose key is not known."""
    path: list[str | int] = []
    for step in steps:
        kind = step.type
        if kind == "get_attr":
            name = attr_name(step)
            if name is None:
                break
            path.append(name)
        elif kind == "index":
            key = _index_key(ev, step)
            if isinstance(key, str) or is_number(key):
                path.append(key if isinstance(key, str) else to_int(key))
                continue
            extra.append(key)
            break
        elif kind == "splat":
            path.append("*")
            inner = [c for c in step.children[0].children if c.is_named] if step.children else []
            path.extend(_path(ev, inner, extra))
        else:
            break
    return path


def _follow_unknown(
    ev: Evaluator, value: Unknown, steps: Sequence[Node], nodes: Sequence[Node],
) -> Unknown:
    extra: list[object] = []
    path = _path(ev, steps, extra)
    source = seq_text(nodes)
    result = Unknown(reason=value.reason, source=source, refs=value.refs)
    for step in path:
        result = extend_ref(result, step, source)
    if extra:
        result = Unknown(result.reason, source, refs_of([result, *extra]))
    return result


def _object_ref(
    ev: Evaluator, address: str, steps: Sequence[Node], nodes: Sequence[Node], reason: str,
) -> Unknown:
    extra: list[object] = []
    path = _path(ev, steps, extra)
    ref = Ref(address, tuple(path), ev.context.module)
    refs = (ref, *(r for r in refs_of(extra) if r != ref))
    return Unknown(reason=reason, source=seq_text(nodes), refs=refs)


def _named(ev: Evaluator, rest: Sequence[Node], kind: str) -> str:
    name = attr_name(rest[0]) if rest else None
    if name is None:
        raise EvalError(f"{kind} must be followed by an attribute name")
    return name


def _var(ev: Evaluator, rest: Sequence[Node], nodes: Sequence[Node]) -> object:
    return traverse(ev, ev.context.variable(_named(ev, rest, "var")), rest[1:], nodes)


def _local(ev: Evaluator, rest: Sequence[Node], nodes: Sequence[Node]) -> object:
    return traverse(ev, ev.context.local(_named(ev, rest, "local")), rest[1:], nodes)


def _path_value(ev: Evaluator, rest: Sequence[Node], nodes: Sequence[Node]) -> object:
    name = _named(ev, rest, "path")
    if name in ("module", "root"):
        return traverse(ev, ev.context.path_module, rest[1:], nodes)
    if name == "cwd":
        return Unknown(reason="path.cwd depends on where terraform runs", source=seq_text(nodes))
    raise EvalError(f"unknown path attribute {name!r}")


def _terraform(ev: Evaluator, rest: Sequence[Node], nodes: Sequence[Node]) -> object:
    if _named(ev, rest, "terraform") == "workspace":
        return traverse(ev, "default", rest[1:], nodes)
    raise EvalError("unknown terraform attribute")


def _data(ev: Evaluator, rest: Sequence[Node], nodes: Sequence[Node]) -> object:
    kind = _named(ev, rest, "data")
    name = _named(ev, rest[1:], "data")
    reason = "data source is read at plan time"
    return _object_ref(ev, f"data.{kind}.{name}", rest[2:], nodes, reason)


def _module(ev: Evaluator, rest: Sequence[Node], nodes: Sequence[Node]) -> object:
    """``module.x.out``: the output of a call that was read, else an opaque Unknown."""
    name = _named(ev, rest, "module")
    address = f"module.{name}"
    steps = rest[1:]
    called = ev.context.module_call(name)
    if called is None:
        return _object_ref(ev, address, steps, nodes, "module output is not known")
    if isinstance(called, Unknown):
        return _object_ref(ev, address, steps, nodes, called.reason)
    if not called.keyed:
        return _outputs(ev, called.instances[None], steps, nodes)
    if steps and steps[0].type == "index":
        key = _index_key(ev, steps[0])
        if first_unknown(key) is not None:
            return unknown_from(seq_text(nodes), [key])
        if called.unknown is not None:
            return _outputs(ev, called.instances[None], steps[1:], nodes)
        instance = called.instances.get(key if isinstance(key, str) else to_int(key))
        if instance is None:
            raise EvalError(f"{address} has no instance {key!r}")
        return _outputs(ev, instance, steps[1:], nodes)
    if called.unknown is not None:
        return _object_ref(ev, address, steps, nodes, called.unknown.reason)
    whole: object = {k: i.outputs() for k, i in called.instances.items()}
    if all(isinstance(k, int) for k in called.instances):
        whole = [i.outputs() for _, i in sorted(called.instances.items(), key=_index_order)]
    return traverse(ev, whole, steps, nodes)


def _outputs(ev: Evaluator, instance: Outputs, steps: Sequence[Node], nodes: Sequence[Node],
             ) -> object:
    name = attr_name(steps[0]) if steps else None
    if name is None:
        return traverse(ev, instance.outputs(), steps, nodes)
    try:
        value = instance.output(name)
    except KeyError:
        raise EvalError(f"the module has no output {name!r}") from None
    return traverse(ev, value, steps[1:], nodes)


def _index_order(item: tuple[int | str | None, object]) -> int:
    return item[0] if isinstance(item[0], int) else -1


def _unavailable(ev: Evaluator, rest: Sequence[Node], nodes: Sequence[Node]) -> object:
    raise EvalError(f"{text(nodes[0])} is not available here")


def _self(ev: Evaluator, rest: Sequence[Node], nodes: Sequence[Node]) -> object:
    return _object_ref(ev, "self", rest, nodes, AFTER_APPLY)


_Root = Callable[["Evaluator", Sequence[Node], Sequence[Node]], object]

_ROOTS: Mapping[str, _Root] = {
    "var": _var,
    "local": _local,
    "path": _path_value,
    "terraform": _terraform,
    "data": _data,
    "module": _module,
    "count": _unavailable,
    "each": _unavailable,
    "self": _self,
}
