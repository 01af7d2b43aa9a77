"""The Pulumi Python reader: programs read statically, never run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from nhilint.engine import Options, scan
from nhilint.model import Unknown
from nhilint.parsers import pulumi_python
from nhilint.parsers.registry import discover

ROOT = Path(__file__).resolve().parent.parent


def _project(tmp: Path, program: str, *, runtime: str = "python", **files: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "Pulumi.yaml").write_text(f"name: demo\nruntime: {runtime}\n", encoding="utf-8")
    (tmp / "__main__.py").write_text(textwrap.dedent(program), encoding="utf-8")
    for name, text in files.items():
        (tmp / name.replace("__", "/").replace("_py", ".py").replace("_yaml", ".yaml")
         ).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp


def _model(path: Path):  # type: ignore[no-untyped-def]
    return pulumi_python.parse(path / "Pulumi.yaml")


def _found(path: Path) -> set[tuple[str, str, int]]:
    result = scan([path], Options(input_type=pulumi_python.KIND))
    return {(f.rule, f.resource, f.span.line or 0) for f in result.findings}


CI_USER = """\
    import pulumi_aws as aws

    user = aws.iam.User("ci", name="ci-deployer")
    aws.iam.AccessKey("ci-key", user=user.name)
    aws.iam.UserPolicyAttachment("admin", user=user.name,
                                 policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")
    """


def test_a_program_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = _project(tmp_path / "p", textwrap.dedent(f"""\
        import pathlib
        pathlib.Path({str(marker)!r}).write_text("ran")
        raise SystemExit(3)
        """) + textwrap.dedent(CI_USER))
    result = scan([path], Options(input_type=pulumi_python.KIND))
    assert not marker.exists()
    assert {f.rule for f in result.findings} >= {"NHI001", "NHI012", "NHI011"}


def test_import_styles_and_aliases(tmp_path: Path) -> None:
    path = _project(tmp_path, """\
        import pulumi_aws
        from pulumi_aws import iam as i
        from pulumi_aws.iam import AccessKey as Key
        u = pulumi_aws.iam.User("ci")
        Key("k", user=u.name)
        i.UserPolicyAttachment("a", user=u.name,
                               policy_arn=pulumi_aws.iam.ManagedPolicy.IAM_FULL_ACCESS)
        """)
    model = _model(path)
    types = {r.address: r for r in model.resources}
    assert set(types) == {"aws_iam_user.ci", "aws_iam_access_key.k",
                          "aws_iam_user_policy_attachment.a"}
    key = types["aws_iam_access_key.k"].get("user")
    assert isinstance(key, Unknown) and key.refs[0].address == "aws_iam_user.ci"
    assert types["aws_iam_user_policy_attachment.a"].get("policy_arn") == \
        "arn:aws:iam::aws:policy/IAMFullAccess"
    assert types["aws_iam_access_key.k"].span.line == 5
    assert types["aws_iam_user_policy_attachment.a"].span_of(("policy_arn",)).line == 7
    assert ("NHI001", "aws_iam_user.ci", 4) in _found(path)


def test_loops_name_each_instance(tmp_path: Path) -> None:
    path = _project(tmp_path, """\
        import json
        import pulumi_aws as aws
        TEAMS = ["red", "blue"]
        for team in TEAMS:
            user = aws.iam.User(f"ci-{team}", args=aws.iam.UserArgs(tags={"owner_team": team}))
            aws.iam.UserPolicy(f"ci-{team}-policy", user=user.name, policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*"}],
            }))
        """)
    model = _model(path)
    users = [r for r in model.resources if r.type == "aws_iam_user"]
    assert [u.address for u in users] == ["aws_iam_user.ci-red", "aws_iam_user.ci-blue"]
    assert users[0].get("tags") == {"owner_team": "red"}
    policy = next(r for r in model.resources if r.type == "aws_iam_user_policy")
    assert '"iam:CreateUser"' in str(policy.get("policy"))


def test_local_helpers_and_components_are_followed(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "infra" / "iam.py").write_text(textwrap.dedent("""\
        import pulumi
        import pulumi_aws as aws

        def make_ci_user(name, policy):
            user = aws.iam.User(name)
            aws.iam.AccessKey(f"{name}-key", user=user.name)
            aws.iam.UserPolicyAttachment(f"{name}-admin", user=user.name, policy_arn=policy)
            return user

        class Bot(pulumi.ComponentResource):
            def __init__(self, name, opts=None):
                super().__init__("acme:ci:Bot", name, None, opts)
                self.user = aws.iam.User(f"{name}-bot")
        """), encoding="utf-8")
    path = _project(tmp_path, """\
        from infra.iam import make_ci_user, Bot
        ci = make_ci_user("deployer", "arn:aws:iam::aws:policy/AdministratorAccess")
        bot = Bot("release")
        """)
    model = _model(path)
    assert {r.address for r in model.resources} >= {
        "aws_iam_user.deployer", "aws_iam_access_key.deployer-key", "aws_iam_user.release-bot"}
    found = _found(path)
    assert any(rule == "NHI001" and res == "aws_iam_user.deployer" for rule, res, _ in found)
    user = next(r for r in model.resources if r.address == "aws_iam_user.deployer")
    assert user.span.path.endswith("iam.py") and user.span.line == 5


def test_stack_config_is_read_only_from_a_single_stack(tmp_path: Path) -> None:
    program = """\
        import pulumi
        import pulumi_gcp as gcp
        c = pulumi.Config()
        gcp.projects.IAMMember("m", project=c.require("project"), role="roles/owner",
                               member=c.get_secret("member"))
        """
    one = _project(tmp_path / "one", program)
    (one / "Pulumi.prod.yaml").write_text(
        "config:\n  demo:project: p-1\n  demo:member:\n    secure: AAAB\n", encoding="utf-8")
    member = next(r for r in _model(one).resources)
    assert member.get("project") == "p-1"
    assert isinstance(member.get("member"), Unknown)
    two = _project(tmp_path / "two", program)
    for stack in ("dev", "prod"):
        (two / f"Pulumi.{stack}.yaml").write_text(
            f"config:\n  demo:project: {stack}\n", encoding="utf-8")
    assert isinstance(next(r for r in _model(two).resources).get("project"), Unknown)


def test_policy_documents_and_apply(tmp_path: Path) -> None:
    path = _project(tmp_path, """\
        import pulumi_aws as aws
        doc = aws.iam.get_policy_document(statements=[aws.iam.GetPolicyDocumentStatementArgs(
            actions=["iam:*"], resources=["*"])])
        role = aws.iam.Role("r", assume_role_policy="{}")
        aws.iam.RolePolicy("p", role=role.id, policy=doc.json)
        aws.iam.RolePolicy("q", role=role.name.apply(lambda n: f"{n}"), policy=role.arn.apply(str))
        """)
    model = _model(path)
    document = next(r for r in model.resources if r.mode == "data")
    assert document.type == "aws_iam_policy_document"
    assert document.get("statement") == [{"actions": ["iam:*"], "resources": ["*"]}]
    p = next(r for r in model.resources if r.name == "p")
    policy = p.get("policy")
    assert isinstance(policy, Unknown) and policy.refs[0].address == document.address
    q = next(r for r in model.resources if r.name == "q")
    assert isinstance(q.get("role"), Unknown) and q.get("role").refs  # type: ignore[union-attr]
    assert isinstance(q.get("policy"), Unknown)


def test_syntax_errors_are_diagnostics_and_the_scan_goes_on(tmp_path: Path) -> None:
    _project(tmp_path / "bad", "import pulumi_aws as aws\n\nx = (\ndef\n")
    _project(tmp_path / "good", CI_USER)
    result = scan([tmp_path], Options())
    assert [(d.code, Path(d.path).parent.name, d.line) for d in result.diagnostics] == [
        ("NHI900", "bad", 3)]  # where the parenthesis that is never closed opens
    assert {Path(f.span.path).parent.name for f in result.findings} == {"good"}
    assert {f.rule for f in result.findings} >= {"NHI001", "NHI012"}


def test_a_very_deep_expression_is_a_diagnostic_in_bounded_time(tmp_path: Path) -> None:
    for i, deep in enumerate(["x = " + "(" * 10_000 + "1" + ")" * 10_000,
                              "x = " + "+".join(["1"] * 10_000),
                              "x = " + "-" * 10_000 + "1",
                              "x = a" + ".b" * 10_000,
                              "x = " + "[" * 90 + "]" * 90 + "\ny = " + "+".join(["1"] * 500)]):
        _project(tmp_path / f"deep{i}", "import pulumi_aws as aws\n" + deep + "\n")
    _project(tmp_path / "good", CI_USER)
    started = time.monotonic()
    code = ("import sys\nfrom pathlib import Path\nfrom nhilint.engine import Options, scan\n"
            f"r = scan([Path({str(tmp_path)!r})], Options())\n"
            "print(sorted((Path(d.path).parent.name, d.code) for d in r.diagnostics))\n"
            "print(len(r.findings))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    diagnostics, findings = done.stdout.strip().splitlines()[-2:]
    assert diagnostics == str([(f"deep{i}", "NHI900") for i in range(5)])
    assert int(findings) > 0
    assert time.monotonic() - started < 60


def test_a_terraform_only_run_does_not_import_libcst() -> None:
    case = ROOT / "fixtures" / "NHI001" / "user_key_inline"
    code = ("import sys\nfrom nhilint.cli import main\n"
            f"try:\n    main(['check', {str(case)!r}])\nexcept SystemExit:\n    pass\n"
            "print('libcst' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stdout + done.stderr


def test_projects_of_other_runtimes_are_not_claimed(tmp_path: Path) -> None:
    _project(tmp_path / "ts", CI_USER, runtime="nodejs")
    _project(tmp_path / "py", CI_USER, runtime="'python'")
    units = discover([tmp_path]).units
    assert [(u.kind, u.path.parent.name) for u in units] == [("pulumi-python", "py")]


def test_an_explicit_provider_is_the_resource_s(tmp_path: Path) -> None:
    path = _project(tmp_path, """\
        import pulumi
        import pulumi_aws as aws
        east = aws.Provider("east", region="us-east-1",
                            default_tags={"tags": {"owner": "platform"}})
        aws.iam.User("ci", opts=pulumi.ResourceOptions(provider=east))
        """)
    model = _model(path)
    (provider,) = model.providers
    assert provider.address == "aws.east"
    assert provider.attributes["region"] == "us-east-1"
    (user,) = model.resources
    assert user.provider == "aws.east"


def test_managed_policy_enums_without_one_match_stay_unknown(tmp_path: Path) -> None:
    path = _project(tmp_path, """\
        import pulumi_aws as aws
        r = aws.iam.Role("r", assume_role_policy="{}")
        aws.iam.RolePolicyAttachment("a", role=r.name,
                                     policy_arn=aws.iam.ManagedPolicy.AW_S_CONFIG_ROLE)
        aws.iam.RolePolicyAttachment("b", role=r.name,
                                     policy_arn=aws.iam.ManagedPolicy.CLOUD_TRAIL_FULL_ACCESS)
        aws.iam.RolePolicyAttachment("c", role=r.name,
                                     policy_arn=aws.iam.ManagedPolicy.IAM_READ_ONLY_ACCESS)
        """)
    arns = {r.name: r.get("policy_arn") for r in _model(path).resources if r.name != "r"}
    assert isinstance(arns["a"], Unknown) and isinstance(arns["b"], Unknown)
    assert arns["c"] == "arn:aws:iam::aws:policy/IAMReadOnlyAccess"


def test_comprehensions_over_known_lists(tmp_path: Path) -> None:
    path = _project(tmp_path, """\
        import pulumi_aws as aws
        POLICIES = ["IAMFullAccess", "ReadOnlyAccess"]
        role = aws.iam.Role("deployer", assume_role_policy="{}")
        attached = [aws.iam.RolePolicyAttachment(f"deployer-{i}", role=role.name,
                                                 policy_arn=f"arn:aws:iam::aws:policy/{name}")
                    for i, name in enumerate(POLICIES) if name != "ReadOnlyAccess"]
        """)
    found = {r.address: r.get("policy_arn") for r in _model(path).resources}
    assert found["aws_iam_role_policy_attachment.deployer-0"] == \
        "arn:aws:iam::aws:policy/IAMFullAccess"
    assert "aws_iam_role_policy_attachment.deployer-1" not in found
