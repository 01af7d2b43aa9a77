"""The pack's rules against their fixtures: each case reports exactly what it annotates."""

from __future__ import annotations

from pathlib import Path

from nhilint import rule_docs
from nhilint.testing import assert_fixtures
from nhilint_rule_pack_example.boundary import ci_role_without_boundary
from nhilint_rule_pack_example.naming import automation_outside_naming_convention

FIXTURES = Path(__file__).parent / "fixtures"


def test_fixtures() -> None:
    assert_fixtures(FIXTURES, rules=[ci_role_without_boundary,
                                     automation_outside_naming_convention])


def test_the_messages_say_what_is_wrong() -> None:
    assert automation_outside_naming_convention.messages["default"].startswith(
        "automation principal {principal} is named {name}")
    assert ci_role_without_boundary.platforms == ("aws",)


def test_the_rule_pages_are_fresh() -> None:
    docs = Path(__file__).parent.parent / "docs" / "rules"
    assert rule_docs.main(["--package", "nhilint_rule_pack_example", "--output", str(docs),
                           "--check"]) == 0, (
        "run python -m nhilint.rule_docs --package nhilint_rule_pack_example "
        "--output docs/rules")
