"""Go (RE2) regular expressions as Terraform runs them, on Python's ``re`` where both agree.

A pattern is translated token by token; any construct whose meaning differs between RE2 and
Python (Unicode classes, ``\\Q``, flags in the middle, possessive repeats...) is not guessed:
:class:`NotEvaluated`.  Constructs Go rejects (look-arounds, back-references) are also refused,
so a pattern is never accepted where Terraform would fail.  Matching all occurrences follows
Go: an empty match right after the previous match is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nhilint.parsers.hcl.values import EvalError, NotEvaluated, check_count, check_length

_WORD = "0-9A-Za-z_"
_CLASSES = {"d": "0-9", "w": _WORD, "s": "\\t\\n\\f\\r "}
_BOUNDARY = f"(?:(?<=[{_WORD}])(?![{_WORD}])|(?<![{_WORD}])(?=[{_WORD}]))"
_NOT_BOUNDARY = f"(?:(?<=[{_WORD}])(?=[{_WORD}])|(?<![{_WORD}])(?![{_WORD}]))"
_SIMPLE_ESCAPES = frozenset("tnrfva")
_LEADING_FLAGS = re.compile(r"\(\?([ims]+)\)")
_SCOPED_FLAGS = re.compile(r"\(\?([is]+):")
_GROUP_NAME = re.compile(r"\(\?P<([A-Za-z_][A-Za-z0-9_]*)>")
_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")
_HEX = re.compile(r"x[0-9A-Fa-f]{2}")
#: RE2's largest repeat count.
_MAX_REPEAT = 1000


def compile_go(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled with the meaning RE2 gives it, or NotEvaluated."""
    flags = ""
    position = 0
    leading = _LEADING_FLAGS.match(pattern)
    if leading:
        flags, position = leading.group(1), leading.end()
    translated = _translate(pattern, position, multiline="m" in flags)
    prefix = f"(?{flags.replace('m', '')})" if flags.replace("m", "") else ""
    try:
        return re.compile(prefix + translated, re.MULTILINE if "m" in flags else 0)
    except (re.error, RecursionError, OverflowError) as exc:
        raise NotEvaluated(f"regular expression {pattern!r} is not evaluated: {exc}") from None


def _translate(pattern: str, position: int, multiline: bool) -> str:
    out: list[str] = []
    size = len(pattern)
    while position < size:
        char = pattern[position]
        if char == "\\":
            piece, position = _escape(pattern, position + 1, in_class=False)
        elif char == "[":
            piece, position = _class(pattern, position + 1)
        elif char == "(":
            piece, position = _group(pattern, position)
        elif char == "{":
            piece, position = _repeat(pattern, position)
        elif char == "$":
            piece, position = ("$" if multiline else r"\Z"), position + 1
        elif char in "*+?" and pattern[position + 1:position + 2] in ("+", "*"):
            raise NotEvaluated("nested repetition is not evaluated")
        else:
            piece, position = char, position + 1
        out.append(piece)
    return "".join(out)


def _escape(pattern: str, position: int, in_class: bool) -> tuple[str, int]:
    char = pattern[position:position + 1]
    if not char:
        raise NotEvaluated("trailing backslash")
    if char.lower() in _CLASSES:
        inner = _CLASSES[char.lower()]
        if in_class:
            if char.isupper():
                raise NotEvaluated(f"\\{char} inside a class is not evaluated")
            return inner, position + 1
        return (f"[^{inner}]" if char.isupper() else f"[{inner}]"), position + 1
    if char in "bB" and not in_class:
        return (_BOUNDARY if char == "b" else _NOT_BOUNDARY), position + 1
    if char == "A" and not in_class:
        return r"\A", position + 1
    if char == "z" and not in_class:
        return r"\Z", position + 1
    if char in _SIMPLE_ESCAPES:
        return "\\" + char, position + 1
    hex_digits = _HEX.match(pattern, position)
    if hex_digits:
        return "\\" + hex_digits.group(0), hex_digits.end()
    if char.isascii() and not char.isalnum():
        return "\\" + char, position + 1
    raise NotEvaluated(f"escape \\{char} is not evaluated")


