"""nhilint's HCL reader against real Terraform: the plans ``scripts/gen_terraform_plans.py``
made of the fixture cases (``<case>/.terraform-plan.json``).  See tests/terraform_oracle.py for
what is compared.  Where the two disagree Terraform is right; the only differences accepted are
the ones listed in :data:`KNOWN`, each with its reason.

These tests read the committed plans and need no Terraform; ``test_the_committed_plans_are
_current`` runs the generator's ``--check`` where the CLI and the provider mirror are present.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from terraform_oracle import (
    FIXTURES,
    PLAN_NAME,
    ROOT,
    compare,
    compare_case,
    manifest,
    plan_instances,
    planned_cases,
    skipped_cases,
)

from nhilint.parsers.hcl import parse_module

CASES = planned_cases()
MIRROR = Path("/opt/tf-plugins/registry.terraform.io/hashicorp/aws")

#: disagreements nhilint cannot remove without the provider's schema, by case.
KNOWN: dict[str, list[str]] = {
    # The schema types cpu and memory as strings: Terraform converts the numbers written in the
    # configuration to "256" and "512"; nhilint has no provider schemas and keeps the numbers
    # (no rule reads them).
    "NHI013/ecs_task_definition": [
        'aws_ecs_task_definition.worker cpu: nhilint 256, Terraform "256"',
        'aws_ecs_task_definition.worker memory: nhilint 512, Terraform "512"',
    ],
}


def _name(case: Path) -> str:
    return case.relative_to(FIXTURES).as_posix()


@pytest.mark.parametrize("case", CASES, ids=[_name(c) for c in CASES])
def test_nhilint_reads_the_case_as_terraform_plans_it(case: Path) -> None:
    comparison = compare_case(case)
    assert comparison.instances
    assert [str(d) for d in comparison.disagreements] == KNOWN.get(_name(case), [])


def test_the_comparison_reports_what_terraform_plans_otherwise() -> None:
    case = FIXTURES / "NHI001" / "user_key_inline"
    document = json.loads((case / PLAN_NAME).read_text(encoding="utf-8"))
    changes = {c["address"]: c for c in document["resource_changes"]}
    changes["aws_iam_user.deployer"]["change"]["after"]["name"] = "someone-else"
    changes["aws_iam_user_policy.deployer"]["change"]["after_unknown"]["name"] = True
    document["resource_changes"].remove(changes["aws_iam_access_key.deployer"])
    found = {str(d) for d in compare(parse_module(case), plan_instances(document)).disagreements}
    assert found == {
        'aws_iam_user.deployer name: nhilint "deployer", Terraform "someone-else"',
        'aws_iam_user_policy.deployer name: nhilint "manage-app-users", Terraform unknown until '
        "apply",
        "aws_iam_access_key.deployer : nhilint has the instance, Terraform does not plan it",
    }


def test_every_known_difference_names_a_planned_case() -> None:
    assert set(KNOWN) <= {_name(c) for c in CASES}


def test_the_manifest_accounts_for_every_case() -> None:
    cases = {
        _name(d) for d in FIXTURES.glob("*/*")
        if d.is_dir() and (any(d.glob("*.tf")) or any(d.glob("*.tf.json")))
    }
    planned, skipped = {_name(c) for c in CASES}, skipped_cases()
    assert planned.isdisjoint(skipped)
    assert planned | set(skipped) == cases, "run python scripts/gen_terraform_plans.py"
    assert all(reason.strip() for reason in skipped.values())
    assert {_name(p.parent) for p in FIXTURES.glob(f"*/*/{PLAN_NAME}")} == planned, (
        "run python scripts/gen_terraform_plans.py")
    assert manifest()["terraform_version"]


def test_summary(capsys: pytest.CaptureFixture[str]) -> None:
    comparisons = [compare_case(c) for c in CASES]
    instances = sum(c.instances for c in comparisons)
    values = sum(c.values for c in comparisons)
    unknown = sum(c.unknown_to_nhilint for c in comparisons)
    disagreements = sum(len(c.disagreements) for c in comparisons)
    skipped = skipped_cases()
    lines = [
        f"terraform differential: {len(CASES)} fixture case(s) compared with Terraform "
        f"{manifest()['terraform_version']}, {len(skipped)} skipped; {instances} instance(s), "
        f"{values} attribute value(s) compared, {disagreements} known disagreement(s); "
        f"{unknown} value(s) nhilint leaves unknown that the plan knows",
        *[f"  skipped {case}: {reason}" for case, reason in sorted(skipped.items())],
    ]
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert len(CASES) >= 40 and instances >= 150 and values >= 400
    assert disagreements == sum(len(v) for v in KNOWN.values())


def _terraform_missing() -> str | None:
    if shutil.which("terraform") is None:
        return "the terraform CLI is not installed: the committed plans are compared as they are"
    if not any(MIRROR.glob("*/linux_amd64")):
        return f"no AWS provider in the offline mirror {MIRROR}: the plans cannot be remade"
    return None


def test_the_committed_plans_are_current() -> None:
    missing = _terraform_missing()
    if missing is not None:
        pytest.skip(missing)
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_terraform_plans.py"), "--check"],
        capture_output=True, text=True, check=False, timeout=3600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
