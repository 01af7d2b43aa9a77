"""String templates: literal text between interpolations and directives, as Terraform sees it.

tree-sitter's ``template_literal`` nodes leave out some whitespace, so literal text is cut from
the source bytes between the template's tags.  Heredoc indentation (``<<-``), strip markers
(``${~ x ~}``) and escapes are applied here; the evaluator only sees strings and tag nodes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from nhilint.parsers.hcl.syntax import Node

ELEMENTS = frozenset({"template_interpolation", "template_directive"})
_TAGS = frozenset({
    "template_interpolation", "template_if_intro", "template_else_intro", "template_if_end",
    "template_for_start", "template_for_end",
})
_QUOTED_ESCAPE = re.compile(r'\\(?:[nrt"\\]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})|\$\$\{|%%\{')
_HEREDOC_ESCAPE = re.compile(r"\$\$\{|%%\{")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}

Part = str | Node


class Template(NamedTuple):
    """A template's top-level elements and the text of every literal gap, by its start byte."""

    start: int
    elements: tuple[Node, ...]
    gaps: Mapping[int, str]

    def parts(self) -> list[Part]:
        return self.sequence(self.start, self.elements)

    def sequence(self, start: int, elements: tuple[Node, ...] | list[Node]) -> list[Part]:
        parts: list[Part] = []
        self._gap(parts, start)
        for element in elements:
            parts.append(element)
            self._gap(parts, element.end_byte)
        return parts

    def _gap(self, parts: list[Part], start: int) -> None:
        gap = self.gaps.get(start, "")
        if gap:
            parts.append(gap)


class _Tag(NamedTuple):
    start: int
    end: int
    strip_left: bool
    strip_right: bool


def read_template(node: Node) -> Template:
    """The template of a ``string_lit``, ``quoted_template`` or ``heredoc_template`` node."""
    raw = node.text or b""
    base = node.start_byte
    heredoc = node.type == "heredoc_template"
    start, end = _heredoc_range(node, raw) if heredoc else _quoted_range(node)
    elements = tuple(c for c in node.children if c.type in ELEMENTS)
    tags: list[_Tag] = []
    for element in elements:
        _collect_tags(element, tags)
    bounds = [start] + [b for t in tags for b in (t.start, t.end)] + [end]
    gaps = [raw[bounds[i] - base:bounds[i + 1] - base].decode("utf-8", "replace")
            for i in range(0, len(bounds), 2)]
    if heredoc and _flush(node):
        gaps = _flush_gaps(gaps)
    gaps = _strip(gaps, tags)
    pattern = _HEREDOC_ESCAPE if heredoc else _QUOTED_ESCAPE
    starts = range(0, len(bounds), 2)
    texts = {bounds[i]: _unescape(gap, pattern) for i, gap in zip(starts, gaps, strict=True)}
    return Template(start, elements, texts)


def if_branches(node: Node) -> tuple[Node | None, list[Node], int, list[Node], int]:
    """``template_if`` → (condition, then-elements, then-start, else-elements, else-start)."""
    condition = None
    then: list[Node] = []
    other: list[Node] = []
    then_start = else_start = node.start_byte
    current = then
    for child in node.children:
        if child.type == "template_if_intro":
            condition = _expression(child)
            then_start = child.end_byte
        elif child.type == "template_else_intro":
            current = other
            else_start = child.end_byte
        elif child.type in ELEMENTS:
            current.append(child)
    return condition, then, then_start, other, else_start


def for_parts(node: Node) -> tuple[list[str], Node | None, list[Node], int]:
    """``template_for`` → (iteration names, collection, body elements, body start)."""
    names: list[str] = []
    collection = None
    body: list[Node] = []
    start = node.start_byte
    for child in node.children:
        if child.type == "template_for_start":
            names = [(c.text or b"").decode() for c in child.children if c.type == "identifier"]
            collection = _expression(child)
            start = child.end_byte
        elif child.type in ELEMENTS:
            body.append(child)
    return names, collection, body, start


