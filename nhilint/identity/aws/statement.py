"""AWS policy statements, normalised into :class:`~nhilint.identity.graph.Statement`.

Applies the identity-altering catalog to ``Action``/``NotAction`` (wildcards included), and
decides whether actions and resources are unbounded, whether a condition narrows the statement
and whether it expires (``DateLessThan aws:CurrentTime``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from nhilint.identity.aws.actions import ActionCatalog, complement, match_actions
from nhilint.identity.aws.document import RawStatement
from nhilint.identity.graph import Statement
from nhilint.identity.values import as_list, template_shape, text
from nhilint.model import Unknown

#: services whose every action is about identity: ``svc:*`` on them is an unbounded grant
IDENTITY_SERVICES = frozenset(
    {"iam", "sts", "sso", "sso-directory", "identitystore", "organizations", "cognito-identity",
     "cognito-idp", "rolesanywhere"}
)
#: services whose identity actions act beyond one account
ORG_SERVICES = ("organizations:", "sso:", "sso-directory:", "identitystore:")

#: condition keys that narrow a statement to some resources or uses
NARROWING_KEYS = (
    "iam:passedtoservice",
    "iam:permissionsboundary",
    "iam:policyarn",
    "iam:associatedresourcearn",
    "iam:resourcetag/",
    "aws:resourcetag/",
    "aws:requesttag/",
)
_EXPIRY_OPERATORS = {
    "datelessthan", "datelessthanequals", "numericlessthan", "numericlessthanequals",
}
_EXPIRY_KEYS = {"aws:currenttime", "aws:epochtime"}

#: an ARN whose resource part is ``*`` or ``<kind>/*``: every identity of a kind
_UNBOUNDED_ARN = re.compile(r"^arn:[^:]*:[^:]*:[^:]*:[^:]*:(\*|[A-Za-z-]+/\*)$")


def normalise(raw: RawStatement, catalog: ActionCatalog) -> Statement:
    body = raw.body
    unknown: list[str] = []
    effect = body.get("Effect")
    if not isinstance(effect, str):
        unknown.append(f"Effect: {text(effect)}")
    not_actions = "NotAction" in body
    action_key = "NotAction" if not_actions else "Action"
    actions = _strings(body.get(action_key), unknown, action_key)
    not_resources = "NotResource" in body
    resource_key = "NotResource" if not_resources else "Resource"
    resources = _strings(body.get(resource_key), unknown, resource_key)
    known_actions = [a for a in actions if not a.startswith("${")]
    matched = match_actions(known_actions, catalog)
    altering = complement(matched, catalog) if not_actions else matched
    if not not_resources:
        altering = _applicable(altering, body.get("Resource"))
    conditions = _conditions(body.get("Condition"), unknown)
    return Statement(
        effect=effect if isinstance(effect, str) else "Unknown",
        actions=tuple(actions),
        not_actions=not_actions,
        resources=tuple(resources),
        not_resources=not_resources,
        altering=altering,
        conditions=conditions,
        span=raw.span,
        written_in=raw.written_in,
        expiry=_expiry(conditions),
        unknown=tuple(unknown),
        wildcard_actions=not_actions or any(_unbounded_action(a) for a in known_actions),
        wildcard_resources=not_resources or _any_unbounded(body.get("Resource")),
        org_scope=any(a.startswith(ORG_SERVICES) for a in altering),
        narrowed=any(k.lower().startswith(NARROWING_KEYS) for c in conditions.values() for k in c),
    )


def _strings(value: object, unknown: list[str], field: str) -> list[str]:
    """The values as text; each unknown one is noted as ``"<field>: <source>"``."""
    found = []
    for item in as_list(value):
        if isinstance(item, Unknown):
            unknown.append(f"{field}: {text(item)}")
        found.append(text(item))
    return found


def _conditions(
    value: object, unknown: list[str]
) -> dict[str, Mapping[str, tuple[str, ...]]]:
    if isinstance(value, Unknown):
        unknown.append(f"Condition: {text(value)}")
        return {"Unknown": {text(value): ()}}
    if not isinstance(value, dict):
        return {}
    found: dict[str, Mapping[str, tuple[str, ...]]] = {}
    for operator, keys in value.items():
        if isinstance(keys, dict):
            found[str(operator)] = {
                str(k): tuple(_strings(v, unknown, "Condition")) for k, v in keys.items()
            }
    return found


def _expiry(conditions: Mapping[str, Mapping[str, tuple[str, ...]]]) -> str | None:
    for operator, keys in conditions.items():
        if operator.lower() not in _EXPIRY_OPERATORS:
            continue
        for key, values in keys.items():
            if key.lower() in _EXPIRY_KEYS and values:
                return values[0]
    return None


def _unbounded_action(pattern: str) -> bool:
    if pattern == "*":
        return True
    service, _, action = pattern.partition(":")
    return action == "*" and service.lower() in IDENTITY_SERVICES


def _applicable(actions: frozenset[str], resources: object) -> frozenset[str]:
    """The actions that can act on at least one of the resources (by the ARN's service).

    ``iam:*`` on ``arn:aws:s3:::bucket/*`` changes no identity.  A resource that is ``*``,
    unknown, or not an ARN keeps every action (and so does a trust policy, with no resource).
    """
    services: set[str] = set()
    for resource in as_list(resources):
        shape = template_shape(resource)
        service = shape.split(":")[2] if shape.startswith("arn:") and shape.count(":") >= 5 else ""
        if not service or "*" in service or "?" in service:
            return actions
        services.add(service.lower())
    if not services:
        return actions
    return frozenset(a for a in actions if _service_of(a) in services)


def _service_of(action: str) -> str:
    service = action.split(":", 1)[0].lower()
    return "iam" if service == "sts" else service


def _any_unbounded(resources: object) -> bool:
    return any(_unbounded_resource(template_shape(r)) for r in as_list(resources))


def _unbounded_resource(resource: str) -> bool:
    return resource == "*" or bool(_UNBOUNDED_ARN.match(resource))
