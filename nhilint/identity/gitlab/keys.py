"""GitLab deploy keys and deploy tokens: secrets of a project or group, not of a person.

* ``gitlab_deploy_key`` with ``can_push = true`` (default ``false``) can push to its project
  (docs/resources/deploy_key.md).  As on GitHub, writing code is not identity-altering by
  itself; the key is a persistent SSH key of a bot principal, ending at ``expires_at`` ("does
  not expire if no value is provided").  A read-only key is not modelled; one whose
  ``can_push`` is not known is pending (NHI901).
* A deploy token (``gitlab_project_deploy_token``, ``gitlab_group_deploy_token``, the former
  ``gitlab_deploy_token``) reads repositories and reads or writes registries: its scopes
  (``read_repository``, ``write_registry`` …) reach no member, role or token, so it is never
  identity-altering.  It is a persistent token of a bot principal (GitLab's
  ``gitlab+deploy-token-<n>`` user), ending at ``expires_at`` ("not set by default"), and its
  ``token`` is in the state.
"""

from __future__ import annotations

from nhilint.identity.gitlab.parts import Parts, expiry
from nhilint.identity.graph import (
    Automation,
    Credential,
    Declaration,
    Owner,
    OwnerState,
    Pending,
    Principal,
    PrincipalId,
    Provenance,
    Reason,
    Undecided,
)
from nhilint.identity.rotation import rotated
from nhilint.identity.values import Index
from nhilint.model import Model, Resource, Unknown

PLATFORM = "gitlab"
DEPLOY_KEY = "gitlab_deploy_key"
DEPLOY_TOKENS = ("gitlab_deploy_token", "gitlab_project_deploy_token", "gitlab_group_deploy_token")


def deploy_keys(model: Model, index: Index, parts: Parts) -> None:
    for key in model.of_type(DEPLOY_KEY):
        push = key.get("can_push", False)
        if key.mode != "managed" or push is False or push == "false":
            continue
        bot = _bot(key, "is a deploy key of project", key.get("project"))
        parts.add(bot)
        if isinstance(push, Unknown):
            why = Undecided("whether the deploy key can push: can_push", push,
                            "is not known before apply")
            parts.pending.append(Pending(bot.id, "the deploy key's access", why, Provenance(
                key.address, (key.address,), key.span_of(("can_push",)))))
            continue
        parts.credentials.append(Credential(
            bot.id, key.address, "ssh-key", "deploy key with push access", key.span,
            persistent=True, rotated=rotated(index, key), expiry=expiry(key),
            exposed_in_state=index.referenced(key.get("key"), "tls_private_key") is not None,
        ))


def deploy_tokens(model: Model, index: Index, parts: Parts) -> None:
    for token in model.of_type(*DEPLOY_TOKENS):
        if token.mode != "managed":
            continue
        group = token.get("group")
        target = ("is a deploy token of group", group) if group is not None else (
            "is a deploy token of project", token.get("project"))
        bot = _bot(token, *target)
        parts.add(bot)
        parts.credentials.append(Credential(
            bot.id, token.address, "token", "deploy token", token.span, persistent=True,
            rotated=rotated(index, token), expiry=expiry(token), exposed_in_state=True,
        ))


def _bot(resource: Resource, says: str, target: object) -> Principal:
    name = resource.get("title", resource.get("name"))
    return Principal(
        PrincipalId(PLATFORM, resource.type, resource.address), "bot",
        name if isinstance(name, str | Unknown) else None, Automation.YES,
        (Reason(says, target if isinstance(target, str | Unknown) else None),),
        Owner(OwnerState.ABSENT, f"a {resource.type} has no owner or description field"),
        Declaration(resource.address, resource.span),
    )
