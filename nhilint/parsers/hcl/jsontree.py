"""A JSON reader that keeps positions: every value knows the line it starts (and ends) on.

The standard ``json`` module forgets where values are written; the ``.tf.json`` reader needs the
line of each block and attribute.  Strings are found by a pattern and decoded by ``json``; numbers
keep their written text (Terraform reads them as exact decimals).
"""

from __future__ import annotations

import bisect
import json
import re
from typing import NamedTuple

#: Values nested deeper than this are not read (a guard against hostile input).
MAX_DEPTH = 256

_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WORDS: dict[str, bool | None] = {"true": True, "false": False, "null": None}


class JString(NamedTuple):
    value: str
    line: int

    @property
    def end_line(self) -> int:
        return self.line


class JNumber(NamedTuple):
    text: str
    line: int

    @property
    def end_line(self) -> int:
        return self.line


class JWord(NamedTuple):
    """``true``, ``false`` or ``null``."""

    value: bool | None
    line: int

    @property
    def end_line(self) -> int:
        return self.line


class JArray(NamedTuple):
    items: tuple[JValue, ...]
    line: int
    end_line: int


class JMember(NamedTuple):
    key: str
    line: int
    value: JValue


class JObject(NamedTuple):
    members: tuple[JMember, ...]
    line: int
    end_line: int


JValue = JString | JNumber | JWord | JArray | JObject


class JsonError(Exception):
    """The text is not JSON; ``line`` is where reading stopped."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse(text: str) -> JValue:
    """The one JSON value ``text`` holds; raises :class:`JsonError`."""
    reader = _Reader(text)
    value, end = reader.value(reader.skip(0), 0)
    end = reader.skip(end)
    if end != len(text):
        raise JsonError("extra data after the JSON value", reader.line(end))
    return value


class _Reader:
    __slots__ = ("newlines", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, position: int) -> int:
        return bisect.bisect_left(self.newlines, position) + 1

    def skip(self, position: int) -> int:
        match = _SPACE.match(self.text, position)
        return match.end() if match else position

    def fail(self, message: str, position: int) -> JsonError:
        return JsonError(message, self.line(position))

    def value(self, position: int, depth: int) -> tuple[JValue, int]:
        if depth > MAX_DEPTH:
            raise self.fail("JSON is nested too deeply", position)
        char = self.text[position : position + 1]
        if char == "{":
            return self.object(position, depth)
        if char == "[":
            return self.array(position, depth)
        if char == '"':
            text, end = self.string(position)
            return JString(text, self.line(position)), end
        number = _NUMBER.match(self.text, position)
        if number:
            return JNumber(number.group(), self.line(position)), number.end()
        for word, meaning in _WORDS.items():
            if self.text.startswith(word, position):
                return JWord(meaning, self.line(position)), position + len(word)
        shown = repr(char) if char else "end of file"
        raise self.fail(f"unexpected {shown} in JSON", position)

    def string(self, position: int) -> tuple[str, int]:
        match = _STRING.match(self.text, position)
        if match is None:
            raise self.fail("unterminated string or control character in a JSON string", position)
        try:
            text: str = json.loads(match.group())
        except json.JSONDecodeError as exc:
            raise self.fail(f"invalid JSON string: {exc.msg.lower()}", position) from None
        return text, match.end()

    def array(self, start: int, depth: int) -> tuple[JArray, int]:
        items: list[JValue] = []
        position = self.skip(start + 1)
        if self.text.startswith("]", position):
            return JArray((), self.line(start), self.line(position)), position + 1
        while True:
            item, position = self.value(position, depth + 1)
            items.append(item)
            position = self.skip(position)
            char = self.text[position : position + 1]
            if char == "]":
                return JArray(tuple(items), self.line(start), self.line(position)), position + 1
            if char != ",":
                raise self.fail("expected ',' or ']' in JSON array", position)
            position = self.skip(position + 1)

    def object(self, start: int, depth: int) -> tuple[JObject, int]:
        members: list[JMember] = []
        position = self.skip(start + 1)
        if self.text.startswith("}", position):
            return JObject((), self.line(start), self.line(position)), position + 1
        while True:
            if not self.text.startswith('"', position):
                raise self.fail("expected a property name in JSON object", position)
            key, after = self.string(position)
            colon = self.skip(after)
            if not self.text.startswith(":", colon):
                raise self.fail("expected ':' after a property name", colon)
            value, position = self.value(self.skip(colon + 1), depth + 1)
            members.append(JMember(key, self.line(after), value))
            position = self.skip(position)
            char = self.text[position : position + 1]
            if char == "}":
                return JObject(tuple(members), self.line(start), self.line(position)), position + 1
            if char != ",":
                raise self.fail("expected ',' or '}' in JSON object", position)
            position = self.skip(position + 1)
