"""The Kubernetes adapter: what it makes of service accounts, RBAC roles and bindings, token
Secrets and the cloud principals service accounts become."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from nhilint.identity import ADAPTERS, build_graph, k8s
from nhilint.identity.graph import Automation, Graph, OwnerState, ScopeLevel, TrustKind
from nhilint.identity.k8s.rbac import load_rbac
from nhilint.parsers.hcl.module import read_module
from nhilint.settings import Settings

SA = """
resource "kubernetes_service_account_v1" "ci" {
  metadata {
    name      = "ci"
    namespace = "build"
    %s
  }
}
"""


def _binding(kind: str, role_kind: str, role: str, namespace: str = "build") -> str:
    meta = f'namespace = "{namespace}"' if kind == "role_binding" else ""
    return f"""
resource "kubernetes_{kind}_v1" "ci" {{
  metadata {{
    name = "ci"
    {meta}
  }}
  role_ref {{
    api_group = "rbac.authorization.k8s.io"
    kind      = "{role_kind}"
    name      = {role}
  }}
  subject {{
    kind      = "ServiceAccount"
    name      = kubernetes_service_account_v1.ci.metadata[0].name
    namespace = "build"
  }}
}}
"""


def _role(kind: str, verbs: str, resources_: str, extra: str = "") -> str:
    namespace = 'namespace = "build"' if kind == "role" else ""
    return f"""
