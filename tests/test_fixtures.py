"""Every fixture case reports exactly the (file, line, rule) set its `# expect:` comments name.

A case is a directory under ``fixtures/<RULE_ID>/`` (one Terraform module, or a Pulumi YAML
project, or both: a Pulumi program's annotations are on its own lines, as in HCL).  Annotations sit
on the reported line: ``# expect: NHI001, NHI002`` says these rules fire there, ``# ok:
NHI011`` says that rule must not (``//`` works too).  All rules run on every case, so a finding
nobody annotated fails the test as surely as a missing one; ``ok`` makes the negatives
explicit, and a rule both expected and ok on one line is a broken fixture.

A file that cannot hold comments (``main.tf.json``, a plan's JSON) has a sidecar
``<file>.expected.toml`` instead, with tables ``[expect]`` and ``[ok]`` mapping a resource
address to a list of rule ids; that file's findings are compared by (file, resource address,
rule).  A plan's findings are compared with its sidecar by address even where they point at
the ``.tf`` beside it.

A case may call modules in subdirectories (``modules/ci/main.tf``): their annotations count
too (the line inside the module file), and ``instances.toml`` names, in an ``[expect]`` table,
every finding about a resource inside a called module by its instance address
(``"module.bots[\"a\"].aws_iam_user.this" = ["NHI001"]``); those are compared exactly, and
each must carry the module calls leading to it in its evidence.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import pytest

from nhilint.engine import Options, collect_rules, scan
from nhilint.parsers import plan, pulumi_json, pulumi_yaml
from nhilint.parsers.hcl.discover import config_files
from nhilint.rule import Finding
from nhilint.settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ANNOTATION = re.compile(
    r"(?:#|//)\s*(?P<kind>expect|ok):\s*(?P<ids>[A-Z]{2,5}\d{3}(?:\s*,\s*[A-Z]{2,5}\d{3})*)"
)

SIDECAR = ".expected.toml"
INSTANCES = "instances.toml"
#: the last ``module.x`` / ``module.x["k"]`` step of an address that is a module call itself
_CALL = re.compile(r'(?:^|\.)module\.[\w-]+(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?$|^(?!module\.).*')
#: a case is a directory ``fixtures/<RULE_ID>/<case>``; its subdirectories are modules it calls
CASES = sorted(
    {p.parent for pattern in ("*.tf", "*.tf.json", f"*{SIDECAR}", *pulumi_yaml.PROJECT_FILES)
     for p in FIXTURES.glob(f"*/*/{pattern}")}
)
#: the date fixtures are judged on, so that a time-bounded grant in a fixture never ends under
#: the test (the CLI judges on today's date)
SCAN_DATE = datetime.date(2026, 6, 1)

Key = tuple[str, int, str]
#: (file, resource address, rule) for the files with a sidecar
AddressKey = tuple[str, str, str]


def annotations(case: Path, root: Path = ROOT) -> dict[str, set[Key]]:
    found: dict[str, set[Key]] = {"expect": set(), "ok": set()}
    programs = [p for name in (*pulumi_yaml.PROJECT_FILES, *pulumi_yaml.MAIN_FILES)
                for p in case.rglob(name)]
    for path in sorted([*case.rglob("*.tf"), *programs]):
        rel = os.path.relpath(path, root)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in ANNOTATION.finditer(line):
                ids = {i.strip() for i in match.group("ids").split(",")}
                found[match.group("kind")] |= {(rel, number, i) for i in ids}
    return found


def sidecars(case: Path, root: Path = ROOT) -> dict[str, set[AddressKey]]:
    """The ``[expect]`` and ``[ok]`` tables of the case's ``<file>.expected.toml`` sidecars."""
    found: dict[str, set[AddressKey]] = {"expect": set(), "ok": set()}
    for path in sorted(case.glob(f"*{SIDECAR}")):
        rel = os.path.relpath(path.with_name(path.name[: -len(SIDECAR)]), root)
        with path.open("rb") as handle:
            tables = tomllib.load(handle)
        assert set(tables) <= {"expect", "ok"}, f"{path}: only [expect] and [ok] tables"
        for kind, table in tables.items():
            found[kind] |= {(rel, address, rule) for address, ids in table.items() for rule in ids}
    return found


def sidecar_files(case: Path, root: Path = ROOT) -> set[str]:
    return {
        os.path.relpath(p.with_name(p.name[: -len(SIDECAR)]), root)
        for p in case.glob(f"*{SIDECAR}")
    }


