"""The example rule pack (examples/rule-pack) as a platform team ships it: its fixtures pass
with the harness nhilint exports, and installed with pip its rules fire in ``nhilint check``
and are listed by ``nhilint rules``; uninstalled, they are gone.

The install goes into a throw-away environment (tests/pack_env.py), so this one stays as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pack_env import environment, pip

from nhilint.registry import collect
from nhilint.testing import assert_fixtures

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "examples" / "rule-pack"
DIST = "nhilint-rule-pack-example"


def test_the_pack_fixtures_pass_with_nhilint_testing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PACK / "src"))
    rules = collect(["nhilint_rule_pack_example"])
    assert [r.id for r in rules] == ["EXA001", "EXA002"]
    assert_fixtures(PACK / "tests" / "fixtures", rules=rules)


def test_the_pack_own_tests_pass() -> None:
    """The pack's suite (fixtures, fresh rule pages) as its authors run it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(PACK / "src")])}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(PACK / "tests")],
        cwd=PACK, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def _nhilint(python: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([python, "-m", "nhilint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_pack_installed_with_pip_fires_and_is_listed_and_uninstalled_is_gone(
    tmp_path: Path,
) -> None:
    source = tmp_path / "rule-pack"  # a copy: the build writes egg-info beside the sources
    shutil.copytree(PACK, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    python = environment(tmp_path / "env")
    infra = tmp_path / "infra"
    shutil.copytree(PACK / "tests" / "fixtures" / "EXA001" / "ci_roles", infra)

    pip(python, "install", "--no-deps", "--no-build-isolation", "--no-index", str(source))
    listed = _nhilint(python, tmp_path, "rules")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line.split() for line in listed.stdout.splitlines()}
    assert rows["EXA001"][1:5] == ["ci-role-without-boundary", "high", DIST, "aws"]
    assert rows["EXA002"][3] == DIST
    checked = _nhilint(python, tmp_path, "check", "--format", "json", "infra")
    assert checked.returncode == 1, checked.stderr
    assert _rules_found(checked.stdout) == {"EXA001"}
    shown = _nhilint(python, tmp_path, "rule", "EXA001")
    assert "## Use instead" in shown.stdout

    pip(python, "uninstall", "--yes", DIST)
    listed = _nhilint(python, tmp_path, "rules")
    assert listed.returncode == 0 and "EXA00" not in listed.stdout
    checked = _nhilint(python, tmp_path, "check", "--format", "json", "infra")
    assert checked.returncode == 0, checked.stderr
    assert _rules_found(checked.stdout) == set()


def _rules_found(report: str) -> set[str]:
    return {f["rule"] for f in json.loads(report)["findings"]}
