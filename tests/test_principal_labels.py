"""Principals declared elsewhere are named as a user would write them, never as a template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nhilint.cli import main

MODULE = """\
resource "aws_iam_user_policy" "by_reference" {
  user   = aws_iam_user.deployer.name
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })
}

resource "aws_iam_user_policy" "by_variable" {
  user   = var.ci_user
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })
}

resource "aws_iam_user_policy" "by_name" {
  user   = "release-bot"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })
}

resource "aws_iam_role_policy_attachment" "by_arn" {
  role       = "arn:aws:iam::123456789012:role/PlatformEngineers"
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}
"""


def test_external_principals_are_named_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text(MODULE)
    monkeypatch.chdir(tmp_path)
    main(["check", ".", "--format", "json"])
    messages = " | ".join(f["message"] for f in json.loads(capsys.readouterr().out)["findings"])
    for named in (
        "cannot tell whether aws_iam_user.deployer (undeclared in this module) is",
        "cannot tell whether aws_iam_user (named by var.ci_user) is",
        'automation principal aws_iam_user "release-bot" can alter identity',
        "cannot tell whether arn:aws:iam::123456789012:role/PlatformEngineers is",
    ):
        assert named in messages
    assert "${" not in messages
    main(["inventory", ".", "--format", "json"])
    listed = json.loads(capsys.readouterr().out)["modules"][0]["principals"]
    assert {p["ref"] if isinstance(p["ref"], str) else "unknown" for p in listed} >= {
        "release-bot", "arn:aws:iam::123456789012:role/PlatformEngineers"}
