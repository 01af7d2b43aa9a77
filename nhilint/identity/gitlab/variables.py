"""Credentials copied into GitLab CI/CD variables, and who can read the copy.

A project variable (``gitlab_project_variable``) reaches the CI/CD jobs of its project, a group
variable (``gitlab_group_variable``) those of every project of the group and its subgroups
(wide).  Credited, as they bound who can read it (docs/resources/project_variable.md):
``protected = true`` (only pipelines on protected branches and tags), an
``environment_scope`` other than ``*`` (only jobs of matching environments), and
``masked``/``hidden`` (kept out of job logs and the UI).  They bound the copy's reach; they
do not make the credential short-lived.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from nhilint.identity.graph import Exposure
from nhilint.identity.stores import StoreType, copies, name_of
from nhilint.identity.values import Index
from nhilint.model import Model, Resource, Unknown


def exposures(model: Model, index: Index, stores: Mapping[str, StoreType]) -> Iterator[Exposure]:
    from nhilint.identity import secret_catalog  # every platform's secret data (no cycle)

    exported = secret_catalog().exported
    for resource in model.resources:
        store = stores.get(resource.type)
        if store is None or resource.mode != "managed":
            continue
        found = list(copies(resource, store, index, exported))
        if not found:
            continue
        wide = resource.type == "gitlab_group_variable"
        reach = (f"the CI/CD jobs of every project of group {_shown(resource.get('group'))}"
                 if wide else f"the CI/CD jobs of project {_shown(resource.get('project'))}")
        label = f"{store.label} {name_of(resource, store)}"
        for copy in found:
            yield Exposure(copy.credential, copy.attribute, resource.address, label, copy.span,
                           reach, wide, tuple(_credited(resource)))


def _credited(variable: Resource) -> Iterator[str]:
    if variable.get("protected") is True:
        yield "only pipelines on protected branches and tags read it (protected)"
    scope = variable.get("environment_scope", "*")
    if isinstance(scope, str) and scope != "*":
        yield f"only jobs of environment {scope} read it (environment_scope)"
    if variable.get("masked") is True or variable.get("hidden") is True:
        yield "masked in job logs"


def _shown(value: object) -> str:
    if isinstance(value, Unknown):
        return "${" + " ".join(value.source.split()) + "}"
    return str(value) if value is not None else "(not set)"
