"""The command line as a user runs it: exit codes, formats, the bundled example."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from readme_blocks import readme_block

from nhilint.cli import main

EXAMPLE = "examples/aws-ci"
#: what the README promises for the example: the CI user on main.tf line 8 (core rules, its
#: escalation path), its unrotated key on line 13 (NHI012) and the policy document that
#: makes it an identity administrator (NHI011, where it is written)
EXAMPLE_FINDINGS = {
    ("examples/aws-ci/main.tf", 8, "NHI015"),
    ("examples/aws-ci/main.tf", 8, "NHI001"),
    ("examples/aws-ci/main.tf", 8, "NHI002"),
    ("examples/aws-ci/main.tf", 8, "NHI003"),
    ("examples/aws-ci/main.tf", 8, "NHI004"),
    ("examples/aws-ci/main.tf", 13, "NHI012"),
    ("examples/aws-ci/policy.tf", 1, "NHI011"),
}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["check", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def schema() -> dict[str, object]:
    text = resources.files("nhilint.report").joinpath("schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def test_example_json(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, EXAMPLE)
    assert code == 1
    jsonschema.validate(report, schema())
    findings = report["findings"]
    assert isinstance(findings, list)
    assert {(f["path"], f["line"], f["rule"]) for f in findings} == EXAMPLE_FINDINGS
    nhi001 = next(f for f in findings if f["rule"] == "NHI001")
    assert nhi001["severity"] == "critical"
    assert nhi001["resource"] == "aws_iam_user.ci"
    assert set(nhi001["resources"]) >= {
        "aws_iam_user.ci", "aws_iam_access_key.ci", "aws_iam_user_policy.ci",
        "data.aws_iam_policy_document.ci",
    }
    assert "iam:* on *" in nhi001["message"]
    policy_line = {(e["path"], e["line"]) for e in nhi001["evidence"]}
    assert ("examples/aws-ci/policy.tf", 2) in policy_line


def test_example_text(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([EXAMPLE]) == 1
    main_tf, policy_tf, summary = capsys.readouterr().out.split("\n\n")
    user = main_tf.splitlines()
    # one block for the CI user: its name, its code line, one evidence chain, then each finding
    assert user[:3] == [
        "examples/aws-ci/main.tf", "  aws_iam_user.ci", '    | resource "aws_iam_user" "ci" {'
    ]
    policy = "    - examples/aws-ci/policy.tf:2 data.aws_iam_policy_document.ci: iam:* on *"
    (chain,) = [i for i, line in enumerate(user) if line.startswith(policy)]
    findings = [line for line in user if line.startswith("  8: ")]
    assert [line.split()[2] for line in findings] == [
        "NHI001", "NHI002", "NHI003", "NHI004", "NHI015"
    ]
    assert findings[0].startswith(
        "  8: critical NHI001 static-secret: automation principal aws_iam_user.ci"
    )
    assert user.index(findings[0]) > chain
    fixes = [line for line in user if line.startswith("    fix: ")]
    assert 1 <= len(fixes) == len(set(fixes)) <= 6
    assert policy_tf.splitlines()[:2] == [
        "examples/aws-ci/policy.tf", "  data.aws_iam_policy_document.ci"
    ]
    assert summary == (
        "7 finding(s) (1 critical, 5 high, 1 medium) in 2 file(s), 4 resource(s), "
        "1 principal(s): NHI001 1, NHI002 1, NHI003 1, NHI004 1, NHI011 1, NHI012 1, "
        "NHI015 1\n"
    )


def test_fail_on_and_select(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([EXAMPLE, "--select", "NHI004", "--fail-on", "high"]) == 0
    assert main([EXAMPLE, "--select", "NHI004", "--fail-on", "medium"]) == 1
    assert main([EXAMPLE, "--ignore", "NHI0"]) == 0  # every rule but NHI901
    assert main([EXAMPLE, "--select", "static-secret", "--fail-on", "critical"]) == 1


UNKNOWN_POLICY = """\
variable "policy_json" {
  type = string
}

