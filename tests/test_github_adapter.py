"""The GitHub adapter: credentials copied into Actions secrets (exposures), deployment
environments credited, deploy keys, and what a user sees of them in findings and inventory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nhilint.cli import main
from nhilint.identity import github
from nhilint.identity.graph import Graph
from nhilint.parsers.hcl.module import read_module
from nhilint.settings import Settings

CASE = "fixtures/NHI001/github_aws_key_in_actions_secret"


def _graph(tmp_path: Path, text: str) -> Graph:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    return github.build(read_module(tmp_path), Settings())


def _check(capsys: pytest.CaptureFixture[str], *paths: str) -> list[dict[str, Any]]:
    assert main(["check", "--format", "json", *paths]) in (0, 1)
    found: list[dict[str, Any]] = json.loads(capsys.readouterr().out)["findings"]
    return found


def test_github_secret_data_loads() -> None:
    found = github.secrets()
    assert set(found.arguments["github_actions_secret"]) == {"value", "plaintext_value"}
    assert "token" in found.arguments["provider.github"]


def test_no_github_resource_no_graph(tmp_path: Path) -> None:
    assert _graph(tmp_path, 'resource "aws_iam_user" "x" { name = "x" }\n') == Graph()


def test_the_aws_user_s_static_secret_finding_names_the_github_secret(
    in_repo: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (hit,) = [f for f in _check(capsys, CASE)
              if f["rule"] == "NHI001" and f["resource"] == "aws_iam_user.ci"]
    assert "copied to github_actions_secret.aws_secret" in hit["message"]
    copies = {e["resource"]: e["detail"] for e in hit["evidence"]
              if e["resource"].startswith("github_")}
    assert copies["github_actions_secret.aws_secret"] == (
        "copy of aws_iam_access_key.ci.secret in GitHub Actions secret AWS_SECRET_ACCESS_KEY, "
        "readable by the workflows of repository infra")
    assert "every repository of the organisation" in copies[
        "github_actions_organization_secret.aws_secret"]
    # the key id is not a secret: that store is no copy of it
    assert "github_actions_secret.aws_key_id" not in copies


def test_a_protected_environment_is_credited(
    in_repo: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (hit,) = [f for f in _check(capsys, CASE) if f["rule"] == "NHI012"]
    (detail,) = [e["detail"] for e in hit["evidence"]
                 if e["resource"] == "github_actions_environment_secret.aws_secret"]
    assert "environment production of repository infra" in detail
    assert "credited: deployments to production wait for a required reviewer other than " \
           "the one who started the job" in detail
    assert "only protected branches deploy to production" in detail
    assert "can bypass" not in detail  # can_admins_bypass = false


def test_admins_bypass_is_said(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "aws_iam_access_key" "k" { user = "ci" }
resource "github_repository_environment" "prod" {
  repository  = "app"
  environment = "prod"
  reviewers { users = [1] }
}
resource "github_actions_environment_secret" "s" {
  repository  = "app"
  environment = "prod"
  secret_name = "AWS_SECRET"
  value       = aws_iam_access_key.k.secret
}
""")
    (exposure,) = graph.exposures
    assert exposure.credential == "aws_iam_access_key.k"
    assert exposure.credited[-1] == "repository admins can bypass these (can_admins_bypass)"


def test_an_unknown_instance_copies_nothing(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
variable "who" { type = string }
resource "aws_iam_access_key" "k" {
  for_each = toset(["a", "b"])
  user     = each.key
}
resource "github_actions_secret" "s" {
  repository  = "app"
  secret_name = "AWS_SECRET"
  value       = aws_iam_access_key.k[var.who].secret
}
""")
    assert graph.exposures == ()


def test_write_deploy_key_is_a_credential_read_only_is_not(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
variable "ro" { type = bool }
resource "github_repository_deploy_key" "w" {
  title = "w"
  repository = "r"
  key = "ssh-ed25519 AAAA w"
  read_only = false
}
resource "github_repository_deploy_key" "r" {
  title = "r"
  repository = "r"
  key = "ssh-ed25519 AAAA r"
}
resource "github_repository_deploy_key" "u" {
  title = "u"
  repository = "r"
  key = "ssh-ed25519 AAAA u"
  read_only = var.ro
}
""")
    assert [(c.address, c.kind) for c in graph.credentials] == [
        ("github_repository_deploy_key.w", "ssh-key")]
    assert [p.principal.ref for p in graph.pending] == ["github_repository_deploy_key.u"]
    assert not graph.grants  # writing code is not identity-altering


def test_the_inventory_lists_where_a_credential_is_copied(
    in_repo: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["inventory", "--format", "json", CASE]) == 0
    found = json.loads(capsys.readouterr().out)
    (user,) = [p for m in found["modules"] for p in m["principals"]
               if p["address"] == "aws_iam_user.ci"]
    (key,) = user["credentials"]
    assert [c["store"] for c in key["copied_to"]] == [
        "github_actions_secret.aws_secret", "github_actions_environment_secret.aws_secret",
        "github_actions_organization_secret.aws_secret"]
    assert [c["wide"] for c in key["copied_to"]] == [False, False, True]


@pytest.mark.parametrize(("credential", "value", "attribute"), [
    ('resource "google_service_account_key" "k" { service_account_id = "x" }',
     "base64decode(google_service_account_key.k.private_key)", "private_key"),
    ('resource "azuread_application_password" "k" { application_id = "x" }',
     "azuread_application_password.k.value", "value"),
    ('resource "aws_iam_access_key" "k" { user = "x" }',
     "aws_iam_access_key.k.ses_smtp_password_v4", "ses_smtp_password_v4"),
], ids=["gcp-key", "azure-password", "aws-smtp"])
def test_every_platform_s_credential_secret_is_copied(
    tmp_path: Path, credential: str, value: str, attribute: str,
) -> None:
    graph = _graph(tmp_path, credential + f"""
resource "github_dependabot_secret" "s" {{
  repository  = "app"
  secret_name = "CLOUD"
  value       = {value}
}}
""")
    (exposure,) = graph.exposures
    assert (exposure.store, exposure.attribute) == ("github_dependabot_secret.s", attribute)
    assert exposure.reach == "the Dependabot runs of repository app"


def test_a_copied_credential_is_not_reported_as_embedded_in_a_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "main.tf").write_text("""
resource "aws_iam_user" "deployer" { name = "deployer" }
resource "aws_iam_access_key" "deployer" { user = aws_iam_user.deployer.name }
resource "gitlab_project_variable" "key" {
  project = "g/p"
  key     = "AWS_SECRET_ACCESS_KEY"
  value   = aws_iam_access_key.deployer.secret
}
""", encoding="utf-8")
    found = _check(capsys, str(tmp_path))
    assert [f["rule"] for f in found] == ["NHI012"]
    assert "gitlab_project_variable.key" in [e["resource"] for e in found[0]["evidence"]]


def test_merged_graphs_carry_exposures(tmp_path: Path) -> None:
    part = _graph(tmp_path, """
resource "aws_iam_access_key" "k" { user = "x" }
resource "github_actions_secret" "s" {
  repository  = "app"
  secret_name = "S"
  value       = aws_iam_access_key.k.secret
}
""")
    merged = Graph.merge([Graph(), part, Graph()])
    assert merged.exposures == part.exposures and len(merged.exposures) == 1
