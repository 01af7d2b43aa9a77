"""What every format shares: the CLI offers it, and secret values never reach a report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nhilint.cli import main
from nhilint.report import RENDERERS

NEW_FORMATS = ("sarif", "gitlab", "junit", "github", "markdown")
SECRET = "SECRET-VALUE-7f3a9c"
#: the example, with secret values where Terraform holds them: a variable's default, a key's
#: PGP key, a login profile, a tag
SECRETS_TF = f"""
variable "token" {{
  default = "{SECRET}"
}}

resource "aws_iam_access_key" "ci2" {{
  user    = aws_iam_user.ci.name
  pgp_key = var.token
}}

resource "aws_iam_user_login_profile" "ci" {{
  user    = aws_iam_user.ci.name
  pgp_key = "{SECRET}"
}}

resource "aws_iam_service_specific_credential" "ci" {{
  service_name = "codecommit.amazonaws.com"
  user_name    = aws_iam_user.ci.name
}}

resource "aws_iam_user" "bot" {{
  name = "deploy-bot"
  tags = {{ token = "{SECRET}" }}
}}

resource "aws_iam_user_policy_attachment" "bot" {{
  user       = aws_iam_user.bot.name
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}}
"""


def test_every_format_is_a_choice_of_the_cli() -> None:
    assert set(NEW_FORMATS) <= set(RENDERERS)


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_no_secret_value_in_any_report(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "aws-ci", tmp_path / "ci")
    (tmp_path / "ci" / "secrets.tf").write_text(SECRETS_TF, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "ci", "--format", fmt]) == 1
    out = capsys.readouterr().out
    assert "aws_iam_user.bot" in out.replace("\\_", "_")  # the bot is reported (markdown escapes _)
    assert SECRET not in out
