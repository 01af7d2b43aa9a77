"""The built-in Kubernetes ClusterRoles: generated from the API server's bootstrap policy at a
pinned commit, aggregation resolved, and judged at run time by the reviewed RBAC data, as a
declared ClusterRole is."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from types import ModuleType

import pytest
from pinned_dataset import load_script

from nhilint.identity import build_graph
from nhilint.identity.graph import Graph, ScopeLevel
from nhilint.identity.k8s.rbac import load_rbac
from nhilint.parsers.hcl.module import read_module
from nhilint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "gen_k8s_builtin_roles.py"
TABLE = ROOT / "nhilint" / "data" / "k8s_builtin_roles.json"
ENV = "NHILINT_K8S_BOOTSTRAP_DIR"


def _generator() -> ModuleType:
    return load_script(GENERATOR)


def _table() -> dict[str, object]:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _source_dir() -> Path:
    """The plain copies of the bootstrap files in ``$NHILINT_K8S_BOOTSTRAP_DIR`` whose bytes
    are the ones the data file pins, or a skip saying why there are none."""
    where = os.environ.get(ENV)
    if not where:
        pytest.skip(f"{ENV} is not set: no copy of kubernetes/kubernetes' bootstrap policy "
                    "(cluster-roles.yaml, controller-roles.yaml) to regenerate the built-in "
                    "ClusterRoles from (the invariants below still run)")
    for pinned in _table()["_meta"]["source"]["files"]:  # type: ignore[index]
        path = Path(where) / Path(pinned["path"]).name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != pinned[
                "sha256"]:
            pytest.skip(f"{path} is not the {pinned['path']} the data file pins "
                        f"(sha256 {pinned['sha256']})")
    return Path(where)


def _altering(name: str) -> set[str]:
    """What the built-in role ``name`` holds that alters identity, as the adapter judges it."""
    rbac = load_rbac()
    role = rbac.builtin(name)
    assert role is not None, name
    return {p for r in role.rules if r.resources
            for p in rbac.judge(r.api_groups, r.resources, r.verbs).altering}


# -- regenerating from the pinned source -----------------------------------------------------

def test_the_table_is_what_the_pinned_source_gives() -> None:
    assert _generator().main(["--source", str(_source_dir()), "--output", str(TABLE),
                              "--check"]) == 0


def test_check_fails_on_a_stale_table(tmp_path: Path) -> None:
    source = _source_dir()
    table = _table()
    del table["cluster_roles"]["system:auth-delegator"]  # type: ignore[attr-defined]
    stale = tmp_path / "k8s_builtin_roles.json"
    stale.write_text(json.dumps(table))
    assert _generator().main(["--source", str(source), "--output", str(stale),
                              "--check"]) == 1


def test_without_a_source_the_generator_says_so(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert _generator().main(["--check"]) == 2
    assert ENV in capsys.readouterr().err


AGGREGATING = b"""apiVersion: v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: top
  aggregationRule:
    clusterRoleSelectors:
    - matchLabels: {to-top: "true"}
  rules: null
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: middle
    labels: {to-top: "true"}
  aggregationRule:
    clusterRoleSelectors:
    - matchLabels: {to-middle: "true"}
  rules: null
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: leaf
    labels: {to-middle: "true"}
  rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: also-top
    labels: {to-top: "true"}
  rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get]
  - nonResourceURLs: [/healthz]
    verbs: [get]
