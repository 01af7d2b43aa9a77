"""GCP credentials: user-managed service account keys and HMAC keys.

Both work until someone deletes or disables them: GCP gives them no end date in the
configuration (an organisation policy can, outside it).  A key is rotated when its resource is
replaced on a schedule: ``keepers`` computed from a ``time_rotating`` (the provider's own
rotation example) or ``lifecycle { replace_triggered_by = [...] }``.  Terraform stores a
generated key's ``private_key`` and an HMAC key's ``secret`` in its state in plain text; a key
made from uploaded ``public_key_data`` has its private half elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.identity.gcp.context import Context, Who
from nhilint.identity.graph import Credential
from nhilint.identity.rotation import rotated, rotation_days
from nhilint.model import Resource


def credentials(ctx: Context) -> Iterator[tuple[Who, Credential]]:
    for resource in ctx.model.of_type("google_service_account_key", "google_storage_hmac_key"):
        if resource.mode != "managed":
            continue
        if resource.type == "google_service_account_key":
            holder = ctx.service_account(resource.get("service_account_id"))
            yield holder, Credential(
                holder.id, resource.address, "key", "service account key", resource.span,
                persistent=True, rotated=rotated(ctx.index, resource, "keepers"),
                exposed_in_state=resource.get("public_key_data") is None,
                rotation_days=rotation_days(ctx.index, resource, "keepers"),
            )
        else:
            holder = ctx.service_account(resource.get("service_account_email"))
            yield holder, Credential(
                holder.id, resource.address, "access-key", "HMAC key", resource.span,
                persistent=_active(resource), rotated=rotated(ctx.index, resource),
                exposed_in_state=True, rotation_days=rotation_days(ctx.index, resource),
            )


def _active(resource: Resource) -> bool:
    state = resource.get("state")
    return not (isinstance(state, str) and state.upper() == "INACTIVE")
