"""Every fixture case reports exactly the (file, line, rule) set its `# expect:` comments name.

A case is a directory under ``fixtures/<RULE_ID>/`` (one Terraform module).  Annotations sit
on the reported line: ``# expect: NHI001, NHI002`` (``//`` works too).  All rules run on every
case, so a finding nobody annotated fails the test as surely as a missing one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from nhilint.engine import Options, collect_rules, scan

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ANNOTATION = re.compile(r"(?:#|//)\s*expect:\s*(?P<ids>[A-Z]{2,5}\d{3}(?:\s*,\s*[A-Z]{2,5}\d{3})*)")

CASES = sorted({p.parent for p in FIXTURES.rglob("*.tf")})


def expected(case: Path) -> set[tuple[str, int, str]]:
    found = set()
    for path in sorted(case.glob("*.tf")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = ANNOTATION.search(line)
            if match:
                rel = os.path.relpath(path, ROOT)
                found |= {(rel, number, i.strip()) for i in match.group("ids").split(",")}
    return found


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(FIXTURES)) for c in CASES])
def test_fixture(case: Path, in_repo: Path) -> None:
    result = scan([case.relative_to(ROOT)], Options())
    reported = {(f.span.path, f.span.line, f.rule) for f in result.findings}
    assert not result.diagnostics
    assert reported == expected(case), "\n".join(f.message for f in result.findings)


def test_every_rule_has_positive_and_negative_fixtures() -> None:
    for rule in collect_rules():
        cases = [c for c in CASES if c.parent.name == rule.id]
        if rule.id == "NHI901":
            cases = CASES  # indeterminates show up wherever a value is unknown
        positives = [c for c in cases if any(r == rule.id for _, _, r in expected(c))]
        negatives = [c for c in cases if not any(r == rule.id for _, _, r in expected(c))]
        assert positives, f"{rule.id} has no positive fixture"
        assert negatives, f"{rule.id} has no negative fixture"


def test_every_fixture_directory_names_a_rule() -> None:
    ids = {r.id for r in collect_rules()}
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} <= ids
