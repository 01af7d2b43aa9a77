"""Fixture checks for rule authors: a case reports exactly the (file, line, rule) set its
``# expect:`` comments name.  nhilint's own fixtures (tests/test_fixtures.py) use it too.

A case is a directory ``<fixtures>/<RULE_ID>/<case>/`` (one Terraform module, a Pulumi YAML
project, or both; a Pulumi program is annotated on its own lines, as HCL is).  Annotations sit
on the reported line: ``# expect: NHI001, NHI002`` says these rules fire there, ``# ok:
NHI011`` says that rule must not (``//`` works too).  Every rule run on a case is compared, so
a finding nobody annotated fails as surely as a missing one; ``ok`` makes the negatives
explicit, and a rule both expected and ok on one line is a broken fixture.  ::

    from nhilint.testing import assert_fixtures
    from acme_rules import boundary

    def test_fixtures() -> None:
        assert_fixtures(Path(__file__).parent / "fixtures", rules=[boundary.ci_boundary])

With ``rules`` only those rules run and only their ids are compared (annotations of other rules
are left alone); without, every rule (built-in, installed packs') runs.  A case may carry a
``.nhilint.toml``: its settings (owner keys, policy …), ``select``/``ignore`` and ``rules`` apply
to that case, which is how a setting's effect is shown.

A file that cannot hold comments (``main.tf.json``, a plan's JSON) has a sidecar
``<file>.expected.toml`` instead, with tables ``[expect]`` and ``[ok]`` mapping a resource
address to a list of rule ids; that file's findings are compared by (file, resource address,
rule).  A plan's findings are compared with its sidecar by address even where they point at
the ``.tf`` beside it.

A case may call modules in subdirectories (``modules/ci/main.tf``): their annotations count
too (the line inside the module file), and ``instances.toml`` names, in an ``[expect]`` table,
every finding about a resource inside a called module by its instance address
(``"module.bots[\\"a\\"].aws_iam_user.this" = ["NHI001"]``); those are compared exactly, and
each must carry the module calls leading to it in its evidence.

Cases are judged on :data:`SCAN_DATE`, so that a time-bounded grant never ends under a test.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from nhilint.config import NAME as CONFIG_NAME
from nhilint.config import load
from nhilint.engine import Options, scan
from nhilint.parsers import plan, pulumi_json, pulumi_python, pulumi_yaml
from nhilint.parsers.hcl.discover import config_files
from nhilint.rule import Finding, Rule
from nhilint.settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "ANNOTATION",
    "SCAN_DATE",
    "annotated",
    "assert_fixtures",
    "case_options",
    "cases",
    "expected",
    "expected_rules",
    "problems",
    "sidecars",
]

ANNOTATION = re.compile(
    r"(?:#|//)\s*(?P<kind>expect|ok):\s*(?P<ids>[A-Z]{2,5}\d{3}(?:\s*,\s*[A-Z]{2,5}\d{3})*)"
)
SIDECAR = ".expected.toml"
INSTANCES = "instances.toml"
#: the last ``module.x`` / ``module.x["k"]`` step of an address that is a module call itself
_CALL = re.compile(r'(?:^|\.)module\.[\w-]+(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?$|^(?!module\.).*')
#: the date cases are judged on (the CLI judges on today's date)
SCAN_DATE = datetime.date(2026, 6, 1)

Key = tuple[str, int, str]
#: (file, resource address, rule) for the files with a sidecar
AddressKey = tuple[str, str, str]


def cases(fixtures: Path) -> list[Path]:
    """The case directories ``<fixtures>/<RULE_ID>/<case>/`` (those holding Terraform, a
    Pulumi YAML project, or a file with a sidecar)."""
    return sorted(
        {p.parent for pattern in ("*.tf", "*.tf.json", f"*{SIDECAR}", *pulumi_yaml.PROJECT_FILES)
         for p in fixtures.glob(f"*/*/{pattern}")}
    )


def assert_fixtures(fixtures: Path, rules: Iterable[Rule] | None = None) -> None:
    """Every case under ``fixtures`` reports exactly what it annotates; an ``AssertionError``
    lists what is wrong with each case that does not."""
    root = fixtures.resolve().parent
    chosen = None if rules is None else tuple(rules)
    found = cases(fixtures)
    assert found, f"no fixture cases under {fixtures} (<fixtures>/<RULE_ID>/<case>/*.tf)"
    wrong = {case: problems(case, root, chosen) for case in found}
    shown = [f"{case.relative_to(root)}: {p}" for case, ps in wrong.items() for p in ps]
    assert not shown, "fixture problems:\n" + "\n".join(shown)


def annotated(case: Path, root: Path) -> dict[str, set[Key]]:
    found: dict[str, set[Key]] = {"expect": set(), "ok": set()}
    programs = [p for name in (*pulumi_yaml.PROJECT_FILES, *pulumi_yaml.MAIN_FILES)
                for p in case.rglob(name)]
    if pulumi_python.units([case]):  # a Pulumi Python project's program and its modules
        programs += case.rglob("*.py")
    for path in sorted([*case.rglob("*.tf"), *programs]):
        rel = os.path.relpath(path, root)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in ANNOTATION.finditer(line):
                ids = {i.strip() for i in match.group("ids").split(",")}
                found[match.group("kind")] |= {(rel, number, i) for i in ids}
    return found


def sidecars(case: Path, root: Path) -> dict[str, set[AddressKey]]:
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


def sidecar_files(case: Path, root: Path) -> set[str]:
    return {
        os.path.relpath(p.with_name(p.name[: -len(SIDECAR)]), root)
        for p in case.glob(f"*{SIDECAR}")
    }


def expected(case: Path, root: Path) -> set[Key]:
    return annotated(case, root)["expect"]


def expected_rules(case: Path, root: Path) -> set[str]:
    """The rules a case expects, by line or by address."""
    return ({r for _, _, r in expected(case, root)}
            | {r for _, _, r in sidecars(case, root)["expect"]})


@contextmanager
def _in(directory: Path) -> Iterator[None]:
    """Run with ``directory`` as the working directory (finding paths are relative to it)."""
    before = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


def problems(case: Path, root: Path, rules: Sequence[Rule] | None = None) -> list[str]:
    """What is wrong with a case: unexpected, missing, or ok-marked findings.

    The configuration (``*.tf``, ``*.tf.json``) is scanned as Terraform and compared by line
    (by address for a file with a sidecar); each plan with a sidecar is scanned alone, as a
    plan, and its findings are compared by address with its sidecar, wherever they are located
    (beside its configuration, a plan's findings point at the ``.tf``); a Pulumi YAML or Python
    program is compared by line like HCL, and a Pulumi preview or stack export with a sidecar
    by address, as Pulumi JSON.  Paths are shown relative to ``root``.
    """
    root = root.resolve()
    case = case.resolve()
    with _in(root):
        return _problems(case, root, rules)


def _problems(case: Path, root: Path, rules: Sequence[Rule] | None) -> list[str]:
    marked = annotated(case, root)
    shown = Path(os.path.relpath(case, root))
    base = case_options(case, rules)
    ran = {r.id for r in rules} if rules is not None else None
    found: list[str] = []
    by_address = sidecar_files(case, root)
    addressed: set[AddressKey] = set()
    configured: list[Finding] = []
    reported: set[Key] = set()
    if config_files(case):
        result = scan([shown], dataclasses.replace(base, input_type="terraform"))
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
        result = scan([shown], dataclasses.replace(base, input_type=pulumi_yaml.KIND))
        found += [f"diagnostic {d}" for d in result.diagnostics]
        reported |= {(f.span.path, f.span.line or 0, f.rule) for f in result.findings}
    if pulumi_python.units([shown]):  # a Pulumi Python program, compared by line like HCL
        result = scan([shown], dataclasses.replace(base, input_type=pulumi_python.KIND))
        found += [f"diagnostic {d}" for d in result.diagnostics]
        reported |= {(f.span.path, f.span.line or 0, f.rule) for f in result.findings}
    if config_files(case) or pulumi_yaml.units([shown]) or pulumi_python.units([shown]):
        found += _compare(_only(marked, ran), reported)
    for name in sorted(by_address):
        kind = ("terraform-plan" if plan.claims(root / name)
                else pulumi_json.KIND if pulumi_json.claims(root / name) else None)
        if kind is not None:
            result = scan([Path(name)], dataclasses.replace(base, input_type=kind))
            found += [f"diagnostic {d}" for d in result.diagnostics]
            addressed |= {(name, f.resource, f.rule) for f in result.findings}
    found += _compare(_only(sidecars(case, root), ran), addressed)
    found += _instances(case, configured)
    return found


def case_options(case: Path, rules: Sequence[Rule] | None = None) -> Options:
    """The scan options of a case: its own ``.nhilint.toml`` when it has one, judged on
    :data:`SCAN_DATE`; ``rules``: only those rules are known (run all of them)."""
    if not (case / CONFIG_NAME).is_file():
        return Options(settings=Settings(today=SCAN_DATE),
                       rules=tuple(rules) if rules is not None else None)
    config = load(case / CONFIG_NAME)
    return Options(
        select=config.select, ignore=config.ignore,
        settings=dataclasses.replace(config.settings, today=SCAN_DATE),
        suppress=config.suppress,
        rules=tuple(rules) if rules is not None else config.rules,
    )


K = TypeVar("K", Key, AddressKey)


def _only(marked: dict[str, set[K]], ran: set[str] | None) -> dict[str, set[K]]:
    """The annotations of the rules that ran (all of them when every rule ran)."""
    if ran is None:
        return marked
    return {kind: {k for k in keys if k[2] in ran} for kind, keys in marked.items()}


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


def _compare(marked: dict[str, set[K]], reported: set[K]) -> list[str]:
    found = [f"{k} both expected and ok" for k in sorted(marked["expect"] & marked["ok"], key=str)]
    found += [f"fired where marked ok: {k}" for k in sorted(reported & marked["ok"], key=str)]
    found += [f"not expected: {k}"
              for k in sorted(reported - marked["expect"] - marked["ok"], key=str)]
    found += [f"missing: {k}" for k in sorted(marked["expect"] - reported, key=str)]
    return found
