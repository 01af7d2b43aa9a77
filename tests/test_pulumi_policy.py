"""The CrossGuard policy pack (issue 11): the stack policy reports the findings ``nhilint
check`` gives for the same stack's preview, on the resources' URNs, with the real
``pulumi_policy`` package (its argument classes and unknown-checking proxy, and its private
analyzer servicer for the engine's enforcement levels); and ``nhilint pulumi-policy-pack``
writes a pack."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    StackValidationArgs,
)
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import unknown_checking_proxy

from nhilint.cli import main
from nhilint.engine import Options, scan
from nhilint.integrations import pulumi_pack
from nhilint.integrations.pulumi_policy import POLICY, stack_policy, violations
from nhilint.rule import Severity

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "NHI001"
SCENARIOS = ["pulumi_aws_ci_user", "pulumi_gcp_ci_key_owner", "pulumi_entra_sp_password",
             "pulumi_k8s_token_secret_bind"]
AWS_USER = "urn:pulumi:dev::ci-infra::aws:iam/user:User::ci"
AWS_KEY = "urn:pulumi:dev::ci-infra::aws:iam/accessKey:AccessKey::ci"


def _options(secret: Sequence[str] = ()) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), list(secret))


def _states(case: str) -> list[Mapping[str, object]]:
    document = json.loads((FIXTURES / case / "preview.json").read_text())
    return [s["newState"] for s in document["steps"] if isinstance(s.get("newState"), dict)]


def _resources(case: str, secret: Mapping[str, Sequence[str]] | None = None,
               change: Mapping[str, Mapping[str, object]] | None = None) -> list[PolicyResource]:
    """The preview's resources as the engine gives a stack policy: properties behind the
    unknown-checking proxy, each resource's provider, its property dependencies."""
    states = _states(case)
    providers = {
        str(s["urn"]): PolicyProviderResource(str(s["type"]), unknown_checking_proxy(
            dict(s.get("inputs") or {})), str(s["urn"]), str(s["urn"]).rsplit("::", 1)[1])
        for s in states if str(s["type"]).startswith("pulumi:providers:")
    }
    made: dict[str, PolicyResource] = {}
    for s in states:
        urn = str(s["urn"])
        props = {**dict(s.get("inputs") or {}), **dict((change or {}).get(urn, {}))}
        provider = str(s.get("provider") or "").rsplit("::", 1)[0]
        made[urn] = PolicyResource(
            str(s["type"]), unknown_checking_proxy(props), urn, urn.rsplit("::", 1)[1],
            _options((secret or {}).get(urn, ())), providers.get(provider), None, [], {})
    for s in states:
        depends = s.get("propertyDependencies")
        for name, urns in (depends.items() if isinstance(depends, dict) else ()):
            made[str(s["urn"])].property_dependencies[name] = [made[u] for u in urns if u in made]
    return list(made.values())


def _validate(resources: list[PolicyResource], config: Mapping[str, object] | None = None,
              ) -> list[tuple[str, str | None]]:
    reported: list[tuple[str, str | None]] = []
    args = StackValidationArgs(resources, dict(config or {}))
    result = stack_policy().validate(args, lambda m, u=None: reported.append((m, u)))
    assert result is None
    return reported


def _rules(reported: Sequence[tuple[str, str | None]]) -> set[tuple[str, str | None]]:
    return {(message.split()[0], urn) for message, urn in reported}


@pytest.mark.parametrize("case", SCENARIOS)
def test_the_stack_policy_reports_what_the_preview_gives(case: str) -> None:
    result = scan([FIXTURES / case / "preview.json"], Options(input_type="pulumi-json"))
    expected = {(f.rule, f.origin) for f in result.findings if f.severity >= Severity.LOW}
    assert expected
    assert _rules(_validate(_resources(case))) == expected


