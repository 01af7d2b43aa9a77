"""The Pulumi preview / stack export reader, as a user of ``nhilint check`` meets it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nhilint.engine import Options, scan
from nhilint.model import Cause, Unknown
from nhilint.parsers import pulumi_json
from nhilint.parsers.registry import detect

ASSETS = Path(__file__).resolve().parent / "assets" / "pulumi"
PREVIEW = ASSETS / "pulumi-preview.json"
EXPORT = ASSETS / "pulumi-stack-export.json"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _found(path: Path) -> set[tuple[str, str]]:
    result = scan([path], Options(input_type=pulumi_json.KIND))
    return {(f.rule, f.resource) for f in result.findings}


def test_both_files_are_detected_by_their_content(tmp_path: Path) -> None:
    assert detect(PREVIEW) == pulumi_json.KIND
    assert detect(EXPORT) == pulumi_json.KIND
    other = tmp_path / "package.json"
    other.write_text('{"name": "urn:pulumi:not-a-preview"}')
    assert detect(other) is None


def test_preview_findings_name_the_principals_by_address() -> None:
    found = _found(PREVIEW)
    assert {("NHI001", "aws_iam_user.ci-deployer"),
            ("NHI012", "aws_iam_access_key.ci-deployer-key"),
            ("NHI011", "aws_iam_user_policy.ci-deployer-admin"),
            ("NHI001", "google_service_account.deployer"),
            ("NHI012", "azuread_service_principal_password.ci-sp-secret")} <= found
    # the deleted legacy key is not a credential
    assert not any("legacy-key" in resource for _, resource in found)


def test_the_export_gives_the_findings_the_preview_gives() -> None:
    core = {"NHI001", "NHI002", "NHI003", "NHI004", "NHI011", "NHI012"}
    preview = {f for f in _found(PREVIEW) if f[0] in core}
    export = {f for f in _found(EXPORT) if f[0] in core}
    assert export <= preview and export


def test_secrets_and_unknowns_are_never_values() -> None:
    model = pulumi_json.parse(PREVIEW)
    key = next(r for r in model.resources if r.address == "aws_iam_access_key.ci-deployer-key")
    user = key.get("user")
    assert isinstance(user, Unknown) and user.cause is Cause.AFTER_APPLY
    assert [r.address for r in user.refs] == ["aws_iam_user.ci-deployer"]
    exported = pulumi_json.parse(EXPORT)
    texts = json.dumps([r.attributes for r in exported.resources], default=str)
    assert "ciphertext" not in texts and "ZXhhbXBsZS1jaXBoZXJ0ZXh0" not in texts
    secret = next(o for o in exported.outputs if o.name == "deployerSecret")
    assert secret.sensitive and isinstance(secret.value, Unknown)


def test_engine_names_become_terraform_names() -> None:
    model = pulumi_json.parse(PREVIEW)
    by_address = {r.address: r for r in model.resources}
    oidc = next(r for r in model.resources if r.type == "aws_iam_openid_connect_provider")
    assert "client_id_list" in oidc.attributes and "clientIdLists" not in oidc.attributes
    assert "__defaults" not in by_address["aws_iam_user.ci-deployer"].attributes
    aws = next(p for p in model.providers if p.name == "aws")
    assert aws.attributes["default_tags"] == {"tags": {"team": "platform"}}
    # a component's child is read, under its own type
    assert by_address["aws_iam_user.release-bot"].get("tags") == {"owner": "release-eng"}


def test_positions_come_from_source_position_when_the_program_is_there(tmp_path: Path) -> None:
    shutil.copy(PREVIEW, tmp_path / "preview.json")
    model = pulumi_json.parse(tmp_path / "preview.json")
    user = next(r for r in model.resources if r.address == "aws_iam_user.ci-deployer")
    assert user.span.path.endswith("preview.json") and user.span.line == 39
    (tmp_path / "__main__.py").write_text("# the program\n" * 20)
    model = pulumi_json.parse(tmp_path / "preview.json")
    user = next(r for r in model.resources if r.address == "aws_iam_user.ci-deployer")
    assert user.span.path.endswith("__main__.py") and user.span.line == 9


def test_text_before_the_json_is_skipped(tmp_path: Path) -> None:
    noisy = tmp_path / "preview.json"
    noisy.write_text("Installing policy pack...\n" + PREVIEW.read_text())
    assert ("NHI001", "aws_iam_user.ci-deployer") in _found(noisy)


@pytest.mark.parametrize(("text", "line", "words"), [
    ('{"steps": [\n{"op": "create", "urn": "urn:pulumi:a::b::aws:iam/user:User::x",\n'
     '"newState": 7}\n]}', 2, "newState"),
    ('{"steps": [\n  {"op": "create",\n  "urn": "urn:pulumi:a::b::aws:iam/user:User::x"\n,,]}', 4,
     "not valid JSON"),
    ('{"deployment": {"resources": {"urn:pulumi:a::b::x:y:Z::n": 1}}}', 1, "not a list"),
])
def test_wrong_shapes_are_diagnostics_with_a_line(tmp_path: Path, text: str, line: int,
                                                  words: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    model = pulumi_json.parse(bad)
    assert [(d.code, d.line) for d in model.diagnostics] == [("NHI900", line)], model.diagnostics
    assert words in model.diagnostics[0].message


def test_a_file_that_is_not_json_is_not_claimed_and_the_scan_goes_on(tmp_path: Path) -> None:
    shutil.copy(PREVIEW, tmp_path / "preview.json")
    (tmp_path / "broken.json").write_text('{"steps": [{"urn": "urn:pulumi:a::b::t:m:T::n",')
    result = scan([tmp_path], Options(input_type=pulumi_json.KIND))
    assert any(f.rule == "NHI001" for f in result.findings)
    assert [d.code for d in result.diagnostics if d.path.endswith("broken.json")] == []


def test_a_deep_document_is_a_diagnostic(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"steps": [' + "[" * 100_000 + "]" * 100_000 + '], "x": "urn:pulumi:"}')
    model = pulumi_json.parse(deep)
    assert [d.code for d in model.diagnostics] == ["NHI900"]


def test_the_json_report_keeps_each_finding_s_urn() -> None:
    import jsonschema

    from nhilint.report import json_report

    result = scan([PREVIEW], Options(input_type=pulumi_json.KIND))
    data = json.loads(json_report.render(result))
    schema = json.loads((Path(json_report.__file__).parent / "schema.json").read_text())
    jsonschema.validate(data, schema)
    user = next(f for f in data["findings"]
                if f["rule"] == "NHI001" and f["resource"] == "aws_iam_user.ci-deployer")
    assert user["urn"] == "urn:pulumi:dev::ci-infra::aws:iam/user:User::ci-deployer"


def test_an_exported_value_equal_to_an_output_it_depends_on_is_that_reference() -> None:
    model = pulumi_json.parse(EXPORT)
    key = next(r for r in model.resources if r.address == "aws_iam_access_key.ci-deployer-key")
    user = key.get("user")
    assert isinstance(user, Unknown) and user.refs[0].address == "aws_iam_user.ci-deployer"
    assert user.refs[0].attr == ("name",)
    assert user.source == "aws_iam_user.ci-deployer.name"
