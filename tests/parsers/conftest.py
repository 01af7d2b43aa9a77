from __future__ import annotations

from pathlib import Path

import pytest
from hcl_helpers import Tf


@pytest.fixture
def tf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tf:
    monkeypatch.chdir(tmp_path)
    return Tf(tmp_path)

