"""The baseline as a team adopting nhilint on an existing estate uses it: write one, keep the
build green, see new findings fail and fixed ones listed; a bad file is an error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from nhilint.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "aws-ci"
NEW_BOT = """
resource "aws_iam_user" "release_bot" {
  name = "release-bot"
}

resource "aws_iam_access_key" "release_bot" {
  user = aws_iam_user.release_bot.name
}

resource "aws_iam_user_policy_attachment" "release_bot" {
  user       = aws_iam_user.release_bot.name
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}
"""


@pytest.fixture
def estate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the example as ``infra/``, the working directory its root."""
    shutil.copytree(EXAMPLE, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def baseline(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["baseline", *args])
    out, err = capsys.readouterr()
    return code, out + err


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", *args, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else {}


def example_findings(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str]]:
    """What ``nhilint check infra`` finds on the example, as (rule, resource)."""
    _, report = check(capsys, "infra")
    return sorted((f["rule"], f["resource"]) for f in report["findings"])


def found(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["rule"], f["resource"]) for f in report["findings"]}


def test_a_baseline_keeps_the_build_green_and_lists_what_it_accepted(
    estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    known = example_findings(capsys)
    assert len(known) >= 5  # the CI user's core findings and its policy's NHI011 at least
    code, out = baseline(capsys, "infra", "-o", ".nhilint-baseline.json")
    assert (code, out) == (
        0, f"nhilint: wrote {len(known)} finding(s) to .nhilint-baseline.json\n"
    )
    written = json.loads((estate / ".nhilint-baseline.json").read_text())
    assert written["schema"] == "nhilint/baseline/v1"
    assert sorted((e["rule"], e["resource"]) for e in written["findings"]) == known
    assert {e["module"] for e in written["findings"]} == {"infra"}
    assert main(["check", "infra"]) == 1
    capsys.readouterr()
    code, report = check(capsys, "infra", "--baseline", ".nhilint-baseline.json")
    assert (code, report["findings"]) == (0, [])
    assert report["summary"]["suppressed"]["baseline"] == len(known)
    assert report["baseline"] == {"file": ".nhilint-baseline.json", "fixed": []}


def test_the_default_output_file(estate: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert baseline(capsys, "infra")[0] == 0
    assert (estate / ".nhilint-baseline.json").is_file()


def test_new_findings_still_fail(estate: Path, capsys: pytest.CaptureFixture[str]) -> None:
    known = example_findings(capsys)
    baseline(capsys, "infra")
    (estate / "infra" / "release.tf").write_text(NEW_BOT)
    code, report = check(capsys, "infra", "--baseline", ".nhilint-baseline.json")
    assert code == 1
    assert {r for _, r in found(report)} == {
        "aws_iam_user.release_bot", "aws_iam_user_policy_attachment.release_bot",
        "aws_iam_access_key.release_bot",
    }
    assert report["summary"]["suppressed"]["baseline"] == len(known)


def test_entries_survive_line_moves_reformatting_and_renamed_files(
    estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline(capsys, "infra")
    main_tf = estate / "infra" / "main.tf"
    text = main_tf.read_text().replace("  ", "    ").replace(" = ", "   =   ")
    moved = "# moved down\n\n\n" + text
    main_tf.unlink()
    (estate / "infra" / "ci-user.tf").write_text(moved)
    (estate / "infra" / "policy.tf").rename(estate / "infra" / "iam.tf")
    (estate / "infra" / "notes.tf").write_text("# neighbours come and go\n")
    code, report = check(capsys, "infra", "--baseline", ".nhilint-baseline.json")
    assert (code, report["findings"], report["baseline"]["fixed"]) == (0, [], [])


def test_entries_match_from_another_working_directory(
    estate: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline(capsys, "infra")
    monkeypatch.chdir(estate / "infra")
    code, report = check(capsys, ".", "--baseline", "../.nhilint-baseline.json")
    assert (code, report["findings"]) == (0, [])


def test_the_same_address_in_another_module_is_not_hidden(
    estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    known = example_findings(capsys)
    baseline(capsys, "infra")
    shutil.copytree(estate / "infra", estate / "staging")
    code, report = check(capsys, "infra", "staging", "--baseline", ".nhilint-baseline.json")
    assert code == 1
    assert {f["path"].split("/")[0] for f in report["findings"]} == {"staging"}
    assert len(report["findings"]) == len(known)


def test_fixed_findings_are_listed(estate: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline(capsys, "infra")
    main_tf = estate / "infra" / "main.tf"
    main_tf.write_text(main_tf.read_text().replace(
        '  path = "/automation/"\n', '  path = "/automation/"\n  tags = { Owner = "platform" }\n'
    ))
    code, report = check(capsys, "infra", "--baseline", ".nhilint-baseline.json")
    assert code == 0
    assert [(e["rule"], e["resource"], e["path"]) for e in report["baseline"]["fixed"]] == [
        ("NHI002", "aws_iam_user.ci", "infra/main.tf"),
    ]
    main(["check", "infra", "--baseline", ".nhilint-baseline.json"])
    text = capsys.readouterr().out
    assert "baseline .nhilint-baseline.json: 1 of its finding(s) fixed" in text
    assert "  fixed: NHI002 aws_iam_user.ci (infra/main.tf)" in text


def test_entries_of_modules_or_files_not_scanned_are_not_fixed(
    estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(estate / "infra", estate / "staging")
    baseline(capsys, "infra", "staging")
    _, report = check(capsys, "infra", "--baseline", ".nhilint-baseline.json")
    assert report["baseline"]["fixed"] == []
    _, report = check(capsys, "infra/main.tf", "--baseline", ".nhilint-baseline.json")
    assert report["baseline"]["fixed"] == [] and report["findings"] == []


def test_suppressed_findings_are_left_out_of_the_baseline(
    estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main_tf = estate / "infra" / "main.tf"
    main_tf.write_text(main_tf.read_text().replace(
        'resource "aws_iam_user" "ci" {',
        '# nhilint: ignore[NHI001] -- accepted in RISK-7\nresource "aws_iam_user" "ci" {',
    ))
    left = len(example_findings(capsys))  # the suppressed one is not among them
    code, out = baseline(capsys, "infra")
    assert (code, out) == (0, f"nhilint: wrote {left} finding(s) to .nhilint-baseline.json "
                              "(1 suppressed left out)\n")


@pytest.mark.parametrize(("content", "reason"), [
    ("not json", "not a nhilint baseline: not JSON"),
    ('{"schema": "nhilint/report/v1", "findings": []}',
     "not a nhilint baseline (schema 'nhilint/report/v1', expected 'nhilint/baseline/v1'"),
    ("[]", "not a nhilint baseline (schema 'list', expected"),
    ('{"schema": "nhilint/baseline/v1", "findings": {}}',
     "not a nhilint baseline: 'findings' must be a list"),
    ('{"schema": "nhilint/baseline/v1", "findings": [{"rule": "NHI001"}]}',
     "findings[0].fingerprint must be a non-empty string"),
    (b"\xff\xfe", "not a nhilint baseline: not JSON"),
])
def test_a_corrupt_or_foreign_baseline_is_an_error(
    estate: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, reason: str
) -> None:
    target = estate / "bad.json"
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    assert main(["check", "infra", "--baseline", "bad.json", "--output", "out.json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nhilint: error: bad.json: {reason}")
    assert len(err.splitlines()) == 1
    assert not (estate / "out.json").exists()


def test_a_missing_baseline_is_an_error(estate: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "infra", "--baseline", "nope.json"]) == 2
    assert capsys.readouterr().err == (
        "nhilint: error: nope.json: cannot read baseline: No such file or directory\n"
    )


def test_a_baseline_that_cannot_be_written_is_an_error(
    estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = baseline(capsys, "infra", "-o", "missing/dir/base.json")
    assert code == 2
    assert out == (
        "nhilint: error: cannot write baseline to missing/dir/base.json: "
        "No such file or directory\n"
    )


def test_a_report_with_suppressed_and_baselined_findings_is_valid_against_the_schema(
    estate: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlib import resources

    import jsonschema

    schema = json.loads(
        resources.files("nhilint.report").joinpath("schema.json").read_text(encoding="utf-8")
    )
    main_tf = estate / "infra" / "main.tf"
    main_tf.write_text(main_tf.read_text().replace(
        'resource "aws_iam_user" "ci" {',
        '# nhilint: ignore[NHI001] -- accepted in RISK-7\nresource "aws_iam_user" "ci" {',
    ))
    baseline(capsys, "infra")
    (estate / "infra" / "release.tf").write_text(NEW_BOT)
    main_tf.write_text(main_tf.read_text().replace(
        '  path = "/automation/"\n', '  path = "/automation/"\n  tags = { Owner = "platform" }\n'
    ))
    _, report = check(capsys, "infra", "--baseline", ".nhilint-baseline.json")
    jsonschema.validate(report, schema)
    assert {h["suppression"]["kind"] for h in report["suppressed"]} == {"inline", "baseline"}
    assert report["baseline"]["fixed"] and report["findings"]
