"""Collection, encoding and type-conversion functions (``merge``, ``jsonencode``, ``toset`` ...)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from nhilint.model import Unknown
from nhilint.parsers.hcl.function_table import Function, fixed, variadic
from nhilint.parsers.hcl.values import (
    MAX_VALUE_DEPTH,
    EvalError,
    NotEvaluated,
    TfSet,
    check_count,
    equal,
    first_unknown,
    json_text,
    make_set,
    refs_of,
    to_bool,
    to_int,
    to_list,
    to_map,
    to_num,
    to_str,
    type_name,
    unify,
    within_limits,
)


def jsonencode(args: list[object]) -> object:
    value = args[0]
    unknown = first_unknown(value)
    if unknown is None:
        return json_text(value)
    return Unknown(reason=unknown.reason, refs=refs_of([value]), partial=value)


def jsondecode(args: list[object]) -> object:
    try:
        value = json.loads(to_str(args[0]), parse_float=_finite, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise EvalError(f"invalid JSON: {exc}") from None
    if not within_limits(value):
        raise NotEvaluated("JSON value is too large or too deeply nested")
    return value


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"number {text} is out of range")
    return number


def _no_constant(text: str) -> object:
    raise ValueError(f"{text} is not valid JSON")


def merge(args: list[object]) -> object:
    result: dict[str, object] = {}
    for arg in args:
        if arg is not None:
            result.update(to_map(arg))
    return result


def concat(args: list[object]) -> object:
    check_count(sum(len(_sequence(arg, "concat")) for arg in args))
    return [item for arg in args for item in to_list(arg)]


def lookup(args: list[object]) -> object:
    mapping, key = to_map(args[0]), to_str(args[1])
    if key in mapping:
        return mapping[key]
    if len(args) == 3:
        return args[2]
    raise EvalError(f"lookup: no key {key!r} and no default")


def coalesce(args: list[object]) -> object:
    for arg in unify(list(args)):
        if isinstance(arg, Unknown):
            raise NotEvaluated(arg.reason)
        if arg is not None and arg != "":
            return arg
    raise EvalError("coalesce: no non-null, non-empty argument")


def coalescelist(args: list[object]) -> object:
    for arg in args:
        if isinstance(arg, Unknown):
            raise NotEvaluated(arg.reason)
        if to_list(arg):
            return arg
    return []


def flatten(args: list[object]) -> object:
    result: list[object] = []
    _flatten_into(to_list(args[0]), result, 0)
    return result


def _flatten_into(items: list[object], result: list[object], depth: int) -> None:
    if depth > MAX_VALUE_DEPTH:
        raise NotEvaluated("list is nested too deeply")
    for item in items:
        if isinstance(item, Unknown):
            raise NotEvaluated(item.reason)
        if isinstance(item, list):
            _flatten_into(item, result, depth + 1)
        else:
            result.append(item)
            check_count(len(result))


def _key(value: object) -> object:
    if isinstance(value, (str, bool)) or value is None:
        return (type_name(value), value)
    if isinstance(value, (int, float)):
        return ("number", value)
    return ("json", json_text(value))


def distinct(args: list[object]) -> object:
    return list(_dedupe(unify(to_list(args[0]))).values())


def _dedupe(items: list[object]) -> dict[object, object]:
    seen: dict[object, object] = {}
    for item in items:
        seen.setdefault(_key(item), item)
    return seen


def toset(args: list[object]) -> object:
    return make_set(to_list(args[0]))


def tolist(args: list[object]) -> object:
    return unify(list(to_list(args[0])))


def tomap(args: list[object]) -> object:
    mapping = to_map(args[0])
    return dict(zip(mapping, unify(list(mapping.values())), strict=True))


def tostring(args: list[object]) -> object:
    return None if args[0] is None else to_str(args[0])


def tonumber(args: list[object]) -> object:
    return None if args[0] is None else to_num(args[0])


def tobool(args: list[object]) -> object:
    return None if args[0] is None else to_bool(args[0])


def length(args: list[object]) -> object:
    value = args[0]
    if isinstance(value, (str, list, dict)):
        return len(value)
    raise EvalError(f"length: a {type_name(value)} value has no length")


def _sequence(value: object, function: str) -> list[object]:
    """A list or tuple argument (a set has no order to index by)."""
    if isinstance(value, TfSet):
        raise EvalError(f"{function}: a set cannot be used as a list")
    return to_list(value)


def element(args: list[object]) -> object:
    items, index = _sequence(args[0], "element"), to_int(args[1])
    if not items:
        raise EvalError("element: the list is empty")
    if index < 0:
        raise EvalError("element: negative index")
    return items[index % len(items)]


def keys(args: list[object]) -> object:
    return sorted(to_map(args[0]))


def values(args: list[object]) -> object:
    mapping = to_map(args[0])
    return [mapping[k] for k in sorted(mapping)]


def contains(args: list[object]) -> object:
    """True when an element of the value's own type equals it; mixed types are not guessed."""
    items, wanted = to_list(args[0]), args[1]
    if any(equal(item, wanted) for item in items):
        return True
    kind = type_name(wanted)
    if all(type_name(item) == kind for item in items):
        return False
    raise NotEvaluated("contains() on elements of other types is not evaluated")


