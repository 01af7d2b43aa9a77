"""Every fixture case reports exactly the (file, line, rule) set its `# expect:` comments name.

The convention and the harness are :mod:`nhilint.testing` (which pack authors use too): a case
is a directory under ``fixtures/<RULE_ID>/`` (a Terraform module, a Pulumi YAML project, or
both) with ``# expect:`` / ``# ok:`` annotations, sidecar
``<file>.expected.toml`` tables, ``instances.toml`` for findings inside called modules, and an
optional ``.nhilint.toml`` whose settings apply to the case.  All rules run on every case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nhilint import testing
from nhilint.engine import collect_rules
from nhilint.testing import SIDECAR

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CASES = testing.cases(FIXTURES)
SCAN_DATE = testing.SCAN_DATE


def problems(case: Path, root: Path = ROOT) -> list[str]:
    return testing.problems(case, root)


def expected_rules(case: Path) -> set[str]:
    return testing.expected_rules(case, ROOT)


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(FIXTURES)) for c in CASES])
def test_fixture(case: Path, in_repo: Path) -> None:
    assert problems(case) == []


def test_the_harness_enforces_ok_and_expect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (FIXTURES / "NHI001" / "user_key_inline" / "main.tf").read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(source.splitlines(), 1) if "expect: NHI001" in t)
    case = tmp_path / "case"
    case.mkdir()
    (case / "main.tf").write_text(source.replace("# expect: NHI001,", "# ok: NHI001 # expect:", 1))
    monkeypatch.chdir(tmp_path)
    found = problems(case, tmp_path)
    assert f"fired where marked ok: ('case/main.tf', {line}, 'NHI001')" in found
    assert not any(p.startswith("missing") for p in found)
    (case / "main.tf").write_text(source + "\n# expect: NHI004\n")
    assert any(p.startswith("missing") for p in problems(case, tmp_path))


def test_the_harness_enforces_sidecar_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = FIXTURES / "NHI001" / "tf_json_ci_user"
    case = tmp_path / "case"
    case.mkdir()
    (case / "main.tf.json").write_bytes((source / "main.tf.json").read_bytes())
    sidecar = (source / f"main.tf.json{SIDECAR}").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (case / f"main.tf.json{SIDECAR}").write_text(sidecar, encoding="utf-8")
    assert problems(case, tmp_path) == []
    moved = sidecar.replace('"aws_iam_access_key.ci" = ["NHI012"]',
                            '"aws_iam_access_key.ci" = ["NHI014"]')
    (case / f"main.tf.json{SIDECAR}").write_text(moved, encoding="utf-8")
    found = problems(case, tmp_path)
    assert "not expected: ('case/main.tf.json', 'aws_iam_access_key.ci', 'NHI012')" in found
    assert "missing: ('case/main.tf.json', 'aws_iam_access_key.ci', 'NHI014')" in found
    marked_ok = sidecar.replace('"aws_iam_user.ci" = ["NHI014"', '"aws_iam_user.ci" = ["NHI001"')
    (case / f"main.tf.json{SIDECAR}").write_text(marked_ok, encoding="utf-8")
    found = problems(case, tmp_path)
    assert "fired where marked ok: ('case/main.tf.json', 'aws_iam_user.ci', 'NHI001')" in found


def test_the_harness_enforces_sidecar_expectations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = tmp_path / "case"
    case.mkdir()
    plan = FIXTURES / "NHI011" / "plan_iam" / "tfplan.json"
    (case / "tfplan.json").write_bytes(plan.read_bytes())
    sidecar = case / f"tfplan.json{SIDECAR}"
    sidecar.write_text('[expect]\n"aws_iam_user.fail_3" = ["NHI901", "NHI001"]\n'
                       '[ok]\n"aws_iam_group_policy.fail_2" = ["NHI011"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = problems(case, tmp_path)
    assert "missing: ('case/tfplan.json', 'aws_iam_user.fail_3', 'NHI001')" in found
    assert ("fired where marked ok: ('case/tfplan.json', 'aws_iam_group_policy.fail_2', "
            "'NHI011')") in found
    assert "not expected: ('case/tfplan.json', 'aws_iam_role.example', 'NHI002')" in found


def test_every_rule_has_positive_and_negative_fixtures() -> None:
    for rule in collect_rules():
        cases = [c for c in CASES if c.parent.name == rule.id]
        if rule.id == "NHI901":
            cases = CASES  # indeterminates show up wherever a value is unknown
        positives = [c for c in cases if rule.id in expected_rules(c)]
        negatives = [c for c in cases if rule.id not in expected_rules(c)]
        assert positives, f"{rule.id} has no positive fixture"
        assert negatives, f"{rule.id} has no negative fixture"


def test_every_fixture_directory_names_a_rule() -> None:
    ids = {r.id for r in collect_rules()}
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} <= ids
