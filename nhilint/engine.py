"""Inputs in, findings out: parse each module, build its NHI graph, run the rules.

Per module: the parser gives a :class:`~nhilint.model.Model`, the identity adapters a merged
:class:`~nhilint.identity.graph.Graph`, each rule a stream of hits over one
:class:`~nhilint.rule.RuleContext`; hits become findings (message, fingerprint), then pass the
gate where suppressions and the baseline will apply.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from nhilint.identity import build_graph
from nhilint.identity.graph import Graph
from nhilint.model import Diagnostic, Model, ModuleCall
from nhilint.parsers.hcl.tree import module_roles
from nhilint.parsers.registry import PARSERS, SourceUnit, discover
from nhilint.registry import RuleError, collect, select
from nhilint.result import ScanResult
from nhilint.rule import Finding, Hit, Rule, RuleContext
from nhilint.settings import Settings

__all__ = ["Options", "RuleError", "collect_rules", "finding", "scan", "select_rules"]

collect_rules = collect
select_rules = select


@dataclasses.dataclass(frozen=True)
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    settings: Settings = dataclasses.field(default_factory=Settings)


@dataclasses.dataclass(frozen=True)
class ModuleScan:
    """What one module gave: its graph, findings and diagnostics."""

    path: str
    graph: Graph
    findings: tuple[Finding, ...]
    diagnostics: tuple[Diagnostic, ...]


def scan(paths: Sequence[Path], options: Options) -> ScanResult:
    rules = select(collect(), options.select, options.ignore)
    keep = _scope(paths)
    findings: list[Finding] = []
    diagnostics: list[Diagnostic] = []
    graphs: list[tuple[str, Graph]] = []
    files = resources = principals = 0
    calls = {}
    for unit in discover(paths).units:
        done, model_files, model_resources, model_calls = _scan_unit(unit, rules, options)
        calls[unit.path] = model_calls
        files += model_files
        resources += model_resources
        principals += len(done.graph.principals)
        graphs.append((done.path, done.graph))
        findings += (f for f in done.findings if keep(f.span.path))
        diagnostics += (d for d in done.diagnostics if keep(d.path))
    return ScanResult(
        findings=tuple(sorted(findings, key=_order)),
        diagnostics=tuple(diagnostics),
        rules=rules,
        files=files,
        resources=resources,
        principals=principals,
        graphs=tuple(graphs),
        roles=tuple((os.path.relpath(d), r) for d, r in sorted(module_roles(calls).items())),
    )


def _scan_unit(
    unit: SourceUnit, rules: Sequence[Rule], options: Options
) -> tuple[ModuleScan, int, int, tuple[ModuleCall, ...]]:
    """One unit parsed and analysed; its model (and the syntax trees that lazily evaluated
    values keep) is freed when this returns, before the next unit is parsed."""
    model = PARSERS[unit.kind].parse(unit.path)
    done = analyse(model, unit.path, rules, options.settings)
    done = dataclasses.replace(done, diagnostics=model.diagnostics + done.diagnostics)
    return done, len(model.files), len(model.resources), model.module_calls


def _scope(paths: Sequence[Path]) -> Callable[[str], bool]:
    """Named files report only what is located in them (their whole module is analysed)."""
    files = {os.path.relpath(p) for p in paths if p.is_file()}
    dirs = tuple(os.path.relpath(p) for p in paths if not p.is_file())

    def keep(path: str) -> bool:
        return path in files or any(
            d == "." or path == d or path.startswith(d + os.sep)
            for d in dirs
        )

    return keep


def analyse(model: Model, directory: Path, rules: Sequence[Rule], settings: Settings) -> ModuleScan:
    """One module's graph and findings; an internal error is a diagnostic, never a crash."""
    shown = os.path.relpath(directory)
    try:
        graph = build_graph(model, settings)
        context = RuleContext(graph, model, settings)
        found = [finding(r, hit) for r in rules for hit in r.check(context)]
        return ModuleScan(shown, graph, gate(found, model), ())
    except Exception as exc:  # one module's failure must not end the scan
        message = f"internal error while analysing this module: {type(exc).__name__}: {exc}"
        return ModuleScan(shown, Graph(), (), (Diagnostic("NHI900", shown, 1, message),))


def gate(findings: list[Finding], model: Model) -> tuple[Finding, ...]:
    """Where suppressions (inline comments in ``model.comments``, addresses in config) and the
    baseline apply, per module, before findings leave the engine.  None exist yet: every
    finding passes."""
    return tuple(findings)


def finding(rule: Rule, hit: Hit) -> Finding:
    resources = dict.fromkeys([hit.resource, *(e.resource for e in hit.evidence), *hit.chain])
    identity = "\0".join((rule.id, hit.resource, hit.key, hit.principal))
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=hit.severity if hit.severity is not None else rule.severity,
        message=rule.message(hit),
        span=hit.span,
        resource=hit.resource,
        resources=tuple(resources),
        evidence=hit.evidence,
        fingerprint=hashlib.sha256(identity.encode()).hexdigest()[:32],
        references=rule.references,
        principal=hit.principal,
        fix=hit.fix,
    )


def _order(finding: Finding) -> tuple[str, int, str, str]:
    return (finding.span.path, finding.span.line or 0, finding.rule, finding.resource)
