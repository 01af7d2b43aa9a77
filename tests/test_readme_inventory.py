"""The README's "Inventory" section shows the command's real output, and its Usage block lists
the command."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from readme_blocks import block, section

from nhilint.cli import main

ROOT = Path(__file__).resolve().parents[1]


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
