"""Inputs in, findings out: parse each module, build its NHI graph, run the rules."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import pkgutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from nhilint.identity import build_graph
from nhilint.identity.graph import Graph
from nhilint.model import Diagnostic, Model
from nhilint.parsers.hcl import discover_modules, parse_module
from nhilint.result import ScanResult
from nhilint.rule import Finding, Hit, Rule
from nhilint.settings import Settings

BUILTIN_CHECKS = "nhilint.checks"


class RuleError(ValueError):
    """The rule set is inconsistent (duplicate ids) or a selection names no rule."""


@dataclasses.dataclass(frozen=True)
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    settings: Settings = dataclasses.field(default_factory=Settings)


def collect_rules(package: str = BUILTIN_CHECKS) -> tuple[Rule, ...]:
    """Every :class:`Rule` defined in the modules of ``package``, sorted by id."""
    root = importlib.import_module(package)
    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(root.__path__, package + "."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Rule) and found.setdefault(value.id, value) is not value:
                raise RuleError(f"duplicate rule id {value.id} in {info.name}")
    return tuple(sorted(found.values(), key=lambda r: r.id))


def select_rules(
    rules: Sequence[Rule], select: Iterable[str] = (), ignore: Iterable[str] = ()
) -> tuple[Rule, ...]:
    """Rules chosen by id, id prefix (``NHI00``) or name; an unknown selector is an error."""
    select, ignore = tuple(select), tuple(ignore)
    for selector in select + ignore:
        if not any(_matches(r, selector) for r in rules):
            raise RuleError(f"no rule matches {selector!r} (see `nhilint rules`)")
    chosen = [r for r in rules if not select or any(_matches(r, s) for s in select)]
    return tuple(r for r in chosen if not any(_matches(r, s) for s in ignore))


def _matches(rule: Rule, selector: str) -> bool:
    return rule.id.startswith(selector.upper()) or rule.name == selector


def scan(paths: Sequence[Path], options: Options) -> ScanResult:
    rules = select_rules(collect_rules(), options.select, options.ignore)
    keep = _scope(paths)
    findings: list[Finding] = []
    diagnostics: list[Diagnostic] = []
    files = resources = principals = 0
    for directory in discover_modules(paths):
        model = parse_module(directory)
        diagnostics += model.diagnostics
        files += len(model.files)
        resources += len(model.resources)
        graph, more, problems = _analyse(model, directory, rules, options.settings)
        diagnostics += problems
        principals += len(graph.principals)
        findings += (f for f in more if keep(f.span.path))
    diagnostics = [d for d in diagnostics if keep(d.path)]
    return ScanResult(
        findings=tuple(sorted(findings, key=_order)),
        diagnostics=tuple(diagnostics),
        rules=rules,
        files=files,
        resources=resources,
        principals=principals,
    )


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


def _analyse(
    model: Model, directory: Path, rules: Sequence[Rule], settings: Settings
) -> tuple[Graph, list[Finding], list[Diagnostic]]:
    try:
        graph = build_graph(model, settings)
        return graph, [finding(r, hit) for r in rules for hit in r.check(graph, settings)], []
    except Exception as exc:  # one module's failure must not end the scan
        message = f"internal error while analysing this module: {type(exc).__name__}: {exc}"
        return Graph(), [], [Diagnostic("NHI900", os.path.relpath(directory), 1, message)]


def finding(rule: Rule, hit: Hit) -> Finding:
    resources = dict.fromkeys([hit.resource, *(e.resource for e in hit.evidence), *hit.chain])
    digest = hashlib.sha256(f"{rule.id}\0{hit.resource}\0{hit.kind}".encode()).hexdigest()
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=hit.severity if hit.severity is not None else rule.severity,
        message=hit.message,
        span=hit.span,
        resource=hit.resource,
        resources=tuple(resources),
        evidence=hit.evidence,
        fingerprint=digest[:32],
        references=rule.references,
    )


def _order(finding: Finding) -> tuple[str, int, str, str]:
    return (finding.span.path, finding.span.line, finding.rule, finding.resource)
