"""Cloud workload identity: the cloud principal a Kubernetes service account becomes.

Pods running as a service account get the credentials of a cloud principal when the service
account is annotated for it:

* ``eks.amazonaws.com/role-arn``: the AWS IAM role (EKS IAM roles for service accounts,
  https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html); an
  ``aws_eks_pod_identity_association`` (``cluster_name``, ``namespace``, ``service_account``,
  ``role_arn``) does the same without the annotation
  (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html);
* ``iam.gke.io/gcp-service-account``: the GCP service account (GKE Workload Identity
  Federation, https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity);
* ``azure.workload.identity/client-id``: the Entra application or user-assigned managed
  identity with that client id (https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html).

The link is a trust of the cloud principal by the service account (a ``SERVICE`` trust whose
``via`` is the service account), when the cloud principal is declared in the scanned code; the
service account's verdict says which principal it becomes either way.  The cloud principal's
grants stay its own: they are judged, and reported, on it once.  Whether the cloud side
accepts the link (the role's OIDC trust, ``roles/iam.workloadIdentityUser``, a federated
credential) is that platform adapter's to judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from nhilint.identity.aws.context import PLATFORM as AWS
from nhilint.identity.aws.context import ROLE as AWS_ROLE
from nhilint.identity.azure.context import APPS as AZURE_APPS
from nhilint.identity.azure.context import PLATFORM as AZURE
from nhilint.identity.azure.context import SP as AZURE_SP
from nhilint.identity.azure.context import UAMI as AZURE_UAMI
from nhilint.identity.gcp.context import PLATFORM as GCP
from nhilint.identity.gcp.context import SERVICE_ACCOUNT as GCP_SA
from nhilint.identity.graph import PrincipalId, Reason, Trust, TrustKind
from nhilint.identity.k8s.context import Context, Who
from nhilint.model import Resource, Span, Unknown

#: annotation -> (what the linked principal is, in words)
ANNOTATIONS: Mapping[str, str] = {
    "eks.amazonaws.com/role-arn": "the AWS IAM role",
    "iam.gke.io/gcp-service-account": "the GCP service account",
    "azure.workload.identity/client-id": "the Azure identity",
}
POD_IDENTITY = "aws_eks_pod_identity_association"
_GCP_EMAIL = re.compile(r"^([a-z][a-z0-9-]{4,28}[a-z0-9])@[^.]+\.iam\.gserviceaccount\.com$")


class Link(NamedTuple):
    """The service account ``account`` becomes ``target`` (``None``: declared elsewhere),
    written at ``span`` of ``written_in``; ``shown`` names the target as written."""

    account: Who
    annotation: str
    target: PrincipalId | None
    shown: str
    span: Span
    written_in: str
    #: the service account as Kubernetes names it (``system:serviceaccount:<ns>:<name>``)
    issuer: str

    @property
    def reason(self) -> Reason:
        where = "declared elsewhere" if self.target is None else "its cloud grants are its own"
        return Reason(f"becomes {ANNOTATIONS.get(self.annotation, 'the AWS IAM role')}",
                      self.shown, f"({self.annotation}; {where})")

    @property
    def trust(self) -> Trust | None:
        if self.target is None:
            return None
        return Trust(self.target, TrustKind.SERVICE,
                     self.issuer, self.span,
                     via=self.written_in, written_in=self.written_in)


def links(ctx: Context) -> Iterator[Link]:
    for resource in ctx.accounts.values():
        annotations = ctx.metadata(resource).get("annotations")
        if not isinstance(annotations, dict):
            continue
        for annotation, value in annotations.items():
            if annotation in ANNOTATIONS:
                target, shown = _target(ctx, annotation, value)
                span = resource.span_of(("metadata", 0, "annotations", annotation))
                yield Link(ctx.account(resource), annotation, target, shown, span,
                           resource.address, _username(ctx, resource))
    for association in ctx.model.of_type(POD_IDENTITY):
        if association.mode == "managed":
            yield from _pod_identity(ctx, association)


def _pod_identity(ctx: Context, association: Resource) -> Iterator[Link]:
    namespace = ctx.resolve(association.get("namespace"), "namespace")
    account = ctx.service_account(association.get("service_account"), namespace)
    if not account.declared:
        return
    target, shown = _aws(ctx, association.get("role_arn"))
    resource = ctx.accounts[str(account.id.ref)]
    yield Link(account, POD_IDENTITY, target, shown, association.span, association.address,
               _username(ctx, resource))


def _username(ctx: Context, resource: Resource) -> str:
    """``system:serviceaccount:<namespace>:<name>``, or the address when not known."""
    name, namespace = ctx.name(resource), ctx.namespace(resource)
    if isinstance(name, str) and isinstance(namespace, str):
        return f"system:serviceaccount:{namespace}:{name}"
    return f"Kubernetes service account {resource.address}"


def _target(ctx: Context, annotation: str, value: object) -> tuple[PrincipalId | None, str]:
    if annotation.startswith("eks."):
        return _aws(ctx, value)
    if annotation.startswith("iam.gke.io"):
        return _gcp(ctx, value)
    return _azure(ctx, value)


def _shown(value: object) -> str:
    if isinstance(value, Unknown):
        return " ".join(value.source.split()) or value.reason
    return str(value)


def _declared(resource: Resource | None) -> Resource | None:
    return resource if resource is not None and resource.mode == "managed" else None


def _aws(ctx: Context, value: object) -> tuple[PrincipalId | None, str]:
    role = _declared(ctx.index.referenced(value, AWS_ROLE))
    if role is None and isinstance(value, str) and ":role/" in value:
        name = value.rsplit("/", 1)[-1]
        role = next((r for r in ctx.model.of_type(AWS_ROLE)
                     if r.mode == "managed" and r.get("name") == name), None)
    if role is None:
        return None, _shown(value)
    return PrincipalId(AWS, role.type, role.address), role.address


def _gcp(ctx: Context, value: object) -> tuple[PrincipalId | None, str]:
    account = _declared(ctx.index.referenced(value, GCP_SA))
    found = _GCP_EMAIL.match(value) if isinstance(value, str) else None
    if account is None and found is not None:
        account = next((r for r in ctx.model.of_type(GCP_SA)
                        if r.mode == "managed" and r.get("account_id") == found.group(1)), None)
    if account is None:
        return None, _shown(value)
    return PrincipalId(GCP, GCP_SA, account.address), account.address


def _azure(ctx: Context, value: object) -> tuple[PrincipalId | None, str]:
    found = _declared(ctx.index.referenced(value, AZURE_UAMI, *AZURE_APPS, AZURE_SP))
    if found is not None and found.type == AZURE_SP:  # the application it is made for
        app = _declared(ctx.index.referenced(
            found.get("client_id", found.get("application_id")), *AZURE_APPS))
        found = app or found
    if found is None:
        return None, _shown(value)
    return PrincipalId(AZURE, found.type, found.address), found.address
