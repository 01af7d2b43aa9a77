"""GitLab access tokens: who holds them, what they may change, and until when.

A project or group access token (``gitlab_project_access_token``,
``gitlab_group_access_token``) is the secret of a bot user GitLab makes for it, a member of the
project or group with the token's ``access_level`` (default ``maintainer``).  A personal access
token (``gitlab_personal_access_token``) or a group service account's token
(``gitlab_group_service_account_access_token``) is a secret of its user (``user_id``: a
``gitlab_user``, a group or instance service account, or a user declared elsewhere).

A token alters identity when the data in ``nhilint/data/gitlab_token_rules.json`` says so
(GitLab's pages on token scopes and roles): a scope with write access to the API (``api``,
``sudo``, ``admin_mode``) together with a role that manages members (maintainer, owner) — or,
for a personal access token, an administrator user (``is_admin = true``, or a ``sudo`` or
``admin_mode`` scope, which only administrators' tokens have).  A project token reaches one
project; a group token every subgroup and project of its group (broad: the group's whole
membership, reported like a role bound on a whole folder); an administrator's token the whole
instance.  An ordinary user's token with ``api`` acts through its user's memberships: one
declared here (``gitlab_group_membership``, ``gitlab_project_membership``) with a role that
manages members is a grant on that group or project, made by the membership (which may end
at its own ``expires_at``); with none declared, what it may change is pending (NHI901),
never assumed either way.

The token ends at ``expires_at``; a ``rotation_configuration`` replaces it on a schedule
(each new token lives ``expiration_days``).  Absent both, the configuration gives the token
no end (GitLab may apply an instance's maximum lifetime, which is not in the configuration).
The ``token`` attribute is written to the state.
"""

from __future__ import annotations

from typing import NamedTuple

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
        found = _Token(resource, kind, holder, Provenance(
            resource.address, (resource.address,), resource.span_of(("scopes",))))
        _grant(found, rules, model, index, parts)


class _Token(NamedTuple):
    """A token being judged: its resource and type, its holder, and where its scopes are."""

    resource: Resource
    kind: TokenType
    holder: Principal
    where: Provenance


def _grant(token: _Token, rules: TokenRules, model: Model, index: Index, parts: Parts) -> None:
    scopes = as_list(token.resource.get("scopes"))
    unknown = next((s for s in scopes if isinstance(s, Unknown)), None)
    if unknown is not None:
        why = Undecided("its scopes", unknown, "are not known before apply")
        parts.pending.append(Pending(token.holder.id, f"the {token.kind.label}'s scopes", why,
                                     token.where))
        return
    names = tuple(sorted(s for s in scopes if isinstance(s, str)))
    powerful = frozenset(names) & rules.altering_scopes
    if not powerful:
        return
    if token.kind.target == "user_id":
        _user_grants(token, names, rules, model, index, parts)
        return
    level = token.resource.get("access_level", rules.default_access_level)
    if isinstance(level, Unknown):
        why = Undecided("its access_level", level, "is not known before apply")
        parts.pending.append(Pending(token.holder.id, f"the {token.kind.label}'s role", why,
                                     token.where))
    elif isinstance(level, str) and level in rules.altering_access_levels:
        target = _text(token.resource.get(token.kind.target))
        _add(token, names, rules, level, Scope(token.kind.level, (target,),
                                               wildcard=token.kind.level.broad), parts)


def _add(token: _Token, names: tuple[str, ...], rules: TokenRules, role: str, scope: Scope,
         parts: Parts, via: Resource | None = None) -> None:
    """The grant of a token acting with ``role`` on ``scope`` (through the membership
    ``via``), and for a broad one, an attachment of that role (NHI011)."""
    powerful = frozenset(names) & rules.altering_scopes
    where = token.where if via is None else Provenance(
        via.address, (token.resource.address, via.address), via.span_of(("access_level",)))
    until = expiry(token.resource)
    if until is None and via is not None:
        until = expiry(via)
    access = Access((*names, f"{role} role"), powerful | {role}, scope, where.span,
                    token.resource.address if via is None else via.address, expiry=until,
                    managed=True)
    parts.grants.append(Grant(token.holder.id, access, where))
    if scope.level.broad:
        name = f"GitLab {role} role with {', '.join(sorted(powerful))} scope"
        policy = Policy(PLATFORM, f"{access.written_in}#{role}", name, name, (access,),
                        where.span, managed=True)
        parts.attachments.append(Attachment(access.written_in, policy, where.span,
                                            (token.holder.id,)))


def _user_grants(token: _Token, names: tuple[str, ...], rules: TokenRules, model: Model,
                 index: Index, parts: Parts) -> None:
    """A user's token acts as its user: on the whole instance for an administrator, else
    through the user's memberships declared here; what else it may change is pending."""
    user = index.referenced(token.resource.get("user_id"), "gitlab_user", *_ACCOUNTS)
    admin = (None if user is None else False if user.type in _ACCOUNTS
             else user.get("is_admin", False))
    if admin is True or _ADMIN_SCOPES & set(names):
        _add(token, names, rules, "administrator",
             Scope(ScopeLevel.TENANT, ("the GitLab instance",), wildcard=True), parts)
        return
    granted = _memberships(token, user, names, rules, model, index, parts) if user else False
    if granted:
        return
    what = ("what its user may change: the user's memberships are not in the configuration"
            if admin is False else "whether its user is an administrator")
    why = (Undecided(what, admin, "is not known before apply") if isinstance(admin, Unknown)
           else Undecided(what, None, "(the token can do what its user can)", Cause.EXTERNAL))
    parts.pending.append(Pending(token.holder.id, f"the {token.kind.label}'s reach", why,
                                 token.where))


def _memberships(token: _Token, user: Resource, names: tuple[str, ...], rules: TokenRules,
                 model: Model, index: Index, parts: Parts) -> bool:
    """The grants of the user's memberships declared here that manage members; whether any
    membership of the user was judged (granted, or pending on an unknown role)."""
    judged = False
    for kind, membership in rules.memberships.items():
        for found in model.of_type(kind):
            member = index.referenced(found.get("user_id"), user.type)
            if member is None or member.address != user.address:
                continue
            level = found.get("access_level")
            if isinstance(level, Unknown):
                why = Undecided("the membership's access_level", level,
                                "is not known before apply")
                parts.pending.append(Pending(token.holder.id, f"{found.address}'s role", why,
                                             Provenance(found.address, (found.address,),
                                                        found.span_of(("access_level",)))))
                judged = True
            elif isinstance(level, str) and level in rules.altering_access_levels:
                scope = Scope(membership.level, (_text(found.get(membership.target)),),
                              wildcard=membership.level.broad)
                _add(token, names, rules, level, scope, parts, via=found)
                judged = True
    return judged


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
