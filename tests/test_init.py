"""``nhilint init``: the starter config, written once, read back as written."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from nhilint.cli import main
from nhilint.config import KEYS, Config, load
from nhilint.starter import starter

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_writes_the_starter_and_prints_its_path(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    assert capsys.readouterr() == (".nhilint.toml\n", "")
    assert (here / ".nhilint.toml").read_text(encoding="utf-8") == starter()
    (here / "infra").mkdir()
    assert main(["init", "infra"]) == 0
    assert capsys.readouterr().out == f"{Path('infra', '.nhilint.toml')}\n"
    assert [p.name for p in (here / "infra").iterdir()] == [".nhilint.toml"]  # nothing else


def test_the_starter_is_every_default(here: Path) -> None:
    (here / ".nhilint.toml").write_text(starter(), encoding="utf-8")
    assert load(here / ".nhilint.toml") == Config(source=".nhilint.toml", fail_on="high")


def test_the_starter_lists_every_key_with_a_comment() -> None:
    lines = starter().splitlines()
    for key in KEYS:
        pattern = r"# \[\[suppress\]\]" if key == "suppress" else rf"{re.escape(key)} = "
        (at,) = [n for n, line in enumerate(lines) if re.match(pattern, line)]
        assert lines[at - 1].startswith("# "), key
    assert all(len(line) <= 100 for line in lines)
    suppress = starter().split("# [[suppress]]\n", 1)[1]
    example = "".join(line[2:].split("  #")[0].rstrip() + "\n" for line in suppress.splitlines())
    assert load_text(example, Path.cwd()).suppress  # the commented example is valid when enabled


def load_text(text: str, folder: Path) -> Config:
    path = folder / "example.toml"
    path.write_text("[[suppress]]\n" + text, encoding="utf-8")
    try:
        return load(path)
    finally:
        path.unlink()


def test_init_refuses_to_overwrite(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / ".nhilint.toml").write_text('fail-on = "low"\n')
    assert main(["init"]) == 2
    assert capsys.readouterr() == (
        "", "nhilint: error: .nhilint.toml already exists (use --force to overwrite it)\n"
    )
    assert (here / ".nhilint.toml").read_text() == 'fail-on = "low"\n'


def test_init_force_overwrites(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / ".nhilint.toml").write_text('fail-on = "low"\n')
    (here / ".nhilint.toml").chmod(0o600)
    assert main(["init", "--force", "."]) == 0
    assert capsys.readouterr().out == ".nhilint.toml\n"
    assert (here / ".nhilint.toml").read_text(encoding="utf-8") == starter()
    assert (here / ".nhilint.toml").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in here.iterdir()] == [".nhilint.toml"]  # no temporary file left


def test_init_into_a_missing_directory_is_an_error(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "nowhere"]) == 2
    assert capsys.readouterr().err == "nhilint: error: nowhere: no such directory\n"
    assert not (here / "nowhere").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anywhere")
def test_init_into_a_read_only_directory_is_an_error(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = here / "locked"
    locked.mkdir(mode=0o500)
    try:
        assert main(["init", "locked"]) == 2
    finally:
        locked.chmod(0o700)
    target = Path("locked", ".nhilint.toml")
    assert capsys.readouterr().err == f"nhilint: error: cannot write {target}: Permission denied\n"


def findings(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[object]]:
    code = main(["check", "infra", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_check_accepts_the_starter_as_written(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "examples" / "aws-ci", here / "infra")
    (here / "empty.toml").write_text("")
    usual = findings(capsys, "--config", "empty.toml")
    assert usual[0] == 1 and usual[1]
    assert main(["init"]) == 0
    capsys.readouterr()
    assert findings(capsys) == usual  # found beside the scanned path's parent
    assert findings(capsys, "--config", ".nhilint.toml") == usual
