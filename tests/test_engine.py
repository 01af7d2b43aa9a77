"""The engine's seams as a user of the scan result sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhilint.engine import Options, scan

ROOT = Path(__file__).resolve().parent.parent


def test_the_result_keeps_each_module_graph_and_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = tmp_path / "live"
    child = live / "modules" / "ci"
    child.mkdir(parents=True)
    for name in ("main.tf", "policy.tf"):
        (child / name).write_text((ROOT / "examples" / "aws-ci" / name).read_text())
    (live / "main.tf").write_text('module "ci" {\n  source = "./modules/ci"\n}\n')
    monkeypatch.chdir(tmp_path)
    result = scan([Path("live")], Options())
    assert dict(result.roles) == {"live": "root", "live/modules/ci": "child"}
    graphs = dict(result.graphs)
    (principal,) = graphs["live/modules/ci"].principals
    assert principal.address == "aws_iam_user.ci"
    assert {f.rule for f in result.findings} >= {"NHI001", "NHI011"}


CHILD_USER = """resource "aws_iam_user" "ci" {  # nhilint: ignore[NHI002] -- owned by platform
  name = "ci-bot"
}
resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
resource "aws_iam_user_policy_attachment" "ci" {
  user       = aws_iam_user.ci.name
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}
"""


def test_a_called_module_is_judged_per_instance_with_its_call_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "modules" / "ci").mkdir(parents=True)
    (tmp_path / "modules" / "ci" / "main.tf").write_text(CHILD_USER)
    (tmp_path / "modules" / "wrap").mkdir(parents=True)
    (tmp_path / "modules" / "wrap" / "main.tf").write_text(
        'module "user" {\n  source = "../ci"\n}\n')
    (tmp_path / "main.tf").write_text(
        'module "ci" {\n  source   = "./modules/wrap"\n  for_each = toset(["a"])\n}\n')
    monkeypatch.chdir(tmp_path)
    result = scan([Path(".")], Options())
    static = [f for f in result.findings if f.rule == "NHI001"]
    assert {f.resource for f in static} == {
        "aws_iam_user.ci", "module.user.aws_iam_user.ci",
        'module.ci["a"].module.user.aws_iam_user.ci',
    }
    nested = next(f for f in static if f.resource.startswith('module.ci["a"]'))
    assert (nested.span.path, nested.span.line) == ("modules/ci/main.tf", 1)
    chain = [(e.resource, e.span.path, e.span.line) for e in nested.evidence
             if e.detail.startswith("module call")]
    assert chain == [('module.ci["a"]', "main.tf", 1),
                     ('module.ci["a"].module.user', "modules/wrap/main.tf", 1)]
    # the inline suppression in the module file holds for every analysis of it, and is used
    assert {s.finding.resource for s in result.suppressed} == {
        "aws_iam_user.ci", "module.user.aws_iam_user.ci",
        'module.ci["a"].module.user.aws_iam_user.ci',
    }
    assert [d for d in result.diagnostics if d.code == "NHI902"] == []
    assert result.files == 3


def test_a_module_call_not_read_is_reported_once_for_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text(
        'module "label" {\n  source  = "cloudposse/label/null"\n  version = "0.25.0"\n}\n')
    (tmp_path / "main.tf").write_text(
        'module "a" {\n  source = "./child"\n}\nmodule "b" {\n  source = "./child"\n}\n')
    monkeypatch.chdir(tmp_path)
    found = [(f.rule, f.resource, f.span.path, f.span.line)
             for f in scan([Path(".")], Options()).findings]
    # the root reaches it twice (module.a.module.label, module.b.module.label), the child
    # directory once more: one finding, by its shortest address
    assert found == [("NHI901", "module.label", "child/main.tf", 1)]


def test_a_possible_instance_says_when_it_exists_in_every_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from nhilint.cli import main

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    case = "fixtures/NHI001/possible_instance_feature_flag"
    main(["check", case, "--format", "json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    static = next(f for f in found if f["rule"] == "NHI001")
    assert static["resource"] == "aws_iam_user.legacy_deploy[0]"
    assert static["condition"] == "when var.enable_user = true"
    assert static["message"].endswith("(when var.enable_user = true)")
    main(["check", case, "--format", "sarif"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert {r["properties"]["condition"] for r in results if "properties" in r
            and "condition" in r["properties"]} == {"when var.enable_user = true",
                                                   "when var.extra_bots is set"}


def test_a_named_file_reports_what_the_modules_it_calls_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pre-commit run names the changed main.tf: the findings inside the module it calls
    (with its inputs) are reported too, through the module call in main.tf."""
    (tmp_path / "modules" / "ci").mkdir(parents=True)
    (tmp_path / "modules" / "ci" / "main.tf").write_text(CHILD_USER)
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "main.tf").write_text('module "ci" {\n  source = "../modules/ci"\n}\n')
    (tmp_path / ".git").mkdir()  # the git work tree the modules may be read from
    monkeypatch.chdir(tmp_path)
    found = scan([Path("live/main.tf")], Options()).findings
    assert {(f.rule, f.resource) for f in found if f.rule == "NHI001"} == {
        ("NHI001", "module.ci.aws_iam_user.ci")}
    assert found and all(f.resource.startswith("module.ci.") for f in found)