resource "kubernetes_{kind}_v1" "r" {{
  metadata {{
    name = "r"
    {namespace}
  }}
  rule {{
    api_groups = ["", "rbac.authorization.k8s.io"]
    resources  = {resources_}
    verbs      = {verbs}
    {extra}
  }}
}}
"""


def _graph(tmp_path: Path, text: str, settings: Settings | None = None) -> Graph:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    return build_graph(read_module(tmp_path), settings or Settings())


def _sa(graph: Graph) -> object:
    return next(p for p in graph.principals if p.address == "kubernetes_service_account_v1.ci")


# --- the RBAC data ------------------------------------------------------------------------


def test_the_rbac_data_cites_kubernetes_docs_for_every_entry() -> None:
    text = resources.files("nhilint").joinpath("data/k8s_rbac_rules.json").read_text("utf-8")
    data = json.loads(text)
    entries = [*data["rules"], *data["groups"].values(), *data["users"].values()]
    assert entries
    assert all(e["docs"].startswith("https://kubernetes.io/docs/") for e in entries)
    assert all(e["why"].strip() for e in entries)
    assert len(data["source"]["commit"]) == 40


@pytest.mark.parametrize(("verbs", "resources_", "altering"), [
    (["get", "list", "watch"], ["pods", "pods/log"], set()),
    (["bind"], ["clusterroles"], {"bind clusterroles"}),
    (["escalate"], ["roles"], {"escalate roles"}),
    (["impersonate"], ["serviceaccounts", "pods"], {"impersonate serviceaccounts"}),
    (["create"], ["serviceaccounts/token"], {"create serviceaccounts/token"}),
    (["create"], ["serviceaccounts/*"], {"create serviceaccounts/*"}),
    (["list"], ["secrets", "configmaps"], {"list secrets"}),
    (["patch"], ["clusterrolebindings"], {"patch clusterrolebindings"}),
    (["*"], ["pods"], set()),
    (["get"], ["*"], {"get *"}),
])
def test_which_rules_alter_identity(verbs: list[str], resources_: list[str],
                                    altering: set[str]) -> None:
    judged = load_rbac().judge(["", "rbac.authorization.k8s.io"], resources_, verbs)
    assert set(judged.altering) == altering
    assert judged.wildcard == (bool(altering) and ("*" in verbs or "*" in resources_))


def test_the_api_group_must_match() -> None:
    assert not load_rbac().judge(["apps"], ["secrets"], ["get"]).altering
    assert load_rbac().judge(["*"], ["secrets"], ["get"]).altering


# --- the graph ----------------------------------------------------------------------------


def test_a_model_without_kubernetes_resources_gives_an_empty_graph(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_iam_user" "x" { name = "x" }\n')
    assert k8s.build(read_module(tmp_path), Settings()) == Graph()
    assert "kubernetes" in ADAPTERS


def test_a_role_with_get_on_pods_alters_nothing(tmp_path: Path) -> None:
    graph = _graph(tmp_path, SA % "" + _role("role", '["get"]', '["pods"]')
                   + _binding("role_binding", "Role", "kubernetes_role_v1.r.metadata[0].name"))
    sa = _sa(graph)
    assert graph.grants_of(sa) and not graph.altering_of(sa)  # type: ignore[arg-type]


def test_a_cluster_role_binding_is_cluster_scope(tmp_path: Path) -> None:
    graph = _graph(tmp_path, SA % "" + _role("cluster_role", '["bind"]', '["clusterroles"]')
                   + _binding("cluster_role_binding", "ClusterRole", '"r"'))
    (grant,) = graph.altering_of(_sa(graph))  # type: ignore[arg-type]
    assert grant.access.scope.level is ScopeLevel.CLUSTER and grant.access.unbounded
    assert grant.provenance.chain == ("kubernetes_cluster_role_binding_v1.ci",
                                      "kubernetes_cluster_role_v1.r")


def test_a_role_binding_of_a_cluster_role_is_namespace_scope(tmp_path: Path) -> None:
    graph = _graph(tmp_path, SA % "" + _role("cluster_role", '["get"]', '["secrets"]')
                   + _binding("role_binding", "ClusterRole",
                              "kubernetes_cluster_role_v1.r.metadata[0].name"))
    (grant,) = graph.altering_of(_sa(graph))  # type: ignore[arg-type]
    assert grant.access.scope.level is ScopeLevel.NAMESPACE
    assert grant.access.scope.ids == ("namespace/build",) and grant.access.scope.wildcard


def test_resource_names_narrow_a_rule_to_its_objects(tmp_path: Path) -> None:
    graph = _graph(tmp_path, SA % "" + _role("cluster_role", '["get"]', '["secrets"]',
                                             'resource_names = ["ca"]')
                   + _binding("cluster_role_binding", "ClusterRole", '"r"'))
    (grant,) = graph.altering_of(_sa(graph))  # type: ignore[arg-type]
    assert grant.access.scope.level is ScopeLevel.RESOURCE and not grant.access.unbounded


def test_a_role_declared_elsewhere_is_pending(tmp_path: Path) -> None:
    graph = _graph(tmp_path, SA % "" + _binding("cluster_role_binding", "ClusterRole",
                                                '"vendor-operator"'))
    (pending,) = graph.pending_of(_sa(graph))  # type: ignore[arg-type]
    assert "vendor-operator" in pending.undecided.what


def test_a_subject_not_declared_is_named_as_kubernetes_names_it(tmp_path: Path) -> None:
    text = _binding("cluster_role_binding", "ClusterRole", '"cluster-admin"').replace(
        "kubernetes_service_account_v1.ci.metadata[0].name", '"deployer"')
    graph = _graph(tmp_path, text)
    (principal,) = graph.principals
    assert principal.label == "system:serviceaccount:build:deployer"
    assert principal.automation is Automation.YES
    assert principal.owner.state is OwnerState.UNKNOWN


def test_the_owner_is_a_label_or_annotation_under_the_configured_keys(tmp_path: Path) -> None:
    text = SA % 'annotations = { maintainer = "sre" }' + _role(
        "cluster_role", '["bind"]', '["roles"]') + _binding(
        "cluster_role_binding", "ClusterRole", '"r"')
    assert _sa(_graph(tmp_path, text)).owner.state is OwnerState.ABSENT  # type: ignore[attr-defined]
    owned = _sa(_graph(tmp_path, text, Settings(owner_keys=("maintainer",))))
    assert owned.owner.value == "sre"  # type: ignore[attr-defined]


def test_a_token_secret_is_persistent_and_a_token_request_is_not(tmp_path: Path) -> None:
    text = SA % "" + """
