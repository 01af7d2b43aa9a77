"""AWS policy statements: IAM's algebra, resolved here so that rules never see it.

A :class:`Statement` is one IAM statement read from a document: ``Effect``, ``Action`` or
``NotAction``, ``Resource`` or ``NotResource`` and ``Condition``, with the action catalog applied
(wildcards and ``NotAction`` included, each action kept only where its resource types meet the
statement's resources).  What it alters: the ``alters-identity`` actions, and the
``obtains-credentials`` actions that reach the identity their Resource names when that Resource
is unbounded (every role, every function) and no condition narrows it; ``reads-secrets`` never.
A statement a time condition ended before the scan date allows nothing.  :func:`accesses` turns
the Allow statements into platform-neutral :class:`~nhilint.identity.graph.Access` values, less
what unconditional Denys take back.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable

from nhilint.identity.aws.actions import (
    ALTERS,
    ActionCatalog,
    complement,
    match_actions,
    match_names,
)
from nhilint.identity.aws.arn import (
    acts_on,
    names_resources,
    template_shape,
    unbounded_resource,
)
from nhilint.identity.aws.document import RawStatement
from nhilint.identity.aws.timing import ended_by
from nhilint.identity.graph import (
    SCOPE_NARROWINGS,
    Access,
    Condition,
    Expiry,
    Narrowing,
    Scope,
    ScopeLevel,
    Text,
    Undecided,
)
from nhilint.identity.values import as_list
from nhilint.model import Span, Unknown

#: services whose every action is about identity: ``svc:*`` on them is an unbounded grant
IDENTITY_SERVICES = frozenset(
    {"iam", "sts", "sso", "sso-directory", "identitystore", "organizations", "cognito-identity",
     "cognito-idp", "rolesanywhere"}
)
#: services whose identity actions act beyond one account
ORG_SERVICES = ("organizations:", "sso:", "sso-directory:", "identitystore:")

#: condition keys (lower case, prefixes) and what they narrow a statement to
NARROWING_KEYS: tuple[tuple[str, Narrowing], ...] = (
    ("iam:passedtoservice", Narrowing.SERVICE),
    ("organizations:serviceprincipal", Narrowing.SERVICE),
    ("iam:permissionsboundary", Narrowing.BOUNDARY),
    ("iam:policyarn", Narrowing.RESOURCE),
    ("iam:associatedresourcearn", Narrowing.RESOURCE),
    ("iam:resourcetag/", Narrowing.RESOURCE),
    ("aws:resourcetag/", Narrowing.RESOURCE),
    ("aws:requesttag/", Narrowing.RESOURCE),
    ("aws:currenttime", Narrowing.TIME),
    ("aws:epochtime", Narrowing.TIME),
    ("aws:principalorgid", Narrowing.PRINCIPAL),
    ("aws:principalorgpaths", Narrowing.PRINCIPAL),
    ("aws:principalaccount", Narrowing.PRINCIPAL),
    ("aws:principalarn", Narrowing.PRINCIPAL),
    ("aws:sourcearn", Narrowing.PRINCIPAL),
    ("aws:sourceaccount", Narrowing.PRINCIPAL),
    ("sts:externalid", Narrowing.EXTERNAL_ID),
)
_EXPIRY_OPERATORS = {
    "datelessthan", "datelessthanequals", "numericlessthan", "numericlessthanequals",
}
_EXPIRY_KEYS = {"aws:currenttime", "aws:epochtime"}


@dataclasses.dataclass(frozen=True)
class Statement:
    """One IAM statement, read."""

    effect: Text
    actions: tuple[Text, ...]
    not_actions: bool
    resources: tuple[Text, ...]
    not_resources: bool
    #: identity-altering actions it allows (see the module's docstring)
    altering: frozenset[str]
    conditions: tuple[Condition, ...]
    span: Span
    written_in: str
    undecided: tuple[Undecided, ...] = ()
    wildcard_actions: bool = False
    wildcard_resources: bool = False
    org_scope: bool = False
    #: catalog actions of every class covered, after ``NotAction`` and the resources' types
    covered: frozenset[str] = frozenset()
    #: covered ``obtains-credentials`` actions that reach the identity their Resource names
    #: (identity-altering only when that Resource is unbounded and not narrowed)
    reaching: frozenset[str] = frozenset()
    #: why a time condition ended it before the scan date (``""``: it has not ended)
    ended: str = ""

    @property
    def allows(self) -> bool:
        return self.effect == "Allow" and not self.ended

    @property
    def takes_back(self) -> bool:
        """An unconditional Deny on every resource: it removes actions wherever granted."""
        return self.effect == "Deny" and self.wildcard_resources and not self.conditions

    @property
    def relevant_unknowns(self) -> tuple[Undecided, ...]:
        """Unknown parts that could change a verdict: unknown resources only matter when the
        statement alters identity, or could if its resources were unbounded (they decide
        whether its scope is unbounded)."""
        if self.ended:
            return ()
        if self.altering or self.effect == "Deny":
            return self.undecided
        if self.reaching:
            return tuple(u for u in self.undecided if u.what != "Condition")
        return tuple(u for u in self.undecided if u.what not in ("Resource", "NotResource"))


def normalise(
    raw: RawStatement, catalog: ActionCatalog, *, today: datetime.date | None = None
) -> Statement:
    """One statement read; ``today`` is the scan date time conditions are judged against
    (``None``: no time condition is judged ended)."""
    body = raw.body
    undecided: list[Undecided] = []
    effect = body.get("Effect")
    if not isinstance(effect, str):
        undecided.append(_unknown("Effect", effect))
    not_actions = "NotAction" in body
    actions = _texts(body.get("NotAction" if not_actions else "Action"), undecided,
                     "NotAction" if not_actions else "Action")
    not_resources = "NotResource" in body
    resources = _texts(body.get("NotResource" if not_resources else "Resource"), undecided,
                       "NotResource" if not_resources else "Resource", names_resources)
    known_actions = [a for a in actions if isinstance(a, str)]
    covered = _covered(known_actions, not_actions, resources, not_resources, catalog)
    conditions = _conditions(body.get("Condition"), undecided)
    wildcard_resources = not_resources or any(unbounded_resource(r) for r in resources)
    reaching = catalog.reaching(covered)
    altering = catalog.of_class(covered, ALTERS)
    if wildcard_resources and not any(c.narrows in SCOPE_NARROWINGS for c in conditions):
        altering |= reaching  # obtaining the credentials of every role, unnarrowed
    return Statement(
        effect=effect if isinstance(effect, str) else _as_unknown(effect),
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        altering=altering,
        conditions=conditions,
        span=raw.span,
        written_in=raw.written_in,
        undecided=tuple(undecided),
        wildcard_actions=not_actions or any(_unbounded_action(a) for a in known_actions),
        wildcard_resources=wildcard_resources,
        org_scope=any(a.startswith(ORG_SERVICES) for a in altering),
        covered=covered,
        reaching=reaching,
        ended=ended_by(conditions, today),
    )


def _covered(
    actions: list[str], not_actions: bool, resources: tuple[Text, ...], not_resources: bool,
    catalog: ActionCatalog,
) -> frozenset[str]:
    """The catalog actions the statement's actions cover where its resources let them act."""
    matched = match_actions(actions, catalog)
    covered = complement(matched, catalog) if not_actions else matched
    return covered if not_resources else applicable(covered, resources, catalog)


