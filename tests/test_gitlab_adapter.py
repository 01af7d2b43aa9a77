"""The GitLab adapter: access tokens (when they alter identity, how far, until when), deploy
keys and tokens, and CI/CD variables as stores of copied credentials."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nhilint.cli import main
from nhilint.identity import gitlab
from nhilint.identity.gitlab.rules import token_rules
from nhilint.identity.graph import Automation, Graph, ScopeLevel
from nhilint.parsers.hcl.module import read_module
from nhilint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _graph(tmp_path: Path, text: str) -> Graph:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    return gitlab.build(read_module(tmp_path), Settings())


def _token(kind: str, body: str) -> str:
    target = 'group = "g"' if kind == "group" else 'project = "g/p"'
    return f'resource "gitlab_{kind}_access_token" "t" {{\n  {target}\n  name = "t"\n{body}\n}}\n'


def test_token_rules_load() -> None:
    rules = token_rules()
    assert rules.altering_scopes == {"api", "sudo", "admin_mode"}
    assert rules.altering_access_levels == {"maintainer", "owner"}
    assert rules.default_access_level == "maintainer"
    assert rules.tokens["gitlab_group_access_token"].level is ScopeLevel.FOLDER


@pytest.mark.parametrize(("kind", "body", "altering"), [
    ("project", 'scopes = ["api"]', {"api", "maintainer"}),  # the default role
    ("project", 'scopes = ["api"]\n  access_level = "owner"', {"api", "owner"}),
    ("project", 'scopes = ["api"]\n  access_level = "developer"', None),
    ("project", 'scopes = ["read_api", "write_repository"]', None),
    ("group", 'scopes = ["api"]\n  access_level = "maintainer"', {"api", "maintainer"}),
], ids=["default-maintainer", "owner", "developer", "no-api", "group"])
def test_when_a_token_alters_identity(tmp_path: Path, kind: str, body: str,
                                      altering: set[str] | None) -> None:
    graph = _graph(tmp_path, _token(kind, body))
    assert [set(g.access.altering) for g in graph.grants] == ([altering] if altering else [])
    (bot,) = graph.principals
    assert (bot.kind, bot.automation) == ("bot", Automation.YES)


def test_a_group_token_is_broad_a_project_token_is_not(tmp_path: Path) -> None:
    (group,) = _graph(tmp_path, _token("group", 'scopes = ["api"]')).grants
    assert group.access.unbounded and group.access.scope.level is ScopeLevel.FOLDER
    (project,) = _graph(tmp_path, _token("project", 'scopes = ["api"]')).grants
    assert not project.access.unbounded


@pytest.mark.parametrize(("body", "expiry", "rotated"), [
    ('expires_at = "2027-01-31"', "2027-01-31", False),
    ("rotation_configuration = {\n expiration_days = 30\n rotate_before_days = 7\n}",
     "30 days after each rotation (rotation_configuration)", True),
    ("", None, False),
])
def test_token_lifetime(tmp_path: Path, body: str, expiry: str | None, rotated: bool) -> None:
    graph = _graph(tmp_path, _token("project", f'scopes = ["api"]\n  {body}'))
    (credential,) = graph.credentials
    assert (credential.kind, credential.expiry, credential.rotated) == ("token", expiry, rotated)
    assert graph.grants[0].access.expiry == expiry


def test_a_gitlab_token_with_expires_at_has_no_expiry_finding(
    in_repo: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "--format", "json", "fixtures/NHI004/gitlab_token_expires_at"]) == 1
    found: list[dict[str, Any]] = json.loads(capsys.readouterr().out)["findings"]
    assert {f["resource"] for f in found if f["rule"] in ("NHI004", "NHI012")} == {
        "gitlab_project_access_token.legacy"}


def test_personal_token_of_an_admin_reaches_the_instance(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "gitlab_user" "bot" {
  name = "sync bot"
  username = "sync-bot"
  email = "b@example.com"
  is_admin = true
}
resource "gitlab_personal_access_token" "t" {
  user_id = gitlab_user.bot.id
  name = "t"
  scopes = ["api"]
}
""")
    (grant,) = graph.grants
    assert grant.principal.ref == "gitlab_user.bot"
    assert grant.access.scope.level is ScopeLevel.TENANT
    assert [a.address for a in graph.attachments] == ["gitlab_personal_access_token.t"]


