"""The pre-commit hook as a user meets it: the real ``pre-commit`` installs it from a hook
repository into its own environment and runs it on a repository holding the example."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from identify.identify import tags_from_filename
from integration_helpers import ROOT, TAG, clean_env, fix_example, run
from pre_commit.clientlib import load_manifest
from readme_blocks import readme_block

PRE_COMMIT = (sys.executable, "-m", "pre_commit")


def manifest() -> list[dict[str, object]]:
    return load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))  # type: ignore[no-any-return]


def test_the_hook_is_declared_as_the_design_says() -> None:
    (hook,) = manifest()
    assert (hook["id"], hook["entry"], hook["language"]) == ("nhilint", "nhilint check", "python")
    assert hook["require_serial"] is True
    assert hook["pass_filenames"] is True


@pytest.mark.parametrize(("name", "taken"), [
    ("main.tf", True), ("infra/iam.tf", True), ("main.tf.json", True),
    ("terraform.tfvars", True), ("prod.auto.tfvars", True), ("prod.tfvars", True),
    (".terraform.lock.hcl", False), ("package.json", False), ("main.py", False),
    ("notes.tf.md", False),
])
def test_the_hook_takes_terraform_files_only(name: str, taken: bool) -> None:
    (hook,) = manifest()
    by_name = re.search(str(hook["files"]), name) is not None
    by_type = bool(set(hook["types_or"]) & tags_from_filename(name))  # type: ignore[arg-type]
    assert (by_name and by_type) is taken


def try_repo(hook_repo: Path, repo: Path, *files: str) -> tuple[int, str]:
    which = ["--files", *files] if files else ["--all-files"]
    done = run([*PRE_COMMIT, "try-repo", hook_repo, "nhilint", *which], repo)
    return done.returncode, done.stdout + done.stderr


def test_try_repo_fails_on_the_example_then_passes_once_fixed(
    hook_repo: Path, user_repo: Path
) -> None:
    code, out = try_repo(hook_repo, user_repo)
    assert code == 1, out
    assert re.search(r"^nhilint\.+Failed$", out, re.MULTILINE), out
    assert "8: critical NHI001 static-secret: automation principal aws_iam_user.ci" in out
    assert "1: high NHI011 identity-admin-policy" in out
    fix_example(user_repo)
    code, out = try_repo(hook_repo, user_repo)
    assert code == 0, out
    assert re.search(r"^nhilint\.+Passed$", out, re.MULTILINE), out


def test_a_changed_file_is_judged_with_its_whole_module(hook_repo: Path, user_repo: Path) -> None:
    """Only main.tf changed: its user is judged with the policy in policy.tf, and the policy's
    own finding (in policy.tf) is not reported."""
    code, out = try_repo(hook_repo, user_repo, "infra/main.tf")
    assert code == 1, out
    assert "NHI003 wildcard-scope: automation principal aws_iam_user.ci holds an unbounded" in out
    assert "NHI011" not in out


def readme_config() -> dict[str, object]:
    return yaml.safe_load(readme_block("pre-commit", "yaml"))  # type: ignore[no-any-return]


def test_the_readme_config_names_the_hook_at_a_release_tag() -> None:
    (repo,) = readme_config()["repos"]  # type: ignore[misc]
    assert repo["rev"] == TAG
    assert re.fullmatch(r"https://github\.com/[\w.-]+/nhilint", repo["repo"])
    assert [h["id"] for h in repo["hooks"]] == [h["id"] for h in manifest()]


def test_the_readme_config_runs(hook_repo: Path, user_repo: Path, tmp_path: Path) -> None:
    """The README's ``.pre-commit-config.yaml``, pointed at the hook repository (tagged as
    in the README), installed and run as ``pre-commit run`` would in the user's repository."""
    config = readme_config()
    config["repos"][0]["repo"] = str(hook_repo)  # type: ignore[index]
    (user_repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = clean_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    done = run([*PRE_COMMIT, "run", "--all-files"], user_repo, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "NHI001 static-secret" in done.stdout
    fix_example(user_repo)
    done = run([*PRE_COMMIT, "run", "--all-files"], user_repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
