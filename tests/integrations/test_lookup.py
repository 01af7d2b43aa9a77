"""nhilint's findings looked up one resource at a time (what the checkov checks ask), and the
checks directory ``nhilint checkov-checks-dir`` prints; checkov itself is in test_checkov.py."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from integration_helpers import EXAMPLE, ROOT

from nhilint.cli import main
from nhilint.engine import Options, scan
from nhilint.integrations import lookup
from nhilint.integrations.checkov import CHECKS_DIR


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    lookup.options.cache_clear()
    lookup.module_findings.cache_clear()
    yield
    lookup.options.cache_clear()
    lookup.module_findings.cache_clear()


@pytest.mark.parametrize(("address", "local"), [
    ("aws_iam_user.ci", "aws_iam_user.ci"),
    ("aws_iam_user.deploy[0]", "aws_iam_user.deploy[0]"),
    ('aws_iam_role.app["a.b"]', 'aws_iam_role.app["a.b"]'),
    ('module.bots["a"].aws_iam_user.bot', "aws_iam_user.bot"),
    ("module.ci.module.keys[2].aws_iam_access_key.this", "aws_iam_access_key.this"),
    ('module.odd["x]. module.y"].aws_iam_user.u', "aws_iam_user.u"),
])
def test_local_address(address: str, local: str) -> None:
    assert lookup.local_address(address) == local


def test_every_finding_is_about_a_resource_type_the_checks_are_registered_for() -> None:
    found = scan([ROOT / "fixtures", ROOT / "examples"], Options()).findings
    assert found
    addresses = {lookup.local_address(f.resource) for f in found}
    data = {a.split(".")[1] for a in addresses if a.startswith("data.")}
    assert data and all(any(fnmatch.fnmatch(t, p) for p in lookup.DATA_TYPES) for t in data), data
    types = {(f.rule, lookup.local_address(f.resource).split(".")[0]) for f in found
             if not lookup.local_address(f.resource).startswith("data.")}
    unregistered = {
        (rule, t) for rule, t in types
        if t not in lookup.NOT_RESOURCES
        and not any(fnmatch.fnmatch(t, p) for p in lookup.resource_types(rule))
    }
    assert unregistered == set()
    assert {t for _, t in types} & set(lookup.NOT_RESOURCES)  # such findings exist


def test_only_the_secret_rule_is_asked_about_every_resource_type() -> None:
    assert lookup.resource_types("NHI001") == lookup.RESOURCE_TYPES
    assert fnmatch.fnmatch("aws_lambda_function", lookup.resource_types("NHI013")[0])


def test_the_lookup_gives_the_findings_of_nhilint_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    expected = {(f.rule, f.resource, f.span.path) for f in scan([EXAMPLE], Options()).findings}
    got = {
        (f.rule, f.resource, f.span.path)
        for path, address in {(str(ROOT / p), r) for _, r, p in expected}
        for rule in lookup.rules()
        for f in lookup.findings_for(path, address, rule.id)
    }
    assert got == expected
    assert lookup.findings_for(str(EXAMPLE / "main.tf"), "aws_iam_access_key.ci", "NHI001") == ()


def test_a_module_instance_is_judged_by_its_source(tmp_path: Path) -> None:
    """checkov names each instance of a called module; nhilint judged the module's source."""
    (tmp_path / "infra").mkdir()
    for source in EXAMPLE.glob("*.tf"):
        (tmp_path / "infra" / source.name).write_bytes(source.read_bytes())
    main_tf = str(tmp_path / "infra" / "main.tf")
    found = lookup.findings_for(main_tf, 'module.ci["prod"].aws_iam_user.ci', "NHI001")
    assert [f.resource for f in found] == ["aws_iam_user.ci"]


def test_a_directory_is_scanned_alone_and_once(tmp_path: Path) -> None:
    """The module's own files only (a child directory is its own module), once per process."""
    child = tmp_path / "child"
    child.mkdir()
    for source in EXAMPLE.glob("*.tf"):
        (child / source.name).write_bytes(source.read_bytes())
    (tmp_path / "root.tf").write_text('resource "aws_iam_user" "human" {\n  name = "ann"\n}\n')
    assert lookup.module_findings(str(tmp_path)) == {}
    assert len(lookup.module_findings(str(child))) == 3  # the user, its policy, its key
    assert lookup.module_findings.cache_info().misses == 2
    lookup.findings_for(str(child / "main.tf"), "aws_iam_user.ci", "NHI002")
    assert lookup.module_findings.cache_info().hits == 1


def test_the_configuration_selects_the_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".nhilint.toml").write_text('ignore = ["NHI901"]\n')
    monkeypatch.chdir(tmp_path)
    assert "NHI901" not in {r.id for r in lookup.rules()}
    assert "NHI001" in {r.id for r in lookup.rules()}


def test_the_cli_prints_the_checks_directory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checkov-checks-dir"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed == CHECKS_DIR
    # checkov needs __init__.py, imports every other .py by its bare name: one, unique
    assert sorted(p.name for p in printed.glob("*.py")) == ["__init__.py", "nhilint_checks.py"]


def test_importing_the_checks_package_imports_no_checkov() -> None:
    code = "import sys, nhilint.cli; print(any(m.startswith('checkov') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_trust_written_in_another_file_is_found_at_the_role(tmp_path: Path) -> None:
    """NHI010 reports the trust statement (here in a policy document of another file); checkov
    asks about the role in the file that declares it."""
    (tmp_path / "trust.tf").write_text(
        'data "aws_iam_policy_document" "t" {\n  statement {\n'
        '    actions = ["sts:AssumeRole"]\n'
        '    principals {\n      type        = "AWS"\n      identifiers = ["*"]\n    }\n'
        "  }\n}\n"
    )
    (tmp_path / "role.tf").write_text(
        'resource "aws_iam_role" "open" {\n  name               = "open"\n'
        "  assume_role_policy = data.aws_iam_policy_document.t.json\n}\n"
    )
    found = lookup.findings_for(str(tmp_path / "role.tf"), "aws_iam_role.open", "NHI010")
    assert [f.span.path.endswith("trust.tf") for f in found] == [True]
