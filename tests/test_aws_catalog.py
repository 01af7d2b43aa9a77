"""The AWS action catalog (classes, resource types), its generator and IAM pattern matching."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from nhilint.identity.aws.actions import (
    ActionCatalog,
    catalog_from_data,
    complement,
    covers_all,
    is_valid_pattern,
    load_catalog,
    match_actions,
    match_names,
    pattern_matches,
)

REPO = Path(__file__).resolve().parent.parent
ACTIONS_JSON = REPO / "nhilint" / "data" / "aws_actions.json"
GENERATOR = REPO / "scripts" / "gen_aws_catalog.py"
CURATED = REPO / "scripts" / "aws_curated_actions.toml"
SOURCES = {"permissions-management", "curated", "escalation", "credentials", "data-exfiltration"}
CLASSES = {"alters-identity", "obtains-credentials", "reads-secrets"}

# A dozen of the 134 "Permissions management" identity-service actions of policy_sentry 0.15.2
# (nhi-catalog-data.json "aws_permissions_management_identity_services"), copied as literals.
PM_SPOT_CHECK = (
    "iam:AddUserToGroup",
    "iam:AttachRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreatePolicyVersion",
    "iam:PassRole",
    "iam:PutUserPermissionsBoundary",
    "iam:UpdateAssumeRolePolicy",
    "sso:AttachManagedPolicyToPermissionSet",
    "sso:CreatePermissionSet",
    "sso-directory:AddMemberToGroup",
    "sso-directory:CreateUser",
    "cognito-identity:SetIdentityPoolRoles",
)
PM_COUNTS_0_15_2 = {"iam": 79, "sso": 33, "sso-directory": 13, "cognito-identity": 9}


@pytest.fixture(scope="module")
def catalog() -> ActionCatalog:
    return load_catalog()


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_aws_catalog", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def _policy_sentry() -> object:
    return pytest.importorskip(
        "policy_sentry",
        reason="policy_sentry is not installed (pip install -e '.[gen]'); CI installs it",
    )


def _data(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --------------------------------------------------------------------------- staleness


def test_generated_catalog_is_up_to_date(generator: ModuleType) -> None:
    _policy_sentry()
    catalog = generator.build(generator.load_sources())
    expected = generator.render(catalog)
    current = ACTIONS_JSON.read_text(encoding="utf-8")
    summary = "\n".join(generator.diff_summary(current, catalog))
    assert current == expected, f"run scripts/gen_aws_catalog.py:\n{summary}"


def test_generator_check_mode_exits_1_on_a_stale_file(tmp_path: Path) -> None:
    _policy_sentry()
    stale = _data(ACTIONS_JSON)
    identity = stale["actions"]
    assert isinstance(identity, dict)
    del identity["sts:AssumeRole"]
    target = tmp_path / "aws_actions.json"
    target.write_text(json.dumps(stale), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--output", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "sts:AssumeRole" in run.stderr


def test_every_curated_action_exists_in_policy_sentry(generator: ModuleType) -> None:
    _policy_sentry()
    from policy_sentry.querying.actions import get_action_data

    curated = generator.load_curated(CURATED)
    assert set(curated) == set(generator.CURATED_TABLES)
    assert len(curated["alters-identity"]) >= 50
    for table, names in curated.items():
        for name in names:
            service, _, action = name.partition(":")
            rows = get_action_data(service, action).get(service, [])
            assert rows, f"[{table}] {name} unknown to policy_sentry"
            assert rows[0]["action"] == name, f"[{table}] {name}: policy_sentry writes it so"


# --------------------------------------------------------------------------- generator logic


def _fake_sources(generator: ModuleType, **overrides: object) -> object:
    pm, iam = "Permissions management", "arn:${Partition}:iam::${Account}:"
    def regional(service: str) -> str:
        return f"arn:${{Partition}}:{service}:${{Region}}:${{Account}}:"

    info = {
        "iam:CreateAccessKey": (pm, (iam + "user/${UserNameWithPath}",)),
        "iam:CreateServiceLinkedRole": (pm, ()),
        "iam:PassRole": (pm, (iam + "role/${RoleNameWithPath}",)),
        "sts:AssumeRole": ("Write", (iam + "role/${RoleNameWithPath}",)),
        "sts:GetSessionToken": ("Read", ()),
        "ec2:RunInstances": ("Write", (regional("ec2") + "instance/${Id}",)),
        "lambda:UpdateFunctionCode": (
            "Write", (regional("lambda") + "function:${FunctionName}",)
        ),
        "secretsmanager:GetSecretValue": (
            "Read", (regional("secretsmanager") + "secret:${SecretId}",)
        ),
        "s3:GetObject": ("Read", ("arn:${Partition}:s3:::${BucketName}/${ObjectName}",)),
        "ecr:GetAuthorizationToken": ("Read", ()),
    }
    fields: dict[str, object] = {
        "canonical": {n.lower(): n for n in info},
        "info": lambda name: generator.Info(*info[name], description=f"about {name}"),
        "permissions_management": [
            "iam:CreateAccessKey", "iam:CreateServiceLinkedRole", "iam:PassRole",
        ],
        "curated": {
            "alters-identity": {},
            "obtains-credentials": {},
            "obtains-credentials-of-caller": {},
            "reads-secrets": {},
            "not-identity-altering": {"iam:CreateServiceLinkedRole": "AWS defines it"},
        },
        "escalation_methods": {
            "CreateAccessKey": ["iam:createaccesskey"],
            "EditLambda": ["lambda:updatefunctioncode"],
            "PassRoleEC2": ["iam:passrole", "ec2:runinstances"],
            "Typo": ["gamelist:getcomputeaccess", "iam:passrole"],
        },
        "pathfinding": {"EditLambda": "https://pathfinding.cloud/paths/lambda-003"},
        "credentials": [
            "iam:createaccesskey", "sts:assumerole", "sts:getsessiontoken",
            "ecr:getauthorizationtoken", "gamelist:getcomputeaccess",
        ],
        "exfiltration": ["s3:GetObject", "secretsmanager:GetSecretValue"],
        "versions": {"policy_sentry": "test", "cloudsplaining": "test"},
    }
    fields.update(overrides)
    return generator.Sources(**fields)


def test_generator_classes_reach_resources_and_drops(generator: ModuleType) -> None:
    built = generator.build(_fake_sources(generator))
    actions = built["actions"]
    assert actions["iam:CreateAccessKey"] == {
        "class": "alters-identity", "source": "permissions-management",
        "why": "Permissions management in iam: about iam:CreateAccessKey",
        "resources": ["iam:user/*"],
    }
    assert actions["sts:AssumeRole"]["class"] == "obtains-credentials"
    assert actions["sts:AssumeRole"]["reach"] == "identity"
    assert actions["sts:GetSessionToken"]["reach"] == "caller"  # no resource type
    assert actions["lambda:UpdateFunctionCode"]["class"] == "obtains-credentials"  # runs as it
    assert "pathfinding.cloud" in actions["lambda:UpdateFunctionCode"]["why"]
    assert actions["secretsmanager:GetSecretValue"]["class"] == "reads-secrets"
    assert actions["ecr:GetAuthorizationToken"]["class"] == "reads-secrets"  # not an identity's
    assert "s3:GetObject" not in actions  # data, not a secret store
    assert "iam:CreateServiceLinkedRole" not in actions  # reviewed out
    excluded = built["_meta"]["not_identity_altering"]
    assert excluded == {"iam:CreateServiceLinkedRole": "AWS defines it"}
    methods = built["escalation_methods"]
    assert methods["PassRoleEC2"] == {"actions": ["ec2:RunInstances", "iam:PassRole"]}
    assert "Typo" not in methods  # a combination with an unknown member is dropped whole
    assert built["_meta"]["dropped"] == {"gamelist:getcomputeaccess": "unknown service gamelist"}
    rendered = generator.render(built)
    assert rendered.endswith("}\n") and rendered == generator.render(built)


def test_curated_tables_win_over_derived_classes(generator: ModuleType) -> None:
    curated = {t: {} for t in generator.CURATED_TABLES}
    curated["obtains-credentials-of-caller"] = {"sts:AssumeRole": "say it is the caller's"}
    built = generator.build(_fake_sources(generator, curated=curated))
    assert built["actions"]["sts:AssumeRole"]["source"] == "curated"
    assert built["actions"]["sts:AssumeRole"]["reach"] == "caller"


def test_generator_rejects_unknown_miscased_or_doubled_curated_actions(
    generator: ModuleType,
) -> None:
    for table, bad in (
        ("alters-identity", {"iam:NoSuchAction": "x"}),
        ("reads-secrets", {"nope:Thing": "x"}),
        ("obtains-credentials", {"sts:assumerole": "x"}),
    ):
        curated = {t: {} for t in generator.CURATED_TABLES} | {table: bad}
        with pytest.raises(generator.CatalogError):
            generator.build(_fake_sources(generator, curated=curated))
    doubled = {t: {} for t in generator.CURATED_TABLES}
    doubled["alters-identity"] = doubled["reads-secrets"] = {"sts:AssumeRole": "x"}
    with pytest.raises(generator.CatalogError, match="in both"):
        generator.build(_fake_sources(generator, curated=doubled))


def test_compact_resource_formats(generator: ModuleType) -> None:
    iam = "arn:${Partition}:iam::${Account}:"
    assert generator.compact_format(iam + "role/${RoleNameWithPath}") == "iam:role/*"
    assert generator.compact_format(iam + "root") == "iam:root"
    assert generator.compact_format(
        "arn:${Partition}:rds-db:${Region}:${Account}:dbuser:${DbiResourceId}/${DbUserName}"
    ) == "rds-db:dbuser:*/*"


# --------------------------------------------------------------------------- catalog contents


def test_catalog_data_file_is_well_formed(catalog: ActionCatalog) -> None:
    data = _data(ACTIONS_JSON)
    meta = data["_meta"]
    assert isinstance(meta, dict)
    assert set(meta["versions"]) == {"policy_sentry", "cloudsplaining"}
    assert set(catalog.categories.values()) <= SOURCES
    assert set(catalog.classes.values()) == CLASSES
    assert dict(catalog.actions) == {name.lower(): name for name in catalog.categories}
    assert all(catalog.reasons[name] for name in catalog.categories)
    counts = meta["counts"]
    for klass in CLASSES:
        assert counts[klass] == sum(1 for c in catalog.classes.values() if c == klass)
    assert counts["total"] == len(catalog.categories)
    obtains = {a for a, c in catalog.classes.items() if c == "obtains-credentials"}
    assert set(catalog.reach) == obtains
    assert set(catalog.reach.values()) == {"identity", "caller"}
    for name, types in catalog.resources.items():
        assert all(":" in t for t in types), name
    assert len(catalog.escalation_methods) == counts["escalation_methods"]
    for method, members in catalog.escalation_methods.items():
        assert members, method
        assert all(":" in m and m != m.lower() for m in members), method
    assert ACTIONS_JSON.read_text(encoding="utf-8").endswith("}\n")


def test_permissions_management_identity_actions_alter_identity(catalog: ActionCatalog) -> None:
    for name in PM_SPOT_CHECK:
        assert catalog.categories.get(name) == "permissions-management", name
        assert catalog.class_of(name) == "alters-identity", name
    meta = _data(ACTIONS_JSON)["_meta"]
    assert isinstance(meta, dict)
    if meta["versions"]["policy_sentry"] == "0.15.2":
        excluded = set(meta["not_identity_altering"])
        for service, count in PM_COUNTS_0_15_2.items():
            got = [
                n
                for n, c in catalog.categories.items()
                if c == "permissions-management" and n.startswith(service + ":")
            ]
            dropped = [n for n in excluded if n.startswith(service + ":")]
            assert len(got) + len(dropped) == count, service


@pytest.mark.parametrize(("action", "klass", "reach"), [
    ("iam:CreateAccessKey", "alters-identity", None),
    ("iam:PassRole", "alters-identity", None),
    ("organizations:CreateAccount", "alters-identity", None),
    ("sso:CreateAccountAssignment", "alters-identity", None),
    ("sts:AssumeRole", "obtains-credentials", "identity"),
    ("sts:AssumeRoleWithWebIdentity", "obtains-credentials", "identity"),
    ("lambda:UpdateFunctionCode", "obtains-credentials", "identity"),
    ("sts:GetSessionToken", "obtains-credentials", "caller"),
    ("sts:GetFederationToken", "obtains-credentials", "caller"),
    ("cognito-identity:GetCredentialsForIdentity", "obtains-credentials", "caller"),
    ("cognito-identity:GetOpenIdToken", "obtains-credentials", "caller"),
    ("cognito-identity:GetOpenIdTokenForDeveloperIdentity", "obtains-credentials", "caller"),
    ("secretsmanager:GetSecretValue", "reads-secrets", None),
    ("ssm:GetParameter", "reads-secrets", None),
    ("kms:Decrypt", "reads-secrets", None),
])
def test_classes(catalog: ActionCatalog, action: str, klass: str, reach: str | None) -> None:
    assert catalog.class_of(action) == klass
    assert catalog.reach.get(action) == reach


def test_reviewed_out_actions_are_not_in_the_catalog(catalog: ActionCatalog) -> None:
    excluded = _data(ACTIONS_JSON)["_meta"]["not_identity_altering"]  # type: ignore[index]
    assert "iam:CreateServiceLinkedRole" in excluded
    assert not set(excluded) & set(catalog.categories)
    assert match_actions(["organizations:Describe*", "organizations:List*"], catalog) == set()
    reads = ["iam:Get*", "iam:List*", "iam:Generate*", "sts:GetCallerIdentity"]
    assert match_actions(reads, catalog) == set()


def test_resource_types_come_from_policy_sentry(catalog: ActionCatalog) -> None:
    assert catalog.resources["sts:AssumeRole"] == ("iam:role/*",)
    assert catalog.resources["iam:CreatePolicyVersion"] == ("iam:policy/*",)
    assert catalog.resources["sts:GetSessionToken"] == ()
    assert catalog.escalation_methods["CreateEC2WithExistingIP"] == {
        "iam:PassRole",
        "ec2:RunInstances",
    }
    assert catalog.pathfinding["CreateAccessKey"].startswith("https://pathfinding.cloud/")
    assert "ec2:RunInstances" not in catalog.categories  # combination members are not singles


# --------------------------------------------------------------------------- matching


def test_service_wildcard(catalog: ActionCatalog) -> None:
    matched = match_actions(["iam:*"], catalog)
    assert {"iam:CreateAccessKey", "iam:PassRole", "iam:AttachRolePolicy"} <= matched
    assert all(name.startswith("iam:") for name in matched)


def test_prefix_wildcard(catalog: ActionCatalog) -> None:
    matched = match_actions(["iam:Put*"], catalog)
    assert {"iam:PutUserPolicy", "iam:PutRolePolicy", "iam:PutGroupPolicy"} <= matched
    assert "iam:CreateUser" not in matched


def test_wildcards_anywhere_and_question_mark(catalog: ActionCatalog) -> None:
    assert match_actions(["sts:Assume?ole"], catalog) == {"sts:AssumeRole"}
    assert match_actions(["sts:Assume?"], catalog) == set()
    assert "iam:CreateAccessKey" in match_actions(["iam:*AccessKey*"], catalog)
    assert "iam:CreateAccessKey" in match_actions(["i?m:Create*"], catalog)
    assert "iam:CreateAccessKey" in match_actions(["*:CreateAccessKey"], catalog)


def test_unrelated_service_matches_nothing(catalog: ActionCatalog) -> None:
    assert match_actions(["s3:*", "ec2:RunInstances"], catalog) == set()


def test_star_matches_everything(catalog: ActionCatalog) -> None:
    assert match_actions(["*"], catalog) == set(catalog.categories)
    assert covers_all(["s3:GetObject", "*"])
    assert covers_all(["*:*"])
    assert not covers_all(["iam:*", "s3:*"])
    assert not covers_all([])


def test_case_insensitive(catalog: ActionCatalog) -> None:
    assert match_actions(["IAM:createaccesskey"], catalog) == {"iam:CreateAccessKey"}
    assert match_actions(["Iam:PUT*"], catalog) == match_actions(["iam:Put*"], catalog)


def test_catalog_actions_and_not(catalog: ActionCatalog) -> None:
    assert match_actions(["sts:AssumeRole"], catalog) == {"sts:AssumeRole"}
    assert match_actions(["iam:GetUser", "iam:ListUsers"], catalog) == set()


def test_malformed_patterns_match_nothing(catalog: ActionCatalog) -> None:
    bad: list[object] = [None, 3, ["iam:*"], {"a": 1}, "", "iam", "iam:", ":x", "iam :*", "a:b:c"]
    assert match_actions(bad, catalog) == set()
    assert not any(is_valid_pattern(p) for p in bad)
    assert is_valid_pattern("iam:*") and is_valid_pattern("*")


def test_a_bare_string_is_one_pattern(catalog: ActionCatalog) -> None:
    assert match_actions("iam:PassRole", catalog) == {"iam:PassRole"}


def test_not_action_complement(catalog: ActionCatalog) -> None:
    # PowerUserAccess: Allow NotAction iam:*, organizations:*, account:* on *.
    granted = complement(match_actions(["iam:*", "organizations:*", "account:*"], catalog), catalog)
    assert "sts:AssumeRole" in granted
    assert not any(name.startswith(("iam:", "organizations:")) for name in granted)


def test_match_names_for_escalation_members(catalog: ActionCatalog) -> None:
    members = catalog.escalation_methods["CreateEC2WithExistingIP"]
    assert match_names(["iam:PassRole", "ec2:Run*"], members) == members
    assert match_names(["iam:PassRole"], members) == {"iam:PassRole"}
    assert pattern_matches("EC2:run*", "ec2:RunInstances")
    assert not pattern_matches(42, "ec2:RunInstances")


def test_matching_is_memoised(catalog: ActionCatalog) -> None:
    first = catalog.matching("iam:Put*")
    assert first is catalog.matching("iam:Put*"), "the second lookup must come from the memo"
    assert first == catalog._compute("iam:Put*")
    assert "iam:PutUserPolicy" in first and "iam:GetUser" not in first
    assert match_actions(["iam:Put*"], catalog) == first


def test_catalog_from_data_rejects_bad_files() -> None:
    with pytest.raises(ValueError):
        catalog_from_data({"actions": {"iam:X": {"source": "curated", "why": "x", "class": 1}}})
    with pytest.raises(ValueError):
        catalog_from_data({"actions": {"iam:X": {"source": "curated", "why": "x",
                                                   "class": "alters-identity"}}})  # no resources
    with pytest.raises(ValueError):
        catalog_from_data([])


def test_runtime_never_loads_the_iam_database() -> None:
    code = (
        "import sys\n"
        "from nhilint.identity.aws import actions, managed\n"
        "actions.match_actions(['iam:*'], actions.load_catalog())\n"
        "managed.managed_policy('arn:aws:iam::aws:policy/IAMFullAccess')\n"
        "loaded = [m for m in sys.modules if m.startswith(('policy_sentry', 'cloudsplaining'))]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
