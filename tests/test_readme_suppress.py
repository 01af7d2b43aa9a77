"""The README's "Suppressions and baseline" snippets do what the README says they do."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest
from readme_blocks import readme_block

from nhilint.cli import main

ROOT = Path(__file__).resolve().parents[1]
SECTION = "Suppressions and baseline"


def block(language: str) -> str:
    return readme_block(SECTION, language)


@pytest.fixture
def estate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "examples" / "aws-ci", tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_inline_suppression_hides_its_rules_with_its_reason(
    estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snippet = block("hcl")
    directive, resource = snippet.strip().splitlines()
    main_tf = estate / "infra" / "main.tf"
    assert resource in main_tf.read_text()
    main_tf.write_text(main_tf.read_text().replace(resource, snippet.strip()))
    main(["check", "infra", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    reason = directive.split(" -- ", 1)[1]
    assert {(s["rule"], s["suppression"]["reason"]) for s in report["suppressed"]} == {
        ("NHI001", reason), ("NHI004", reason),
    }
    assert {f["rule"] for f in report["findings"]} == {
        "NHI002", "NHI003", "NHI011", "NHI012", "NHI015"}
    main(["check", "infra"])
    assert capsys.readouterr().out.splitlines()[-1].endswith(
        "; 2 suppressed (2 inline); --show-suppressed lists them"
    )


def test_the_baseline_commands_keep_the_estate_green_and_new_findings_fail(
    estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write, check = (shlex.split(line) for line in block("sh").strip().splitlines())
    assert write[0] == check[0] == "nhilint"
    assert main(check[1:3]) == 1  # before the baseline
    assert main(write[1:]) == 0
    assert main(check[1:]) == 0
    (estate / "infra" / "bot.tf").write_text(
        'resource "aws_iam_user" "bot" {\n  name = "release-bot"\n}\n'
        'resource "aws_iam_access_key" "bot" {\n  user = aws_iam_user.bot.name\n}\n'
        'resource "aws_iam_user_policy_attachment" "bot" {\n  user = aws_iam_user.bot.name\n'
        '  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"\n}\n'
    )
    capsys.readouterr()
    assert main(check[1:]) == 1
    assert "aws_iam_user.bot" in capsys.readouterr().out