def _class(pattern: str, position: int) -> tuple[str, int]:
    out = ["["]
    if pattern[position:position + 1] == "^":
        out.append("^")
        position += 1
    if pattern[position:position + 1] == "]":
        out.append("\\]")
        position += 1
    while position < len(pattern):
        char = pattern[position]
        if char == "]":
            return "".join(out) + "]", position + 1
        if char == "\\":
            piece, position = _escape(pattern, position + 1, in_class=True)
            out.append(piece)
            continue
        if char == "[" or pattern[position:position + 2] in ("--", "&&", "~~", "||"):
            raise NotEvaluated("this character class is not evaluated")
        out.append(char)
        position += 1
    raise NotEvaluated("unterminated character class")


def _group(pattern: str, position: int) -> tuple[str, int]:
    if pattern[position + 1:position + 2] != "?":
        return "(", position + 1
    if pattern.startswith("(?:", position):
        return "(?:", position + 3
    named = _GROUP_NAME.match(pattern, position)
    if named:
        return named.group(0), named.end()
    scoped = _SCOPED_FLAGS.match(pattern, position)
    if scoped:
        return scoped.group(0), scoped.end()
    raise NotEvaluated("this group syntax is not evaluated")


def _repeat(pattern: str, position: int) -> tuple[str, int]:
    match = _REPEAT.match(pattern, position)
    if match is None:
        if pattern.startswith("{,", position):
            raise NotEvaluated("'{,' is not evaluated")
        return "\\{", position + 1
    counts = [int(g) for g in (match.group(1), match.group(3)) if g]
    if any(c > _MAX_REPEAT for c in counts) or (len(counts) == 2 and counts[0] > counts[1]):
        raise NotEvaluated("invalid repeat count")
    return match.group(0), match.end()


def find_all(compiled: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Every match as Go's ``FindAll`` gives them (no empty match right after a match)."""
    previous_end = -1
    after_empty = -1
    count = 0
    for match in compiled.finditer(text):
        start, end = match.span()
        if start == after_empty and end > start:
            raise NotEvaluated("a match after an empty match is not evaluated")
        after_empty = end if start == end else -1
        if start == end and start == previous_end:
            continue
        previous_end = end
        count += 1
        check_count(count)
        yield match


def expand(template: str, match: re.Match[str]) -> str:
    """Go's ``Regexp.Expand``: ``$1``, ``${1}``, ``$name``, ``${name}`` and ``$$``."""
    out: list[str] = []
    position = 0
    while position < len(template):
        dollar = template.find("$", position)
        if dollar < 0:
            out.append(template[position:])
            break
        out.append(template[position:dollar])
        name, position = _variable(template, dollar + 1)
        if name is None or name == "$":
            out.append("$")
        else:
            out.append(_group_text(match, name))
    result = "".join(out)
    check_length(len(result))
    return result


_NAME = re.compile(r"[A-Za-z0-9_]+")


def _variable(template: str, position: int) -> tuple[str | None, int]:
    if template.startswith("$", position):
        return "$", position + 1
    braced = template.startswith("{", position)
    found = _NAME.match(template, position + 1 if braced else position)
    if found is None:
        return None, position
    if braced:
        if not template.startswith("}", found.end()):
            return None, position
        return found.group(0), found.end() + 1
    return found.group(0), found.end()


def _group_text(match: re.Match[str], name: str) -> str:
    try:
        group = match.group(int(name) if name.isdigit() else name)
    except (IndexError, ValueError):
        return ""
    return group if isinstance(group, str) else ""


def replace_all(pattern: str, text: str, template: str) -> str:
    compiled = compile_go(pattern)
    pieces: list[str] = []
    last = 0
    for match in find_all(compiled, text):
        pieces.extend((text[last:match.start()], expand(template, match)))
        last = match.end()
        check_length(sum(map(len, pieces)))
    pieces.append(text[last:])
    return "".join(pieces)


def result(compiled: re.Pattern[str], match: re.Match[str]) -> object:
    """What ``regex()`` returns for one match: the text, a list or an object of the groups."""
    names = compiled.groupindex
    if compiled.groups == 0:
        return match.group(0)
    if not names:
        return list(match.groups())
    if len(names) != compiled.groups:
        raise EvalError("regex: named and unnamed capture groups cannot be mixed")
    return {name: match.group(name) for name in names}
