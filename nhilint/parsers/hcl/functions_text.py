"""String, formatting, hashing and time functions (``format``, ``join``, ``timeadd`` ...)."""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import re
from collections.abc import Callable, Mapping

from nhilint.parsers.hcl import regex_go
from nhilint.parsers.hcl.function_table import Function, fixed, variadic
from nhilint.parsers.hcl.values import (
    EvalError,
    NotEvaluated,
    check_count,
    check_length,
    json_text,
    to_bool,
    to_int,
    to_list,
    to_num,
    to_str,
)

_VERB = re.compile(
    r"%(?P<flags>[-+# 0]*)(?P<arg>\[\d+\])?(?P<width>\d*)(?:\.(?P<prec>\d*))?(?P<verb>[a-zA-Z%])"
)


def format_(args: list[object]) -> object:
    spec, values = to_str(args[0]), args[1:]
    position = 0
    pieces: list[str] = []
    last = 0
    for match in _VERB.finditer(spec):
        pieces.append(spec[last:match.start()])
        last = match.end()
        if match["verb"] == "%":
            pieces.append("%")
            continue
        if match["arg"]:
            position = int(match["arg"][1:-1]) - 1
        if not 0 <= position < len(values):
            raise EvalError("format: not enough arguments for the format string")
        pieces.append(_pad(match, _verb(match, values[position])))
        position += 1
    pieces.append(spec[last:])
    check_length(sum(map(len, pieces)))
    if position < len(values) and not any(m["arg"] for m in _VERB.finditer(spec)):
        raise EvalError("format: too many arguments for the format string")
    return "".join(pieces)


def _verb(match: re.Match[str], value: object) -> str:
    verb, precision = match["verb"], match["prec"]
    if " " in match["flags"] or "#" in match["flags"]:
        raise NotEvaluated("format flags ' ' and '#' are not evaluated")
    if precision and int(precision) > 1000:
        raise NotEvaluated("format precision is too large")
    if verb in "vs":
        if verb == "v" and (isinstance(value, (list, dict)) or value is None):
            return json_text(value) if value is not None else "null"
        text = to_str(value)
        return text[: int(precision)] if precision else text
    if verb == "q":
        return json.dumps(to_str(value), ensure_ascii=False)
    if verb == "t":
        return "true" if to_bool(value) else "false"
    if verb in "dboxX":
        number = to_int(value)
        text = format(number, {"d": "d", "b": "b", "o": "o", "x": "x", "X": "X"}[verb])
        return ("+" + text) if "+" in match["flags"] and number >= 0 else text
    if verb in "eEfFgG":
        real = float(to_num(value))
        digits = f".{precision or 0}" if precision is not None else ("" if verb in "gG" else ".6")
        return format(real, f"{'+' if '+' in match['flags'] else ''}{digits}{verb}")
    raise NotEvaluated(f"format verb %{verb} is not evaluated")


def _pad(match: re.Match[str], text: str) -> str:
    width = int(match["width"] or 0)
    check_length(width)
    if len(text) >= width:
        return text
    flags = match["flags"]
    if "-" in flags:
        return text.ljust(width)
    if "0" in flags and match["verb"] in "dboxXeEfFgG":
        sign = text[0] if text[:1] in "+-" else ""
        return sign + text[len(sign):].rjust(width - len(sign), "0")
    return text.rjust(width)


def formatlist(args: list[object]) -> object:
    lists = [to_list(a) for a in args[1:] if isinstance(a, list)]
    if not lists:
        raise EvalError("formatlist: at least one argument must be a list")
    size = len(lists[0])
    if any(len(items) != size for items in lists):
        raise EvalError("formatlist: lists of different lengths")
    return [
        format_([args[0], *(a[i] if isinstance(a, list) else a for a in args[1:])])
        for i in range(size)
    ]


def join(args: list[object]) -> object:
    separator = to_str(args[0])
    items = [to_str(item) for arg in args[1:] for item in to_list(arg)]
    check_length(sum(map(len, items)) + len(separator) * len(items))
    return separator.join(items)


def split(args: list[object]) -> object:
    separator, text = to_str(args[0]), to_str(args[1])
    check_count(len(text) if separator == "" else text.count(separator) + 1)
    return list(text) if separator == "" else text.split(separator)


def replace(args: list[object]) -> object:
    text, old, new = (to_str(a) for a in args)
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return regex_go.replace_all(old[1:-1], text, new)
    matches = len(text) + 1 if old == "" else text.count(old)
    check_length(len(text) + matches * len(new))
    return text.replace(old, new)


def regex(args: list[object]) -> object:
    compiled = regex_go.compile_go(to_str(args[0]))
    match = next(regex_go.find_all(compiled, to_str(args[1])), None)
    if match is None:
        raise EvalError("regex: the pattern did not match")
    return regex_go.result(compiled, match)


