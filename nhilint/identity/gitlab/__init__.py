"""The GitLab adapter: access tokens and the bots behind them, deploy keys and tokens, and the
CI/CD variables credentials are copied into.

* :mod:`.tokens`: project, group and personal access tokens, identity-altering by the data in
  ``nhilint/data/gitlab_token_rules.json``;
* :mod:`.keys`: deploy keys that can push and deploy tokens (persistent secrets, never
  identity-altering);
* :mod:`.variables`: a project or group variable whose value reads a credential's secret
  declared here is an :class:`~nhilint.identity.graph.Exposure` of it.

The provider's docs: gitlabhq/terraform-provider-gitlab ``docs/resources/*.md`` at the commit
pinned in ``nhilint/data/gitlab_secrets.json``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from nhilint.identity.gitlab.fixes import FIXES
from nhilint.identity.gitlab.keys import PLATFORM, deploy_keys, deploy_tokens
from nhilint.identity.gitlab.parts import Parts
from nhilint.identity.gitlab.tokens import tokens
from nhilint.identity.gitlab.variables import exposures
from nhilint.identity.graph import Graph
from nhilint.identity.secrets import SecretCatalog, load_secrets
from nhilint.identity.stores import StoreType, load_stores
from nhilint.identity.values import Index
from nhilint.model import Model
from nhilint.settings import Settings

__all__ = ["FIXES", "PLATFORM", "build", "secrets"]
DATA = "gitlab_secrets.json"


@functools.cache
def _secrets() -> SecretCatalog:
    return load_secrets(DATA, PLATFORM)


@functools.cache
def _stores() -> Mapping[str, StoreType]:
    return load_stores(DATA)


def secrets() -> SecretCatalog:
    """Where GitLab configuration holds secret material (``nhilint/data/gitlab_secrets.json``)."""
    return _secrets()


def build(model: Model, settings: Settings) -> Graph:
    if not any(r.type.startswith("gitlab_") for r in model.resources):
        return Graph()
    index = Index(model.resources)
    parts = Parts()
    tokens(model, index, settings, parts)
    deploy_keys(model, index, parts)
    deploy_tokens(model, index, parts)
    parts.exposures.extend(exposures(model, index, _stores()))
    return parts.graph()
