from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, so reported paths are relative to it."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture
def example_report(in_repo: Path) -> dict[str, Any]:
    """``nhilint check examples/aws-ci --format json``, for tests that render the example in
    another format and compare it finding by finding (rules added later change the count)."""
    from nhilint.engine import Options, scan
    from nhilint.report import json_report

    result = scan([Path("examples/aws-ci")], Options())
    return json_report.as_dict(result)
