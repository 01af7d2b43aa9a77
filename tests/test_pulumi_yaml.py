"""The Pulumi YAML reader, as a user of ``nhilint check`` meets it: what it reads, what stays
unknown, and bad input as diagnostics with lines."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nhilint.engine import Options, scan
from nhilint.model import Unknown
from nhilint.parsers import pulumi_yaml
from nhilint.parsers.registry import detect

ROOT = Path(__file__).resolve().parent.parent


def _program(tmp_path: Path, body: str, name: str = "Pulumi.yaml") -> Path:
    head = "name: p\nruntime: yaml\n" if name.startswith("Pulumi") else ""
    if not name.startswith("Pulumi"):
        (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: yaml\n")
    path = tmp_path / name
    path.write_text(head + textwrap.dedent(body))
    return path


def test_only_yaml_projects_are_claimed(tmp_path: Path) -> None:
    python = tmp_path / "py"
    python.mkdir()
    (python / "Pulumi.yaml").write_text("name: p\nruntime:\n  name: python\n")
    assert detect(python / "Pulumi.yaml") is None
    yaml_project = tmp_path / "yaml"
    yaml_project.mkdir()
    (yaml_project / "Pulumi.yaml").write_text("name: p\nruntime:\n  name: yaml\n")
    assert detect(yaml_project / "Pulumi.yaml") == pulumi_yaml.KIND
    main = _program(yaml_project, "resources: {}\n", "Main.yaml")
    assert pulumi_yaml.units([tmp_path]) == [main]


def test_values_references_and_functions(tmp_path: Path) -> None:
    path = _program(tmp_path, """\
        config:
          team: {type: string, default: platform}
          token: {type: string, secret: true}
        variables:
          doc:
            fn::toJSON:
              Version: "2012-10-17"
              Statement: [{Effect: Allow, Action: ["iam:*"], Resource: "*"}]
          parts: {fn::split: [",", "a,b,c"]}
        resources:
          bot:
            type: aws:iam:User
            properties:
              name: ${pulumi.project}-${parts[1]}
              tags: {owner: "${team}", costCenter: "${token}"}
          botPolicy:
            type: aws:iam/userPolicy:UserPolicy
            properties:
              user: ${bot.name}
              policy: ${doc}
              namePrefix: $${literal}
        """)
    model = pulumi_yaml.parse(path)
    by = {r.address: r for r in model.resources}
    bot, policy = by["aws_iam_user.bot"], by["aws_iam_user_policy.botPolicy"]
    assert bot.get("name") == "p-b"
    tags = bot.get("tags")
    assert isinstance(tags, dict) and tags["owner"] == "platform"
    assert "costCenter" in tags and isinstance(tags["costCenter"], Unknown)  # map keys as written
    user = policy.get("user")
    assert isinstance(user, Unknown) and user.refs[0].address == "aws_iam_user.bot"
    assert user.refs[0].attr == ("name",)
    assert policy.get("policy") == ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                                    '"Action":["iam:*"],"Resource":"*"}]}')
    assert policy.get("name_prefix") == "${literal}"
    assert policy.span_of(("policy",)).line == 22


def test_a_policy_document_invoke_is_a_document(tmp_path: Path) -> None:
    path = _program(tmp_path, """\
        resources:
          ci:
            type: aws:iam:User
          ciKey:
            type: aws:iam:AccessKey
            properties: {user: "${ci.name}"}
          ciPolicy:
            type: aws:iam:UserPolicy
            properties:
              user: ${ci.name}
              policy:
                fn::invoke:
                  function: aws:iam:getPolicyDocument
                  arguments:
                    statements:
                      - actions: ["iam:CreateAccessKey"]
                        resources: ["*"]
                  return: json
        """)
    result = scan([path], Options(input_type=pulumi_yaml.KIND))
    assert ("NHI001", "aws_iam_user.ci") in {(f.rule, f.resource) for f in result.findings}


@pytest.mark.parametrize(("body", "line", "words"), [
    ("resources:\n  a:\n    type: aws:iam:User\n  a:\n    type: aws:iam:Role\n", 6,
     "duplicate key"),
    ("resources: [\n", 4, "not valid YAML"),
    ("resources:\n  a: !Ref x\n", 4, "tag"),
    ("- just\n- a list\n", 1, "mapping"),
    ("resources:\n  a:\n    properties: {}\n", 4, "no type"),
])
def test_bad_input_is_a_diagnostic_with_a_line(tmp_path: Path, body: str, line: int,
                                               words: str) -> None:
    path = tmp_path / "Pulumi.yaml"
    path.write_text(body if body.startswith("-") else "name: p\nruntime: yaml\n" + body)
    model = pulumi_yaml.parse(path)
    assert [(d.code, d.line) for d in model.diagnostics] == [("NHI900", line)], model.diagnostics
    assert words in model.diagnostics[0].message


def test_an_alias_bomb_is_bounded(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    path = _program(tmp_path, "variables:\n" + "".join(f"  {lv}\n" for lv in levels))
    model = pulumi_yaml.parse(path)
    assert [d.code for d in model.diagnostics] == ["NHI900"]
    assert "expands to more than" in model.diagnostics[0].message


def test_a_deep_document_is_a_diagnostic(tmp_path: Path) -> None:
    path = _program(tmp_path, "variables:\n  deep: " + "[" * 10_000 + "]" * 10_000 + "\n")
    model = pulumi_yaml.parse(path)
    assert [d.code for d in model.diagnostics] == ["NHI900"]


def test_a_bad_program_does_not_stop_the_scan(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (bad / "Pulumi.yaml").write_text("name: p\nruntime: yaml\nresources: [\n")
    (good / "Pulumi.yaml").write_text((ROOT / "fixtures" / "NHI001" / "pulumi_aws_ci_user"
                                       / "Pulumi.yaml").read_text())
    result = scan([tmp_path], Options())
    assert any(f.rule == "NHI001" for f in result.findings)
    assert [d.code for d in result.diagnostics] == ["NHI900"]


def test_a_terraform_only_run_does_not_import_pyyaml_or_pulumi() -> None:
    """Neither PyYAML nor the CrossGuard SDK (``pulumi_policy``, ``pulumi``, gRPC) is imported
    by a Terraform-only check."""
    case = ROOT / "fixtures" / "NHI001" / "user_key_inline"
    code = ("import sys\nfrom nhilint.cli import main\n"
            f"try:\n    main(['check', {str(case)!r}])\nexcept SystemExit:\n    pass\n"
            "print([m for m in ('yaml', 'pulumi_policy', 'pulumi', 'grpc') if m in sys.modules])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_reference_paths_are_the_model_s(tmp_path: Path) -> None:
    path = _program(tmp_path, """\
        resources:
          sa:
            type: kubernetes:core/v1:ServiceAccount
            properties: {metadata: {name: bot}}
          graph:
            type: azuread:ServicePrincipal
            properties: {clientId: 00000003-0000-0000-c000-000000000000}
          uses:
            type: azuread:AppRoleAssignment
            properties:
              appRoleId: ${graph.appRoleIds["RoleManagement.ReadWrite.Directory"]}
              principalObjectId: ${sa.metadata.name}
        """)
    uses = next(r for r in pulumi_yaml.parse(path).resources if r.name == "uses")
    role, who = uses.get("app_role_id"), uses.get("principal_object_id")
    assert isinstance(role, Unknown) and isinstance(who, Unknown)
    assert role.refs[0].attr == ("app_role_ids", "RoleManagement.ReadWrite.Directory")
    assert who.refs[0].attr == ("metadata", 0, "name")
