"""What to do about a finding: the platform's fix for the case, else the rule doc's advice."""

from __future__ import annotations

import re

from nhilint.rule import Finding, Rule


def fix_hint(rule: Rule) -> str:
    """The first sentence of the rule doc's "Use instead" section."""
    found = re.search(r"## Use instead\n(.*?)(?:```|\n\n|$)", rule.doc, re.S)
    return " ".join(found.group(1).split()).rstrip(":") if found else ""


def fix_for(finding: Finding, rule: Rule | None) -> str:
    """``finding.fix``, or the rule's general fix when the finding carries none."""
    if finding.fix:
        return finding.fix
    return fix_hint(rule) if rule is not None else ""
