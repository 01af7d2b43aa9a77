"""GitLab access tokens: who holds them, what they may change, and until when.

A project or group access token (``gitlab_project_access_token``,
``gitlab_group_access_token``) is the secret of a bot user GitLab makes for it, a member of the
project or group with the token's ``access_level`` (default ``maintainer``).  A personal access
token (``gitlab_personal_access_token``) is a secret of its user (``user_id``: a
``gitlab_user``, a group or instance service account, or a user declared elsewhere).

A token alters identity when the data in ``nhilint/data/gitlab_token_rules.json`` says so
(GitLab's pages on token scopes and roles): a scope with write access to the API (``api``,
``sudo``, ``admin_mode``) together with a role that manages members (maintainer, owner) — or,
for a personal access token, an administrator user (``is_admin = true``, or a ``sudo`` or
``admin_mode`` scope, which only administrators' tokens have).  A project token reaches one
project; a group token every subgroup and project of its group (broad: the group's whole
membership, reported like a role bound on a whole folder); an administrator's token the whole
instance.  What an ordinary user's personal access token with ``api`` may change is its
user's memberships, which the configuration does not hold: that is pending (NHI901), never
assumed either way.

The token ends at ``expires_at``; a ``rotation_configuration`` replaces it on a schedule
(each new token lives ``expiration_days``).  Absent both, the configuration gives the token
no end (GitLab may apply an instance's maximum lifetime, which is not in the configuration).
The ``token`` attribute is written to the state.
"""

from __future__ import annotations

from nhilint.identity.gitlab.keys import PLATFORM
from nhilint.identity.gitlab.owners import written_owner
from nhilint.identity.gitlab.parts import Parts, expiry, rotation
from nhilint.identity.gitlab.rules import TokenRules, TokenType, token_rules
from nhilint.identity.graph import (
    Access,
    Attachment,
    Automation,
    Credential,
    Declaration,
    Grant,
    Owner,
    OwnerState,
    Pending,
    Policy,
    Principal,
    PrincipalId,
    Provenance,
    Reason,
    Scope,
    ScopeLevel,
    Text,
    Undecided,
)
from nhilint.identity.rotation import rotated
from nhilint.identity.values import Index, as_list
from nhilint.model import Cause, Model, Resource, Unknown
from nhilint.settings import Settings

_ACCOUNTS = ("gitlab_group_service_account", "gitlab_instance_service_account")
_ADMIN_SCOPES = frozenset({"sudo", "admin_mode"})


def tokens(model: Model, index: Index, settings: Settings, parts: Parts) -> None:
    rules = token_rules()
    for resource in model.resources:
        kind = rules.tokens.get(resource.type)
        if kind is None or resource.mode != "managed":
            continue
        holder = _holder(resource, kind, index, settings)
        parts.add(holder)
        parts.credentials.append(Credential(
            holder.id, resource.address, "token", f"GitLab {kind.label}", resource.span,
            persistent=True, rotated=bool(rotation(resource)) or rotated(index, resource),
            expiry=expiry(resource), exposed_in_state=True,
        ))
        _grant(resource, kind, rules, holder, index, parts)


def _grant(resource: Resource, kind: TokenType, rules: TokenRules, holder: Principal,
           index: Index, parts: Parts) -> None:
    where = Provenance(resource.address, (resource.address,), resource.span_of(("scopes",)))
    scopes = as_list(resource.get("scopes"))
    unknown = next((s for s in scopes if isinstance(s, Unknown)), None)
    if unknown is not None:
        why = Undecided("its scopes", unknown, "are not known before apply")
        parts.pending.append(Pending(holder.id, f"the {kind.label}'s scopes", why, where))
        return
    names = tuple(sorted(s for s in scopes if isinstance(s, str)))
    powerful = frozenset(names) & rules.altering_scopes
    if not powerful:
        return
    role = _role(resource, kind, rules, holder, index, parts, where)
    if role is None:
        return
    level = ScopeLevel.TENANT if role == "administrator" else kind.level
    target: Text = "the GitLab instance" if level is ScopeLevel.TENANT else _text(
        resource.get(kind.target))
    access = Access(
        (*names, f"{role} role"), powerful | {role},
        Scope(level, (target,), wildcard=level.broad), where.span, resource.address,
        expiry=expiry(resource), managed=True,
    )
    parts.grants.append(Grant(holder.id, access, where))
    if level.broad:
        name = f"GitLab {role} role with {', '.join(sorted(powerful))} scope"
        policy = Policy(PLATFORM, f"{resource.address}#{role}", name, name, (access,),
                        where.span, managed=True)
        parts.attachments.append(Attachment(resource.address, policy, where.span, (holder.id,)))