def test_the_aws_ci_user_s_violations_name_rule_and_urn() -> None:
    reported = _validate(_resources("pulumi_aws_ci_user"))
    assert {("NHI001", AWS_USER), ("NHI003", AWS_USER), ("NHI012", AWS_KEY)} <= _rules(reported)
    message = next(m for m, u in reported if m.startswith("NHI001"))
    assert message == ("NHI001 static-secret (critical): automation principal aws_iam_user.ci "
                       "can alter identity (* on *) and holds a static access key "
                       "aws_iam_access_key.ci")


@pytest.mark.parametrize(("case", "principal"), [
    ("pulumi_gcp_ci_key_owner",
     "urn:pulumi:prod::payments-ci::gcp:serviceaccount/account:Account::jenkins_deployer"),
    ("pulumi_entra_sp_password",
     "urn:pulumi:prod::identity::azuread:index/application:Application::provisioner"),
    ("pulumi_k8s_token_secret_bind",
     "urn:pulumi:prod::cluster-bootstrap::kubernetes:core/v1:ServiceAccount::argocd_manager"),
])
def test_each_platform_s_principal_has_its_static_secret(case: str, principal: str) -> None:
    assert ("NHI001", principal) in _rules(_validate(_resources(case)))


def test_select_ignore_and_minimum_severity_come_from_the_config() -> None:
    resources = _resources("pulumi_aws_ci_user")
    assert {r for r, _ in _rules(_validate(resources, {"select": ["NHI001", "NHI00"]}))} \
        == {"NHI001", "NHI002", "NHI003", "NHI004"}
    assert "NHI002" not in {r for r, _ in _rules(_validate(resources, {"ignore": ["no-owner"]}))}
    critical = _validate(resources, {"minimumSeverity": "critical"})
    assert {r for r, _ in _rules(critical)} == {"NHI001", "NHI003"}


@pytest.mark.parametrize("config", [{"select": ["NHI999"]}, {"minimumSeverity": "severe"}])
def test_a_bad_config_is_one_violation_of_the_stack(config: Mapping[str, object]) -> None:
    reported = _validate(_resources("pulumi_aws_ci_user"), config)
    assert len(reported) == 1
    assert reported[0][0].startswith("nhilint policy config: ")
    assert reported[0][1] is None


def test_a_secret_value_the_policy_receives_is_never_read() -> None:
    plain = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    resources = _resources("pulumi_aws_ci_user", secret={AWS_KEY: ["secret"]},
                           change={AWS_KEY: {"secret": plain, "sesSmtpPasswordV4": plain}})
    reported = _validate(resources)
    assert _rules(reported) == _rules(_validate(_resources("pulumi_aws_ci_user")))
    assert not any(plain in message for message, _ in reported)


def _struct(value: Mapping[str, object]) -> struct_pb2.Struct:
    found = struct_pb2.Struct()
    found.update(dict(value))
    return found


def _request(case: str) -> proto.AnalyzeStackRequest:
    resources = []
    for s in _states(case):
        depends = s.get("propertyDependencies")
        resources.append(proto.AnalyzerResource(
            type=str(s["type"]), properties=_struct(dict(s.get("inputs") or {})),
            urn=str(s["urn"]), name=str(s["urn"]).rsplit("::", 1)[1],
            propertyDependencies={
                k: proto.AnalyzerPropertyDependencies(urns=v)
                for k, v in (depends.items() if isinstance(depends, dict) else ())}))
    return proto.AnalyzeStackRequest(resources=resources)


@pytest.mark.parametrize(("level", "expected"), [
    (None, proto.ADVISORY), (EnforcementLevel.MANDATORY, proto.MANDATORY),
    (EnforcementLevel.DISABLED, None),
])
def test_the_engine_applies_the_enforcement_level(level: EnforcementLevel | None,
                                                  expected: int | None) -> None:
    servicer = _PolicyAnalyzerServicer("nhilint", "0.0.1", [stack_policy()],
                                       EnforcementLevel.ADVISORY)
    if level is not None:
        config = proto.PolicyConfig(enforcementLevel=servicer._map_enforcement_level(level),
                                    properties=_struct({"select": ["NHI001"]}))
        servicer.Configure(proto.ConfigureAnalyzerRequest(policyConfig={POLICY: config}), None)
    response = servicer.AnalyzeStack(_request("pulumi_aws_ci_user"), None)
    if expected is None:
        assert not response.diagnostics
        return
    found = {(d.policyName, d.urn, d.enforcementLevel) for d in response.diagnostics}
    assert (POLICY, AWS_USER, expected) in found
    if level is not None:  # the config's selection reached the policy
        assert all("\nNHI001 " in d.message for d in response.diagnostics)


