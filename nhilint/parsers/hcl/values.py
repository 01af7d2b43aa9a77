"""Value helpers of the HCL evaluator: errors, sets, Unknown composition and conversions.

Values are plain Python values (``str``, ``int``, ``float``, ``bool``, ``None``, ``list``,
``dict``) or :class:`~nhilint.model.Unknown`.  A Terraform set is a :class:`TfSet`, a ``list``
that remembers it is a set (its keys are its elements when iterated).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from nhilint.model import Ref, Unknown

#: The deepest nesting of values the evaluator builds or accepts (jsondecode, variables).
MAX_VALUE_DEPTH = 100
#: The most nodes a value may have (a guard against values that double through locals).
MAX_VALUE_NODES = 200_000
#: The longest string the evaluator builds.
MAX_STRING = 4 * 1024 * 1024


class EvalError(Exception):
    """An expression Terraform itself would reject (type error, missing key, bad argument)."""


class NotEvaluated(Exception):
    """An expression that is valid but that the reader does not evaluate (becomes Unknown)."""


#: What evaluating an expression may raise; every caller that must not fail catches these.
FAILURES = (EvalError, NotEvaluated, RecursionError)


class TfSet(list):  # type: ignore[type-arg]
    """A Terraform set: a list of distinct elements whose keys are the elements themselves."""


def walk_unknowns(value: object) -> Iterator[Unknown]:
    """Every :class:`Unknown` inside ``value``, depth first, in order.

    A value too large to walk yields one last Unknown saying so (so it is never taken as known).
    """
    stack = [value]
    budget = MAX_VALUE_NODES
    while stack:
        item = stack.pop()
        budget -= 1
        if budget < 0:
            yield TOO_LARGE
            return
        if isinstance(item, Unknown):
            yield item
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))


TOO_LARGE = Unknown(reason="value is too large to evaluate")


def first_unknown(value: object) -> Unknown | None:
    return next(walk_unknowns(value), None)


def known(value: object) -> bool:
    return first_unknown(value) is None


def refs_of(values: Iterable[object]) -> tuple[Ref, ...]:
    """The union of the refs of every Unknown inside ``values``, deduplicated, in order."""
    seen: dict[Ref, None] = {}
    for value in values:
        for unknown in walk_unknowns(value):
            for ref in unknown.refs:
                seen.setdefault(ref, None)
    return tuple(seen)


def unknown_from(source: str, values: Iterable[object], reason: str = "") -> Unknown:
    """An Unknown computed from ``values``: the first reason, and the union of the refs."""
    values = list(values)
    if not reason:
        first = next((u for v in values for u in walk_unknowns(v)), None)
        reason = first.reason if first is not None else "value is not known"
    return Unknown(reason=reason, source=source, refs=refs_of(values))


def extend_ref(value: Unknown, step: str | int, source: str) -> Unknown:
    """``value.step``: a single reference is followed further, several are kept as they are."""
    if len(value.refs) == 1:
        ref = value.refs[0]
        refs: tuple[Ref, ...] = (ref._replace(attr=(*ref.attr, step)),)
    else:
        refs = value.refs
    return Unknown(reason=value.reason, source=source, refs=refs)


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, TfSet):
        return "set"
    if isinstance(value, list):
        return "tuple"
    if isinstance(value, dict):
        return "object"
    return "unknown"


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def format_number(value: int | float) -> str:
    """A number as Terraform writes it in a string: no exponent, no trailing ``.0``."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise EvalError("number is not finite")
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def normal_number(value: int | float) -> int | float:
    """An integral float as int (Terraform has one number type)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def parse_number(text: str) -> int | float:
    """A numeric literal or numeric string; EvalError when it is not a number."""
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        number = float(stripped)
    except ValueError:
        raise EvalError(f"cannot convert {text!r} to number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise EvalError(f"cannot convert {text!r} to number")
    return normal_number(number) if "e" in stripped.lower() else number


def to_str(value: object) -> str:
    """Terraform's conversion to string (for templates and string arguments)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    if value is None:
        raise EvalError("null value cannot be used as a string")
    raise EvalError(f"{type_name(value)} value cannot be used as a string")


def to_num(value: object) -> int | float:
    if is_number(value):
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        return parse_number(value)
    raise EvalError(f"{type_name(value)} value cannot be used as a number")


def to_int(value: object) -> int:
    number = to_num(value)
    if isinstance(number, float):
        if not number.is_integer():
            raise EvalError(f"{number} is not a whole number")
        return int(number)
    return number


def to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise EvalError(f"{type_name(value)} value cannot be used as a bool")


def to_list(value: object) -> list[object]:
    if isinstance(value, list):
        return value
    raise EvalError(f"{type_name(value)} value is not a list")


def to_map(value: object) -> dict[str, object]:
    if isinstance(value, dict):
        return value
    raise EvalError(f"{type_name(value)} value is not a map")