def _role(resource: Resource, kind: TokenType, rules: TokenRules, holder: Principal,
          index: Index, parts: Parts, where: Provenance) -> str | None:
    """The role the token acts with when that role manages members: ``maintainer``,
    ``owner``, ``administrator``; ``None`` when it does not or is not known (pending)."""
    if kind.target == "user_id":
        return _user_role(resource, holder, index, parts, where)
    level = resource.get("access_level", rules.default_access_level)
    if isinstance(level, Unknown):
        why = Undecided("its access_level", level, "is not known before apply")
        parts.pending.append(Pending(holder.id, f"the {kind.label}'s role", why, where))
        return None
    return level if isinstance(level, str) and level in rules.altering_access_levels else None


def _user_role(resource: Resource, holder: Principal, index: Index, parts: Parts,
               where: Provenance) -> str | None:
    if _ADMIN_SCOPES & {s for s in as_list(resource.get("scopes")) if isinstance(s, str)}:
        return "administrator"
    user = index.referenced(resource.get("user_id"), "gitlab_user", *_ACCOUNTS)
    admin = (None if user is None else False if user.type in _ACCOUNTS
             else user.get("is_admin", False))
    if admin is True:
        return "administrator"
    what = ("what its user may change: the user's memberships are not in the configuration"
            if admin is False else "whether its user is an administrator")
    why = (Undecided(what, admin, "is not known before apply") if isinstance(admin, Unknown)
           else Undecided(what, None, "(the token can do what its user can)", Cause.EXTERNAL))
    parts.pending.append(Pending(holder.id, "the personal access token's reach", why, where))
    return None


def _holder(resource: Resource, kind: TokenType, index: Index, settings: Settings) -> Principal:
    if kind.target != "user_id":
        target = resource.get(kind.target)
        return Principal(
            PrincipalId(PLATFORM, resource.type, resource.address), "bot",
            _name(resource.get("name")), Automation.YES,
            (Reason(f"is the bot user of a GitLab {kind.label} of {kind.target}",
                    _text(target)),),
            written_owner(resource, "description", settings),
            Declaration(resource.address, resource.span))
    user_id = resource.get("user_id")
    user = index.referenced(user_id, "gitlab_user", *_ACCOUNTS)
    if user is None:
        return Principal(
            PrincipalId(PLATFORM, "gitlab_user", _text(user_id)), "user", None,
            Automation.UNKNOWN,
            (Reason("is a GitLab user declared elsewhere, named by user_id", _text(user_id)),),
            Owner(OwnerState.UNKNOWN, "not declared in the scanned code"))
    return _user(user, resource, settings)


def _user(user: Resource, token: Resource, settings: Settings) -> Principal:
    pid = PrincipalId(PLATFORM, user.type, user.address)
    name = _name(user.get("username", user.get("name")))
    where = Declaration(user.address, user.span)
    if user.type in _ACCOUNTS:
        return Principal(pid, "service-account", name, Automation.YES,
                         (Reason("is a GitLab service account"),),
                         written_owner(token, "description", settings), where)
    owner = written_owner(user, "note", settings)
    token_ = settings.automation_name_match(name) if isinstance(name, str) else None
    if token_:
        return Principal(pid, "user", name, Automation.YES, (
            Reason("is a GitLab user whose name has the automation token", token_),), owner, where)
    return Principal(pid, "user", name, Automation.UNKNOWN, (
        Reason("is a GitLab user: its name does not tell whether it is a person or automation",
               name),), owner, where)


def _name(value: object) -> Text | None:
    return value if isinstance(value, str | Unknown) else None


def _text(value: object) -> Text:
    if isinstance(value, str | Unknown):
        return value
    return str(value) if isinstance(value, int) else Unknown("is not set")
