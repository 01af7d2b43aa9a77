"""NHI016 forbidden-permission."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator

from nhilint.checks._common import OWASP, chain_of, grant_evidence, label, principal_evidence
from nhilint.identity.graph import Access, Automation, Grant, Principal
from nhilint.rule import Hit, RuleContext, Severity, rule, show

_FIX = {
    "forbidden": "take the forbidden permissions out of the automation's grants and leave those "
    "changes to the team the policy reserves them for",
    "allowed": "grant the automation only permissions the policy allows, or have the policy's "
    "owners add what the job needs",
}


@rule("NHI016", "forbidden-permission", Severity.HIGH,
      message={
          "forbidden": "automation principal {principal} holds {held}, which the policy "
          "forbids automation principals ({patterns})",
          "allowed": "automation principal {principal} holds {held}, outside the policy's "
          "allowed permissions ({patterns})",
      },
      references=(OWASP.format(n=5),))
def forbidden_permission(ctx: RuleContext) -> Iterator[Hit]:
    """An automation principal holds a permission the organisation's policy forbids.

    ## What it does
    Applies the organisation's policy (`[policy]` in the config) to every automation
    principal's grants, on every platform (AWS actions such as `iam:CreateUser`, GCP roles
    such as `roles/owner`, Azure role names such as `Owner`):

    - `forbidden-permissions`: glob patterns (`*`, `?`, case-insensitive) that no automation
      principal may hold. A grant holds a pattern when one of its permissions, or one of the
      identity-altering actions they include, matches it, or when a pattern it holds covers
      it (`iam:*` holds `iam:CreateUser`); an `Allow` with `NotAction` holds everything but
      its exceptions.
    - `allowed-permissions` (allow-list mode): the only permissions automation principals
      may hold; every permission a grant names must be matched by one of the patterns as
      written (so `iam:*` is outside `iam:Get*`), and "everything but" is outside any list
      but `*`.

    Without either setting the rule reports nothing. A policy whose content is not known
    before deploy is reported by NHI901.

    ## Why is this bad?
    Some permissions are the platform team's decision alone: who may create users, mint keys
    or hand out the owner role. A pipeline that holds one anyway is a way around the review
    the organisation set up, whatever else the pipeline does.

    ## Example
    With `forbidden-permissions = ["iam:CreateUser", "iam:CreateAccessKey"]`:
    ```hcl
    statement {
      actions   = ["iam:CreateUser", "iam:CreateAccessKey"]
      resources = ["*"]
    }
    ```

    ## Use instead
    Leave identity changes to the platform team's own pipeline, or ask for an exception
    (an inline `# nhilint: ignore[NHI016] -- reason`), and grant the automation what its job
    needs:
    ```hcl
    statement {
      actions   = ["s3:PutObject"]
      resources = ["arn:aws:s3:::artifacts/*"]
    }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI5 Overprivileged NHI
    - the `[policy]` table: README, "Organisation policy"
    """
    policy = ctx.settings.policy
    forbidden, allowed = policy.forbidden_permissions, policy.allowed_permissions
    if not forbidden and allowed is None:
        return
    for principal in ctx.graph.principals:
        if principal.automation is not Automation.YES:
            continue
        grants = ctx.graph.grants_of(principal)
        if forbidden:
            found = [(g, held) for g in grants if (held := _forbidden(g.access, forbidden))]
            if found:
                yield _hit(ctx, principal, found, "forbidden", forbidden)
        if allowed is not None:
            found = [(g, held) for g in grants if (held := _outside(g.access, allowed))]
            if found:
                yield _hit(ctx, principal, found, "allowed", allowed)


def _match(value: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(value.lower(), pattern.lower())


def _forbidden(access: Access, patterns: Iterable[str]) -> list[str]:
    """What of ``access`` the forbidden ``patterns`` name (as the grant writes it)."""
    if access.excepted:  # everything but the exceptions
        exceptions = [p for p in access.permissions if isinstance(p, str)]
        held = [f for f in patterns if not any(_match(f, e) for e in exceptions)]
        return [f"{f} (everything but {', '.join(exceptions)})" for f in held]
    names = [p for p in access.permissions if isinstance(p, str)]
    found = [p for p in names if any(_match(p, f) or _match(f, p) for f in patterns)]
    found += [a for a in sorted(access.altering) if a not in found
              and any(_match(a, f) for f in patterns)]
    return found


def _outside(access: Access, patterns: Iterable[str]) -> list[str]:
    """The permissions of ``access`` no allowed pattern covers."""
    patterns = tuple(patterns)
    if access.excepted:
        return [] if "*" in patterns else [
            "everything but " + ", ".join(show(p) for p in access.permissions)]
    return [p for p in access.permissions
            if isinstance(p, str) and not any(_match(p, a) for a in patterns)]


def _hit(ctx: RuleContext, principal: Principal, found: list[tuple[Grant, list[str]]],
         template: str, patterns: Iterable[str]) -> Hit:
    grants = [g for g, _ in found]
    first = grants[0].provenance
    held = list(dict.fromkeys(h for _, names in found for h in names))
    shown = ", ".join(held[:4]) + (f" (+{len(held) - 4} more)" if len(held) > 4 else "")
    return Hit(
        principal.address or first.holder,
        principal.span or first.span,
        {"principal": label(principal), "held": shown, "patterns": ", ".join(patterns)},
        principal_evidence(principal) + grant_evidence(grants),
        template=template,
        key=f"forbidden-permission:{template}",
        chain=chain_of(grants),
        principal=label(principal),
        fix=_FIX[template],
    )
