"""docs/custom-rules.md as a reader follows it: every code block, in order, in an empty
directory.

A block whose first line is ``# <path>`` is a file, written there without that label line; a
``sh`` block is run line by line with bash (``nhilint``, ``python`` and ``pip`` are those of a
throw-away environment, see tests/pack_env.py), each line exiting 0 unless it says ``# exits
N``; a ``text`` block is what the command before it prints: each of its lines, spaces aside, is
in the output, in order.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pack_env import environment

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "custom-rules.md"
_BLOCK = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)
_FILE = re.compile(r"^# (?P<path>[\w./-]+)\n")
_EXITS = re.compile(r"#\s*exits\s+(?P<code>\d+)\s*$")


def blocks(path: Path = GUIDE) -> list[tuple[str, str]]:
    """The fenced code blocks of a markdown file (at the start of a line), in order."""
    text = path.read_text(encoding="utf-8")
    return [(m.group("lang"), m.group("body")) for m in _BLOCK.finditer(text)]


def _tools(env_python: Path, where: Path) -> dict[str, str]:
    """A PATH whose ``nhilint``, ``python`` and ``pip`` are the throw-away environment's."""
    bin_dir = where / "bin"
    bin_dir.mkdir()
    scripts = {
        "nhilint": f'exec "{env_python}" -m nhilint "$@"\n',
        "python": f'exec "{env_python}" "$@"\n',
        "pip": (
            'if [ "$1" = install ]; then shift; '
            'set -- install --no-deps --no-build-isolation --no-index "$@"; fi\n'
            f'exec "{sys.executable}" -m pip --python "{env_python}" '
            '--disable-pip-version-check -q "$@"\n'
        ),
    }
    for name, body in scripts.items():
        script = bin_dir / name
        script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(ROOT)}


def _shown(expected: str, output: str) -> list[str]:
    """The expected lines not found (spaces aside) in ``output`` in order."""
    lines = [" ".join(line.split()) for line in output.splitlines()]
    missing: list[str] = []
    at = 0
    for wanted in (" ".join(line.split()) for line in expected.splitlines()):
        if not wanted:
            continue
        found = next((i for i in range(at, len(lines)) if wanted in lines[i]), None)
        if found is None:
            missing.append(wanted)
        else:
            at = found + 1
    return missing


def test_every_block_is_a_file_a_command_or_its_output() -> None:
    kinds = [lang for lang, _ in blocks()]
    assert set(kinds) <= {"python", "toml", "hcl", "sh", "text"}
    for lang, body in blocks():
        if lang in ("python", "toml", "hcl"):
            assert _FILE.match(body), f"a {lang} block names its file first: {body[:40]!r}"
    assert kinds.index("text") > kinds.index("sh")


def test_the_guide_runs_as_written(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    work.mkdir()
    env = _tools(environment(tmp_path / "env"), tmp_path)
    output = ""
    ran = 0
    for lang, body in blocks():
        named = _FILE.match(body)
        if named and lang != "sh":
            target = work / named.group("path")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body[named.end():], encoding="utf-8")  # the label is no line
        elif lang == "sh":
            for line in filter(str.strip, body.splitlines()):
                exits = _EXITS.search(line)
                done = subprocess.run(["bash", "-c", line], cwd=work, env=env,
                                      capture_output=True, text=True, timeout=120)
                output = done.stdout + done.stderr
                code = int(exits.group("code")) if exits else 0
                assert done.returncode == code, f"{line}: exit {done.returncode}\n{output}"
                ran += 1
        elif lang == "text":
            assert _shown(body, output) == [], output
        else:
            pytest.fail(f"a {lang} block that names no file: {body[:40]!r}")
    assert ran >= 6