def test_the_policy_declares_its_config_schema() -> None:
    policy = stack_policy(EnforcementLevel.MANDATORY)
    assert policy.name == POLICY
    assert policy.enforcement_level is EnforcementLevel.MANDATORY
    assert policy.config_schema is not None
    assert set(policy.config_schema.properties) == {"select", "ignore", "minimumSeverity"}


def test_violations_of_an_empty_stack_are_none() -> None:
    assert violations(StackValidationArgs([], {})) == []


def test_the_command_writes_a_pack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "policy"
    assert main(["pulumi-policy-pack", str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == sorted(pulumi_pack.FILES)
    project = (target / "PulumiPolicy.yaml").read_text()
    assert "runtime:\n  name: python\n" in project
    requirements = (target / "requirements.txt").read_text().splitlines()
    assert any(r.startswith("nhilint>=") for r in requirements)
    assert "pulumi-policy>=1.20.0,<2.0.0" in requirements
    source = (target / "__main__.py").read_text()
    tree = ast.parse(source)
    compile(tree, "__main__.py", "exec")
    imported = {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                for a in n.names}
    assert ("nhilint.integrations.pulumi_policy", "policy_pack") in imported
    assert "pulumi preview --policy-pack" in capsys.readouterr().err


def test_the_written_main_imports_what_it_names(tmp_path: Path) -> None:
    """Everything ``__main__.py`` imports exists (it is not run: it serves forever)."""
    tree = ast.parse(pulumi_pack.files()["__main__.py"])
    code = "\n".join(ast.unparse(n) for n in tree.body if isinstance(n, ast.ImportFrom))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_the_command_refuses_to_overwrite(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "requirements.txt").write_text("mine\n")
    assert main(["pulumi-policy-pack", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "requirements.txt already exists (use --force to overwrite)" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requirements.txt"]
    assert (tmp_path / "requirements.txt").read_text() == "mine\n"
    assert main(["pulumi-policy-pack", "--force", str(tmp_path)]) == 0
    assert (tmp_path / "requirements.txt").read_text() != "mine\n"


def test_the_command_refuses_a_file_as_dir(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").write_text("")
    assert main(["pulumi-policy-pack", str(tmp_path / "f")]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_the_stack_s_outputs_are_never_read() -> None:
    """The engine hands a stack policy the outputs decrypted: none is judged as a value."""
    stack = PolicyResource(
        "pulumi:pulumi:Stack", unknown_checking_proxy({"key": "AKIAIOSFODNN7EXAMPLE",
                                                       "secret": "wJalrXUtnFEMI/K7MDENG/bPx"}),
        "urn:pulumi:dev::ci-infra::pulumi:pulumi:Stack::ci-infra-dev", "ci-infra-dev",
        _options(), None, None, [], {})
    reported = _validate([*_resources("pulumi_aws_ci_user"), stack], {"minimumSeverity": "info"})
    assert not any(m.startswith("NHI013") for m, _ in reported)
    assert not any("AKIA" in m or "wJalr" in m for m, _ in reported)


def test_the_readme_s_config_is_the_schema_s() -> None:
    from readme_blocks import readme_block

    config = json.loads(readme_block("Pulumi CrossGuard", "json"))[POLICY]
    schema = stack_policy().config_schema
    assert schema is not None
    assert set(config) - {"enforcementLevel"} <= set(schema.properties)
    assert config["enforcementLevel"] in {e.value for e in EnforcementLevel}
    reported = _validate(_resources("pulumi_aws_ci_user"),
                         {k: v for k, v in config.items() if k != "enforcementLevel"})
    assert reported
    assert not any(m.startswith("nhilint policy config") for m, _ in reported)
