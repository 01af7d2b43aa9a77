"""nhilint's checks inside the real checkov: checkov in a virtual environment of its own (never
nhilint's: its ``bc-python-hcl2`` installs over python-hcl2's ``hcl2``), nhilint installed
into it from this checkout, ``checkov --external-checks-dir "$(nhilint checkov-checks-dir)"``.

The environment is made once and kept: ``$NHILINT_CHECKOV_VENV`` (``.ci/run`` sets it), else
``$XDG_CACHE_HOME/nhilint/checkov-venv`` (``~/.cache`` without it); a lock beside it keeps
concurrent runs apart.  The tests are skipped only when checkov cannot be installed at all.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from integration_helpers import EXAMPLE, clean_env, copy_source, run
from readme_blocks import readme_block

from nhilint.engine import collect_rules
from nhilint.integrations.lookup import DATA_TYPES, local_address

CHECKOV = "checkov>=3.2,<4"
Result = tuple[str, str, str]  # (rule, resource, absolute file)


def venv_dir() -> Path:
    if os.environ.get("NHILINT_CHECKOV_VENV"):
        return Path(os.environ["NHILINT_CHECKOV_VENV"])
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache, "nhilint", "checkov-venv")


def pip(venv: Path, *args: str | Path) -> tuple[int, str]:
    done = run([venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check", *args], venv)
    return done.returncode, (done.stdout + done.stderr)[-3000:]


def usable(venv: Path) -> bool:
    """Made for this requirement, and its Python and checkov still import."""
    marker = venv / "nhilint-requirement.txt"
    if not marker.is_file() or marker.read_text(encoding="utf-8") != CHECKOV:
        return False
    return run([venv / "bin" / "python", "-c", "import checkov"], venv).returncode == 0


def create(venv: Path) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    done = run([sys.executable, "-m", "venv", venv], venv.parent)
    code, out = (done.returncode, done.stderr) if done.returncode else pip(venv, "install", CHECKOV)
    if code or not (venv / "bin" / "checkov").exists():
        shutil.rmtree(venv, ignore_errors=True)
        pytest.skip(f"checkov cannot be installed here ({CHECKOV}):\n{out}")
    (venv / "nhilint-requirement.txt").write_text(CHECKOV, encoding="utf-8")


@pytest.fixture(scope="module")
def checkov_bin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bin directory of checkov's environment, with this checkout's nhilint in it."""
    venv = venv_dir()
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not usable(venv):
            create(venv)
        source = copy_source(tmp_path_factory.mktemp("nhilint-source"))
        code, out = pip(venv, "install", "--quiet", source)
        assert code == 0, out
        yield venv / "bin"


def checkov(bin_dir: Path, target: Path, cwd: Path) -> list[dict[str, Any]]:
    checks_dir = run([bin_dir / "nhilint", "checkov-checks-dir"], cwd).stdout.strip()
    # the installed package's directory, not this checkout's
    assert Path(checks_dir).is_relative_to(venv_dir().resolve()), checks_dir
    done = run([
        bin_dir / "checkov", "-d", target, "--external-checks-dir", checks_dir,
        "-o", "json", "--skip-download",
    ], cwd)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "Cannot load external check" not in done.stderr, done.stderr[-3000:]
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    return [
        dict(r, outcome=outcome)
        for report in reports
        for outcome in ("passed", "failed")
        for r in report["results"][f"{outcome}_checks"]
        if r["check_id"].startswith("CKV_NHI_")
    ]


def nhilint_findings(target: Path, cwd: Path) -> set[Result]:
    done = run([sys.executable, "-m", "nhilint", "check", target, "--format", "json"], cwd)
    assert done.returncode == 1, done.stderr
    return {
        (f["rule"], f["resource"], str(cwd / f["path"]))
        for f in json.loads(done.stdout)["findings"]
    }


def failed(results: list[dict[str, Any]], local: bool = False) -> set[Result]:
    return {
        (r["check_id"].removeprefix("CKV_NHI_"), address(r["resource"], local), r["file_abs_path"])
        for r in results if r["outcome"] == "failed"
    }


def address(resource: str, local: bool) -> str:
    """nhilint's address of what checkov names ``resource`` (checkov drops a data source's
    ``data.``: ``aws_iam_policy_document.ci``)."""
    inside = local_address(resource)
    modules = "" if local else resource[: len(resource) - len(inside)]
    data = "data." if inside.split(".", 1)[0] in DATA_TYPES else ""
    return f"{modules}{data}{inside}"


def copy_example(target: Path) -> Path:
    shutil.copytree(EXAMPLE, target)
    return target


def test_checkov_fails_exactly_what_nhilint_check_finds(checkov_bin: Path, tmp_path: Path) -> None:
    target = copy_example(tmp_path / "aws-ci")
    results = checkov(checkov_bin, target, tmp_path)
    assert failed(results) == nhilint_findings(target, tmp_path)
    ci = [r for r in results if r["resource"] == "aws_iam_user.ci" and r["outcome"] == "failed"]
    (static,) = [r for r in ci if r["check_id"] == "CKV_NHI_NHI001"]
    assert static["severity"] == "CRITICAL"
    assert static["details"] == [
        "automation principal aws_iam_user.ci can alter identity (iam:* on *) and holds a "
        "static access key aws_iam_access_key.ci"
    ]
    # every rule is one check, run on every aws_iam_* resource (the outcomes are compared above)
    key = {r["check_id"] for r in results if r["resource"] == "aws_iam_access_key.ci"}
    assert key == {f"CKV_NHI_{rule.id}" for rule in collect_rules()}


def test_each_module_instance_is_reported(checkov_bin: Path, tmp_path: Path) -> None:
    """A root calling the example as a module twice (for_each): checkov reports each instance
    with the findings of the module's source judged once (as a reusable module);
    ``nhilint check`` reports both that and each expanded instance, which are the same here
    (the calls pass no inputs)."""
    root = tmp_path / "root"
    copy_example(root / "modules" / "ci")
    (root / "main.tf").write_text(
        'module "ci" {\n  source   = "./modules/ci"\n  for_each = toset(["prod", "test"])\n}\n'
    )
    results = checkov(checkov_bin, root, tmp_path)
    instances = {r["resource"].split(".aws_")[0] for r in results if r["outcome"] == "failed"}
    assert instances == {'module.ci["prod"]', 'module.ci["test"]'}
    found = nhilint_findings(root, tmp_path)
    assert failed(results, local=True) == {f for f in found if not f[1].startswith("module.")}
    assert failed(results) == {f for f in found if f[1].startswith("module.")}


def test_the_readme_command_runs_the_nhilint_checks(checkov_bin: Path, tmp_path: Path) -> None:
    """The README's ``checkov`` line as a user types it (its ``pip install`` line is what
    ``checkov_bin`` did, from this checkout instead of the release tag)."""
    install, command = readme_block("checkov", "sh").strip().splitlines()
    assert install.startswith("pip install checkov ") and "nhilint @ git+https://" in install
    target = copy_example(tmp_path / "aws-ci")
    path = f"{checkov_bin}{os.pathsep}{os.environ.get('PATH', '')}"
    done = run(["bash", "-c", f"{command} --skip-download --compact"], target, clean_env(PATH=path))
    assert done.returncode == 1, done.stderr[-3000:]
    assert "CKV_NHI_NHI001" in done.stdout and "FAILED for resource: aws_iam_user.ci" in done.stdout