def regexall(args: list[object]) -> object:
    compiled = regex_go.compile_go(to_str(args[0]))
    return [regex_go.result(compiled, m) for m in regex_go.find_all(compiled, to_str(args[1]))]


def substr(args: list[object]) -> object:
    text, offset, size = to_str(args[0]), to_int(args[1]), to_int(args[2])
    if offset < 0:
        offset = max(len(text) + offset, 0)
    return text[offset:] if size < 0 else text[offset:offset + size]


def timeadd(args: list[object]) -> object:
    stamp, duration = to_str(args[0]), to_str(args[1])
    moment = parse_rfc3339(stamp)
    try:
        result = moment + datetime.timedelta(microseconds=parse_duration(duration) / 1000)
    except OverflowError:
        raise EvalError("timeadd: result out of range") from None
    return format_rfc3339(result)


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000,
            "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}


def parse_rfc3339(stamp: str) -> datetime.datetime:
    if not _RFC3339.fullmatch(stamp):
        raise EvalError(f"not an RFC 3339 timestamp: {stamp!r}")
    text = stamp.replace("Z", "+00:00")
    head, _, rest = text.partition(".")
    if rest:
        fraction = re.match(r"\d+", rest)
        digits = fraction.group(0) if fraction else ""
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest[len(digits):]}"
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise EvalError(f"invalid timestamp {stamp!r}: {exc}") from None


def parse_duration(text: str) -> int:
    """A Go duration (``1h30m``, ``-2.5s``) in nanoseconds."""
    sign = -1 if text.startswith("-") else 1
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return 0
    total = 0.0
    position: int = 0
    while position < len(body):
        match = _DURATION_PART.match(body, position)
        if match is None:
            raise EvalError(f"invalid duration {text!r}")
        total += float(match.group(1)) * _UNIT_NS[match.group(2)]
        position = match.end()
    if not body:
        raise EvalError("empty duration")
    return sign * int(total)


def format_rfc3339(moment: datetime.datetime) -> str:
    offset = moment.utcoffset() or datetime.timedelta(0)
    base = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if not offset:
        return base + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{base}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def timestamp(args: list[object]) -> object:
    raise NotEvaluated("timestamp() is known only at apply time")


def base64decode(args: list[object]) -> object:
    try:
        return base64.b64decode(to_str(args[0]), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise EvalError(f"base64decode: {exc}") from None


def _each_char(text: str, operation: Callable[[str], str]) -> str:
    """Go's ``strings.ToUpper``/``ToLower``: one character for one (no ``ß`` → ``SS``)."""
    pieces = [operation(char) for char in text]
    if any(len(piece) != 1 for piece in pieces):
        raise NotEvaluated("case mapping of this text is not evaluated")
    return "".join(pieces)


def _text(operation: Callable[[str], object]) -> Function:
    return fixed(lambda a: operation(to_str(a[0])), 1)


def _two(operation: Callable[[str, str], object]) -> Function:
    return fixed(lambda a: operation(to_str(a[0]), to_str(a[1])), 2)


def _hash(name: str) -> Function:
    return _text(lambda s: hashlib.new(name, s.encode("utf-8")).hexdigest())


def _indent(args: list[object]) -> object:
    text, spaces = to_str(args[1]), to_int(args[0])
    check_length(len(text) + text.count("\n") * max(spaces, 0))
    return text.replace("\n", "\n" + " " * spaces)


TABLE: Mapping[str, Function] = {
    "format": variadic(format_, 1),
    "formatlist": variadic(formatlist, 1),
    "join": variadic(join, 2),
    "split": fixed(split, 2),
    "replace": fixed(replace, 3),
    "regex": fixed(regex, 2),
    "regexall": fixed(regexall, 2),
    "substr": fixed(substr, 3),
    "lower": _text(lambda s: _each_char(s, str.lower)),
    "upper": _text(lambda s: _each_char(s, str.upper)),
    "trimspace": _text(str.strip),
    "chomp": _text(lambda s: s.rstrip("\r\n")),
    "strrev": _text(lambda s: s[::-1]),
    "trimprefix": _two(str.removeprefix),
    "trimsuffix": _two(str.removesuffix),
    "trim": _two(str.strip),
    "startswith": _two(str.startswith),
    "endswith": _two(str.endswith),
    "indent": fixed(_indent, 2),
    "timeadd": fixed(timeadd, 2),
    "timestamp": fixed(timestamp, 0),
    "base64encode": _text(lambda s: base64.b64encode(s.encode("utf-8")).decode("ascii")),
    "base64decode": fixed(base64decode, 1),
    "md5": _hash("md5"),
    "sha1": _hash("sha1"),
    "sha256": _hash("sha256"),
    "sha512": _hash("sha512"),
}
