"""The example rule pack (examples/rule-pack) as a platform team ships it: its fixtures pass
with the harness nhilint exports, and installed with pip its rules fire in ``nhilint check``
and are listed by ``nhilint rules``; uninstalled, they are gone.

The install goes into a throw-away virtual environment that sees this one's packages (a
``.pth`` file), so the test needs no network and leaves this environment as it was; the pack
is built without isolation, with this environment's setuptools (the ``test`` extra asks for
one that builds wheels by itself; an older one, as a bare ``python -m venv`` has, is topped up
in the throw-away environment from the configured package index).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

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


def _environment(where: Path) -> Path:
    """A virtual environment without pip that imports this environment's packages."""
    venv.create(where, with_pip=False)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    parents = [*site.getsitepackages(), site.getusersitepackages()]
    lines = "".join(f"import site; site.addsitedir({p!r})\n" for p in parents)
    Path(purelib, "_nhilint_test_parent.pth").write_text(lines, encoding="utf-8")
    if not _builds_wheels():
        _pip(python, "install", "--no-deps", "setuptools>=77")
    return python


def _builds_wheels() -> bool:
    """This environment's setuptools builds a wheel without the ``wheel`` package (70.1+)."""
    import setuptools

    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _pip(python: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check",
         "--no-input", *args],
        check=True, capture_output=True, text=True, timeout=120,
    )


def _nhilint(python: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([python, "-m", "nhilint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_pack_installed_with_pip_fires_and_is_listed_and_uninstalled_is_gone(
    tmp_path: Path,
) -> None:
    source = tmp_path / "rule-pack"  # a copy: the build writes egg-info beside the sources
    shutil.copytree(PACK, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    python = _environment(tmp_path / "env")
    infra = tmp_path / "infra"
    shutil.copytree(PACK / "tests" / "fixtures" / "EXA001" / "ci_roles", infra)

    _pip(python, "install", "--no-deps", "--no-build-isolation", "--no-index", str(source))
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

    _pip(python, "uninstall", "--yes", DIST)
    listed = _nhilint(python, tmp_path, "rules")
    assert listed.returncode == 0 and "EXA00" not in listed.stdout
    checked = _nhilint(python, tmp_path, "check", "--format", "json", "infra")
    assert checked.returncode == 0, checked.stderr
    assert _rules_found(checked.stdout) == set()


def _rules_found(report: str) -> set[str]:
    return {f["rule"] for f in json.loads(report)["findings"]}
