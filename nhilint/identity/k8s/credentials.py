"""Kubernetes credentials: service account token Secrets (persistent) and token requests.

A ``kubernetes_secret(_v1)`` of ``type = "kubernetes.io/service-account-token"`` with the
annotation ``kubernetes.io/service-account.name`` makes the control plane write a token of that
service account into the Secret: a legacy token that never expires and works until the Secret
is deleted (https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets,
"only create a service account token Secret … if you can't use the TokenRequest API").  The
provider stores every argument and the Secret's data in the state in plain text
(``hashicorp/terraform-provider-kubernetes:docs/resources/secret_v1.md``).  It is rotated only
when the Secret is replaced on a schedule (``lifecycle { replace_triggered_by }``).

A ``kubernetes_token_request_v1`` asks the TokenRequest API for a bound token that expires:
after ``spec.expiration_seconds`` (the API's default is one hour,
https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/):
a short-lived credential, never persistent (``docs/resources/token_request_v1.md``).  The
token request's ``metadata.name`` is the service account's name.  Projected tokens that pods
mount (``automount_service_account_token``) are short-lived too and are no secret of the
configuration.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.identity.graph import Credential, Expiry
from nhilint.identity.k8s.context import SECRETS, TOKEN_REQUESTS, Context, Who
from nhilint.identity.rotation import rotated
from nhilint.identity.values import first_block
from nhilint.model import Resource, Unknown

TOKEN_TYPE = "kubernetes.io/service-account-token"
SA_ANNOTATION = "kubernetes.io/service-account.name"
#: the TokenRequest API's default lifetime when ``expiration_seconds`` is not written
DEFAULT_LIFETIME = "3600s after it is requested (the TokenRequest default)"


def credentials(ctx: Context) -> Iterator[tuple[Who, Credential]]:
    for resource in ctx.model.of_type(*SECRETS, *TOKEN_REQUESTS):
        if resource.mode != "managed":
            continue
        if resource.type in TOKEN_REQUESTS:
            yield _token_request(ctx, resource)
        elif resource.get("type") == TOKEN_TYPE:
            found = _token_secret(ctx, resource)
            if found is not None:
                yield found


def _token_secret(ctx: Context, resource: Resource) -> tuple[Who, Credential] | None:
    annotations = ctx.metadata(resource).get("annotations")
    if not isinstance(annotations, dict) or SA_ANNOTATION not in annotations:
        return None
    holder = ctx.service_account(annotations[SA_ANNOTATION], ctx.namespace(resource))
    return holder, Credential(
        holder.id, resource.address, "token", "service account token Secret", resource.span,
        persistent=True, rotated=rotated(ctx.index, resource), exposed_in_state=True,
    )


def _token_request(ctx: Context, resource: Resource) -> tuple[Who, Credential]:
    holder = ctx.service_account(ctx.metadata(resource).get("name"), ctx.namespace(resource))
    seconds = first_block(resource, "spec").get("expiration_seconds")
    expiry: Expiry = f"{seconds}s after it is requested" if isinstance(seconds, int) else (
        seconds if isinstance(seconds, Unknown) else DEFAULT_LIFETIME)
    return holder, Credential(
        holder.id, resource.address, "token", "service account token request", resource.span,
        persistent=False, expiry=expiry, exposed_in_state=True,
    )
