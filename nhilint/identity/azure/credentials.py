"""Entra ID credentials: client secrets and certificates of applications and service
principals.

A client secret (``azuread_application_password``, ``azuread_service_principal_password``,
an application's inline ``password`` block) is a persistent secret whose ``value`` Terraform
writes to its state.  It ends at ``end_date`` (or azuread 2.x's ``end_date_relative``).
Without one the provider sends no end date and Microsoft Graph applies its default, two years
after the start (Graph's ``addPassword`` request, ``endDateTime``: "The default value is
startDateTime + 2 years"; terraform-provider-azuread's
``credentials.PasswordCredentialForResource`` sends ``end_date`` only when it is set).
nhilint reports that as no expiry (``expiry = None``): no
bound is written in the configuration, two years is a long-lived secret, and DESIGN.md's
NHI004 names "password without end date" explicitly.

A certificate (``azuread_application_certificate``, ``azuread_service_principal_certificate``)
registers a public key; whoever holds the private key (a Key Vault, a CI variable, a file)
signs in as the application for as long as the key credential is valid, so it is a persistent
secret for NHI001, as DESIGN.md's rule catalog says.  Its state holds only the public
certificate, except for ``type = "Symmetric"``, whose ``value`` is the shared secret.  An
X.509 certificate without ``end_date`` ends when the certificate does (the azuread docs: "If
omitted, the API will decide a suitable expiry date"; Entra takes it from the certificate):
it is not reported as never expiring; a symmetric key without one is.

A secret is rotated when ``rotate_when_changed`` or ``lifecycle { replace_triggered_by }``
names a ``time_rotating``.  Federated identity credentials are not secrets (:mod:`.trusts`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from nhilint.identity.azure.context import APP, SP, Context, Who
from nhilint.identity.graph import Credential, CredentialKind, Expiry
from nhilint.identity.rotation import rotated, rotation_days
from nhilint.identity.values import as_list
from nhilint.model import Resource, Unknown


class Spec(NamedTuple):
    holder_attrs: tuple[str, ...]
    holder_type: str
    kind: CredentialKind
    label: str


CREDENTIALS = {
    "azuread_application_password": Spec(
        ("application_id", "application_object_id"), APP, "client-secret", "client secret"),
    "azuread_service_principal_password": Spec(
        ("service_principal_id",), SP, "client-secret", "client secret"),
    "azuread_application_certificate": Spec(
        ("application_id", "application_object_id"), APP, "certificate", "certificate"),
    "azuread_service_principal_certificate": Spec(
        ("service_principal_id",), SP, "certificate", "certificate"),
}
_CERTIFICATE_END = "the end of the certificate's validity (set by Entra ID)"


def credentials(ctx: Context) -> Iterator[tuple[Who, Credential]]:
    for resource in ctx.model.resources:
        if resource.mode != "managed":
            continue
        spec = CREDENTIALS.get(resource.type)
        if spec is not None:
            value = next((v for a in spec.holder_attrs if (v := resource.get(a)) is not None),
                         None)
            who = ctx.holder(value, spec.holder_type)
            yield who, _credential(ctx, who, resource, spec)
        elif resource.type == APP and resource.address in ctx.declared:
            yield from _inline_passwords(ctx, resource)


def _credential(ctx: Context, who: Who, resource: Resource, spec: Spec) -> Credential:
    symmetric = resource.get("type") == "Symmetric"
    expiry = _expiry(resource)
    if expiry is None and spec.kind == "certificate" and not symmetric:
        expiry = _CERTIFICATE_END
    label = "symmetric key" if spec.kind == "certificate" and symmetric else spec.label
    return Credential(
        who.id, resource.address, spec.kind, label, resource.span, persistent=True,
        rotated=_rotated(ctx, resource), expiry=expiry,
        exposed_in_state=spec.kind == "client-secret" or symmetric,
        rotation_days=rotation_days(ctx.index, resource, "rotate_when_changed"),
    )


def _inline_passwords(ctx: Context, resource: Resource) -> Iterator[tuple[Who, Credential]]:
    """``azuread_application { password { … } }`` (azuread 3.x): one client secret."""
    who = ctx.declared_principal(resource)
    for block in as_list(resource.get("password")):
        if isinstance(block, dict):
            end = block.get("end_date")
            yield who, Credential(
                who.id, resource.address, "client-secret", "client secret (password block)",
                resource.span_of(("password",)), persistent=True,
                rotated=_rotated(ctx, resource),
                expiry=end if isinstance(end, str | Unknown) else None, exposed_in_state=True,
                rotation_days=rotation_days(ctx.index, resource, "rotate_when_changed"),
            )


def _expiry(resource: Resource) -> Expiry:
    for key in ("end_date", "end_date_relative"):
        value = resource.get(key)
        if isinstance(value, str) and value.strip():
            return value if key == "end_date" else f"{value} after it is created"
        if isinstance(value, Unknown):
            return value
    return None


def _rotated(ctx: Context, resource: Resource) -> bool:
    """``rotate_when_changed = { rotation = time_rotating.x.id }`` or
    ``lifecycle { replace_triggered_by = [time_rotating.x] }`` (directly or through a keeper)."""
    return rotated(ctx.index, resource, "rotate_when_changed")
