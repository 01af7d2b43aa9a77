"""AWS principals: credentials, trusts, owners, and whether each is an automation principal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from nhilint.identity.aws.context import USER, Context, PrincipalRef
from nhilint.identity.aws.document import read_policy
from nhilint.identity.aws.policy import normalise
from nhilint.identity.graph import Credential, Owner, Principal, Trust
from nhilint.identity.values import as_list, first_block, text
from nhilint.model import Provider, Resource, Unknown

#: credential resource type -> (user attribute, kind, is a persistent machine secret)
CREDENTIALS = {
    "aws_iam_access_key": ("user", "access key", True),
    "aws_iam_service_specific_credential": ("user_name", "service-specific credential", True),
    "aws_iam_user_login_profile": ("user", "console login profile", False),
}
_SAML_ACTIONS = {"sts:assumerolewithsaml"}


def credentials(ctx: Context) -> Iterator[tuple[PrincipalRef, Credential]]:
    for resource in ctx.model.resources:
        spec = CREDENTIALS.get(resource.type)
        if spec is None or resource.mode != "managed":
            continue
        attr, kind, persistent = spec
        principal = ctx.principal(USER, resource.get(attr))
        active = resource.get("status") != "Inactive"
        yield principal, Credential(
            principal.address, resource.address, kind, resource.span,
            persistent=persistent and active, rotated=_rotated(ctx, resource),
        )


def _rotated(ctx: Context, resource: Resource) -> bool:
    """``lifecycle { replace_triggered_by = [time_rotating.x] }`` replaces the secret."""
    lifecycle = first_block(resource, "lifecycle")
    triggers = as_list(lifecycle.get("replace_triggered_by"))
    return any(ctx.index.referenced(t, "time_rotating") is not None for t in triggers)


def trusts(ctx: Context, role: Resource) -> tuple[list[Trust], str]:
    """Who may assume ``role``, and why that is (partly) unknown."""
    document = read_policy(role.get("assume_role_policy"), role, ("assume_role_policy",), ctx.index)
    found = []
    for raw in document.statements:
        statement = normalise(raw, ctx.catalog)
        if statement.effect != "Allow":
            continue
        for kind, value in _principals(ctx, raw.body.get("Principal")):
            kind = _federation(kind, value, statement.actions)
            found.append(Trust(role.address, kind, value, statement.actions,
                               statement.conditions, raw.span))
    return found, document.unknown


def _principals(ctx: Context, principal: object) -> Iterator[tuple[str, str]]:
    if principal == "*":
        yield "*", "*"
        return
    if not isinstance(principal, dict):
        if principal is not None:
            yield "Unknown", text(principal)
        return
    for kind, values in principal.items():
        for value in as_list(values):
            yield str(kind), _describe(ctx, value)


def _describe(ctx: Context, value: object) -> str:
    target = ctx.index.referenced(value)
    if target is None:
        return text(value)
    url = target.get("url")
    if target.type == "aws_iam_openid_connect_provider" and isinstance(url, str):
        return f"{target.address} ({url.removeprefix('https://')})"
    return target.address


def _federation(kind: str, value: str, actions: Iterable[str]) -> str:
    if kind != "Federated":
        return kind
    if "saml-provider" in value or any(a.lower() in _SAML_ACTIONS for a in actions):
        return "SAML"
    return "OIDC"


def owner(ctx: Context, resource: Resource) -> Owner:
    """The owner tag of a principal, from its ``tags`` or its provider's ``default_tags``."""
    tags = resource.get("tags")
    defaults = default_tags(ctx.provider(resource))
    for where, found in (("tag", tags), (f"provider {resource.provider} default_tags", defaults)):
        if isinstance(found, dict):
            for key in ctx.settings.owner_keys:
                if _present(found.get(key)):
                    return Owner(text(found[key]), f"{where} {key}")
    for where, found in (("tags", tags), ("default_tags", defaults)):
        if isinstance(found, Unknown):
            return Owner(None, f"{where} are {text(found)}, not known before apply", known=False)
    keys = ", ".join(ctx.settings.owner_keys)
    return Owner(None, f"no owner tag ({keys}) on the principal or its provider's default_tags")


def default_tags(provider: Provider | None) -> object:
    """``provider "aws" { default_tags { tags = {...} } }``: the tags, unknown, or ``None``."""
    blocks = as_list(provider.attributes.get("default_tags")) if provider else []
    if not blocks:
        return None
    return blocks[0].get("tags") if isinstance(blocks[0], dict) else blocks[0]


def _present(value: object) -> bool:
    return isinstance(value, Unknown) or (isinstance(value, str) and value.strip() != "")


def classify_user(
    ctx: Context, ref: PrincipalRef, held: list[Credential]
) -> tuple[bool | None, tuple[str, ...]]:
    keys = [c for c in held if c.persistent]
    logins = [c for c in held if c.kind == "console login profile"]
    why = [f"holds a static {c.kind} {c.address}" for c in keys]
    if why:
        return True, tuple(why)
    if logins:
        return False, (f"has a console login profile {logins[0].address}",)
    if not ref.external:
        return True, ("has no console login profile",)
    return _by_name(ctx, ref.name)


def classify_role(
    ctx: Context, ref: PrincipalRef, found: list[Trust], unknown: str
) -> tuple[bool | None, tuple[str, ...]]:
    why = [_trust_reason(t) for t in found if t.kind in ("Service", "OIDC", "AWS", "*")]
    if ref.name and ref.name.startswith("AWSReservedSSO_"):
        return False, ("is an IAM Identity Center role (human single sign-on)",)
    if why:
        return True, tuple(dict.fromkeys(why))
    saml = [t for t in found if t.kind == "SAML"]
    if saml:
        return False, (f"is trusted only by SAML provider {saml[0].value} (human sign-on)",)
    automation, reasons = _by_name(ctx, ref.name)
    return automation, reasons + ((f"its trust policy is unknown: {unknown}",) if unknown else ())


def _trust_reason(trust: Trust) -> str:
    what = {"Service": "service", "OIDC": "OIDC provider", "AWS": "AWS principal", "*": "anyone"}
    return f"is trusted by {what[trust.kind]} {trust.value}"


def _by_name(ctx: Context, name: str | None) -> tuple[bool | None, tuple[str, ...]]:
    token = ctx.settings.automation_name_match(name) if name else None
    if token:
        return True, (f"its name {name!r} matches the automation pattern {token!r}",)
    return None, (f"nothing in the scanned code tells whether {name or 'it'} is automation",)


def principal_for(
    ctx: Context, ref: PrincipalRef, automation: bool | None, why: tuple[str, ...]
) -> Principal:
    resource = ctx.declared.get(ref.address)
    if resource is None:
        unknown_owner = Owner(None, "not declared in the scanned code", known=False)
        return Principal(ref.address, ref.kind, "aws", ref.name, automation, why, unknown_owner,
                         None, declared=False)
    return Principal(ref.address, ref.kind, "aws", ref.name, automation, why,
                     owner(ctx, resource), resource.span)


def group_verdict() -> tuple[bool | None, tuple[str, ...]]:
    return False, ("is a group: its members hold its permissions",)

