"""Fixtures of the integration tests: a hook repository made from this checkout, and a
user's repository holding the example."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from integration_helpers import EXAMPLE, TAG, copy_source, git


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout as a hook repository tagged like a release.  A copy, because
    ``pre-commit try-repo`` on a checkout takes its commits and tracked changes only."""
    repo = copy_source(tmp_path_factory.mktemp("hook-repo"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "nhilint")
    git(repo, "tag", TAG)
    return repo


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    """A user's repository holding the example: a CI user with an access key in
    ``infra/main.tf`` and its ``iam:*`` policy in ``infra/policy.tf``."""
    repo = tmp_path / "user"
    shutil.copytree(EXAMPLE, repo / "infra")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    return repo