def test_personal_token_of_an_ordinary_user_is_pending(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "gitlab_user" "u" {
  name = "u"
  username = "u"
  email = "u@example.com"
}
resource "gitlab_personal_access_token" "t" {
  user_id = gitlab_user.u.id
  name = "t"
  scopes = ["api"]
}
""")
    assert not graph.grants
    (pending,) = graph.pending
    assert "memberships are not in the configuration" in pending.undecided.what


def test_deploy_tokens_and_keys_are_secrets_never_altering(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "gitlab_deploy_token" "t" {
  project = "g/p"
  name = "t"
  scopes = ["write_registry"]
}
resource "gitlab_deploy_key" "push" {
  project = "g/p"
  title = "push"
  key = "ssh-ed25519 AAAA push"
  can_push = true
}
resource "gitlab_deploy_key" "read" {
  project = "g/p"
  title = "read"
  key = "ssh-ed25519 AAAA read"
}
""")
    assert not graph.grants
    assert [(c.address, c.kind, c.persistent) for c in graph.credentials] == [
        ("gitlab_deploy_key.push", "ssh-key", True),
        ("gitlab_deploy_token.t", "token", True)]


def test_a_variable_holding_a_token_is_its_exposure(tmp_path: Path) -> None:
    graph = _graph(tmp_path, _token("project", 'scopes = ["api"]') + """
resource "gitlab_group_variable" "v" {
  group = "g"
  key = "TOKEN"
  value = gitlab_project_access_token.t.token
  protected = true
  environment_scope = "production"
}
""")
    (exposure,) = graph.exposures
    assert (exposure.credential, exposure.store, exposure.wide) == (
        "gitlab_project_access_token.t", "gitlab_group_variable.v", True)
    assert exposure.credited == (
        "only pipelines on protected branches and tags read it (protected)",
        "only jobs of environment production read it (environment_scope)")


def test_the_inventory_lists_principals_of_every_platform(
    in_repo: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    cases = ["fixtures/NHI001/github_aws_key_in_actions_secret",
             "fixtures/NHI012/github_deploy_keys", "fixtures/NHI001/gitlab_group_token_owner",
             "fixtures/NHI001/gcp_ci_key_owner", "fixtures/NHI001/azure_sp_password_graph_role"]
    assert main(["inventory", "--format", "json", *cases]) == 0
    found = json.loads(capsys.readouterr().out)
    platforms = {p["platform"] for m in found["modules"] for p in m["principals"]}
    assert {"aws", "gcp", "azure", "github", "gitlab"} <= platforms


def test_a_service_account_token_acts_through_its_memberships(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "gitlab_group_service_account" "sa" {
  group = "platform"
  name = "terraform"
}
resource "gitlab_group_membership" "sa" {
  group_id = 42
  user_id = gitlab_group_service_account.sa.service_account_id
  access_level = "owner"
}
resource "gitlab_project_membership" "reader" {
  project = "platform/docs"
  user_id = gitlab_group_service_account.sa.service_account_id
  access_level = "reporter"
}
resource "gitlab_group_service_account_access_token" "t" {
  group = "platform"
  user_id = gitlab_group_service_account.sa.service_account_id
  name = "t"
  scopes = ["api"]
  expires_at = "2027-01-31"
}
""")
    (grant,) = graph.grants
    assert grant.principal.ref == "gitlab_group_service_account.sa"
    assert grant.provenance.chain == (
        "gitlab_group_service_account_access_token.t", "gitlab_group_membership.sa")
    assert (grant.access.scope.level, grant.access.expiry) == (ScopeLevel.FOLDER, "2027-01-31")
    assert not graph.pending
    assert [a.address for a in graph.attachments] == ["gitlab_group_membership.sa"]
