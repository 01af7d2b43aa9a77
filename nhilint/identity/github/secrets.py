"""Credentials copied into GitHub Actions and Dependabot secrets, and who can read the copy.

Who can read a secret (docs/resources/*_secret.md, and GitHub's "Using secrets in GitHub
Actions"): a repository secret every workflow of the repository; a Dependabot secret the
Dependabot runs of the repository; an organisation secret every repository its
``visibility`` admits (``all``: every repository of the organisation, ``private``: every
private and internal one — both *wide*; ``selected``: the repositories listed); an
environment secret only the jobs that deploy to that environment.

A deployment environment (``github_repository_environment``) can bound that further, and is
credited in the evidence: required ``reviewers`` (a job waits for one of them to approve),
``prevent_self_review``, and a ``deployment_branch_policy`` (only protected branches, or
branches matching its policies, may deploy).  Repository admins bypass these unless
``can_admins_bypass = false`` (the provider's default is ``true``), which the evidence says.
The controls bound who can read the copy; they do not make the credential short-lived, so
they lower an exposure's reach, never a verdict about the credential.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from nhilint.identity.graph import Exposure
from nhilint.identity.stores import Reach, StoreType
from nhilint.identity.stores import exposures as copied
from nhilint.identity.values import Index, as_list, first_block
from nhilint.model import Model, Resource, Unknown

ENVIRONMENT = "github_repository_environment"
#: organisation secret visibilities that reach beyond named repositories
_WIDE = {"all": "every repository of the organisation",
         "private": "every private and internal repository of the organisation"}


def exposures(model: Model, index: Index, stores: Mapping[str, StoreType]) -> Iterator[Exposure]:
    environments = tuple(r for r in model.of_type(ENVIRONMENT) if r.mode == "managed")
    return copied(model, index, stores, lambda store: _reach(store, index, environments))


def _reach(resource: Resource, index: Index,
           environments: tuple[Resource, ...]) -> Reach:
    """Who can read the store: in words, whether it is wide, and the credited controls."""
    repository = _shown(resource.get("repository"))
    if resource.type == "github_actions_organization_secret":
        visibility = resource.get("visibility")
        if isinstance(visibility, str) and visibility in _WIDE:
            return f"the workflows of {_WIDE[visibility]}", True, ()
        if visibility == "selected":
            return "the workflows of the selected repositories of the organisation", False, ()
        return (f"the workflows of the repositories its visibility {_shown(visibility)} admits",
                False, ())
    if resource.type == "github_dependabot_secret":
        return f"the Dependabot runs of repository {repository}", False, ()
    if resource.type == "github_actions_environment_secret":
        environment = _environment(resource, index, environments)
        name = _shown((environment or resource).get("environment"))
        where = f"the jobs that deploy to environment {name} of repository {repository}"
        if environment is None:
            return where + " (the environment is not declared here)", False, ()
        return where, False, tuple(protections(environment))
    return f"the workflows of repository {repository}", False, ()


def _environment(secret: Resource, index: Index,
                 environments: tuple[Resource, ...]) -> Resource | None:
    """The environment the secret is bound to: referenced, or named alike."""
    named = secret.get("environment")
    target = index.referenced(named, ENVIRONMENT)
    if target is not None:
        return target
    repository = _written(secret.get("repository"))
    return next((e for e in environments if isinstance(named, str)
                 and e.get("environment") == named
                 and _written(e.get("repository")) == repository), None)


def _shown(value: object) -> str:
    """A value in a phrase: as written, or its expression."""
    if isinstance(value, Unknown):
        return "${" + " ".join(value.source.split()) + "}"
    return value if isinstance(value, str) else "(not set)"


def _written(value: object) -> str:
    return value if isinstance(value, str) else (
        " ".join(value.source.split()) if isinstance(value, Unknown) else "")


def protections(environment: Resource) -> Iterator[str]:
    """The deployment protections of an environment, in words."""
    name = _shown(environment.get("environment"))
    found = []
    reviewers = first_block(environment, "reviewers")
    if any(as_list(reviewers.get(k)) for k in ("users", "teams")):
        self_review = (" other than the one who started the job"
                       if environment.get("prevent_self_review") is True else "")
        found.append(f"deployments to {name} wait for a required reviewer{self_review} "
                     f"({environment.address} reviewers)")
    policy = first_block(environment, "deployment_branch_policy")
    if policy.get("protected_branches") is True:
        found.append(f"only protected branches deploy to {name}")
    elif policy.get("custom_branch_policies") is True:
        found.append(f"only branches matching its branch policies deploy to {name}")
    if found and environment.get("can_admins_bypass", True) is not False:
        found.append("repository admins can bypass these (can_admins_bypass)")
    yield from found
