"""GitHub deploy keys: SSH keys attached to one repository, not to a person.

A ``github_repository_deploy_key`` with ``read_only = false`` can push to its repository
(docs/resources/repository_deploy_key.md; ``read_only`` defaults to ``true`` in the
provider's schema).  Writing code is not identity-altering by itself: it changes what runs,
not who may do what (a workflow pushed with it can only use the secrets and trusts the
repository already has).  Such a key is a persistent credential (kind ``ssh-key``) of a bot
principal, which NHI012 reports: GitHub deploy keys never expire.  A read-only key reads one
repository's code and is not modelled.  A key whose ``read_only`` is not known before apply
is a pending fact (NHI901).  The configuration holds only the public key; the private key is
in the state when it comes from a ``tls_private_key`` of the same configuration.
"""

from __future__ import annotations

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

PLATFORM = "github"
DEPLOY_KEY = "github_repository_deploy_key"

Found = tuple[tuple[Principal, ...], tuple[Credential, ...], tuple[Pending, ...]]


def deploy_keys(model: Model, index: Index) -> Found:
    """The bot principal, credential or pending fact of each deploy key that may push."""
    principals: list[Principal] = []
    credentials: list[Credential] = []
    pending: list[Pending] = []
    for key in model.of_type(DEPLOY_KEY):
        read_only = key.get("read_only", True)
        if key.mode != "managed" or read_only is True or read_only == "true":
            continue
        bot = _bot(key)
        principals.append(bot)
        if isinstance(read_only, Unknown):
            why = Undecided("whether the deploy key can push: read_only", read_only,
                            "is not known before apply")
            span = key.span_of(("read_only",))
            pending.append(Pending(bot.id, "the deploy key's access", why,
                                   Provenance(key.address, (key.address,), span)))
            continue
        credentials.append(Credential(
            bot.id, key.address, "ssh-key", "deploy key with write access", key.span,
            persistent=True, rotated=rotated(index, key),
            exposed_in_state=index.referenced(key.get("key"), "tls_private_key") is not None,
        ))
    return tuple(principals), tuple(credentials), tuple(pending)


def _bot(key: Resource) -> Principal:
    repository = key.get("repository")
    shown = repository if isinstance(repository, str | Unknown) else None
    title = key.get("title")
    return Principal(
        PrincipalId(PLATFORM, DEPLOY_KEY, key.address), "bot",
        title if isinstance(title, str | Unknown) else None, Automation.YES,
        (Reason("is a deploy key of repository", shown),),
        Owner(OwnerState.ABSENT, "a deploy key has no owner field (only its title)"),
        Declaration(key.address, key.span),
    )
