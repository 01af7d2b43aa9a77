"""The engine's seams as a user of the scan result sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhilint.engine import Options, scan

ROOT = Path(__file__).resolve().parent.parent


def test_the_result_keeps_each_module_graph_and_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = tmp_path / "live"
    child = live / "modules" / "ci"
    child.mkdir(parents=True)
    for name in ("main.tf", "policy.tf"):
        (child / name).write_text((ROOT / "examples" / "aws-ci" / name).read_text())
    (live / "main.tf").write_text('module "ci" {\n  source = "./modules/ci"\n}\n')
    monkeypatch.chdir(tmp_path)
    result = scan([Path("live")], Options())
    assert dict(result.roles) == {"live": "root", "live/modules/ci": "child"}
    graphs = dict(result.graphs)
    (principal,) = graphs["live/modules/ci"].principals
    assert principal.address == "aws_iam_user.ci"
    assert {f.rule for f in result.findings} >= {"NHI001", "NHI011"}
