"""OIDC issuers and how far a federated trust reaches, whatever platform holds the trust.

:mod:`~nhilint.identity.oidc.issuers` reads the issuer table (data, with each vendor's
documentation as its source); :mod:`~nhilint.identity.oidc.subjects` reads a
:class:`~nhilint.identity.graph.Trust`'s claim requirements against its issuer's row and says
which level (a repository, a branch) a trust leaves open to every value, if any.
"""

from __future__ import annotations

from nhilint.identity.oidc.issuers import Issuer, Level, issuer_of, table
from nhilint.identity.oidc.subjects import Reach, Undetermined, audience_open, reach

__all__ = ["Issuer", "Level", "Reach", "Undetermined", "audience_open", "issuer_of", "reach",
           "table"]