def compact(args: list[object]) -> object:
    return [to_str(item) for item in to_list(args[0]) if item is not None and item != ""]


def zipmap(args: list[object]) -> object:
    names, items = to_list(args[0]), to_list(args[1])
    if len(names) != len(items):
        raise EvalError("zipmap: lists of different lengths")
    return {to_str(k): v for k, v in zip(names, items, strict=True)}


def reverse(args: list[object]) -> object:
    return list(reversed(to_list(args[0])))


def sort(args: list[object]) -> object:
    return sorted(to_str(item) for item in to_list(args[0]))


def one(args: list[object]) -> object:
    items = to_list(args[0])
    if len(items) > 1:
        raise EvalError("one: more than one element")
    return items[0] if items else None


def slice_(args: list[object]) -> object:
    items, start, end = _sequence(args[0], "slice"), to_int(args[1]), to_int(args[2])
    if not 0 <= start <= end <= len(items):
        raise EvalError("slice: index out of range")
    return items[start:end]


def range_(args: list[object]) -> object:
    numbers = [to_num(a) for a in args]
    start: int | float
    stop: int | float
    step: int | float
    if len(numbers) == 1:
        start, stop, step = 0, numbers[0], 1
    else:
        start, stop = numbers[0], numbers[1]
        step = numbers[2] if len(numbers) == 3 else (1 if stop >= start else -1)
    if step == 0 or (stop - start) / step > 1024:
        raise EvalError("range: invalid step or more than 1024 elements")
    result: list[object] = []
    current = start
    while (current < stop) if step > 0 else (current > stop):
        result.append(current)
        current += step
    return result


def setunion(args: list[object]) -> object:
    return make_set([item for arg in args for item in to_list(arg)])


def _numbers(args: list[object]) -> list[int | float]:
    if not args:
        raise EvalError("at least one number is needed")
    return [to_num(a) for a in args]


def _rounding(function: str) -> Function:
    operation = math.ceil if function == "ceil" else math.floor
    return fixed(lambda a: operation(to_num(a[0])), 1)


TABLE: Mapping[str, Function] = {
    "jsonencode": fixed(jsonencode, 1, "none"),
    "jsondecode": fixed(jsondecode, 1),
    "merge": variadic(merge, 0, "shallow"),
    "concat": variadic(concat, 0, "shallow"),
    "lookup": Function(lookup, 2, 3, "shallow"),
    "coalesce": variadic(coalesce, 1, "none"),
    "coalescelist": variadic(coalescelist, 1, "none"),
    "flatten": fixed(flatten, 1, "shallow"),
    "distinct": fixed(distinct, 1),
    "toset": fixed(toset, 1),
    "tolist": fixed(tolist, 1, "shallow"),
    "tomap": fixed(tomap, 1, "shallow"),
    "tostring": fixed(tostring, 1),
    "tonumber": fixed(tonumber, 1),
    "tobool": fixed(tobool, 1),
    "length": fixed(length, 1, "shallow"),
    "element": fixed(element, 2, "shallow"),
    "keys": fixed(keys, 1, "shallow"),
    "values": fixed(values, 1, "shallow"),
    "contains": fixed(contains, 2),
    "compact": fixed(compact, 1),
    "zipmap": fixed(zipmap, 2, "shallow"),
    "reverse": fixed(reverse, 1, "shallow"),
    "sort": fixed(sort, 1),
    "one": fixed(one, 1, "shallow"),
    "slice": fixed(slice_, 3, "shallow"),
    "range": Function(range_, 1, 3),
    "setunion": variadic(setunion, 1),
    "min": variadic(lambda a: min(_numbers(a)), 1),
    "max": variadic(lambda a: max(_numbers(a)), 1),
    "abs": fixed(lambda a: abs(to_num(a[0])), 1),
    "ceil": _rounding("ceil"),
    "floor": _rounding("floor"),
    "alltrue": fixed(lambda a: all(to_bool(x) for x in to_list(a[0])), 1),
    "anytrue": fixed(lambda a: any(to_bool(x) for x in to_list(a[0])), 1),
    "sum": fixed(lambda a: sum(_numbers(to_list(a[0]))), 1),
}
