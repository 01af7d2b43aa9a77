"""The NHI graph: principals, what they may do, the secrets they hold, who may become them.

Platform-neutral values built by the per-platform adapters (``identity/aws`` …) and read by the
rules.  Nothing here knows a platform: an AWS policy statement, a GCP IAM binding and an Azure
role assignment all arrive as :class:`Grant` values, with the platform's own permission names,
a :class:`Scope` with a level, typed :class:`Condition` values and an expiry.  Deny statements,
``NotAction`` and the like are resolved by the adapter before a grant is made.

Values that cannot be known before deploy stay :class:`~nhilint.model.Unknown` here; they are
rendered as text only when a message is made.  Every fact keeps its provenance: the resource
addresses and source spans behind it.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Literal, NamedTuple, TypeVar

from nhilint.model import Because, Cause, Span, Unknown, because

#: a text value as the configuration gives it: known, or not known before deploy
Text = str | Unknown

#: when a grant or credential stops working: a date as written, not known, or never (``None``)
Expiry = str | Unknown | None

PrincipalKind = Literal[
    "user", "role", "group", "service-account", "application", "service-principal",
    "managed-identity", "kubernetes-service-account", "app-role", "bot", "ai-agent",
    "federated-identity", "unknown",
]
CredentialKind = Literal[
    "access-key", "service-credential", "console-password", "client-secret", "certificate",
    "key", "token", "ssh-key", "secret-id",
]


class ScopeLevel(enum.Enum):
    """How far a grant reaches, from one resource to a whole tenant."""

    RESOURCE = "resource"
    ACCOUNT = "account"  # an AWS account, a GCP project
    FOLDER = "folder"
    ORGANIZATION = "organization"
    RESOURCE_GROUP = "resource-group"  # an Azure resource group: not broad
    SUBSCRIPTION = "subscription"
    MANAGEMENT_GROUP = "management-group"
    TENANT = "tenant"
    CLUSTER = "cluster"
    NAMESPACE = "namespace"

    @property
    def broad(self) -> bool:
        """Beyond one account or project: every identity below it is in reach."""
        return self in _BROAD

    @property
    def top(self) -> bool:
        """Organisation or tenant: the whole estate."""
        return self in (ScopeLevel.ORGANIZATION, ScopeLevel.TENANT)


_BROAD = frozenset({
    ScopeLevel.FOLDER, ScopeLevel.ORGANIZATION, ScopeLevel.SUBSCRIPTION,
    ScopeLevel.MANAGEMENT_GROUP, ScopeLevel.TENANT, ScopeLevel.CLUSTER,
})


class Scope(NamedTuple):
    """What a grant is on.

    ``ids`` are the targets as written (ARNs, a project id, a namespace), each possibly
    unknown; ``wildcard`` is true when they cover every resource at ``level`` (``*``, every
    role of the account, "everything but …"); ``excepted`` when ``ids`` are the exceptions.
    """

    level: ScopeLevel
    ids: tuple[Text, ...] = ()
    wildcard: bool = False
    excepted: bool = False


class Narrowing(enum.Enum):
    """What a condition narrows a grant or trust to."""

    RESOURCE = "resource"  # some resources (tags, named policies)
    SERVICE = "service"  # the service a role may be passed to
    BOUNDARY = "boundary"  # principals it creates must carry a permissions boundary
    TIME = "time"  # a time window
    SUBJECT = "subject"  # federated subject claim
    AUDIENCE = "audience"  # federated audience claim
    PRINCIPAL = "principal"  # the calling principal's organisation, account or source
    EXTERNAL_ID = "external-id"  # a value the trusted party presents for its customer
    OTHER = "other"  # narrows nothing nhilint weighs
    UNKNOWN = "unknown"  # the condition is not known before deploy


#: narrowings that bound *what* a grant can change
SCOPE_NARROWINGS = frozenset({Narrowing.RESOURCE, Narrowing.SERVICE, Narrowing.BOUNDARY})


class Condition(NamedTuple):
    """One condition, in the platform's terms, with what it narrows."""

    key: str
    operator: str
    values: tuple[Text, ...]
    narrows: Narrowing


class Undecided(NamedTuple):
    """A part of a fact that is not known and could change a verdict.

    ``what`` names the part (``"the policy"``, ``"Effect"``), ``value`` is the unknown value
    when there is one, ``reason`` says why it is not known; ``cause`` is the cause when there
    is no unknown value to derive it from (a policy declared elsewhere is
    :attr:`~nhilint.model.Cause.EXTERNAL`; ``None``: not evaluated).
    """

    what: str
    value: Unknown | None
    reason: str
    cause: Cause | None = None

    @property
    def because(self) -> Because:
        """Why the part is not known: its unknown value's cause, or the stored one."""
        if self.value is not None:
            return because(self.value)
        return Because(self.cause or Cause.NOT_EVALUATED)  # the message says what and why


