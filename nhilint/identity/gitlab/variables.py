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
from nhilint.identity.stores import Reach, StoreType
from nhilint.identity.stores import exposures as copied
from nhilint.identity.values import Index
from nhilint.model import Model, Resource, Unknown


def exposures(model: Model, index: Index, stores: Mapping[str, StoreType]) -> Iterator[Exposure]:
    return copied(model, index, stores, _reach)


def _reach(variable: Resource) -> Reach:
    """Who can read the variable: in words, whether it is wide, and the credited controls."""
    wide = variable.type == "gitlab_group_variable"
    who = (f"the CI/CD jobs of every project of group {_shown(variable.get('group'))}"
           if wide else f"the CI/CD jobs of project {_shown(variable.get('project'))}")
    return who, wide, tuple(_credited(variable))


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
