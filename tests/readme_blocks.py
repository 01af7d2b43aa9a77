"""The README's sections and code blocks, for the tests that hold its snippets to the code."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def section(title: str) -> str:
    """The body of the README section titled ``title`` (up to the next ``## `` heading)."""
    text = README.read_text(encoding="utf-8")
    start = re.search(rf"^## {re.escape(title)}\n", text, re.MULTILINE)
    assert start, f"README has no section {title!r}"
    return text[start.end():].split("\n## ", 1)[0]


def block(body: str, language: str) -> str:
    """The first ``language`` code block of ``body``."""
    found = re.search(rf"^```{language}\n(.*?)^```", body, re.MULTILINE | re.DOTALL)
    assert found, f"no {language} block"
    return found.group(1)


def readme_block(title: str, language: str) -> str:
    """The first ``language`` code block of the README section titled ``title``."""
    return block(section(title), language)
