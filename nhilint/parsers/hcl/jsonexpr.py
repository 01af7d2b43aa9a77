"""JSON values written as HCL expression text, on the lines they have in the JSON file.

Terraform maps JSON to expressions: strings are string templates (``"${var.x}"``), numbers,
booleans and ``null`` are literals, arrays are tuples and objects are objects (their property
names templates too).  :class:`Writer` writes each value as the equivalent HCL text, starting
each property and element on the line it has in the JSON file, so that the HCL evaluator reads
the values and the lines of their elements are right.  Some arguments are not expressions:
``literal`` strings are taken as written, ``type`` strings are type expressions and ``names``
strings are references or keywords (``ignore_changes``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Literal

from nhilint.parsers.hcl.jsontree import JArray, JNumber, JObject, JString, JValue, JWord

Mode = Literal["template", "literal", "type", "names"]

#: Exponents beyond this are not written out in decimal (the number is left as written).
_MAX_EXPONENT = 400
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class TemplateError(ValueError):
    """A string template whose interpolation or directive is not closed."""


class Writer:
    """HCL text being written (mutable while one file is translated)."""

    __slots__ = ("_line", "_parts", "_size")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._line = 1
        self._size = 0

    @property
    def offset(self) -> int:
        """The byte offset of the next text written."""
        return self._size

    def text(self) -> bytes:
        return "".join(self._parts).encode("utf-8")

    def at(self, line: int) -> None:
        """Go on to ``line`` (never back)."""
        if line > self._line:
            self.write("\n" * (line - self._line))

    def write(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text.encode("utf-8"))
        self._line += text.count("\n")

    def value(self, value: JValue, mode: Mode) -> None:
        """Write ``value`` as an HCL expression (raises :class:`TemplateError`)."""
        if isinstance(value, JObject):
            self.write("{")
            for member in value.members:
                self.at(member.line)
                self.write(string(member.key, mode if mode == "literal" else "template"))
                self.write(" = ")
                self.value(member.value, mode)
                self.write(", ")
            self.at(value.end_line)
            self.write("}")
        elif isinstance(value, JArray):
            self.write("[")
            for item in value.items:
                self.at(item.line)
                self.value(item, mode)
                self.write(", ")
            self.at(value.end_line)
            self.write("]")
        elif isinstance(value, JString):
            self.write(_scalar_string(value.value, mode))
        elif isinstance(value, JNumber):
            self.write(number(value.text))
        elif isinstance(value, JWord):
            self.write("null" if value.value is None else str(value.value).lower())


def _scalar_string(value: str, mode: Mode) -> str:
    if mode == "type":
        return value.replace("\n", " ").replace("\r", " ")
    if mode == "names" and _NAME.fullmatch(value):
        return value
    return string(value, "literal" if mode == "names" else mode)


def number(text: str) -> str:
    """A JSON number as HCL reads it: exponents written out (``1e3`` is ``1000``)."""
    if "e" not in text and "E" not in text:
        return text
    try:
        exact = Decimal(text)
    except InvalidOperation:
        return text
    if abs(exact.adjusted()) > _MAX_EXPONENT:
        return text
    written = format(exact, "f")
    return written.rstrip("0").rstrip(".") if "." in written else written


def string(value: str, mode: Mode) -> str:
    """A quoted HCL string: a template (``${...}`` and ``%{...}`` kept) or a literal."""
    if mode == "literal":
        return '"' + "".join(_escape(c) for c in value).replace("${", "$${").replace(
            "%{", "%%{") + '"'
    return '"' + "".join(_template_parts(value)) + '"'


def _escape(char: str) -> str:
    found = _ESCAPES.get(char)
    if found is not None:
        return found
    return f"\\u{ord(char):04x}" if ord(char) < 0x20 else char


def _template_parts(value: str) -> list[str]:
    """The template's literal text escaped for a quoted string, its sequences as written."""
    parts: list[str] = []
    index = 0
    while index < len(value):
        if value.startswith(("$${", "%%{"), index):
            parts.append(value[index : index + 3])
            index += 3
        elif value.startswith(("${", "%{"), index):
            end = _close(value, index + 2)
            parts.append(value[index:end].replace("\n", " ").replace("\r", " "))
            index = end
        else:
            parts.append(_escape(value[index]))
            index += 1
    return parts


def _close(value: str, index: int) -> int:
    """The index after the ``}`` closing a sequence whose body starts at ``index``."""
    depth = 1
    while index < len(value):
        char = value[index]
        if char == '"':
            index = _after_quoted(value, index + 1)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise TemplateError("a template sequence is not closed with '}'")


def _after_quoted(value: str, index: int) -> int:
    """The index after the ``"`` closing a quoted string inside a sequence."""
    while index < len(value):
        char = value[index]
        if char == "\\":
            index += 2
        elif char == '"':
            return index + 1
        elif value.startswith("${", index):
            index = _close(value, index + 2)
        else:
            index += 1
    raise TemplateError("a quoted string inside a template sequence is not closed")
