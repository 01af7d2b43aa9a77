"""The GitHub adapter: the repositories' CI/CD secrets, and deploy keys that can push.

GitHub holds no cloud IAM of its own in this configuration's terms; what it adds to the graph
is where other platforms' credentials travel, and the deploy keys that write code:

* an Actions, environment or Dependabot secret (``github_actions_secret``,
  ``github_actions_organization_secret``, ``github_actions_environment_secret``,
  ``github_dependabot_secret``) whose value reads a credential's secret declared here is an
  :class:`~nhilint.identity.graph.Exposure` of that credential (:mod:`.secrets`), so the
  cloud principal's verdicts name the secret; a literal value is NHI013's (the secret data);
* a deploy key with write access (:mod:`.keys`) is a persistent SSH key of a bot principal.

The provider's docs: integrations/terraform-provider-github ``docs/resources/*.md`` at the
commit pinned in ``nhilint/data/github_secrets.json``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from nhilint.identity.github.fixes import FIXES
from nhilint.identity.github.keys import PLATFORM, deploy_keys
from nhilint.identity.github.secrets import exposures
from nhilint.identity.graph import Graph
from nhilint.identity.secrets import SecretCatalog, load_secrets
from nhilint.identity.stores import StoreType, load_stores
from nhilint.identity.values import Index
from nhilint.model import Model
from nhilint.settings import Settings

__all__ = ["FIXES", "PLATFORM", "build", "secrets"]
DATA = "github_secrets.json"


@functools.cache
def _secrets() -> SecretCatalog:
    return load_secrets(DATA, PLATFORM)


@functools.cache
def _stores() -> Mapping[str, StoreType]:
    return load_stores(DATA)


def secrets() -> SecretCatalog:
    """Where GitHub configuration holds secret material (``nhilint/data/github_secrets.json``)."""
    return _secrets()


def build(model: Model, settings: Settings) -> Graph:
    if not any(r.type.startswith("github_") for r in model.resources):
        return Graph()
    index = Index(model.resources)
    principals, credentials, pending = deploy_keys(model, index)
    return Graph(principals=principals, credentials=credentials, pending=pending,
                 exposures=tuple(exposures(model, index, _stores())))
