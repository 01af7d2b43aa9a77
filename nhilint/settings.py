"""What a scan can be told: owner tag keys, automation name patterns, rule selection.

Plain values with sensible defaults; the CLI (and later the config file) builds one
:class:`Settings` and passes it down.  Nothing here reads files.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cached_property

DEFAULT_OWNER_KEYS = ("owner", "Owner", "team", "Team")

#: Name tokens that suggest an automation principal (nhi-catalog.md §4).  A boost, never sole
#: evidence when something stronger (a login profile, a SAML-only trust) says otherwise.
DEFAULT_AUTOMATION_PATTERNS = (
    r"ci|cd|cicd|pipeline|deploy(er)?|release|build|bot|robot|automation|svc|service"
    r"|terraform|tf|pulumi|github|gha|gitlab|jenkins|circleci|argo(cd)?|flux|runner|agent"
    r"|worker|job|cron|scheduler|sync|scim|provision(er)?|integration|etl|backup|scanner",
)


@dataclasses.dataclass(frozen=True)
class Settings:
    owner_keys: tuple[str, ...] = DEFAULT_OWNER_KEYS
    automation_patterns: tuple[str, ...] = DEFAULT_AUTOMATION_PATTERNS

    @cached_property
    def _automation_re(self) -> re.Pattern[str]:
        alternatives = "|".join(f"(?:{p})" for p in self.automation_patterns)
        return re.compile(rf"(?:^|[^a-z0-9])(?:{alternatives})(?:$|[^a-z0-9])", re.IGNORECASE)

    def automation_name_match(self, name: str) -> str | None:
        """The name token that marks ``name`` as an automation principal, if any."""
        # split camelCase so "ciDeployer" has the token "ci"
        spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name)
        found = self._automation_re.search(spaced)
        return found.group(0).strip("-_. /:@") if found else None
