"""A plan and the configuration it was made from give the same findings.

For every fixture case holding a plan (``.terraform-plan.json``, written by
``scripts/gen_terraform_plans.py``, or a plan of its own such as ``tfplan.json``) beside its
``.tf``, the (rule, address) findings of the ``.tf`` scanned as Terraform and of the plan scanned
alone are the same set (the configuration read as the plan was made: with the defaults, see
:func:`located`), and a finding both give is located on the same line of the ``.tf``
(the plan's findings point at the configuration beside it).  The differences accepted are
listed in :data:`KNOWN_DIFFERENCES` and :data:`KNOWN_LINES`, per case and finding, each with
its reason; any other is a bug (Terraform is right about values).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from nhilint.engine import Options, scan
from nhilint.parsers import plan
from nhilint.parsers.hcl.discover import config_files
from nhilint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SCAN_DATE = datetime.date(2026, 6, 1)

Finding = tuple[str, str]

#: (rule, address) the plan gives and the HCL does not, and the reverse, per plan file
#: (relative to fixtures/).
KNOWN_DIFFERENCES: dict[str, tuple[set[Finding], set[Finding]]] = {
    # Terraform plans a jsonencode() that holds a value known only after apply (here the user's
    # and the role's ARN) as one unknown string: the plan does not know the policy and the
    # trust, so it is indeterminate about both principals.  The HCL reader keeps the known
    # structure around the unknown ARN and sees that they only assume one role.
    "NHI001/assume_one_role/.terraform-plan.json": (
        {("NHI901", "aws_iam_role.deploy"), ("NHI901", "aws_iam_user.deployer")},
        set(),
    ),
    # The same: every trust policy here is a jsonencode() naming
    # aws_iam_openid_connect_provider.github.arn, unknown until apply, so the plan holds each
    # whole trust as unknown (NHI901) where the HCL reader still reads the conditions written
    # around the ARN and finds the unbounded subjects and audiences (NHI010).
    "NHI010/github_actions/.terraform-plan.json": (
        {("NHI901", "aws_iam_role.any_audience"), ("NHI901", "aws_iam_role.artifacts"),
         ("NHI901", "aws_iam_role.by_id"), ("NHI901", "aws_iam_role.docs"),
         ("NHI901", "aws_iam_role.typo")},
        {("NHI010", "aws_iam_role.any_audience"), ("NHI010", "aws_iam_role.artifacts"),
         ("NHI010", "aws_iam_role.docs")},
    ),
    # The same, with the GitLab and HCP Terraform providers' ARNs and the Cognito identity
    # pool's id (app_users) in the trusts' jsonencode().
    "NHI010/other_issuers/.terraform-plan.json": (
        {("NHI901", "aws_iam_role.app_users"), ("NHI901", "aws_iam_role.gitlab_group"),
         ("NHI901", "aws_iam_role.gitlab_main"), ("NHI901", "aws_iam_role.hcp_org"),
         ("NHI901", "aws_iam_role.hcp_workspace")},
        {("NHI010", "aws_iam_role.gitlab_group"), ("NHI010", "aws_iam_role.hcp_org")},
    ),
    # The AWS provider plans aws_instance.user_data as its SHA-1: the private key the bastion's
    # user data writes out is not in the plan at all (the launch templates keep theirs, base64).
    "NHI013/user_data/.terraform-plan.json": (
        set(),
        {("NHI013", "aws_instance.bastion")},
    ),
}

#: findings both give, located on another line of the .tf, per plan file: (rule, address) and
#: the lines from the plan and from the HCL.
KNOWN_LINES: dict[str, dict[Finding, tuple[int, int]]] = {
    # Terraform plans the environment's variables map as one unknown value (one of its entries
    # is known only after apply), so the plan locates the secret at ``variables``; the HCL
    # reader knows which entry holds it (UPLOADER_SECRET, two lines below).
    "NHI013/embedded_key/.terraform-plan.json": {
        ("NHI013", "aws_lambda_function.resize"): (27, 29),
    },
}

PLANS = sorted(
    p for p in FIXTURES.glob("*/*/*.json")
    if plan.claims(p) and (any(p.parent.glob("*.tf")) or any(p.parent.glob("*.tf.json")))
)


def _name(path: Path) -> str:
    return path.relative_to(FIXTURES).as_posix()


Located = dict[Finding, set[tuple[str, int | None]]]


def located(path: Path, kind: str) -> Located:
    """The (rule, address) findings of ``path`` read as ``kind``, with where each is located.

    A configuration directory is read as the root module the plan was made from: its own
    files (the modules it calls are read where it calls them, not also on their own), and
    without what exists only under inputs other than their defaults (possible instances,
    branches the defaults do not take: ``condition``), which the plan, made with the
    defaults, cannot hold.
    """
    options = Options(input_type=kind, settings=Settings(today=SCAN_DATE))
    shown = Path(os.path.relpath(path, ROOT))
    named = sorted(config_files(shown)) if kind == "terraform" else [shown]
    result = scan(named, options)
    assert not [d for d in result.diagnostics if d.code == "NHI900"], result.diagnostics
    found: Located = {}
    for f in result.findings:
        if not f.condition:
            found.setdefault((f.rule, f.resource), set()).add((f.span.path, f.span.line))
    return found


def findings(path: Path, kind: str) -> set[Finding]:
    return set(located(path, kind))


@pytest.mark.parametrize("path", PLANS, ids=[_name(p) for p in PLANS])
def test_plan_and_configuration_give_the_same_findings(path: Path, in_repo: Path) -> None:
    from_plan = findings(path, "terraform-plan")
    from_hcl = findings(path.parent, "terraform")
    only_plan, only_hcl = KNOWN_DIFFERENCES.get(_name(path), (set(), set()))
    assert (from_plan - from_hcl, from_hcl - from_plan) == (only_plan, only_hcl)


@pytest.mark.parametrize("path", PLANS, ids=[_name(p) for p in PLANS])
def test_plan_findings_point_at_the_lines_of_the_configuration(path: Path, in_repo: Path) -> None:
    from_plan, from_hcl = located(path, "terraform-plan"), located(path.parent, "terraform")
    moved = {
        key: (from_plan[key], from_hcl[key]) for key in set(from_plan) & set(from_hcl)
        if from_plan[key] != from_hcl[key]
    }
    shown = os.path.relpath(path.parent / "main.tf", ROOT)
    known = {key: ({(shown, plan_line)}, {(shown, hcl_line)})
             for key, (plan_line, hcl_line) in KNOWN_LINES.get(_name(path), {}).items()}
    assert moved == known


def test_every_known_difference_names_a_plan() -> None:
    assert set(KNOWN_DIFFERENCES) | set(KNOWN_LINES) <= {_name(p) for p in PLANS}


def test_there_are_parity_cases() -> None:
    assert len(PLANS) > 1