class Provenance(NamedTuple):
    """The resources behind a fact: ``holder`` makes it hold (an attachment, a membership),
    ``chain`` is every resource involved in order, ``span`` where the holding is written."""

    holder: str
    chain: tuple[str, ...]
    span: Span


@dataclasses.dataclass(frozen=True)
class Access:
    """Permissions on a scope, as one policy entry grants them (whoever holds them).

    ``permissions`` are the platform's own names or patterns as written (``iam:Put*``,
    ``roles/owner``); ``altering`` the identity-altering subset after the platform's own
    algebra (wildcards, "everything but", denies) is applied; ``wildcard`` says the permissions
    are unbounded (every action, every action of an identity service, "everything but …", a
    basic role); ``excepted`` that ``permissions`` lists the exceptions.  ``span`` and
    ``written_in`` locate the entry (a statement, a binding).
    """

    permissions: tuple[Text, ...]
    altering: frozenset[str]
    scope: Scope
    span: Span
    written_in: str
    wildcard: bool = False
    excepted: bool = False
    conditions: tuple[Condition, ...] = ()
    expiry: Expiry = None
    undecided: tuple[Undecided, ...] = ()
    #: request-time controls that narrowed or removed identity-altering permissions of this
    #: entry (a permissions boundary, a passed-to-service condition), in words for evidence
    credited: tuple[str, ...] = ()
    #: the entry is in a provider-managed policy (AWS managed, a predefined role): it cannot be
    #: edited, only replaced
    managed: bool = False

    @property
    def narrowed(self) -> bool:
        """A condition bounds what the entry can change (tags, passed-to service …)."""
        return any(c.narrows in SCOPE_NARROWINGS for c in self.conditions)

    @property
    def unbounded(self) -> bool:
        """Every permission, or every resource at its level (or a broad level) unnarrowed."""
        wide = self.scope.wildcard or self.scope.level.broad
        return self.wildcard or (wide and not self.narrowed)


class PrincipalId(NamedTuple):
    """Which principal: ``ref`` is the declaring resource's address, or for a principal
    referenced but not declared here, the reference as given (a name, an ARN, a
    ``serviceAccount:`` member, an object id), possibly unknown."""

    platform: str
    type: str
    ref: Text


@dataclasses.dataclass(frozen=True)
class Grant:
    """``principal`` holds ``access``; ``provenance`` is every resource that makes it so."""

    principal: PrincipalId
    access: Access
    provenance: Provenance


@dataclasses.dataclass(frozen=True)
class Pending:
    """Something a principal holds whose content is not (fully) known: the policy, or a part
    of a statement that could change a verdict."""

    principal: PrincipalId
    source: str
    undecided: Undecided
    provenance: Provenance


@dataclasses.dataclass(frozen=True)
class Unread:
    """Code the scan could not read whose content may hold principals, grants or secrets (a
    called module whose source was not downloaded): ``lost`` says what is known to be in it."""

    address: str
    span: Span
    source: str
    why: str
    lost: str = ""


@dataclasses.dataclass(frozen=True)
class Credential:
    """A secret that authenticates as ``principal``.

    ``persistent`` is true for a live, long-lived machine secret (an active access key, a
    client secret); ``rotated`` when the configuration replaces it on a schedule; ``expiry``
    when it stops working by itself.
    """

    principal: PrincipalId
    address: str
    kind: CredentialKind
    label: str
    span: Span
    persistent: bool
    rotated: bool = False
    expiry: Expiry = None
    #: the secret is written to the deployment's state in plain text (no encryption key given)
    exposed_in_state: bool = False


@dataclasses.dataclass(frozen=True)
class Exposure:
    """The secret of the credential declared at ``credential`` (its :attr:`Credential.address`,
    ``aws_iam_access_key.ci``) is copied into the secret store ``store`` (a CI/CD secret or
    variable: ``github_actions_secret.aws``), whose value reads ``attribute`` of it.

    ``label`` names the store as a reviewer reads it (``GitHub Actions secret AWS_SECRET of
    repository infra``); ``reach`` says who can read the copy (the jobs of one repository, of
    every repository of an organisation); ``wide`` that the copy reaches beyond one
    repository or project; ``credited`` the controls that bound who can read it (required
    reviewers of a deployment environment, protected branches only), in words for evidence.
    """

    credential: str
    attribute: str
    store: str
    label: str
    span: Span
    reach: str
    wide: bool = False
    credited: tuple[str, ...] = ()