def taken_back(statements: Iterable[Statement]) -> frozenset[str]:
    """The catalog actions that unconditional Denys on every resource remove."""
    return frozenset().union(*(s.covered for s in statements if s.takes_back))


def accesses(
    statements: Iterable[Statement], denied: frozenset[str], managed: bool = False
) -> tuple[Access, ...]:
    """The Allow statements as accesses, less the ``denied`` identity-altering actions.

    Only an unconditional Deny on every resource takes actions back; a Deny narrowed by a
    condition or to some resources leaves the Allow standing (it still applies elsewhere).
    """
    return tuple(access(s, s.altering - denied, managed) for s in statements if s.allows)


def access(statement: Statement, altering: frozenset[str], managed: bool = False) -> Access:
    """The statement as an access granting ``altering``; ``managed``: in an AWS managed policy."""
    return Access(
        permissions=statement.actions if statement.not_actions else _altering_first(
            statement.actions, altering
        ),
        altering=altering,
        scope=_scope(statement, altering),
        span=statement.span,
        written_in=statement.written_in,
        wildcard=statement.wildcard_actions,
        excepted=statement.not_actions,
        conditions=statement.conditions,
        expiry=_expiry(statement.conditions),
        undecided=statement.relevant_unknowns,
        credited=tuple(_credit(c) for c in statement.conditions if c.narrows in SCOPE_NARROWINGS),
        managed=managed,
    )


def _credit(condition: Condition) -> str:
    """A narrowing condition in words: ``condition iam:PassedToService = lambda.amazonaws.com``."""
    values = ", ".join(v if isinstance(v, str) else "${…}" for v in condition.values)
    return f"condition {condition.key} {condition.operator} {values}".rstrip()


def _altering_first(actions: tuple[Text, ...], altering: frozenset[str]) -> tuple[Text, ...]:
    """The actions in source order, those that grant identity-altering actions first."""
    def grants_altering(action: Text) -> bool:
        return isinstance(action, str) and bool(match_names([action], altering))

    return tuple(sorted(actions, key=lambda a: not grants_altering(a)))


