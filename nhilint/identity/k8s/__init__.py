"""The Kubernetes adapter: service accounts, RBAC roles and bindings, token Secrets, and the
cloud principals service accounts become.

Kubernetes' own algebra is resolved here: a Role or ClusterRole rule alters identity when the
RBAC data says its verbs on its resources do (:mod:`.rbac`); a built-in ClusterRole is what the
Kubernetes documentation says it holds; a RoleBinding grants its role in one namespace, a
ClusterRoleBinding in the whole cluster, and neither expires (:mod:`.bindings`).  A token
Secret is a persistent token of its service account, a token request a short-lived one
(:mod:`.credentials`).  Annotations that make a service account a cloud principal (EKS IRSA,
GKE and Azure workload identity) are links to that principal (:mod:`.links`).  What leaves is
the platform-neutral graph of :mod:`nhilint.identity.graph`; a model without any of the
Kubernetes resource types gives an empty graph.
"""

from __future__ import annotations

import functools

from nhilint.identity.graph import Graph, PrincipalId, Reason
from nhilint.identity.k8s.bindings import Found, read_bindings
from nhilint.identity.k8s.context import ALL, PLATFORM, Context
from nhilint.identity.k8s.credentials import credentials
from nhilint.identity.k8s.fixes import FIXES
from nhilint.identity.k8s.links import links
from nhilint.identity.k8s.principals import principal_for
from nhilint.identity.k8s.rbac import load_rbac
from nhilint.identity.k8s.roles import policies
from nhilint.identity.secrets import SecretCatalog, load_secrets
from nhilint.model import Model
from nhilint.settings import Settings

__all__ = ["FIXES", "PLATFORM", "build", "secrets"]


@functools.cache
def _secrets() -> SecretCatalog:
    return load_secrets("k8s_secrets.json", PLATFORM)


def secrets() -> SecretCatalog:
    """Where Kubernetes configuration holds secret material (``nhilint/data/k8s_secrets.json``)."""
    return _secrets()


def build(model: Model, settings: Settings) -> Graph:
    if not any(r.type in ALL for r in model.resources):
        return Graph()
    ctx = Context.build(model, load_rbac(), settings)
    found = Found()
    for resource in ctx.accounts.values():
        found.named(ctx.account(resource))
    read_bindings(ctx, found)
    owned = list(credentials(ctx))
    for holder, _ in owned:
        found.named(holder)
    linked: dict[PrincipalId, tuple[Reason, ...]] = {}
    trusts = list(found.trusts)
    for link in links(ctx):
        linked[link.account.id] = (*linked.get(link.account.id, ()), link.reason)
        if link.trust is not None:
            trusts.append(link.trust)
    return Graph(
        principals=tuple(principal_for(ctx, w, linked) for w in found.who.values()),
        grants=tuple(found.grants),
        credentials=tuple(c for _, c in owned),
        trusts=tuple(trusts),
        policies=tuple(policies(ctx)),
        attachments=tuple(found.attachments),
        pending=tuple(found.pending),
    )
