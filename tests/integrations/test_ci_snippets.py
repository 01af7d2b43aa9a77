"""The GitHub Action (``action.yml``) and the README's CI snippets: declared as documented, and
their shell steps run for real (the composite action's steps with its ``${{ }}`` expressions
filled in as a runner would, the GitLab job's nhilint command) on the example."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from integration_helpers import EXAMPLE, ROOT, TAG, clean_env, copy_source, run
from readme_blocks import readme_block

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def step(name: str) -> dict[str, Any]:
    (found,) = [s for s in ACTION["runs"]["steps"] if s.get("name") == name]
    return found  # type: ignore[no-any-return]


def test_the_action_s_inputs() -> None:
    inputs = ACTION["inputs"]
    assert set(inputs) == {"paths", "fail-on", "config", "version"}
    assert {k: v["default"] for k, v in inputs.items()} == {
        "paths": ".", "fail-on": "high", "config": "", "version": "",
    }
    assert not any(v["required"] for v in inputs.values())
    assert all(v["description"] for v in inputs.values())


def test_the_action_s_steps() -> None:
    steps = ACTION["runs"]["steps"]
    assert ACTION["runs"]["using"] == "composite"
    assert [s.get("uses", "run").split("@")[0] for s in steps] == [
        "actions/setup-python", "run", "run", "github/codeql-action/upload-sarif", "run",
    ]
    assert steps[0]["uses"] == "actions/setup-python@v5"
    assert "${{ github.action_path }}" in step("Install nhilint")["env"].values()
    assert "--format sarif --output nhilint.sarif" in step("Run nhilint")["run"]
    upload = step("Upload the report to code scanning")
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["with"]["sarif_file"] == "nhilint.sarif"
    assert upload["if"].startswith("always()")
    assert ACTION["outputs"]["exit-code"]["value"] == "${{ steps.check.outputs.exit-code }}"


def expand(text: str, context: dict[str, str]) -> str:
    """``${{ expr }}`` replaced as the runner would; an expression the test does not know fails."""
    return EXPRESSION.sub(lambda m: context[m.group(1)], text)


def run_step(name: str, context: dict[str, str], cwd: Path) -> int:
    """Run one ``run:`` step of the action with bash as the runner does (``-eo pipefail``)."""
    found = step(name)
    script = cwd.parent / "step.sh"
    script.write_text(expand(found["run"], context), encoding="utf-8")
    env = {k: expand(str(v), context) for k, v in found.get("env", {}).items()}
    env["GITHUB_OUTPUT"] = context["GITHUB_OUTPUT"]
    done = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd, clean_env(**env))
    assert done.returncode in (0, 1, 2), done.stderr
    return done.returncode


def outputs(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def runner(tmp_path: Path) -> dict[str, str]:
    """A runner's expression context: the inputs' defaults, the action's checkout (a copy of
    this one, so that pip builds outside it), the Python setup-python gave (this one)."""
    (tmp_path / "runner-temp").mkdir()
    (tmp_path / "github-output").touch()
    context = {f"inputs.{k}": v["default"] for k, v in ACTION["inputs"].items()}
    context.update({
        "github.action_path": str(copy_source(tmp_path / "action")),
        "runner.temp": str(tmp_path / "runner-temp"),
        "steps.python.outputs.python-path": sys.executable,
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
    })
    return context


def rules_found(cwd: Path) -> set[str]:
    """The rules ``nhilint check infra`` reports in ``cwd`` (the example's, whatever rules
    are added later): what every format must carry."""
    done = run([sys.executable, "-m", "nhilint", "check", "infra", "--format", "json"], cwd)
    found = {f["rule"] for f in json.loads(done.stdout)["findings"]}
    assert {"NHI001", "NHI002", "NHI003", "NHI004", "NHI011"} <= found
    return found


def workspace(tmp_path: Path) -> Path:
    target = tmp_path / "workspace"
    shutil.copytree(EXAMPLE, target / "infra")
    return target


def test_the_action_installs_scans_and_exits_with_nhilint_s_code(
    runner: dict[str, str], tmp_path: Path
) -> None:
    cwd = workspace(tmp_path)
    runner["inputs.paths"] = "infra\n"
    assert run_step("Install nhilint", runner, cwd) == 0
    assert run_step("Run nhilint", runner, cwd) == 0  # whatever it finds: the upload follows
    sarif = json.loads((cwd / "nhilint.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == rules_found(cwd)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"infra/main.tf", "infra/policy.tf"}
    code = outputs(Path(runner["GITHUB_OUTPUT"]))["exit-code"]
    runner["steps.check.outputs.exit-code"] = code
    assert (code, run_step("Exit with nhilint's exit code", runner, cwd)) == ("1", 1)


def readme_workflow() -> dict[str, Any]:
    return yaml.safe_load(readme_block("GitHub Actions", "yaml"))  # type: ignore[no-any-return]


def test_the_readme_workflow_uses_the_action() -> None:
    workflow = readme_workflow()
    assert workflow["permissions"]["security-events"] == "write"
    (job,) = workflow["jobs"].values()
    checkout, nhilint = job["steps"]
    assert checkout["uses"].startswith("actions/checkout@")
    owner_repo, ref = nhilint["uses"].split("@")
    assert (owner_repo.split("/")[1], ref) == ("nhilint", TAG)
    assert set(nhilint["with"]) <= set(ACTION["inputs"])


def readme_gitlab_job() -> dict[str, Any]:
    (job,) = yaml.safe_load(readme_block("GitLab CI", "yaml")).values()
    return job  # type: ignore[no-any-return]


def test_the_readme_gitlab_job_reports_code_quality() -> None:
    job = readme_gitlab_job()
    report = job["artifacts"]["reports"]["codequality"]
    assert job["artifacts"]["when"] == "always"
    assert f"nhilint check --format gitlab --output {report}" in job["script"]
    assert any(f"@{TAG}" in line for line in job["script"] if line.startswith("pip install"))


def test_the_readme_gitlab_job_s_command_writes_the_report(tmp_path: Path) -> None:
    job = readme_gitlab_job()
    (command,) = [line for line in job["script"] if line.startswith("nhilint ")]
    cwd = workspace(tmp_path)
    nhilint = Path(sys.executable).parent / "nhilint"
    done = run([nhilint, *shlex.split(command)[1:]], cwd)
    assert done.returncode == 1, done.stderr
    issues = json.loads((cwd / job["artifacts"]["reports"]["codequality"]).read_text())
    assert {i["check_name"] for i in issues} == rules_found(cwd)
    assert {i["location"]["path"] for i in issues} == {"infra/main.tf", "infra/policy.tf"}
