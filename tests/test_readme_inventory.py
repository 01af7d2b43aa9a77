"""The README's "Inventory" section shows the command's real output, and its Usage block lists
the command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from nhilint.cli import main

ROOT = Path(__file__).resolve().parents[1]


def section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = re.search(rf"^## {re.escape(title)}\n", text, re.MULTILINE)
    assert start, f"README has no section {title!r}"
    return text[start.end():].split("\n## ", 1)[0]


def block(body: str, language: str) -> str:
    found = re.search(rf"^```{language}\n(.*?)^```", body, re.MULTILINE | re.DOTALL)
    assert found, f"no {language} block"
    return found.group(1)


def test_the_inventory_excerpt_is_the_command_s_output(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = section("Inventory")
    command = shlex.split(block(body, "sh"))
    assert command[:2] == ["nhilint", "inventory"]
    assert main(command[1:]) == 0
    assert capsys.readouterr().out == block(body, "text"), "update the README's excerpt"


def test_the_usage_block_lists_the_inventory() -> None:
    usage = block(section("Usage"), "text")
    assert "\nnhilint inventory [PATHS…]" in usage
    assert "json (schema nhilint/inventory/v1" in usage
