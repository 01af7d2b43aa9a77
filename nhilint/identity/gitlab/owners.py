"""Owners of GitLab principals.  GitLab tokens and users have no labels: the owner is written
by convention in the token's ``description`` (a user's ``note``; a service account, which has
neither, is owned as the first of its tokens' descriptions says) as ``owner=team-x``, under one
of the configured owner keys, matched without regard to case (as GCP service accounts'
descriptions are read)."""

from __future__ import annotations

import re

from nhilint.identity.graph import Owner, OwnerState
from nhilint.model import Resource, Unknown
from nhilint.settings import Settings


def written_owner(resource: Resource, field: str, settings: Settings) -> Owner:
    """``owner=team-x`` (or ``owner: team-x``) in the resource's ``field``."""
    text = resource.get(field)
    written = text.source.strip().strip('"') if isinstance(text, Unknown) else text
    if isinstance(written, str):
        for key in settings.owner_keys:
            found = re.search(rf"(?:^|[\s;,|(])({re.escape(key)})\s*[=:]\s*([^\s;,|)]+)",
                              written, re.IGNORECASE)
            if found:
                value = text if isinstance(text, Unknown) else found.group(2)
                return Owner(OwnerState.KNOWN, f"{field} {found.group(1)}", value)
    if isinstance(text, Unknown):
        return Owner(OwnerState.UNKNOWN, f"{field} is computed", text)
    keys = " or ".join(f"{k}=<team>" for k in dict.fromkeys(k.lower() for k in settings.owner_keys))
    return Owner(OwnerState.ABSENT, f"no {keys} in the {resource.type}'s {field}")