def expected(case: Path) -> set[Key]:
    return annotations(case)["expect"]


def expected_rules(case: Path) -> set[str]:
    """The rules a case expects, by line or by address."""
    return {r for _, _, r in expected(case)} | {r for _, _, r in sidecars(case)["expect"]}


def problems(case: Path, root: Path = ROOT) -> list[str]:
    """What is wrong with a case: unexpected, missing, or ok-marked findings.

    The configuration (``*.tf``, ``*.tf.json``) is scanned as Terraform and compared by line
    (by address for a file with a sidecar); each plan with a sidecar is scanned alone, as a
    plan, and its findings are compared by address with its sidecar, wherever they are located
    (beside its configuration, a plan's findings point at the ``.tf``).  The plans
    ``scripts/gen_terraform_plans.py`` writes have no sidecar: tests/test_plan_parity.py
    holds their findings to the configuration's.  A Pulumi preview or stack export with a
    sidecar is scanned the same way, as Pulumi JSON.
    """
    marked = annotations(case, root)
    shown = Path(os.path.relpath(case, root))
    found: list[str] = []
    by_address = sidecar_files(case, root)
    addressed: set[AddressKey] = set()
    configured: list[Finding] = []
    reported: set[Key] = set()
    if config_files(case):
        result = scan([shown], _options("terraform"))
        configured = [f for f in result.findings if f.span.path not in by_address]
        found += [f"diagnostic {d}" for d in result.diagnostics]
        reported = {
            (f.span.path, f.span.line or 0, f.rule)
            for f in result.findings
            if f.span.path not in by_address
        }
        addressed |= {(f.span.path, f.resource, f.rule) for f in result.findings
                      if f.span.path in by_address}
    if pulumi_yaml.units([shown]):  # a Pulumi YAML program, compared by line like HCL
        result = scan([shown], _options(pulumi_yaml.KIND))
        found += [f"diagnostic {d}" for d in result.diagnostics]
        reported |= {(f.span.path, f.span.line or 0, f.rule) for f in result.findings}
    if config_files(case) or pulumi_yaml.units([shown]):
        found += _compare(marked, reported)
    for name in sorted(by_address):
        kind = ("terraform-plan" if plan.claims(root / name)
                else pulumi_json.KIND if pulumi_json.claims(root / name) else None)
        if kind is not None:
            result = scan([Path(name)], _options(kind))
            found += [f"diagnostic {d}" for d in result.diagnostics]
            addressed |= {(name, f.resource, f.rule) for f in result.findings}
    found += _compare(sidecars(case, root), addressed)
    found += _instances(case, configured)
    return found


def _instances(case: Path, findings: Sequence[Finding]) -> list[str]:
    """The case's ``instances.toml`` against its findings about resources in called modules."""
    inside = [f for f in findings if _CALL.sub("", f.resource)]
    table = case / INSTANCES
    if not table.is_file():
        return [f"finding in a called module, and no {INSTANCES}: {f.rule} {f.resource}"
                for f in inside]
    with table.open("rb") as handle:
        marked = tomllib.load(handle)
    assert set(marked) <= {"expect"}, f"{table}: only an [expect] table"
    wanted = {(address, rule) for address, ids in marked.get("expect", {}).items()
              for rule in ids}
    found = [f"{k} not expected (in {INSTANCES})"
             for k in sorted({(f.resource, f.rule) for f in inside} - wanted)]
    found += [f"{k} missing (in {INSTANCES})"
              for k in sorted(wanted - {(f.resource, f.rule) for f in inside})]
    found += [f"{f.rule} {f.resource}: no module call in its evidence"
              for f in inside if not any(e.detail.startswith("module call ") for e in f.evidence)]
    return found


def _options(kind: str) -> Options:
    return Options(input_type=kind, settings=Settings(today=SCAN_DATE))


K = TypeVar("K", Key, AddressKey)


def _compare(marked: dict[str, set[K]], reported: set[K]) -> list[str]:
    found = [f"{k} both expected and ok" for k in sorted(marked["expect"] & marked["ok"], key=str)]
    found += [f"fired where marked ok: {k}" for k in sorted(reported & marked["ok"], key=str)]
    found += [f"not expected: {k}"
              for k in sorted(reported - marked["expect"] - marked["ok"], key=str)]
    found += [f"missing: {k}" for k in sorted(marked["expect"] - reported, key=str)]
    return found


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
