"""EXA002: no automation principal outside the platform team's naming convention.

The convention: every automation principal's name starts with one of :data:`PREFIXES`
(``plat-``).  A team with another convention copies this module and changes the tuple; the
check reads nothing else.  A name not known before apply (a variable) is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.api import Automation, Hit, RuleContext, Severity, evidence_of, principal_hit, rule

#: the name prefixes of the platform team's automation principals
PREFIXES = ("plat-",)


@rule(
    "EXA002", "automation-outside-naming-convention", Severity.MEDIUM,
    message="automation principal {principal} is named {name}, outside the convention {prefixes}",
)
def automation_outside_naming_convention(ctx: RuleContext) -> Iterator[Hit]:
    """An automation principal's name does not follow the platform team's convention.

    ## What it does
    Reports each automation principal declared in the module (any platform) whose name does
    not start with ``plat-``.  A name that is not known before apply is not judged.

    ## Why it matters
    The platform team finds, reviews and rotates automation identities by name; one outside
    the convention is missed by every inventory job and access review.

    ## Use instead
    Name it ``plat-<team>-<purpose>``, e.g. ``plat-storefront-deploy``.
    """
    for principal in ctx.graph.principals:
        name = principal.name
        if principal.automation is not Automation.YES or not isinstance(name, str):
            continue
        if name.startswith(PREFIXES):
            continue
        hit = principal_hit(principal, name=name, prefixes=", ".join(f"{p}*" for p in PREFIXES))
        if hit is not None:
            yield hit._replace(evidence=evidence_of(principal, f"named {name}"))