def _expression(node: Node) -> Node | None:
    return next((c for c in node.children if c.type == "expression"), None)


def _quoted_range(node: Node) -> tuple[int, int]:
    children = node.children
    if not children:
        return node.start_byte, node.start_byte
    start = children[0].end_byte if children[0].type == "quoted_template_start" else node.start_byte
    last = children[-1]
    end = last.start_byte if last.type == "quoted_template_end" else node.end_byte
    return start, max(start, end)


def _heredoc_range(node: Node, raw: bytes) -> tuple[int, int]:
    idents = [c for c in node.children if c.type == "heredoc_identifier"]
    base = node.start_byte
    opening = idents[0].end_byte if idents else base
    newline = raw.find(b"\n", opening - base)
    start = base + newline + 1 if newline >= 0 else node.end_byte
    if len(idents) < 2:
        return start, max(start, node.end_byte)
    closing = idents[-1].start_byte
    line_start = raw.rfind(b"\n", 0, closing - base)
    end = base + line_start + 1 if line_start >= 0 else closing
    return start, max(start, end)


def _flush(node: Node) -> bool:
    first = node.children[0] if node.children else None
    return first is not None and first.type == "heredoc_start" and (first.text or b"") == b"<<-"


def _collect_tags(element: Node, tags: list[_Tag]) -> None:
    stack = [element]
    while stack:
        node = stack.pop()
        if node.type in _TAGS:
            tags.append(_tag(node))
        elif node.type in ("template_directive", "template_if", "template_for"):
            stack.extend(reversed(node.children))
    tags.sort(key=lambda t: t.start)


def _tag(node: Node) -> _Tag:
    kinds = [c.type for c in node.children]
    left = len(kinds) > 1 and kinds[1] == "strip_marker"
    right = len(kinds) > 2 and kinds[-2] == "strip_marker"
    return _Tag(node.start_byte, node.end_byte, left, right)


def _strip(gaps: list[str], tags: list[_Tag]) -> list[str]:
    gaps = list(gaps)
    for index, tag in enumerate(tags):
        if tag.strip_left:
            gaps[index] = gaps[index].rstrip()
        if tag.strip_right:
            gaps[index + 1] = gaps[index + 1].lstrip()
    return gaps


def _unescape(text: str, pattern: re.Pattern[str]) -> str:
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text
    return pattern.sub(_escape_value, text)


def _escape_value(match: re.Match[str]) -> str:
    token = match.group(0)
    if token in ("$${", "%%{"):
        return token[1:]
    if token[1] in "uU":
        code = int(token[2:], 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code < 0xE000 else token
    return _SIMPLE[token[1]]


def _flush_gaps(gaps: list[str]) -> list[str]:
    """``<<-``: remove the smallest indentation of the non-blank lines (HCL's rule)."""
    starts: list[list[int]] = [[] for _ in gaps]
    smallest: int | None = None
    for index, gap in enumerate(gaps):
        positions = [0] if index == 0 else []
        positions += [i + 1 for i, char in enumerate(gap) if char == "\n"]
        for pos in positions:
            if index == len(gaps) - 1 and pos == len(gap):
                continue
            run = _indent(gap, pos)
            rest = gap[pos + run:]
            if rest.startswith(("\n", "\r\n")):
                continue
            starts[index].append(pos)
            smallest = run if smallest is None else min(smallest, run)
    if not smallest:
        return gaps
    return [_remove_at(gap, where, smallest) for gap, where in zip(gaps, starts, strict=True)]


def _indent(text: str, pos: int) -> int:
    end = pos
    while end < len(text) and text[end] in " \t\f\v":
        end += 1
    return end - pos


def _remove_at(text: str, positions: list[int], count: int) -> str:
    if not positions:
        return text
    pieces: list[str] = []
    previous = 0
    for pos in positions:
        pieces.append(text[previous:pos])
        previous = pos + count
    pieces.append(text[previous:])
    return "".join(pieces)