class TrustKind(enum.Enum):
    """Who may become a principal."""

    SERVICE = "service"
    OIDC = "oidc"
    SAML = "saml"
    SSO = "sso"  # people signed in by single sign-on, through identities the SSO service manages
    PRINCIPAL = "principal"  # another account, role or user
    ANYONE = "anyone"
    IMPERSONATION = "impersonation"  # another automation acts as the principal
    PEOPLE = "people"  # named people or groups of people may act as the principal
    UNKNOWN = "unknown"

    @property
    def human(self) -> bool:
        """The trusted party is people: those a SAML provider or single sign-on signs in, or
        named users and groups allowed to act as the principal."""
        return self in (TrustKind.SAML, TrustKind.SSO, TrustKind.PEOPLE)


class Party(enum.Enum):
    """Whose tenant (account, subscription, project) a trusted principal belongs to."""

    OWN = "own"  # the configuration's own
    THIRD = "third-party"  # provably not the configuration's own
    UNKNOWN = "unknown"


class Claim(NamedTuple):
    """A federated claim a trust requires: ``name`` as the issuer writes it (``sub``, ``aud``,
    ``repository_id``) must match one of ``values``; with ``glob`` the values are patterns
    (``*`` any run of characters, ``?`` any one character), else exact."""

    name: str
    values: tuple[Text, ...]
    glob: bool = False


@dataclasses.dataclass(frozen=True)
class Trust:
    """``principal`` may be become by ``issuer`` (a service, an OIDC or SAML provider, an
    account); ``via`` is the issuer's resource when it is declared here.

    For a federated trust ``issuer`` is the issuer as its tokens name it, without a scheme
    (``token.actions.githubusercontent.com``); ``claims`` are the claim requirements, every one
    of which must hold; ``subjects`` and ``audiences`` the values of its subject and audience
    claims, as written (empty: none required).  ``party`` says whose tenant a trusted
    principal of another kind belongs to, when the trust names one.
    """

    principal: PrincipalId
    kind: TrustKind
    issuer: Text
    span: Span
    via: str = ""
    subjects: tuple[Text, ...] = ()
    audiences: tuple[Text, ...] = ()
    conditions: tuple[Condition, ...] = ()
    claims: tuple[Claim, ...] = ()
    party: Party | None = None
    #: the resource the trust statement is written in (the role, a policy document)
    written_in: str = ""


class OwnerState(enum.Enum):
    KNOWN = "known"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class Owner(NamedTuple):
    """Who owns a principal: ``source`` says where the value came from, or where nhilint
    looked; ``value`` is the owner (or the unknown value it is computed from)."""

    state: OwnerState
    source: str
    value: Text | None = None


class Automation(enum.Enum):
    """Is the principal an automation (non-human) identity?"""

    YES = "automation"
    NO = "human"
    UNKNOWN = "unknown"


class Reason(NamedTuple):
    """One reason for a verdict: a phrase, and the value it is about (rendered in messages)."""

    says: str
    value: Text | None = None
    then: str = ""


class Declaration(NamedTuple):
    address: str
    span: Span


@dataclasses.dataclass(frozen=True)
class Principal:
    """An identity: declared here (``declaration`` set) or referenced from elsewhere.

    ``automation`` is the verdict and ``why`` its reasons; positive evidence is needed for
    ``YES``, and nothing is assumed from an absence.
    """

    id: PrincipalId
    kind: PrincipalKind
    name: Text | None
    automation: Automation
    why: tuple[Reason, ...]
    owner: Owner
    declaration: Declaration | None = None

    @property
    def platform(self) -> str:
        return self.id.platform

    @property
    def span(self) -> Span | None:
        return self.declaration.span if self.declaration else None

    @property
    def address(self) -> str | None:
        """The declaring resource's address, ``None`` for an external principal."""
        return self.declaration.address if self.declaration else None

    @property
    def label(self) -> str:
        """How a reviewer names it: ``aws_iam_user.ci``; for a principal declared elsewhere
        what the code names it by, as a user would write it: ``aws_iam_user.deployer
        (undeclared in this module)``, ``arn:aws:iam::123456789012:role/x``, ``aws_iam_user
        "deploy-bot"``, ``aws_iam_user (named by var.ci_user)``; an AI agent's identity says
        so (``… (AI agent)``)."""
        agent = " (AI agent)" if self.kind == "ai-agent" else ""
        return self._name + agent

    @property
    def _name(self) -> str:
        if self.address is not None:
            return self.address
        ref = self.id.ref
        if isinstance(ref, Unknown):
            target = ref.ref
            if target is not None and target.address.startswith(f"{self.id.type}."):
                return f"{target.address} (undeclared in this module)"
            if ref.source:
                return f"{self.id.type} (named by {' '.join(ref.source.split())})"
            return f"{self.id.type} ({ref.reason})"
        if ":" in ref:  # an ARN, a member string (serviceAccount:…): already a full name
            return ref
        return f'{self.id.type} "{ref}"'