"""


def test_aggregation_is_resolved_transitively_each_rule_once() -> None:
    generator = _generator()
    roles = {r.name: r for r in generator.roles_of("test.yaml", AGGREGATING)}
    resolved = generator.aggregated(roles)
    secrets = {"api_groups": [""], "resources": ["secrets"], "verbs": ["get"]}
    assert resolved["middle"] == [secrets]
    assert resolved["top"] == [secrets, {"non_resource_urls": ["/healthz"], "verbs": ["get"]}]
    assert generator.matched(roles, roles["top"]) == ["middle", "also-top"]


# -- invariants of the shipped file ------------------------------------------------------------

def test_the_table_pins_its_source() -> None:
    meta = _table()["_meta"]
    assert isinstance(meta, dict)
    source = meta["source"]
    assert source["repository"] == "https://github.com/kubernetes/kubernetes"
    assert len(source["commit"]) == 40
    folder = "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/"
    assert [f["path"] for f in source["files"]] == [
        folder + "cluster-roles.yaml", folder + "controller-roles.yaml"]
    assert all(len(f["sha256"]) == 64 for f in source["files"])
    assert load_rbac().builtin_source == f"kubernetes/kubernetes@{source['commit']}"
    roles = _table()["cluster_roles"]
    assert isinstance(roles, dict)
    assert meta["counts"]["cluster_roles"] == len(roles) > 50
    assert meta["counts"]["aggregated"] == sum(1 for r in roles.values() if "aggregated_from" in r)


def test_every_bootstrap_role_is_known() -> None:
    rbac = load_rbac()
    for name in ("cluster-admin", "admin", "edit", "view", "system:node", "system:discovery",
                 "system:kube-scheduler", "system:controller:clusterrole-aggregation-controller"):
        assert rbac.builtin(name) is not None, name
    assert rbac.builtin("system:vendor-operator") is None


def test_cluster_admin_is_every_permission() -> None:
    rbac = load_rbac()
    role = rbac.builtin("cluster-admin")
    assert role is not None
    judged = [rbac.judge(r.api_groups, r.resources, r.verbs) for r in role.rules if r.resources]
    assert any(j.wildcard and j.altering for j in judged)


def test_admin_and_edit_alter_identity_view_does_not() -> None:
    admin, edit = _altering("admin"), _altering("edit")
    assert {"create rolebindings", "create roles"} <= admin
    assert {"get secrets", "impersonate serviceaccounts", "create serviceaccounts/token"} <= edit
    assert edit <= admin  # admin aggregates edit
    assert not _altering("view")
    assert load_rbac().builtin("admin").aggregated_from == (  # type: ignore[union-attr]
        "edit", "system:aggregate-to-admin")


def test_system_roles_are_judged_by_their_rules() -> None:
    assert not _altering("system:auth-delegator")  # tokenreviews, subjectaccessreviews create
    assert not _altering("system:discovery")  # non-resource URLs only
    assert not _altering("system:kube-scheduler")
    assert "escalate clusterroles" in _altering(
        "system:controller:clusterrole-aggregation-controller")
    assert "get secrets" in _altering("system:node")


# -- what a binding of a built-in role gives ---------------------------------------------------

BINDING = """
resource "kubernetes_service_account_v1" "ci" {
  metadata {
    name      = "ci"
    namespace = "build"
  }
}
resource "kubernetes_cluster_role_binding_v1" "ci" {
  metadata { name = "ci" }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "%s"
  }
  subject {
    kind      = "ServiceAccount"
    name      = kubernetes_service_account_v1.ci.metadata[0].name
    namespace = "build"
  }
}
"""


def _graph(tmp_path: Path, role: str) -> Graph:
    (tmp_path / "main.tf").write_text(BINDING % role, encoding="utf-8")
    return build_graph(read_module(tmp_path), Settings())


def test_a_system_role_that_alters_identity_is_an_altering_grant(tmp_path: Path) -> None:
    graph = _graph(tmp_path, "system:controller:clusterrole-aggregation-controller")
    (principal,) = graph.principals
    assert not graph.pending_of(principal)
    (grant,) = graph.altering_of(principal)
    assert "escalate clusterroles" in grant.access.altering
    assert grant.access.scope.level is ScopeLevel.CLUSTER and grant.access.managed


@pytest.mark.parametrize("role", ["system:auth-delegator", "system:discovery", "view"])
def test_a_system_role_that_does_not_is_known_and_harmless(tmp_path: Path, role: str) -> None:
    graph = _graph(tmp_path, role)
    (principal,) = graph.principals
    assert not graph.pending_of(principal)
    assert not graph.altering_of(principal)


JOINED = BINDING + """
resource "kubernetes_cluster_role_v1" "crd_view" {
  metadata {
    name   = "widgets-view"
    labels = { "rbac.authorization.k8s.io/aggregate-to-view" = "%s" }
  }
  rule {
    api_groups = ["rbac.authorization.k8s.io"]
    resources  = ["clusterroles"]
    verbs      = ["bind"]
  }
}
"""


@pytest.mark.parametrize("role", ["view", "admin"])  # admin aggregates edit, which aggregates view
def test_a_declared_role_labelled_for_aggregation_joins_the_built_in_role(
        tmp_path: Path, role: str) -> None:
    (tmp_path / "main.tf").write_text(JOINED % (role, "true"), encoding="utf-8")
    graph = build_graph(read_module(tmp_path), Settings())
    principal = next(p for p in graph.principals if p.address.endswith(".ci"))
    (grant,) = (g for g in graph.altering_of(principal)
                if g.access.written_in == "kubernetes_cluster_role_v1.crd_view")
    assert grant.access.altering == {"bind clusterroles"}
    assert not grant.access.managed
    assert "kubernetes_cluster_role_v1.crd_view" in grant.provenance.chain


def test_a_role_labelled_otherwise_does_not_join(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(JOINED % ("view", "false"), encoding="utf-8")
    graph = build_graph(read_module(tmp_path), Settings())
    principal = next(p for p in graph.principals if p.address.endswith(".ci"))
    assert not graph.altering_of(principal)


def test_an_aggregated_role_keeps_the_selectors_of_the_roles_it_aggregates() -> None:
    generator = _generator()
    roles = {r.name: r for r in generator.roles_of("test.yaml", AGGREGATING)}
    assert generator.selectors(roles, roles["top"]) == [{"to-top": "true"},
                                                        {"to-middle": "true"}]
    rbac = load_rbac()
    assert rbac.builtin("admin").joins(  # type: ignore[union-attr]
        {"rbac.authorization.k8s.io/aggregate-to-view": "true"})
    assert not rbac.builtin("view").joins(  # type: ignore[union-attr]
        {"rbac.authorization.k8s.io/aggregate-to-edit": "true"})
