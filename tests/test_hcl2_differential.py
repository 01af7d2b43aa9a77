"""Differential test: our HCL reader against python-hcl2, the oracle, on every ``*.tf`` we have.

For every resource and data block, every attribute whose python-hcl2 value is a plain literal
(no interpolation, no expression) must equal the value our reader evaluated, for every instance
of the block.  python-hcl2's quirks are normalised here: quotes and ``$${`` escapes kept in
strings, heredocs kept as written, ``__is_block__`` markers, labelled nested blocks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

import hcl2
import pytest
from hcl2.utils import SerializationOptions

from nhilint.model import Model, Resource
from nhilint.parsers import parse_module

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "parsers" / "hcl_corpus"
FILES = sorted(
    {*ROOT.glob("fixtures/**/*.tf"), *ROOT.glob("examples/**/*.tf"), *CORPUS.glob("*.tf")}
)
OPTIONS = SerializationOptions(
    strip_string_quotes=True, with_comments=False, preserve_scientific_notation=False,
)
#: ``${`` or ``%{`` not escaped by a doubled ``$``/``%``: an interpolation or a directive.
_TEMPLATE = re.compile(r"(?<![$%])[$%]\{")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][\w-]*)\r?\n(.*?)^[ \t]*\2\Z", re.S | re.M)
#: Meta-arguments whose value is not a plain attribute value in our model.
_SKIPPED = frozenset({"dynamic", "provider", "__is_block__"})


class _Expression:
    """Where python-hcl2's value is an expression: anything of ours matches it."""

    def __repr__(self) -> str:
        return "<expression>"


EXPRESSION = _Expression()


def _oracle(file: Path) -> dict[str, object]:
    with file.open(encoding="utf-8") as handle:
        loaded: dict[str, object] = hcl2.load(handle, serialization_options=OPTIONS)
    return loaded


@cache
def _module(directory: Path) -> Model:
    return parse_module(directory)


def _blocks(oracle: Mapping[str, object]) -> Iterator[tuple[str, str, str, dict[str, object]]]:
    """(mode, type, name, attributes) of every resource and data block python-hcl2 read."""
    for keyword, mode in (("resource", "managed"), ("data", "data")):
        for entry in oracle.get(keyword, []):  # type: ignore[attr-defined]
            for kind, by_name in entry.items():
                for name, attributes in by_name.items():
                    yield mode, kind, name, attributes


def _literal(value: object) -> object:
    """python-hcl2's value as a plain value, with :data:`EXPRESSION` for every expression."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        if any(_labelled_block(v) for v in value):
            return EXPRESSION  # a labelled nested block: we do not keep labels
        return [_literal(v) for v in value]
    if isinstance(value, dict):
        if any(_TEMPLATE.search(k) or k.startswith("(") for k in value):
            return EXPRESSION
        block = value.get("__is_block__") is True
        skipped = _SKIPPED if block else {"__is_block__"}
        result = {k: _literal(v) for k, v in value.items() if k not in skipped}
        for label in _dynamic_labels(value) if block else ():
            result[label] = EXPRESSION  # expanded by us, absent or partial in python-hcl2
        return result
    return value


def _dynamic_labels(block: Mapping[str, object]) -> set[str]:
    dynamic = block.get("dynamic", [])
    return {label for d in dynamic for label in d} if isinstance(dynamic, list) else set()


def _labelled_block(value: object) -> bool:
    return isinstance(value, dict) and "__is_block__" not in value and any(
        isinstance(v, dict) and v.get("__is_block__") is True for v in value.values()
    )


def _string(value: str) -> object:
    heredoc = _HEREDOC.fullmatch(value)
    if heredoc is not None:
        value = _flush(heredoc.group(3)) if heredoc.group(1) else heredoc.group(3)
    if _TEMPLATE.search(value):
        return EXPRESSION
    return value.replace("$${", "${").replace("%%{", "%{")


def _literals_in(value: object) -> int:
    if isinstance(value, list):
        return sum(_literals_in(v) for v in value) or (0 if value else 1)
    if isinstance(value, dict):
        return sum(_literals_in(v) for v in value.values()) or (0 if value else 1)
    return 0 if value is EXPRESSION else 1


def _flush(body: str) -> str:
    lines = body.splitlines(keepends=True)
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "".join(line[cut:] if line.strip() else line for line in lines)


def _same(ours: object, oracle: object) -> bool:
    """Equality that tells ``True`` from ``1`` and compares nested blocks element-wise."""
    if oracle is EXPRESSION:
        return True
    if isinstance(oracle, bool) or isinstance(ours, bool):
        return type(ours) is type(oracle) and ours == oracle
    if isinstance(oracle, list):
        return isinstance(ours, list) and len(ours) == len(oracle) and all(
            _same(o, e) for o, e in zip(ours, oracle, strict=True)
        )
    if isinstance(oracle, dict):
        required = {k for k, v in oracle.items() if v is not EXPRESSION}
        return isinstance(ours, dict) and required <= ours.keys() <= oracle.keys() and all(
            _same(ours[k], oracle[k]) for k in required
        )
    return type(ours) in (type(oracle), int, float) and ours == oracle


def _instances(model: Model, shown: str, mode: str, kind: str, name: str) -> list[Resource]:
    return [r for r in model.resources
            if r.span.path == shown and (r.mode, r.type, r.name) == (mode, kind, name)]


def compare_file(file: Path) -> tuple[int, list[str]]:
    """(number of literal values compared, mismatches) for one file."""
    try:
        oracle = _oracle(file)
    except Exception as exc:  # the oracle's grammar is not Terraform's: nothing to compare
        pytest.skip(f"python-hcl2 cannot read {file.name}: {type(exc).__name__}")
    model = _module(file.parent)
    shown = os.path.relpath(file)
    damaged = any(d.path == shown for d in model.diagnostics)
    compared, problems = 0, []
    for mode, kind, name, attributes in _blocks(oracle):
        instances = _instances(model, shown, mode, kind, name)
        expanded = "count" in attributes or "for_each" in attributes
        if not instances and not expanded and not damaged:
            problems.append(f"{kind}.{name}: not read")
        dynamic = _dynamic_labels(attributes)
        for key, value in attributes.items():
            if key in _SKIPPED or key in dynamic:
                continue
            expected = _literal(value)
            literals = _literals_in(expected)
            for resource in instances:
                compared += literals
                if not _same(resource.attributes.get(key), expected):
                    got = resource.attributes.get(key)
                    problems.append(f"{resource.address}.{key}: {got!r} != {expected!r}")
    return compared, problems


@pytest.fixture(autouse=True)
def _from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("file", FILES, ids=[str(f.relative_to(ROOT)) for f in FILES])
def test_literal_values_match_python_hcl2(file: Path) -> None:
    compared, problems = compare_file(file)
    assert problems == []
    if file.parent == CORPUS:
        assert compared >= 20, "the corpus file has too few literal values to be meaningful"


def test_corpus_is_collected() -> None:
    assert len([f for f in FILES if f.parent == CORPUS]) >= 4