@dataclasses.dataclass(frozen=True)
class Policy:
    """A set of permissions defined in (or attached from) the configuration, whoever holds it:
    a customer managed or inline policy, a custom role, a role definition.

    ``access`` holds its grants of permissions (after its own denies are applied);
    ``managed`` marks a provider-managed policy (AWS managed, a predefined role), reported at
    the resource that attaches it.  ``address`` and ``span`` are where its permissions are
    written, once however many holders use it; ``used_by`` names the resources that use a
    policy written apart from them (a policy document used by policy resources, bindings …).
    """

    platform: str
    address: str
    label: str
    name: str
    access: tuple[Access, ...]
    span: Span
    managed: bool = False
    used_by: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Attachment:
    """A provider-managed policy attached by ``address`` to ``principals``."""

    address: str
    policy: Policy
    span: Span
    principals: tuple[PrincipalId, ...]


@dataclasses.dataclass(frozen=True)
class Escalation:
    """``principal`` holds every permission of a known privilege-escalation ``method``
    (``steps``: each permission of the combination with the grant that gives it), as the
    platform adapter matched it against the platform's own escalation data."""

    principal: PrincipalId
    method: str
    steps: tuple[tuple[str, Provenance], ...]
    description: str = ""


@dataclasses.dataclass(frozen=True)
class Graph:
    """Everything the adapters found in one module, with per-principal indexes built once."""

    principals: tuple[Principal, ...] = ()
    grants: tuple[Grant, ...] = ()
    credentials: tuple[Credential, ...] = ()
    trusts: tuple[Trust, ...] = ()
    policies: tuple[Policy, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    pending: tuple[Pending, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    unread: tuple[Unread, ...] = ()
    #: where credentials' secrets are copied to (CI/CD secrets and variables)
    exposures: tuple[Exposure, ...] = ()

    @classmethod
    def merge(cls, parts: Iterable[Graph]) -> Graph:
        """One graph from each platform adapter's part of the same module."""
        parts = tuple(parts)
        if len(parts) == 1:
            return parts[0]
        fields = (f.name for f in dataclasses.fields(cls))
        return cls(**{f: tuple(x for p in parts for x in getattr(p, f)) for f in fields})

    @cached_property
    def _grants(self) -> Mapping[PrincipalId, tuple[Grant, ...]]:
        return _index(self.grants, lambda g: g.principal)

    @cached_property
    def _credentials(self) -> Mapping[PrincipalId, tuple[Credential, ...]]:
        return _index(self.credentials, lambda c: c.principal)

    @cached_property
    def _pending(self) -> Mapping[PrincipalId, tuple[Pending, ...]]:
        return _index(self.pending, lambda p: p.principal)

    def grants_of(self, principal: Principal) -> tuple[Grant, ...]:
        return self._grants.get(principal.id, ())

    def altering_of(self, principal: Principal) -> tuple[Grant, ...]:
        """The principal's grants that can alter identity."""
        return tuple(g for g in self.grants_of(principal) if g.access.altering)

    def credentials_of(self, principal: Principal) -> tuple[Credential, ...]:
        return self._credentials.get(principal.id, ())

    def pending_of(self, principal: Principal) -> tuple[Pending, ...]:
        return self._pending.get(principal.id, ())

    @cached_property
    def _escalations(self) -> Mapping[PrincipalId, tuple[Escalation, ...]]:
        return _index(self.escalations, lambda e: e.principal)

    def escalations_of(self, principal: Principal) -> tuple[Escalation, ...]:
        return self._escalations.get(principal.id, ())

    @cached_property
    def _trusts(self) -> Mapping[PrincipalId, tuple[Trust, ...]]:
        return _index(self.trusts, lambda t: t.principal)

    def trusts_of(self, principal: Principal) -> tuple[Trust, ...]:
        """Who may become the principal."""
        return self._trusts.get(principal.id, ())

    @cached_property
    def _exposures(self) -> Mapping[str, tuple[Exposure, ...]]:
        return _index(self.exposures, lambda e: e.credential)

    def exposures_of(self, holder: Credential | Principal) -> tuple[Exposure, ...]:
        """Where the secret of a credential, or of each credential of a principal, is
        copied to."""
        if isinstance(holder, Credential):
            return self._exposures.get(holder.address, ())
        return tuple(e for c in self.credentials_of(holder) for e in self.exposures_of(c))


K = TypeVar("K")
V = TypeVar("V")


def _index(items: Iterable[V], key: Callable[[V], K]) -> Mapping[K, tuple[V, ...]]:
    found: dict[K, list[V]] = {}
    for item in items:
        found.setdefault(key(item), []).append(item)
    return {k: tuple(v) for k, v in found.items()}
