"""The table of every AWS managed policy: its generator, its staleness, its own invariants."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from pinned_dataset import iam_dataset, load_script

from nhilint.identity.aws.actions import (
    ALTERS,
    is_valid_pattern,
    load_catalog,
    match_actions,
    match_names,
)
from nhilint.identity.aws.managed import (
    FLAGS,
    dataset_commit,
    flags_of,
    is_aws_managed_arn,
    known_managed_policies,
    managed_policy,
)

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "nhilint" / "data" / "aws_managed_policies.json"
GENERATOR = REPO / "scripts" / "gen_aws_managed_policies.py"


@pytest.fixture(scope="module")
def table() -> dict[str, object]:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_script(GENERATOR)


def _dataset(table: dict[str, object]) -> Path:
    """A clone of iann0036/iam-dataset holding the pinned commit, or a skip saying why not."""
    commit = table["_meta"]["source"]["commit"]  # type: ignore[index]
    return iam_dataset(commit, "managed-policy table")


# --------------------------------------------------------------------------- staleness


def test_the_table_is_what_the_pinned_dataset_gives(
    table: dict[str, object], generator: ModuleType
) -> None:
    dataset = _dataset(table)
    run = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--dataset", str(dataset)],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr


def test_check_mode_fails_on_a_stale_table(
    table: dict[str, object], generator: ModuleType, tmp_path: Path
) -> None:
    dataset = _dataset(table)
    stale = dict(table)
    gone = "service-role/AWSLambdaBasicExecutionRole"
    stale["harmless"] = [k for k in table["harmless"] if k != gone]  # type: ignore[attr-defined]
    target = tmp_path / "aws_managed_policies.json"
    target.write_text(json.dumps(stale), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--dataset", str(dataset),
         "--output", str(target)],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 1
    assert f"harmless: 1 added: {gone}" in run.stderr


# --------------------------------------------------------------------------- invariants (CI)


def test_meta_pins_the_source_and_counts_every_section(table: dict[str, object]) -> None:
    meta = table["_meta"]
    assert isinstance(meta, dict)
    source = meta["source"]
    assert source["repository"] == "https://github.com/iann0036/iam-dataset"
    assert len(source["commit"]) == 40 and dataset_commit() == source["commit"]
    policies, harmless = table["policies"], table["harmless"]
    assert isinstance(policies, dict) and isinstance(harmless, list)
    counts = meta["counts"]
    assert counts["with_statements"] == len(policies)
    assert counts["harmless"] == len(harmless)
    assert counts["policies"] == len(policies) + len(harmless) == len(known_managed_policies())
    assert counts["deprecated"] == len(table["deprecated"])  # type: ignore[arg-type]
    assert counts["pathless"] == len(table["pathless"])  # type: ignore[arg-type]
    for flag in FLAGS:
        assert counts[flag] == sum(1 for p in policies.values() if flag in p["flags"]), flag
    assert not set(policies) & set(harmless)
    keys = set(policies) | set(harmless)
    assert set(table["deprecated"]) <= keys  # type: ignore[arg-type]
    assert set(table["pathless"]) <= keys  # type: ignore[arg-type]
    assert TABLE.stat().st_size < 400_000, "keep the table compact"


def test_the_table_weighed_what_the_catalog_weighs_now(
    table: dict[str, object], generator: ModuleType
) -> None:
    """A change of the catalog's classes or of the escalation methods without regenerating the
    table fails here, dataset or not."""
    catalog = load_catalog()
    weighed = table["_meta"]["catalog"]["weighed"]  # type: ignore[index]
    assert weighed == generator.fingerprint(catalog, generator.escalation_members(catalog)), (
        "the catalog changed: run scripts/gen_aws_managed_policies.py"
    )


def test_every_entry_is_well_formed_and_weighed_by_the_current_catalog(
    table: dict[str, object], generator: ModuleType
) -> None:
    catalog = load_catalog()
    members = generator.escalation_members(catalog)
    policies = table["policies"]
    assert isinstance(policies, dict)
    for key, entry in policies.items():
        assert is_aws_managed_arn(f"arn:aws:iam::aws:policy/{key}"), key
        assert set(entry) == {"statements", "flags"}, key
        assert entry["statements"], key
        for statement in entry["statements"]:
            assert statement["Effect"] in {"Allow", "Deny"}, key
            assert set(statement) <= {"Effect", "Action", "NotAction", "Resource",
                                      "NotResource", "Condition"}, key
            for pattern in statement.get("Action", []):
                assert is_valid_pattern(pattern), (key, pattern)
                matched = match_actions([pattern], catalog)
                weighed = catalog.of_class(matched, ALTERS) | catalog.reaching(matched)
                assert weighed or match_names([pattern], members), (key, pattern)
        assert entry["flags"] == flags_of(entry["statements"], catalog), key


# --------------------------------------------------------------------------- lookups


def test_lookup_by_arn_with_partition_path_and_case() -> None:
    admin = managed_policy("arn:aws:iam::aws:policy/AdministratorAccess")
    assert admin is not None and admin.name == "AdministratorAccess"
    gov = managed_policy("arn:aws-us-gov:iam::aws:policy/AdministratorAccess")
    assert gov is not None and gov.arn == "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"
    lam = managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    assert lam is not None and lam.name == "AWSLambdaBasicExecutionRole"
    assert lam.document["Statement"] == []  # known, and grants nothing nhilint weighs
    assert managed_policy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole") is None
    assert managed_policy("arn:aws:iam::aws:policy/administratoraccess") is not None


def test_deprecated_policies_without_an_arn_are_found_by_name() -> None:
    old = managed_policy("arn:aws:iam::aws:policy/AWSLambdaFullAccess")
    assert old is not None and old.deprecated
    assert old.arn == "arn:aws:iam::aws:policy/AWSLambdaFullAccess"
    granted = [a for s in old.document["Statement"] for a in s.get("Action", [])]  # type: ignore[attr-defined]
    assert match_names(granted, ["lambda:UpdateFunctionCode"])


def test_unknown_and_customer_arns() -> None:
    assert managed_policy("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere") is None
    assert is_aws_managed_arn("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")
    assert is_aws_managed_arn("arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess")
    customer = "arn:aws:iam::123456789012:policy/x"
    assert not is_aws_managed_arn(customer)
    assert managed_policy(customer) is None
    assert not is_aws_managed_arn("AdministratorAccess")
    assert managed_policy("") is None


@pytest.mark.parametrize(("name", "flags"), [
    ("AdministratorAccess", ["alters-identity", "identity-admin", "wildcard-actions"]),
    ("IAMFullAccess", ["alters-identity", "identity-admin", "wildcard-actions"]),
    ("PowerUserAccess", ["alters-identity", "identity-admin", "wildcard-actions"]),
    ("AWSOrganizationsFullAccess", ["alters-identity", "identity-admin", "wildcard-actions"]),
    ("AWSSSOMasterAccountAdministrator", ["alters-identity", "identity-admin", "wildcard-actions"]),
    ("AdministratorAccess-Amplify", ["alters-identity", "identity-admin"]),
    ("ReadOnlyAccess", []),
    ("IAMReadOnlyAccess", []),
    ("SecurityAudit", []),
    ("job-function/ViewOnlyAccess", []),
])
def test_what_well_known_policies_amount_to(name: str, flags: list[str]) -> None:
    policy = managed_policy(f"arn:aws:iam::aws:policy/{name}")
    assert policy is not None
    assert list(policy.flags) == flags


def test_read_only_access_keeps_only_what_escalation_paths_need() -> None:
    policy = managed_policy("arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert policy is not None
    kept = {a for s in policy.document["Statement"] for a in s.get("Action", [])}  # type: ignore[attr-defined]
    assert "sts:GetSessionToken" not in kept  # the caller's own credentials
    assert "cognito-identity:GetCredentialsForIdentity" not in kept
    assert "ssm:Get*" not in kept  # reads secrets: never identity-altering
    assert kept <= {"ec2:Describe*", "ecs:Describe*"}  # members of escalation methods
