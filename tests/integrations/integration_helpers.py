"""What the integration tests share: this checkout as a source tree that tools install from,
git repositories, subprocesses that see no user's git configuration, the README's snippets."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "aws-ci"
#: what installing nhilint needs, and what a hook repository holds
SOURCE = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "nhilint")
TAG = "v0.1.0"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment with no git or pre-commit settings of the user's, and a git identity."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="nhilint tests", GIT_AUTHOR_EMAIL="tests@nhilint.invalid",
        GIT_COMMITTER_NAME="nhilint tests", GIT_COMMITTER_EMAIL="tests@nhilint.invalid",
    )
    env.update(extra)
    return env


def run(
    args: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env or clean_env(),
        capture_output=True, text=True, timeout=900, check=False,
    )


def git(cwd: Path, *args: str) -> None:
    done = run(["git", *args], cwd)
    assert done.returncode == 0, done.stderr


def copy_source(target: Path) -> Path:
    """This checkout's working tree (what ``pip install`` reads) copied to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SOURCE:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def fix_example(repo: Path) -> None:
    """The user's fix: the access key and the policy are gone (the CI user will federate)."""
    main = repo / "infra" / "main.tf"
    text = main.read_text(encoding="utf-8")
    key = text.index('resource "aws_iam_access_key"')
    main.write_text(text[:key], encoding="utf-8")
    (repo / "infra" / "policy.tf").unlink()
    git(repo, "add", "-A")
