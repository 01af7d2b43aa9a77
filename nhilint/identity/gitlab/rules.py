"""When a GitLab access token alters identity: the reviewed data in
``nhilint/data/gitlab_token_rules.json`` (its ``docs`` cite GitLab's pages on token scopes,
roles and access tokens), read into typed values."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import NamedTuple

from nhilint.identity.data import DataFileError, read_data
from nhilint.identity.graph import ScopeLevel


class TokenType(NamedTuple):
    """A token resource type: how a reviewer calls it, how far it reaches, and the argument
    that names what it reaches (``project``, ``group``, ``user_id``)."""

    label: str
    level: ScopeLevel
    target: str


class Membership(NamedTuple):
    """A membership resource type: the argument naming the group or project it is in, and
    how far a member reaches."""

    target: str
    level: ScopeLevel


class TokenRules(NamedTuple):
    altering_scopes: frozenset[str]
    altering_access_levels: frozenset[str]
    default_access_level: str
    tokens: Mapping[str, TokenType]
    memberships: Mapping[str, Membership]


@functools.cache
def token_rules() -> TokenRules:
    data = read_data("gitlab_token_rules.json")
    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        return TokenRules(
            frozenset(data["altering_scopes"]), frozenset(data["altering_access_levels"]),
            str(data["default_access_level"]),
            {kind: TokenType(str(t["label"]), ScopeLevel(t["level"]), str(t["target"]))
             for kind, t in data["tokens"].items()},
            {kind: Membership(str(m["target"]), ScopeLevel(m["level"]))
             for kind, m in data["memberships"].items()},
        )
    except (KeyError, TypeError, ValueError) as error:
        raise DataFileError(f"data/gitlab_token_rules.json is malformed: {error!r}") from error