resource "kubernetes_secret_v1" "t" {
  metadata {
    namespace   = "build"
    annotations = { "kubernetes.io/service-account.name" = "ci" }
  }
  type = "kubernetes.io/service-account-token"
}
resource "kubernetes_token_request_v1" "t" {
  metadata {
    name      = kubernetes_service_account_v1.ci.metadata[0].name
    namespace = "build"
  }
  spec { expiration_seconds = 600 }
}
resource "kubernetes_secret_v1" "opaque" {
  metadata { namespace = "build" }
  data = { a = var.a }
}
"""
    graph = _graph(tmp_path, text)
    found = {c.address: c for c in graph.credentials_of(_sa(graph))}  # type: ignore[arg-type]
    assert set(found) == {"kubernetes_secret_v1.t", "kubernetes_token_request_v1.t"}
    assert found["kubernetes_secret_v1.t"].persistent
    assert found["kubernetes_secret_v1.t"].exposed_in_state
    assert not found["kubernetes_token_request_v1.t"].persistent
    assert found["kubernetes_token_request_v1.t"].expiry == "600s after it is requested"


def test_subjects_that_stand_for_anyone_are_open_trusts(tmp_path: Path) -> None:
    text = _role("cluster_role", '["get"]', '["secrets"]') + """
resource "kubernetes_cluster_role_binding_v1" "open" {
  metadata { name = "open" }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "r"
  }
  subject {
    kind = "User"
    name = "system:anonymous"
  }
  subject {
    kind = "Group"
    name = "system:serviceaccounts"
  }
}
"""
    graph = _graph(tmp_path, text)
    by_ref = {p.id.ref: p for p in graph.principals}
    assert [t.kind for t in graph.trusts_of(by_ref["system:anonymous"])] == [TrustKind.ANYONE]
    assert by_ref["system:serviceaccounts"].automation is Automation.YES
    assert not graph.trusts_of(by_ref["system:serviceaccounts"])


# --- workload identity links --------------------------------------------------------------

LINKED = """
resource "aws_iam_role" "ci" {
  name               = "ci"
  assume_role_policy = "{}"
}
resource "google_service_account" "ci" { account_id = "ci-deployer" }
resource "azurerm_user_assigned_identity" "ci" {
  name                = "ci"
  location            = "westeurope"
  resource_group_name = "rg"
}
resource "kubernetes_service_account_v1" "aws" {
  metadata {
    name        = "aws"
    annotations = { "eks.amazonaws.com/role-arn" = aws_iam_role.ci.arn }
  }
}
resource "kubernetes_service_account_v1" "gcp" {
  metadata {
    name        = "gcp"
    annotations = { "iam.gke.io/gcp-service-account" = "ci-deployer@p-1.iam.gserviceaccount.com" }
  }
}
resource "kubernetes_service_account_v1" "azure" {
  metadata {
    name        = "azure"
    annotations = {
      "azure.workload.identity/client-id" = azurerm_user_assigned_identity.ci.client_id
    }
  }
}
resource "kubernetes_service_account_v1" "elsewhere" {
  metadata {
    name        = "elsewhere"
    annotations = { "eks.amazonaws.com/role-arn" = "arn:aws:iam::111122223333:role/other" }
  }
}
"""


def test_annotated_service_accounts_are_linked_to_the_cloud_principal(tmp_path: Path) -> None:
    graph = _graph(tmp_path, LINKED)
    by_address = {p.address: p for p in graph.principals}
    expected = {
        "aws_iam_role.ci": "system:serviceaccount:default:aws",
        "google_service_account.ci": "system:serviceaccount:default:gcp",
        "azurerm_user_assigned_identity.ci": "system:serviceaccount:default:azure",
    }
    for cloud, issuer in expected.items():
        trusts = [t for t in graph.trusts_of(by_address[cloud]) if t.kind is TrustKind.SERVICE
                  and t.via.startswith("kubernetes_")]
        assert [t.issuer for t in trusts] == [issuer], cloud
    why = " ".join(r.says for r in by_address["kubernetes_service_account_v1.elsewhere"].why)
    assert "becomes the AWS IAM role" in why
    assert not any(t.via == "kubernetes_service_account_v1.elsewhere" for t in graph.trusts)


def test_objects_in_the_same_computed_namespace_match(tmp_path: Path) -> None:
    """A binding naming ``"proxies"`` in ``var.namespace`` binds the service account and the
    Role declared with that name in ``var.namespace`` (cloudposse's tailscale component)."""
    text = """
resource "kubernetes_service_account" "proxies" {
  metadata {
    name      = "proxies"
    namespace = var.namespace
  }
}
resource "kubernetes_role" "proxies" {
  metadata {
    name      = "proxies"
    namespace = var.namespace
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["*"]
  }
}
resource "kubernetes_role_binding" "proxies" {
  metadata {
    name      = "proxies"
    namespace = var.namespace
  }
  subject {
    kind      = "ServiceAccount"
    name      = "proxies"
    namespace = var.namespace
  }
  subject {
    kind      = "ServiceAccount"
    name      = "other"
    namespace = var.namespace
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "proxies"
  }
}
"""
    graph = _graph(tmp_path, text)
    holders = {g.principal for g in graph.grants if g.access.altering}
    assert len(holders) == 2
    assert any(h.ref == "kubernetes_service_account.proxies" for h in holders)
    other = next(p for p in graph.principals if p.id in holders and p.address is None)
    assert "system:serviceaccount:${var.namespace}:other" in other.label


def test_an_eks_pod_identity_association_links_the_role(tmp_path: Path) -> None:
    text = """
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
}
resource "kubernetes_service_account_v1" "app" {
  metadata {
    name      = "app"
    namespace = "shop"
  }
}
resource "aws_eks_pod_identity_association" "app" {
  cluster_name    = "prod"
  namespace       = "shop"
  service_account = kubernetes_service_account_v1.app.metadata[0].name
  role_arn        = aws_iam_role.app.arn
}
"""
    graph = _graph(tmp_path, text)
    role = next(p for p in graph.principals if p.address == "aws_iam_role.app")
    linked = [t for t in graph.trusts_of(role) if t.via == "aws_eks_pod_identity_association.app"]
    assert [t.issuer for t in linked] == ["system:serviceaccount:shop:app"]


def test_a_namespace_s_default_service_account_is_a_principal(tmp_path: Path) -> None:
    text = """
resource "kubernetes_default_service_account_v1" "apps" {
  metadata { namespace = "apps" }
}
resource "kubernetes_role_binding_v1" "apps" {
  metadata {
    name      = "apps"
    namespace = "apps"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "default"
    namespace = "apps"
  }
}
"""
    graph = _graph(tmp_path, text)
    (principal,) = graph.principals
    assert principal.address == "kubernetes_default_service_account_v1.apps"
    assert graph.altering_of(principal)


def test_rules_not_known_before_apply_are_pending(tmp_path: Path) -> None:
    graph = _graph(tmp_path, SA % "" + _role("role", "var.verbs", '["secrets"]')
                   + _binding("role_binding", "Role", '"r"'))
    (pending,) = graph.pending_of(_sa(graph))  # type: ignore[arg-type]
    assert pending.undecided.what == "the rule's verbs"


def test_a_service_account_that_may_impersonate_another_is_trusted_by_it(
        tmp_path: Path) -> None:
    text = SA % "" + """
resource "kubernetes_service_account_v1" "target" {
  metadata {
    name      = "target"
    namespace = "build"
  }
}
""" + _role("role", '["impersonate"]', '["serviceaccounts"]', 'resource_names = ["target"]') + (
        _binding("role_binding", "Role", '"r"'))
    graph = _graph(tmp_path, text)
    target = next(p for p in graph.principals
                  if p.address == "kubernetes_service_account_v1.target")
    (trust,) = graph.trusts_of(target)
    assert trust.kind is TrustKind.IMPERSONATION
    assert trust.issuer == "kubernetes_service_account_v1.ci"
    assert not graph.trusts_of(_sa(graph))  # type: ignore[arg-type]
