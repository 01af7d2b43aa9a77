"""The Vault adapter: what it makes of policies, AppRole roles, JWT/OIDC roles, secret ids
and tokens, as a user sees it in findings and in the inventory."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhilint.engine import Options, scan
from nhilint.identity import ADAPTERS, vault
from nhilint.identity.graph import Automation, Graph, OwnerState, TrustKind
from nhilint.identity.vault.catalog import judge, load_catalog, overlap
from nhilint.identity.vault.context import seconds
from nhilint.identity.vault.document import PolicyError, read
from nhilint.parsers.hcl.module import read_module
from nhilint.rule import Finding
from nhilint.settings import Settings


def _graph(tmp_path: Path, text: str) -> Graph:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    return vault.build(read_module(tmp_path), Settings())


def _findings(tmp_path: Path, text: str) -> list[Finding]:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    return list(scan([tmp_path], Options()).findings)


def _rules(found: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.rule, f.resource) for f in found)


def test_vault_is_registered() -> None:
    assert ADAPTERS["vault"] is vault
    assert vault.secrets().exported["vault_token"]["client_token"].platform == "vault"
    assert "token" in vault.secrets().arguments["provider.vault"]


# --- the policy reader ---------------------------------------------------------------------


def test_policy_hcl_with_comments_legacy_policy_and_parameters() -> None:
    rules = read("""
# the CI policy
path "auth/approle/role/+/secret-id" {   // mint secret ids
  capabilities = ["update"]
  allowed_parameters = {
    "metadata" = []
  }
}
/* legacy */
path "secret/*" { policy = "write" }
path "sys/auth/*" {
  capabilities = ["deny"]
}
""")
    assert [(r.path, r.capabilities, r.line) for r in rules] == [
        ("auth/approle/role/+/secret-id", ("update",), 2),
        ("secret/*", ("create", "read", "update", "delete", "list"), 9),
        ("sys/auth/*", ("deny",), 10),
    ]


def test_policy_json() -> None:
    (rule,) = read('{"path": {"sys/policy/*": {"capabilities": ["create", "update"]}}}')
    assert rule.path == "sys/policy/*" and rule.capabilities == ("create", "update")


@pytest.mark.parametrize("text", [
    'path "a" { capabilities = ["read"] bogus = 1 }',  # a key Vault rejects
    'path "a" { capabilities = ["read"]',  # not closed
    'name "a" { }',  # not a path block
    'path "a" { policy = "admin" }',  # no such legacy policy
    'path "a {',  # an unterminated string
])
def test_policy_text_vault_would_reject_is_not_read(text: str) -> None:
    with pytest.raises(PolicyError):
        read(text)


# --- which rules alter identity --------------------------------------------------------------


@pytest.mark.parametrize(("path", "capabilities", "altering", "wildcard"), [
    ("sys/auth/*", ("create", "update", "sudo"), True, True),
    ("sys/auth", ("read",), False, False),
    ("sys/policies/acl/app", ("update",), True, False),
    ("sys/policies/acl/app-*", ("update",), True, False),
    ("sys/policy/*", ("create",), True, True),
    ("sys/pol*", ("update",), True, True),
    ("auth/approle/role/ci/secret-id", ("update",), True, False),
    ("auth/approle/role/+/secret-id", ("update",), True, True),
    ("auth/*", ("update",), True, True),
    ("identity/entity/*", ("create",), True, True),
    ("auth/token/renew-self", ("update",), False, False),
    ("auth/approle/login", ("update",), False, False),
    ("secret/*", ("create", "read", "update", "delete"), False, False),  # reading secrets
    ("secret/*", ("sudo",), True, False),  # sudo anywhere, but no identity path is in reach
    ("*", ("read", "list"), False, False),
    ("*", ("update",), True, True),
    ("auth/*", ("deny",), False, False),
])
def test_which_rules_alter_identity(
    path: str, capabilities: tuple[str, ...], altering: bool, wildcard: bool,
) -> None:
    found = judge(load_catalog(), path, capabilities)
    assert bool(found.altering) is altering
    assert found.wildcard is wildcard


def test_glob_overlap_is_exact() -> None:
    assert overlap("sys/*", "sys/auth*")
    assert overlap("+/approle/role/x", "auth/*")
    assert not overlap("secret/+/auth", "auth/*")
    assert not overlap("sys/mounts/kv", "sys/mounts/auth*")


@pytest.mark.parametrize(("value", "found"), [
    (3600, 3600), ("3600", 3600), ("1h", 3600), ("1h30m", 5400), ("0", 0), (None, None),
    ("soon", None),
])
def test_durations(value: object, found: object) -> None:
    assert seconds(value) == found


# --- what a user sees ------------------------------------------------------------------------

HEADER = """
resource "vault_auth_backend" "approle" {
  type = "approle"
}
"""


def test_an_approle_with_a_secret_id_ttl_and_a_narrow_policy_is_quiet(tmp_path: Path) -> None:
    found = _findings(tmp_path, HEADER + """
