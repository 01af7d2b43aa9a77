"""AWS credentials: the secrets that authenticate as an IAM user, how long they live, and
whether Terraform writes them to its state in plain text.

An access key, a service-specific credential, a signing certificate and an SSH public key
are long-lived until deactivated (``status = "Inactive"``): AWS gives them no end date, except
a Bedrock API key created with ``credential_age_days``.  A secret is rotated when its resource
is replaced on a schedule: ``lifecycle { replace_triggered_by = [...] }`` naming a
``time_rotating``, or a ``terraform_data``/``null_resource`` whose triggers name one (a
rotation keeper).  Terraform stores every attribute in its state: the secret of an access key
without ``pgp_key`` and the password of a service-specific credential are there in plain text;
certificates and SSH keys are public material.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from nhilint.identity.aws.context import USER, Context, Who
from nhilint.identity.graph import Credential, CredentialKind, Expiry
from nhilint.identity.rotation import rotated, rotation_days
from nhilint.model import Resource, Unknown


class Spec(NamedTuple):
    user_attr: str
    kind: CredentialKind
    label: str
    persistent: bool
    #: the attribute whose presence keeps the secret out of the state ("" : nothing does)
    encrypted_by: str = ""
    in_state: bool = False


#: credential resource type -> how it names its user, its kind, whether it is a long-lived
#: machine secret, and whether its secret lands in the state
CREDENTIALS = {
    "aws_iam_access_key": Spec("user", "access-key", "access key", True, "pgp_key", True),
    "aws_iam_service_specific_credential": Spec(
        "user_name", "service-credential", "service-specific credential", True, "", True
    ),
    "aws_iam_signing_certificate": Spec("user_name", "certificate", "signing certificate", True),
    "aws_iam_user_ssh_key": Spec("username", "ssh-key", "SSH public key", True),
    "aws_iam_user_login_profile": Spec("user", "console-password", "console login profile", False),
}
#: credential kinds a person holds as readily as software: no evidence of automation
PERSONAL_KINDS = frozenset({"ssh-key", "console-password"})


def credentials(ctx: Context) -> Iterator[tuple[Who, Credential]]:
    for resource in ctx.model.resources:
        spec = CREDENTIALS.get(resource.type)
        if spec is None or resource.mode != "managed":
            continue
        principal = ctx.principal(USER, resource.get(spec.user_attr))
        yield principal, Credential(
            principal.id, resource.address, spec.kind, spec.label, resource.span,
            persistent=spec.persistent and _active(resource), rotated=rotated(ctx.index, resource),
            expiry=_expiry(resource), exposed_in_state=_in_state(resource, spec),
            rotation_days=rotation_days(ctx.index, resource),
        )


def _active(resource: Resource) -> bool:
    status = resource.get("status")
    return not (isinstance(status, str) and status.lower() == "inactive")


def _expiry(resource: Resource) -> Expiry:
    """A Bedrock API key's ``credential_age_days``; nothing else ends by itself."""
    days = resource.get("credential_age_days")
    if days is None or isinstance(days, bool):
        return None
    if isinstance(days, int):
        return f"{days} days after it is created"
    return days if isinstance(days, Unknown) else Unknown(f"is a {type(days).__name__}")


def _in_state(resource: Resource, spec: Spec) -> bool:
    if not spec.in_state:
        return False
    if not spec.encrypted_by:
        return True
    key = resource.get(spec.encrypted_by)
    return key is None or key == ""