def equal(left: object, right: object) -> bool:
    """Terraform's ``==`` on known values: no bool/number or number/string mixing."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if is_number(left) or is_number(right):
        return is_number(left) and is_number(right) and left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(equal, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


def within_limits(value: object) -> bool:
    """True when ``value`` has at most MAX_VALUE_NODES nodes and MAX_VALUE_DEPTH levels."""
    if not isinstance(value, (list, dict)):
        return True
    stack: list[tuple[object, int]] = [(value, 1)]
    budget = MAX_VALUE_NODES
    while stack:
        item, depth = stack.pop()
        budget -= 1
        if budget < 0 or depth > MAX_VALUE_DEPTH:
            return False
        if isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
    return True


def bounded(value: object, source: str = "") -> object:
    """``value``, or an Unknown when it is too large or too deeply nested to hand on."""
    if within_limits(value):
        return value
    return Unknown(reason="value is too large or too deeply nested", source=source)


def check_length(length: int) -> None:
    if length > MAX_STRING:
        raise NotEvaluated(f"string of {length} characters is too long")


def check_count(count: int) -> None:
    if count > MAX_VALUE_NODES:
        raise NotEvaluated(f"collection of {count} elements is too large")


def json_text(value: object) -> str:
    """``jsonencode`` of a known value, byte for byte like Terraform (sorted keys, HTML-safe)."""
    if not within_limits(value):
        raise NotEvaluated("value is too large to encode")
    try:
        text = json.dumps(_json_ready(value), separators=(",", ":"), sort_keys=True,
                          ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise EvalError(f"cannot encode as JSON: {exc}") from None
    check_length(len(text))
    for char, escape in _JSON_ESCAPES:
        text = text.replace(char, escape)
    return text


_JSON_ESCAPES = (
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
    ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
)


def _json_ready(value: object) -> object:
    if isinstance(value, float):
        return normal_number(value)
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    return value


def leaf_types(value: object) -> set[str]:
    """The primitive types (``string``, ``number``, ``bool``) of the known leaves of ``value``."""
    found: set[str] = set()
    stack = [value]
    budget = MAX_VALUE_NODES
    while stack and budget > 0:
        budget -= 1
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif item is not None and not isinstance(item, Unknown):
            found.add(type_name(item))
    if stack:
        raise NotEvaluated("value is too large to convert")
    return found


def unify(items: list[object]) -> list[object]:
    """``items`` converted to one element type, as Terraform makes a list, set or map of them.

    Mixed primitives become strings (number and bool alone cannot mix); collections are kept
    only when no leaf would change type; an Unknown beside numbers or bools might be a string.
    """
    kinds = {type_name(i) for i in items if i is not None and not isinstance(i, Unknown)}
    has_unknown = any(isinstance(i, Unknown) for i in items)
    if kinds <= {"string", "number", "bool"}:
        if len(kinds) <= 1 and not (has_unknown and kinds - {"string"}):
            return items
        if "string" not in kinds and not has_unknown:
            raise EvalError("number and bool values cannot be combined")
        if has_unknown:
            raise NotEvaluated(_unknown_reason(items))
        return [i if i is None else to_str(i) for i in items]
    if kinds & {"string", "number", "bool"}:
        raise EvalError("collection and primitive values cannot be combined")
    if has_unknown and leaf_types(items) - {"string"}:
        raise NotEvaluated(_unknown_reason(items))
    if len(leaf_types(items)) > 1:
        raise NotEvaluated("the element type of the collection is not evaluated")
    return items


def _unknown_reason(items: list[object]) -> str:
    """The reason of the first Unknown among ``items`` (what keeps their type from being known)."""
    first = first_unknown(items)
    return first.reason if first is not None else "value is not known"


def make_set(items: Iterable[object]) -> TfSet:
    """A Terraform set of ``items``: distinct, in Terraform's order (strings, numbers sorted).

    Collections keep the order they are written in: Terraform orders them by a hash, so the
    set is the same but a list made from it (``tolist``, ``[for ...]``) may not be.
    """
    seen: dict[object, object] = {}
    for item in unify(list(items)):
        key = (type_name(item), item) if not isinstance(item, (list, dict)) else json_text(item)
        seen.setdefault(key, item)
    elements = list(seen.values())
    check_count(len(elements))
    if len(elements) <= 1:
        return TfSet(elements)
    if any(isinstance(e, (list, dict)) for e in elements):
        return TfSet(elements)  # Terraform orders these by hash: the same set, not the same list
    if any(isinstance(e, Unknown) or e is None for e in elements):
        raise NotEvaluated("the order of this set is not evaluated")
    return TfSet(sorted(elements))  # type: ignore[type-var]


def unify_branch(chosen: object, other: object) -> object:
    """The chosen result of ``c ? a : b``, converted to the type both branches unify to."""
    if chosen is None or other is None:
        return chosen
    types = leaf_types(chosen)
    if isinstance(other, Unknown) or first_unknown(other) is not None:
        if types - {"string"}:
            raise NotEvaluated(_unknown_reason([other]))
        return chosen
    both = types | leaf_types(other)
    if len(both) <= 1 or same_shape(chosen, other):
        return chosen
    primitive = not isinstance(chosen, (list, dict)) and not isinstance(other, (list, dict))
    if primitive and "string" in both:
        return to_str(chosen)
    raise NotEvaluated("branches of different types are not converted")


def same_shape(left: object, right: object, depth: int = 0) -> bool:
    """True when converting ``left`` to the type both values unify to changes nothing.

    Null fits anything; objects need the same attributes (or values all of one shape), tuples
    the same length (or elements all of one shape); primitives the same type.
    """
    if left is None or right is None:
        return True
    if depth > MAX_VALUE_DEPTH:
        return False
    if isinstance(left, dict) and isinstance(right, dict):
        if left.keys() == right.keys():
            return all(same_shape(left[k], right[k], depth + 1) for k in left)
        return _uniform([*left.values(), *right.values()], depth)
    if isinstance(left, list) and isinstance(right, list):
        if len(left) == len(right):
            return all(same_shape(a, b, depth + 1) for a, b in zip(left, right, strict=True))
        return _uniform([*left, *right], depth)
    if isinstance(left, (list, dict)) or isinstance(right, (list, dict)):
        return False
    return type_name(left) == type_name(right)


def _uniform(items: list[object], depth: int) -> bool:
    return all(same_shape(items[0], item, depth + 1) for item in items[1:])
