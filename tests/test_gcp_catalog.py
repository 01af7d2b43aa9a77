"""The GCP catalog: which predefined roles and permissions alter identity, and that the
shipped table is what the pinned dataset and the reviewed rules give."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from types import ModuleType

import pytest
from pinned_dataset import iam_dataset, load_script

from nhilint.identity.gcp.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "gen_gcp_roles.py"
TABLE = ROOT / "nhilint" / "data" / "gcp_roles.json"
RULES = ROOT / "nhilint" / "data" / "gcp_altering_rules.json"


def _generator() -> ModuleType:
    return load_script(GENERATOR)


def _dataset() -> Path:
    commit = json.loads(TABLE.read_text())["_meta"]["source"]["commit"]
    return iam_dataset(commit, "GCP role table")


def test_the_table_is_what_the_pinned_dataset_and_the_rules_give() -> None:
    dataset = _dataset()
    assert _generator().main(["--dataset", str(dataset), "--check"]) == 0


def test_check_fails_on_a_stale_table(tmp_path: Path) -> None:
    dataset = _dataset()
    stale = tmp_path / "gcp_roles.json"
    table = json.loads(TABLE.read_text())
    table["altering"].pop("roles/owner")
    stale.write_text(json.dumps(table))
    assert _generator().main(["--dataset", str(dataset), "--output", str(stale), "--check"]) == 1


def test_every_rule_selects_a_permission_the_dataset_knows() -> None:
    dataset = _dataset()
    generator = _generator()
    roles = generator.roles(generator.blobs(dataset, "HEAD", generator.FOLDER))
    known = {p for permissions in roles.values() for p in permissions}
    for rule in json.loads(RULES.read_text())["rules"]:
        assert any(fnmatch.fnmatchcase(p, rule["pattern"]) for p in known), rule


def test_the_table_pins_its_source_and_the_rules_it_was_made_with() -> None:
    import hashlib

    meta = json.loads(TABLE.read_text())["_meta"]
    assert len(meta["source"]["commit"]) == 40
    assert meta["rules_sha256"] == hashlib.sha256(RULES.read_bytes()).hexdigest(), (
        "gcp_altering_rules.json changed: run scripts/gen_gcp_roles.py")
    assert load_catalog().source.endswith(meta["source"]["commit"])


@pytest.mark.parametrize(("role", "holds"), [
    ("roles/owner", "resourcemanager.projects.setIamPolicy"),
    ("roles/editor", "iam.serviceAccountKeys.create"),
    ("roles/editor", "iam.serviceAccounts.actAs"),
    ("roles/iam.serviceAccountTokenCreator", "iam.serviceAccounts.getAccessToken"),
    ("roles/iam.serviceAccountTokenCreator", "iam.serviceAccounts.signBlob"),
    ("roles/iam.serviceAccountKeyAdmin", "iam.serviceAccountKeys.create"),
    ("roles/resourcemanager.projectIamAdmin", "resourcemanager.projects.setIamPolicy"),
    ("roles/iam.securityAdmin", "resourcemanager.organizations.setIamPolicy"),
    ("roles/iam.workloadIdentityPoolAdmin",
     "iam.googleapis.com/workloadIdentityPoolProviders.create"),
])
def test_roles_that_alter_identity(role: str, holds: str) -> None:
    found = load_catalog().role(role)
    assert found is not None and holds in found.altering


@pytest.mark.parametrize("role", [
    "roles/viewer", "roles/secretmanager.secretAccessor", "roles/storage.objectViewer",
    "roles/iam.securityReviewer", "roles/logging.viewer",
])
def test_roles_that_read_alter_nothing(role: str) -> None:
    found = load_catalog().role(role)
    assert found is not None and not found.altering and found.permissions > 0


def test_basic_roles_are_marked() -> None:
    catalog = load_catalog()
    assert [r for r in ("roles/owner", "roles/editor", "roles/viewer")
            if (found := catalog.role(r)) is not None and found.basic] == [
        "roles/owner", "roles/editor", "roles/viewer"]
    iam_admin = catalog.role("roles/resourcemanager.projectIamAdmin")
    assert iam_admin is not None and not iam_admin.basic


@pytest.mark.parametrize("role", [
    "roles/storage.admin", "roles/storage.objectAdmin", "roles/secretmanager.admin",
    "roles/cloudkms.admin", "roles/compute.networkAdmin", "roles/run.admin",
])
def test_roles_that_set_one_resource_s_policy_alter_no_identity(role: str) -> None:
    """Who may use one bucket, key or secret is that resource's access, as an AWS resource
    policy is: the identity plane is the project, folder, organisation and service account."""
    found = load_catalog().role(role)
    assert found is not None and not found.altering
    assert not load_catalog().is_altering("storage.buckets.setIamPolicy")


def test_an_unknown_role_is_not_guessed() -> None:
    assert load_catalog().role("roles/no.suchRole") is None
    assert load_catalog().role("projects/p/roles/custom") is None


def test_custom_role_permissions_are_judged_by_the_rules() -> None:
    catalog = load_catalog()
    assert catalog.altering(["resourcemanager.projects.setIamPolicy",
                             "resourcemanager.projects.getIamPolicy", "storage.objects.get"]
                            ) == {"resourcemanager.projects.setIamPolicy"}
    assert catalog.why("iam.serviceAccountKeys.create")
    assert catalog.why("secretmanager.versions.access") == ""
    assert not catalog.is_altering("iam.serviceAccounts.getIamPolicy")
