"""The Pulumi token table: what it maps, and that it is what its pinned sources give."""

from __future__ import annotations

import fnmatch
import hashlib
import json
from pathlib import Path

import pytest
from pinned_dataset import load_script, pinned_clone

from nhilint.integrations.lookup import DATA_TYPES, RESOURCE_TYPES
from nhilint.parsers.pulumi.tokens import function_type, key, resource_type

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "gen_pulumi_types.py"
TABLE = ROOT / "nhilint" / "data" / "pulumi_types.json"


def _clones() -> list[str]:
    generator = load_script(GENERATOR)
    meta = json.loads(TABLE.read_text())["_meta"]["sources"]
    found = []
    for package, (repository, commit) in generator.PINS.items():
        assert meta[package]["commit"] == commit, f"{package}: run scripts/gen_pulumi_types.py"
        env = f"NHILINT_PULUMI_{package.upper()}"
        found += [f"--{package}", str(pinned_clone(env, repository, commit, "Pulumi types"))]
    return found


def test_the_table_is_what_the_pinned_sources_give() -> None:
    assert load_script(GENERATOR).main([*_clones(), "--check"]) == 0


def test_check_fails_on_a_stale_table(tmp_path: Path) -> None:
    clones = _clones()
    table = json.loads(TABLE.read_text())
    table["resources"].pop("aws:iam/user:User")
    stale = tmp_path / "pulumi_types.json"
    stale.write_text(json.dumps(table))
    assert load_script(GENERATOR).main([*clones, "--output", str(stale), "--check"]) == 1


def test_the_table_pins_its_sources_and_the_reviewed_files_it_was_made_with() -> None:
    sources = json.loads(TABLE.read_text())["_meta"]["sources"]
    for package in ("aws", "gcp", "azuread", "vault", "github", "gitlab"):
        assert len(sources[package]["commit"]) == 40
    for name, path in (("aws", sources["aws"]["excerpt"]),
                       ("native", sources["native"]["reviewed"])):
        digest = hashlib.sha256((ROOT / path).read_bytes()).hexdigest()
        assert sources[name]["sha256"] == digest, f"{path} changed: run gen_pulumi_types.py"


def test_only_the_slice_the_adapters_read() -> None:
    table = json.loads(TABLE.read_text())
    for token, entry in table["resources"].items():
        kind = entry["type"]
        assert any(fnmatch.fnmatchcase(kind, p) for p in RESOURCE_TYPES), token
    assert {e["type"] for e in table["functions"].values()} <= set(DATA_TYPES)


@pytest.mark.parametrize(("token", "terraform_type"), [
    ("aws:iam/user:User", "aws_iam_user"),
    ("aws:iam:User", "aws_iam_user"),  # the short form Pulumi YAML accepts
    ("aws:iam/sshKey:SshKey", "aws_iam_user_ssh_key"),  # a bridge rename
    ("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws_iam_openid_connect_provider"),
    ("gcp:serviceaccount/key:Key", "google_service_account_key"),
    ("gcp:serviceAccount/key:Key", "google_service_account_key"),  # a past token
    ("gcp:projects/iAMMember:IAMMember", "google_project_iam_member"),
    ("gcp:projects:IAMMember", "google_project_iam_member"),
    ("azuread:index/applicationPassword:ApplicationPassword", "azuread_application_password"),
    ("azuread:ServicePrincipalPassword", "azuread_service_principal_password"),
    ("azure-native:authorization:RoleAssignment", "azurerm_role_assignment"),
    ("azure-native:authorization/v20220401:RoleAssignment", "azurerm_role_assignment"),
    ("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
     "kubernetes_cluster_role_binding_v1"),
    ("vault:appRole/authBackendRole:AuthBackendRole", "vault_approle_auth_backend_role"),
    ("github:index/repositoryDeployKey:RepositoryDeployKey", "github_repository_deploy_key"),
    ("gitlab:index/projectAccessToken:ProjectAccessToken", "gitlab_project_access_token"),
])
def test_tokens_map_to_terraform_types(token: str, terraform_type: str) -> None:
    found = resource_type(token)
    assert found is not None and found.terraform_type == terraform_type


def test_renamed_properties_and_blocks_of_one() -> None:
    oidc = resource_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert oidc is not None and oidc.properties["clientIdLists"] == "client_id_list"
    member = resource_type("gcp:projects/iAMMember:IAMMember")
    assert member is not None and "condition" in member.max_items_one
    document = function_type("aws:iam/getPolicyDocument:getPolicyDocument")
    assert document is not None and document.properties["statements"] == "statement"


def test_what_is_not_a_token() -> None:
    assert key("aws") is None and key("a::b") is None
    assert resource_type("aws:s3/bucket:Bucket") is None