def _scope(statement: Statement, altering: frozenset[str]) -> Scope:
    if not statement.wildcard_resources:
        level = ScopeLevel.RESOURCE
    elif any(a.startswith(ORG_SERVICES) for a in altering):
        level = ScopeLevel.ORGANIZATION
    else:
        level = ScopeLevel.ACCOUNT
    return Scope(level, statement.resources, statement.wildcard_resources,
                 statement.not_resources)


def _unknown(field: str, value: object) -> Undecided:
    return Undecided(field, _as_unknown(value), "is not known before apply")


def _as_unknown(value: object) -> Unknown:
    if isinstance(value, Unknown):
        return value
    return Unknown(f"not a string but a {type(value).__name__}")


def _texts(
    value: object, undecided: list[Undecided], field: str,
    bounded: Callable[[object], bool] = lambda _: False,
) -> tuple[Text, ...]:
    """The values; each unknown one is noted as undecided, unless what it can be is
    ``bounded`` enough for every verdict (the ARN of a resource the configuration names)."""
    found: list[Text] = []
    for item in as_list(value):
        if isinstance(item, str):
            found.append(item)
        else:
            if not bounded(item):
                undecided.append(_unknown(field, item))
            found.append(_as_unknown(item))
    return tuple(found)


def _conditions(value: object, undecided: list[Undecided]) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        undecided.append(_unknown("Condition", value))
        return (Condition("", "", (_as_unknown(value),), Narrowing.UNKNOWN),)
    found: list[Condition] = []
    for operator, keys in value.items():
        if not isinstance(operator, str) or isinstance(keys, Unknown):
            undecided.append(_unknown("Condition", keys if isinstance(keys, Unknown) else operator))
            found.append(Condition("", "", (), Narrowing.UNKNOWN))
            continue
        if not isinstance(keys, dict):
            continue  # not valid IAM: AWS refuses the policy, nothing is granted by it
        for key, values in keys.items():
            texts = _texts(values, undecided, "Condition")
            found.append(_condition(key, operator, texts, undecided))
    return tuple(found)


def _condition(
    key: object, operator: str, values: tuple[Text, ...], undecided: list[Undecided]
) -> Condition:
    if isinstance(key, str):
        return Condition(key, operator, values, _narrowing(key))
    written = _templated_key(key)
    if written:
        return Condition(written, operator, values, _narrowing(written))
    undecided.append(_unknown("Condition", key))
    return Condition("", operator, (_as_unknown(key),), Narrowing.UNKNOWN)


def _templated_key(key: object) -> str:
    """``${local.issuer}:sub``: a key whose prefix is computed but whose name is written (the
    condition keys of an OIDC issuer whose URL is not known before apply); ``""`` otherwise."""
    shape = template_shape(key, "\0")
    _, sep, name = shape.rpartition(":")
    if not sep or not name or "\0" in name or not isinstance(key, Unknown):
        return ""
    return key.source[1:-1]


def _narrowing(key: str) -> Narrowing:
    lowered = key.lower()
    for prefix, narrowing in NARROWING_KEYS:
        if lowered.startswith(prefix):
            return narrowing
    if lowered.endswith(":sub"):
        return Narrowing.SUBJECT
    if lowered.endswith((":aud", ":amr")):
        return Narrowing.AUDIENCE
    return Narrowing.OTHER


def _expiry(conditions: tuple[Condition, ...]) -> Expiry:
    for condition in conditions:
        if condition.operator.lower() not in _EXPIRY_OPERATORS:
            continue
        if condition.key.lower() in _EXPIRY_KEYS and condition.values:
            return condition.values[0]
    return None


def _unbounded_action(pattern: str) -> bool:
    if pattern == "*":
        return True
    service, _, action = pattern.partition(":")
    return action == "*" and service.lower() in IDENTITY_SERVICES


def applicable(
    actions: frozenset[str], resources: tuple[Text, ...], catalog: ActionCatalog
) -> frozenset[str]:
    """The actions whose resource types meet at least one of the resources.

    ``iam:*`` on ``arn:aws:s3:::bucket/*`` changes no identity, ``iam:CreateUser`` on a role ARN
    creates no user, ``iam:CreatePolicyVersion`` on ``arn:aws:iam::aws:policy/*`` (AWS managed,
    not writable) changes nothing.  A resource that is ``*``, unknown, or not an ARN keeps every
    action (and so does a trust policy, with no resource); so does an action whose resource
    types the catalog does not know.
    """
    if not resources:
        return actions
    return frozenset(
        a for a in actions
        if (types := catalog.resources.get(a)) is None or any(acts_on(r, types) for r in resources)
    )

