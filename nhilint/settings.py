"""What a scan can be told: owner tag keys, automation name patterns, severity overrides,
whether a suppression needs a reason.

Plain values with sensible defaults; :mod:`nhilint.config` builds one :class:`Settings` from
the config file and the CLI passes it down to the engine.  Nothing here reads files.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from functools import cached_property

from nhilint.severity import Severity

DEFAULT_OWNER_KEYS = ("owner", "Owner", "team", "Team")

#: Name tokens that suggest an automation principal (nhi-catalog.md §4).  A boost, never sole
#: evidence when something stronger (a login profile, a SAML-only trust) says otherwise.
#: Alternatives, tried in order; one pattern per theme so that ``nhilint init`` can list them.
DEFAULT_AUTOMATION_PATTERNS = (
    r"ci|cd|cicd|pipeline|deploy(er)?|release|build",
    r"bot|robot|automation|svc|service",
    r"terraform|tf|pulumi|github|gha|gitlab|jenkins|circleci|argo(cd)?|flux|runner|agent",
    r"worker|job|cron|scheduler|sync|scim|provision(er)?|integration|etl|backup|scanner",
)


@dataclasses.dataclass(frozen=True)
class OrgPolicy:
    """The organisation's policy (``[policy]`` in the config): what the built-in rules hold
    automation principals to beyond their defaults.  Every field's default changes nothing.
    """

    #: an owner value (NHI002) must match this regular expression in full; ``None``: any value
    owner_pattern: str | None = None
    #: permissions (glob patterns: ``iam:*``, ``roles/owner``) automation principals may never
    #: hold (NHI016)
    forbidden_permissions: tuple[str, ...] = ()
    #: the only permissions automation principals may hold (NHI016); ``None``: no allow-list
    allowed_permissions: tuple[str, ...] | None = None
    #: the OIDC issuers (without scheme) a trust may name (NHI010); ``None``: any
    oidc_issuers: tuple[str, ...] | None = None
    #: glob patterns every OIDC trust's subjects must match (NHI010); ``None``: any
    oidc_subjects: tuple[str, ...] | None = None
    #: a credential may live (until it expires or is rotated) at most this many days
    #: (NHI004, NHI012); ``None``: no limit beyond "it ends"
    max_credential_days: int | None = None
    #: the scope levels (:class:`~nhilint.identity.graph.ScopeLevel` values) at which an
    #: identity-altering grant counts as wide even on named targets (NHI003); ``None``: the
    #: built-in ones (beyond one account or project)
    wide_scopes: tuple[str, ...] | None = None


@dataclasses.dataclass(frozen=True)
class Settings:
    owner_keys: tuple[str, ...] = DEFAULT_OWNER_KEYS
    automation_patterns: tuple[str, ...] = DEFAULT_AUTOMATION_PATTERNS
    #: ``(rule id, severity)`` pairs, ids sorted and unique: the severity findings of the rule get
    severity_overrides: tuple[tuple[str, Severity], ...] = ()
    #: a suppression (inline comment or config entry) without a reason is an error
    require_suppression_reason: bool = False
    #: the scan date, which time conditions are judged against (a grant whose end date lies
    #: before it allows nothing); the CLI passes today's date.  ``None``: no time condition is
    #: judged ended
    today: datetime.date | None = None
    #: the organisation's policy (``[policy]``)
    policy: OrgPolicy = dataclasses.field(default_factory=OrgPolicy)

    def severity_of(self, rule_id: str, severity: Severity) -> Severity:
        """The severity a finding of ``rule_id`` gets: its override, else ``severity``."""
        return dict(self.severity_overrides).get(rule_id, severity)

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
