"""NHI002 no-owner."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.checks._common import (
    OWASP,
    chain_of,
    core_params,
    grant_evidence,
    label,
    principal_evidence,
)
from nhilint.identity.graph import OwnerState
from nhilint.rule import Hit, RuleContext, Severity, rule


@rule("NHI002", "no-owner", Severity.HIGH,
      message="automation principal {principal} can alter identity ({grants}) and has no "
      "owner: {where}",
      references=(OWASP.format(n=1),))
def no_owner(ctx: RuleContext) -> Iterator[Hit]:
    """An automation principal that can alter identity has no owner.

    ## What it does
    Finds automation principals with identity-altering permissions that carry no owner
    metadata: none of the owner tag keys (default `owner`, `Owner`, `team`, `Team`) on the
    principal, nor in its provider's `default_tags`. An Entra ID application or service
    principal is owned through `owners` (on either) or an `azuread_application_owner`; a
    managed identity through an owner tag. A GCP service account has no labels: its owner is
    written in its `description` (`owner=<team>`, under any of the owner keys); an agent engine
    has `labels` and the google provider's `default_labels`. A GitLab access token has no
    labels either: its owner is written in its `description` (a user's in its `note`).

    Vault has no tags: an AppRole role's owner is read from its `alias_metadata` and a token's
    from its `metadata` (under the owner keys), else by convention from `owner=<team>` in the
    `description` of the auth mount the role is written on.

    A Kubernetes service account's owner is a label or annotation of its `metadata` under one
    of the owner keys.

    ## Why is this bad?
    A privileged automation nobody owns is never reviewed, rotated or decommissioned. When it
    misbehaves or leaks, nobody knows who to ask whether it is still needed; orphaned
    identities are how access quietly outlives the project that needed it.

    ## Example
    ```hcl
    resource "aws_iam_role" "deployer" {
      name               = "deployer"
      assume_role_policy = data.aws_iam_policy_document.codebuild.json
    }
    ```

    ## Use instead
    Tag the principal with its owning team:
    ```hcl
    resource "aws_iam_role" "deployer" {
      name               = "deployer"
      assume_role_policy = data.aws_iam_policy_document.codebuild.json
      tags               = { Owner = "platform-team" }
    }
    ```
    or set the owner once for every resource of a provider:
    ```hcl
    provider "aws" {
      default_tags { tags = { Owner = "platform-team" } }
    }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI1 Improper Offboarding
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html
    """
    for found in ctx.candidates():
        owner = found.principal.owner
        if owner.state is not OwnerState.ABSENT:
            continue
        yield Hit(
            found.resource,
            found.span,
            core_params(found) | {"where": owner.source},
            principal_evidence(found.principal) + grant_evidence(found.grants),
            key="no-owner",
            chain=chain_of(found.grants),
            principal=label(found.principal),
            fix=ctx.fix(found.principal.platform, "no-owner"),
        )
