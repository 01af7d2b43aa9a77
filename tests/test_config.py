"""Configuration a platform team writes: owner keys, automation patterns, selection."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nhilint.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "examples" / "aws-ci", tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rules(capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    main(["check", "infra", "--format", "json", *args])
    return {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}


def test_owner_tag_keys(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tf = example / "infra" / "main.tf"
    tf.write_text(tf.read_text().replace('path = "/automation/"', 'tags = { squad = "ci" }'))
    assert "NHI002" in rules(capsys)
    (example / ".nhilint.toml").write_text('owner-tag-keys = ["squad"]\n')
    assert "NHI002" not in rules(capsys)


def test_pyproject_table_and_selection(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (example / "pyproject.toml").write_text('[tool.nhilint]\nselect = ["NHI001"]\n')
    assert rules(capsys) == {"NHI001"}
    assert rules(capsys, "--select", "NHI002") == {"NHI002"}


def test_console_login_is_a_person(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (example / "infra" / "main.tf").write_text(
        'resource "aws_iam_user" "ci" {\n  name = "ci-deployer"\n}\n'
        'resource "aws_iam_user_login_profile" "ci" {\n  user = aws_iam_user.ci.name\n}\n'
    )
    assert rules(capsys) == {"NHI011"}


def test_automation_patterns(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (example / "infra" / "main.tf").write_text(
        'resource "aws_iam_user_policy_attachment" "x" {\n  user = "nightly-mover"\n'
        '  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"\n}\n'
    )
    (example / "infra" / "policy.tf").unlink()
    assert rules(capsys) == {"NHI011", "NHI901"}  # is "nightly-mover" automation? unknown
    (example / ".nhilint.toml").write_text('automation-patterns = ["mover"]\n')
    assert rules(capsys) == {"NHI003", "NHI004", "NHI011", "NHI901"}  # owner: not declared here


def test_unknown_key_is_an_error_with_a_hint(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (example / ".nhilint.toml").write_text('owner-tags = ["x"]\n')
    assert main(["check", "infra"]) == 2
    assert "unknown key 'owner-tags' (did you mean 'owner-tag-keys'?)" in capsys.readouterr().err


def test_bad_values_are_errors(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (example / ".nhilint.toml").write_text('automation-patterns = ["("]\n')
    assert main(["check", "infra"]) == 2
    (example / ".nhilint.toml").write_text('fail-on = "severe"\n')
    assert main(["check", "infra"]) == 2
    assert main(["check", "infra", "--config", "missing.toml"]) == 2
    assert "missing.toml" in capsys.readouterr().err


def test_fail_on_from_config(example: Path) -> None:
    (example / ".nhilint.toml").write_text('fail-on = "critical"\nignore = ["NHI001"]\n')
    assert main(["check", "infra"]) == 0
