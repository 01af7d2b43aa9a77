"""What the Kubernetes adapter needs while it reads one model: lookups and subject resolution.

Every object of the ``hashicorp/kubernetes`` provider has one ``metadata`` block with ``name``
and ``namespace`` (``default`` when not written, as the provider sends it) and its labels and
annotations.  Both the ``kubernetes_<kind>`` and the ``kubernetes_<kind>_v1`` resource types
are read, the same way.  A name written as a reference to another object's
``metadata[0].name`` is that object's name as written there.

A service account subject resolves to the service account declared here with that
namespace and name; one not declared here is named as Kubernetes names it,
``system:serviceaccount:<namespace>:<name>``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from nhilint.identity.graph import Automation, PrincipalId, PrincipalKind, Reason, Text
from nhilint.identity.k8s.rbac import RbacCatalog
from nhilint.identity.values import Index, first_block
from nhilint.model import Model, Resource, Unknown
from nhilint.settings import Settings

PLATFORM = "kubernetes"
#: the canonical id type of every service account, declared here or not
SERVICE_ACCOUNT = "kubernetes_service_account"
GROUP, USER = "kubernetes_group", "kubernetes_user"


def types(*kinds: str) -> tuple[str, ...]:
    """``kubernetes_<kind>`` and ``kubernetes_<kind>_v1`` for each kind."""
    return tuple(t for k in kinds for t in (f"kubernetes_{k}", f"kubernetes_{k}_v1"))


#: a namespace's ``default`` service account, managed by Terraform (its name is always
#: ``default``: docs/resources/default_service_account_v1.md)
DEFAULT_ACCOUNTS = types("default_service_account")
ACCOUNTS = (*types("service_account"), *DEFAULT_ACCOUNTS)
ROLES = types("role")
CLUSTER_ROLES = types("cluster_role")
ROLE_BINDINGS = types("role_binding")
CLUSTER_ROLE_BINDINGS = types("cluster_role_binding")
SECRETS = types("secret")
TOKEN_REQUESTS = ("kubernetes_token_request_v1",)
#: what marks a model as holding Kubernetes identity
ALL = (*ACCOUNTS, *ROLES, *CLUSTER_ROLES, *ROLE_BINDINGS, *CLUSTER_ROLE_BINDINGS, *SECRETS,
       *TOKEN_REQUESTS)
DEFAULT_NAMESPACE = "default"


def written(value: Text) -> str:
    """A name or namespace as written: its text, or the expression computing it (two objects
    whose namespace is the same ``var.namespace`` are in the same namespace)."""
    return value if isinstance(value, str) else f"${{{value.source or value.reason}}}"


def _username(name: Text, namespace: Text) -> Text:
    """``system:serviceaccount:<namespace>:<name>``, the name Kubernetes gives a service
    account; a template of the parts not known when one is not."""
    if isinstance(name, str) and isinstance(namespace, str):
        return f"system:serviceaccount:{namespace}:{name}"
    parts = [p for p in (name, namespace) if isinstance(p, Unknown)]
    return Unknown("the service account's name is not known before apply",
                   f'"system:serviceaccount:{written(namespace)}:{written(name)}"',
                   tuple(r for p in parts for r in p.refs))


@dataclasses.dataclass(frozen=True)
class Who:
    """A subject named by a binding, a token Secret or a link: declared here or not."""

    id: PrincipalId
    kind: PrincipalKind
    name: Text | None
    automation: Automation
    why: tuple[Reason, ...]
    declared: bool = False


@dataclasses.dataclass(frozen=True)
class Context:
    model: Model
    index: Index
    rbac: RbacCatalog
    settings: Settings
    #: declared service accounts by address
    accounts: Mapping[str, Resource]
    #: declared service accounts by literal (namespace, name)
    by_name: Mapping[tuple[str, str], Resource]

    @classmethod
    def build(cls, model: Model, rbac: RbacCatalog, settings: Settings) -> Context:
        index = Index(model.resources)
        accounts = {r.address: r for r in model.of_type(*ACCOUNTS) if r.mode == "managed"}
        ctx = cls(model, index, rbac, settings, accounts, {})
        by_name = {}
        for resource in accounts.values():
            name, namespace = ctx.name(resource), ctx.namespace(resource)
            if isinstance(name, str):
                by_name[(written(namespace), name)] = resource
        return dataclasses.replace(ctx, by_name=by_name)

    def metadata(self, resource: Resource) -> Mapping[str, object]:
        return first_block(resource, "metadata")

    def name(self, resource: Resource) -> Text:
        if resource.type in DEFAULT_ACCOUNTS:
            return "default"
        return self.resolve(self.metadata(resource).get("name"), "name")

    def namespace(self, resource: Resource) -> Text:
        found = self.metadata(resource).get("namespace")
        return DEFAULT_NAMESPACE if found is None else self.resolve(found, "namespace")

    def resolve(self, value: object, field: str) -> Text:
        """A name or namespace as written, following a reference to another Kubernetes
        object's ``metadata[0].<field>`` (a namespace's name is its namespace's value)."""
        if isinstance(value, str):
            return value
        target = self.index.referenced(value)
        if target is not None and target.type.startswith("kubernetes_"):
            meta = self.metadata(target)
            read = meta.get("name" if target.type.startswith("kubernetes_namespace") else field)
            if isinstance(read, str):
                return read
            if read is None and field == "namespace" and not target.type.startswith(
                    "kubernetes_namespace"):
                return DEFAULT_NAMESPACE
        return value if isinstance(value, Unknown) else Unknown(
            f"is a {type(value).__name__}, not a name")

    def account(self, resource: Resource) -> Who:
        """A service account declared here."""
        return Who(PrincipalId(PLATFORM, SERVICE_ACCOUNT, resource.address),
                   "kubernetes-service-account", self.name(resource), Automation.YES,
                   (Reason("is a Kubernetes service account"),), declared=True)

    def service_account(self, name: object, namespace: Text) -> Who:
        """The service account a subject, a token Secret or a token request names."""
        target = self.index.referenced(name, *ACCOUNTS)
        if target is not None and target.address in self.accounts:
            return self.account(target)
        shown = self.resolve(name, "name")
        if isinstance(shown, str):
            declared = self.by_name.get((written(namespace), shown))
            if declared is not None:
                return self.account(declared)
        ref = _username(shown, namespace)
        why: tuple[Reason, ...] = (Reason("is a Kubernetes service account"),)
        if isinstance(ref, Unknown):
            why += (Reason("its name is not known before apply", ref),)
        return Who(PrincipalId(PLATFORM, SERVICE_ACCOUNT, ref), "kubernetes-service-account",
                   shown, Automation.YES, why)

    def subject(self, kind: object, name: object, namespace: Text) -> Who:
        """The principal a binding's ``subject`` block names."""
        if kind == "ServiceAccount":
            return self.service_account(name, namespace)
        shown = self.resolve(name, "name")
        type_ = GROUP if kind == "Group" else USER
        if not isinstance(shown, str) or not isinstance(kind, str):
            return Who(PrincipalId(PLATFORM, type_, shown if isinstance(shown, Unknown)
                                   else Unknown("the subject is not known before apply")),
                       "unknown", None, Automation.UNKNOWN,
                       (Reason("the subject is not known before apply", shown),))
        special = self.rbac.special(kind, shown)
        if special is not None and special.members == "service-accounts":
            return Who(PrincipalId(PLATFORM, GROUP, shown), "group", shown, Automation.YES,
                       (Reason(f"is the group of {special.why}"),))
        if special is not None:
            return Who(PrincipalId(PLATFORM, type_, shown), "group", shown, Automation.UNKNOWN,
                       (Reason(f"is {special.why}"),))
        if kind == "Group":
            return Who(PrincipalId(PLATFORM, GROUP, shown), "group", shown, Automation.NO,
                       (Reason("is a group of users (people) the authenticator names"),))
        return Who(PrincipalId(PLATFORM, USER, shown), "user", shown, Automation.NO,
                   (Reason("is a user (a person) the authenticator names"),))

    def anyone(self, who: Who) -> bool:
        """The subject stands for anyone (``system:authenticated``, ``system:anonymous`` …)."""
        shown = who.id.ref
        kind = "Group" if who.id.type == GROUP else "User"
        special = self.rbac.special(kind, shown) if isinstance(shown, str) else None
        return special is not None and special.members == "anyone"