resource "vault_policy" "app" {
  name   = "app"
  policy = <<-EOT
    path "secret/data/app/*" {
      capabilities = ["read"]
    }
  EOT
}
resource "vault_approle_auth_backend_role" "app" {
  backend        = vault_auth_backend.approle.path
  role_name      = "app"
  token_policies = [vault_policy.app.name]
  secret_id_ttl  = "1h"
}
resource "vault_approle_auth_backend_role_secret_id" "app" {
  backend   = vault_auth_backend.approle.path
  role_name = vault_approle_auth_backend_role.app.role_name
}
""")
    assert found == []


def test_the_root_policy_alters_everything_and_default_nothing(tmp_path: Path) -> None:
    found = _findings(tmp_path, """
resource "vault_token" "bootstrap" {
  policies = ["default", "root"]
  ttl      = "1h"
  metadata = { owner = "platform" }
}
""")
    assert _rules(found) == [
        ("NHI001", "vault_token.bootstrap"), ("NHI003", "vault_token.bootstrap"),
        ("NHI004", "vault_token.bootstrap"), ("NHI011", "vault_token.bootstrap"),
    ]
    admin = next(f for f in found if f.rule == "NHI011")
    assert admin.message == ("vault_token.bootstrap attaches root, which grants "
                             "identity-altering actions on every resource (root on *)")


def test_a_policy_declared_elsewhere_or_unreadable_is_indeterminate(tmp_path: Path) -> None:
    found = _findings(tmp_path, HEADER + """