resource "aws_iam_role" "worker" {
  name = "queue-worker"
}

resource "aws_iam_role_policy" "worker" {
  role   = aws_iam_role.worker.name
  policy = var.policy_json
}
"""


def test_fail_on_info_counts_info_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text(UNKNOWN_POLICY)
    monkeypatch.chdir(tmp_path)
    code, report = run_json(capsys, ".", "--select", "NHI901", "--fail-on", "info")
    assert code == 1
    assert {f["severity"] for f in report["findings"]} == {"info"}  # type: ignore[union-attr]
    assert main(["check", ".", "--select", "NHI901"]) == 0  # default: high
    assert main(["check", ".", "--select", "NHI901", "--fail-on", "low"]) == 0
    (tmp_path / ".nhilint.toml").write_text('fail-on = "critical"\n')
    assert main(["check", ".", "--select", "NHI901", "--fail-on", "info"]) == 1  # flag wins
    (tmp_path / ".nhilint.toml").write_text('fail-on = "info"\n')
    assert main(["check", ".", "--select", "NHI901"]) == 1


def test_fail_on_info_with_nothing_found_exits_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check", ".", "--fail-on", "info"]) == 0


def test_clean_tree_exits_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check", "."]) == 0


def test_usage_errors_exit_two(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "does/not/exist"]) == 2
    assert main([EXAMPLE, "--select", "NHI999"]) == 2
    assert "no rule matches 'NHI999'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main([EXAMPLE, "--fail-on", "severe"])
    assert exited.value.code == 2


def test_unreadable_input_is_a_diagnostic_and_strict_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.tf").write_text('resource "aws_iam_user" "x" {\n  name = \n')
    monkeypatch.chdir(tmp_path)
    code, report = run_json(capsys, ".")
    jsonschema.validate(report, schema())
    assert code == 0
    diagnostics = report["diagnostics"]
    assert isinstance(diagnostics, list) and diagnostics[0]["code"] == "NHI900"
    assert diagnostics[0]["path"] == "broken.tf"
    assert main(["check", ".", "--strict"]) == 2


def test_named_file_reports_only_its_findings(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = run_json(capsys, f"{EXAMPLE}/policy.tf")
    findings = report["findings"]
    assert isinstance(findings, list)
    assert {(f["path"], f["rule"]) for f in findings} == {(f"{EXAMPLE}/policy.tf", "NHI011")}


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule_id in ("NHI001", "NHI002", "NHI003", "NHI004", "NHI011", "NHI901"):
        assert rule_id in out
    assert main(["rule", "NHI001"]) == 0
    assert "## Use instead" in capsys.readouterr().out


def test_output_file(in_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    assert main([EXAMPLE, "--format", "json", "--output", str(target)]) == 1
    jsonschema.validate(json.loads(target.read_text()), schema())


def test_output_into_a_missing_directory_is_a_usage_error(
    in_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "report.json"
    assert main([EXAMPLE, "--format", "json", "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == f"nhilint: error: cannot write report to {target}: No such file or directory\n"
    assert not (tmp_path / "missing").exists()


def test_output_onto_a_directory_is_a_usage_error(
    in_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([EXAMPLE, "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nhilint: error: cannot write report to {tmp_path}: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_output_replaces_a_report_whole_or_not_at_all(
    in_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("the previous report\n")
    target.chmod(0o640)

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("os.fsync", disk_full)
        assert main([EXAMPLE, "--output", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"nhilint: error: cannot write report to {target}: No space left on device\n"
    )
    assert target.read_text() == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # no temporary file left
    assert main([EXAMPLE, "--output", str(target)]) == 1
    assert target.read_text().startswith("examples/aws-ci/main.tf\n")
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anywhere")
def test_output_into_a_read_only_directory_is_a_usage_error(
    in_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        assert main([EXAMPLE, "--output", str(locked / "r.txt")]) == 2
    finally:
        locked.chmod(0o700)
    assert capsys.readouterr().err == (
        f"nhilint: error: cannot write report to {locked / 'r.txt'}: Permission denied\n"
    )


NOTHING = (
    "nhilint: warning: no Terraform files (*.tf, *.tf.json) or plan JSON found under {}; "
    "nothing was scanned\n"
)


@pytest.mark.parametrize("files", [(), ("README.md", "docs/guide.md")], ids=["empty", "markdown"])
def test_a_directory_without_terraform_says_nothing_was_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    files: tuple[str, ...],
) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("# not Terraform\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "."]) == 0
    captured = capsys.readouterr()
    assert captured.err == NOTHING.format(".")
    assert captured.out.endswith("0 finding(s) in 0 file(s), 0 resource(s), 0 principal(s)\n")
    assert main(["check", ".", "--strict"]) == 2
    assert capsys.readouterr().err == NOTHING.format(".")


def test_a_named_file_that_is_not_terraform_says_nothing_was_scanned(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["README.md"]) == 0
    expected = (
        "nhilint: warning: README.md is not a Terraform file (*.tf, *.tf.json) or a Terraform "
        "plan (JSON); nothing was scanned\n"
    )
    assert capsys.readouterr().err == expected
    assert main(["README.md", "--strict"]) == 2


def test_only_the_paths_without_terraform_are_named(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = run_json(capsys, EXAMPLE, "docs", f"{EXAMPLE}/main.tf")
    assert code == 1
    assert len(report["findings"]) == len(EXAMPLE_FINDINGS)  # type: ignore[arg-type]
    assert main([EXAMPLE, "docs", "--strict"]) == 2
    assert capsys.readouterr().err == NOTHING.format("docs")


def test_a_tree_with_terraform_gives_no_warning(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([EXAMPLE, f"{EXAMPLE}/policy.tf", "--strict"]) == 1
    assert capsys.readouterr().err == ""


def test_a_named_tfvars_file_of_a_module_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "terraform.tfvars").write_text('name = "ci"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check", "terraform.tfvars", "--strict"]) == 2
    assert capsys.readouterr().err == (
        "nhilint: warning: no Terraform files (*.tf, *.tf.json) found beside terraform.tfvars; "
        "nothing was scanned\n"
    )
    (tmp_path / "main.tf").write_text('variable "name" {\n  type = string\n}\n')
    assert main(["check", "terraform.tfvars", "--strict"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("args", "error"), [
    (["check", ".", "--format", "xml"], "nhilint: error: argument --format: invalid choice: 'xml'"),
    (["check", "--fail-on", "severe"], "nhilint: error: argument --fail-on: unknown severity"),
    (["check", "--no-such-option"], "nhilint: error: unrecognized arguments: --no-such-option"),
])
def test_a_usage_error_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], error: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(args)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert err.startswith(error) and err.count("\n") == 1
    assert err.rstrip().endswith("--help')")


def test_the_readme_shows_the_example_s_real_output(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = readme_block("What you see", "text")
    main([EXAMPLE])
    assert capsys.readouterr().out == shown


def test_strict_fails_on_an_indeterminate_finding(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = "fixtures/NHI901/external_role_arn"
    assert main([case, "--select", "NHI901"]) == 0  # info is below the default fail-on
    assert main([case, "--select", "NHI901", "--strict"]) == 1
    assert main([EXAMPLE, "--select", "NHI004", "--strict"]) == 0  # no NHI901 there


def test_a_directory_with_both_terraform_and_its_plan_is_warned_about(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = "fixtures/NHI011/plan_iam"
    main([case])
    assert capsys.readouterr().err == (
        f"nhilint: warning: {case} holds Terraform files and a plan of them: both are scanned, "
        "so findings may show twice (pick one with --input-type)\n"
    )
    main([case, "--input-type", "terraform-plan"])
    assert capsys.readouterr().err == ""
    main([EXAMPLE])
    assert capsys.readouterr().err == ""
