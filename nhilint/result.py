"""What a scan produced: findings, diagnostics and counts, as every renderer receives it."""

from __future__ import annotations

import dataclasses

from nhilint.baseline import Entry
from nhilint.identity.graph import Graph
from nhilint.model import Diagnostic
from nhilint.rule import Finding, Rule, Severity
from nhilint.suppress import Suppressed


@dataclasses.dataclass(frozen=True)
class ScanResult:
    findings: tuple[Finding, ...]
    diagnostics: tuple[Diagnostic, ...]
    rules: tuple[Rule, ...]
    files: int = 0
    resources: int = 0
    principals: int = 0
    #: each analysed module's NHI graph, by module path (the inventory reads it)
    graphs: tuple[tuple[str, Graph], ...] = ()
    #: each module's role in the scanned tree: ``root``, or ``child`` when another scanned
    #: module calls it with a local source
    roles: tuple[tuple[str, str], ...] = ()
    #: findings hidden by an inline suppression, a config entry or the baseline, with why
    suppressed: tuple[Suppressed, ...] = ()
    #: baseline entries of the scanned modules that no longer occur
    fixed: tuple[Entry, ...] = ()
    #: the baseline file used, if any
    baseline: str = ""
    #: suppressions that cannot be used (malformed, unknown rule id): the scan is an error
    errors: tuple[Diagnostic, ...] = ()
    #: whether reports list the suppressed findings (``--show-suppressed``); every report
    #: counts them, and JSON and SARIF always list them
    show_suppressed: bool = False

    def counts(self) -> dict[str, int]:
        counts = {s.label: 0 for s in sorted(Severity, reverse=True)}
        for finding in self.findings:
            counts[finding.severity.label] += 1
        return counts

    def suppressed_counts(self) -> dict[str, int]:
        """Hidden findings by how they were hidden (``inline``, ``config``, ``baseline``)."""
        counts = {"inline": 0, "config": 0, "baseline": 0}
        for hidden in self.suppressed:
            counts[hidden.suppression.kind] += 1
        return counts

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)
