"""``severity-overrides`` as a platform team uses it: the severity every report shows and the
one ``fail-on`` compares are the overridden ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nhilint.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "aws-ci"


@pytest.fixture
def estate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLE, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def severities(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    code = main(["check", "infra", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return code, {f["rule"]: f["severity"] for f in report["findings"]}


def test_overrides_change_the_reported_severity_and_the_exit_code(
    estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert severities(capsys) == (1, {
        "NHI001": "critical", "NHI002": "high", "NHI003": "high", "NHI004": "medium",
        "NHI011": "high", "NHI012": "high", "NHI015": "high",
    })
    (estate / ".nhilint.toml").write_text(
        'severity-overrides = { NHI001 = "low", no-owner = "low", NHI003 = "info", '
        'NHI011 = "medium", NHI004 = "critical" }\nfail-on = "critical"\n'
    )
    assert severities(capsys) == (1, {
        "NHI001": "low", "NHI002": "low", "NHI003": "info", "NHI004": "critical",
        "NHI011": "medium", "NHI012": "high", "NHI015": "high",
    })
    (estate / ".nhilint.toml").write_text(
        'severity-overrides = { NHI001 = "low", NHI004 = "low" }\nfail-on = "critical"\n'
    )
    assert severities(capsys)[0] == 0  # nothing left at or above critical