resource "vault_policy" "broken" {
  name   = "broken"
  policy = "path \\"auth/*\\" { capabilities = [\\"update\\"] verbs = 1 }"
}
resource "vault_approle_auth_backend_role" "ci" {
  backend        = vault_auth_backend.approle.path
  role_name      = "ci"
  token_policies = ["ci-admin", vault_policy.broken.name]
  secret_id_ttl  = 600
}
""")
    messages = sorted(f.message for f in found if f.rule == "NHI901")
    assert len(messages) == 2 and len(found) == 2
    assert 'holds the Vault policy "ci-admin", which is not fully known: the policy is not ' \
        "declared in the scanned code" in messages[0]
    assert "vault_policy.broken" in messages[1] and "cannot be read" in messages[1]


def test_jwt_role_for_github_is_an_oidc_trust_and_an_oidc_login_is_people(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "vault_jwt_auth_backend" "github" {
  path         = "github"
  bound_issuer = "https://token.actions.githubusercontent.com"
}
resource "vault_jwt_auth_backend_role" "ci" {
  backend           = vault_jwt_auth_backend.github.path
  role_name         = "ci"
  role_type         = "jwt"
  user_claim        = "actor"
  bound_audiences   = ["https://github.com/acme"]
  bound_claims_type = "glob"
  bound_claims      = { repository = "acme/*", ref = "refs/heads/main,refs/heads/release" }
}
resource "vault_jwt_auth_backend_role" "people" {
  backend    = vault_jwt_auth_backend.github.path
  role_name  = "people"
  user_claim = "email"
}
""")
    ci, people = sorted(graph.principals, key=lambda p: p.label)
    assert ci.automation is Automation.YES and people.automation is Automation.NO
    (trust,) = graph.trusts_of(ci)
    assert trust.kind is TrustKind.OIDC and trust.issuer == "token.actions.githubusercontent.com"
    claims = {c.name: (c.values, c.glob) for c in trust.claims}
    assert claims["ref"] == (("refs/heads/main", "refs/heads/release"), True)
    assert graph.trusts_of(people)[0].kind is TrustKind.SSO


def test_owner_from_alias_metadata_or_the_mount_description(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
resource "vault_auth_backend" "approle" {
  type        = "approle"
  description = "CI logins; owner=platform-ci"
}
resource "vault_approle_auth_backend_role" "a" {
  backend        = vault_auth_backend.approle.path
  role_name      = "a"
  alias_metadata = { team = "payments" }
}
resource "vault_approle_auth_backend_role" "b" {
  backend   = vault_auth_backend.approle.path
  role_name = "b"
}
resource "vault_approle_auth_backend_role" "c" {
  backend   = "elsewhere"
  role_name = "c"
}
""")
    owners = {p.address: (p.owner.state, p.owner.value) for p in graph.principals}
    assert owners == {
        "vault_approle_auth_backend_role.a": (OwnerState.KNOWN, "payments"),
        "vault_approle_auth_backend_role.b": (OwnerState.KNOWN, "platform-ci"),
        "vault_approle_auth_backend_role.c": (OwnerState.ABSENT, None),
    }


def test_secret_ids_role_ids_and_tokens(tmp_path: Path) -> None:
    graph = _graph(tmp_path, HEADER + """
resource "vault_approle_auth_backend_role" "open" {
  role_name             = "open"
  bind_secret_id        = false
  secret_id_bound_cidrs = ["10.0.0.0/8"]
}
resource "vault_approle_auth_backend_role" "short" {
  role_name     = "short"
  secret_id_ttl = 900
}
resource "vault_approle_auth_backend_role_secret_id" "elsewhere" {
  role_name = "declared-in-another-stack"
}
resource "vault_token" "periodic" {
  period = "24h"
}
resource "vault_token" "capped" {
  period           = "24h"
  explicit_max_ttl = "72h"
}
""")
    found = {c.address: (c.label, c.persistent, c.expiry) for c in graph.credentials}
    assert found["vault_approle_auth_backend_role.open"][:2] == (
        "AppRole role id (bind_secret_id = false: it logs in alone)", True)
    assert found["vault_approle_auth_backend_role.short"][1:] == (
        False, "15m after it is made (secret_id_ttl)")
    elsewhere = found["vault_approle_auth_backend_role_secret_id.elsewhere"]
    assert elsewhere[1] is True and not isinstance(elsewhere[2], str | None)
    assert found["vault_token.periodic"][2] is None
    assert found["vault_token.capped"][2] == "3d after it is made (explicit_max_ttl)"
    external = next(p for p in graph.principals if p.declaration is None)
    assert external.label == 'vault_approle_auth_backend_role "declared-in-another-stack"'


def test_inventory_lists_the_vault_principals(tmp_path: Path) -> None:
    graph = _graph(tmp_path, HEADER + """
resource "vault_policy" "ci" {
  name   = "ci"
  policy = <<-EOT
    path "auth/approle/role/*" {
      capabilities = ["create", "update"]
    }
  EOT
}
resource "vault_approle_auth_backend_role" "ci" {
  role_name      = "ci"
  token_policies = ["ci"]
  token_bound_cidrs = ["10.1.0.0/16"]
  token_max_ttl  = 600
}
""")
    (principal,) = graph.principals
    (grant,) = graph.altering_of(principal)
    assert grant.access.scope.wildcard and grant.access.altering == frozenset(
        {"create:auth/approle/role/*", "update:auth/approle/role/*"})
    assert grant.access.credited == (
        "logins only from 10.1.0.0/16 (token_bound_cidrs)",
        "its tokens live at most 10m (token_max_ttl)")
    assert grant.provenance.chain == ("vault_approle_auth_backend_role.ci", "vault_policy.ci")
    assert grant.access.span.line == 9  # the path line inside the heredoc


# --- the data ---------------------------------------------------------------------------------


def test_every_identity_path_cites_vault_documentation() -> None:
    from nhilint.identity.data import read_data

    raw = read_data("vault_policy_rules.json")
    assert isinstance(raw, dict) and raw["checked"]
    for entry in raw["altering_paths"] + raw["not_altering"] + list(raw["builtin"].values()):
        assert entry["docs"].startswith("https://developer.hashicorp.com/vault/"), entry
        assert entry["why"]
    catalog = load_catalog()
    assert catalog.builtin == {"root": True, "default": False}
    assert "read" not in catalog.writes and "list" not in catalog.writes


def test_every_secret_entry_pins_the_provider_docs() -> None:
    from nhilint.identity.data import read_data
    from nhilint.identity.vault import context

    raw = read_data("vault_secrets.json")
    assert isinstance(raw, dict)
    for section in ("exported", "arguments", "text"):
        for block, entry in raw[section].items():
            assert entry["commit"] in (context.__doc__ or ""), block
            assert entry["docs"].startswith("website/docs/"), block
