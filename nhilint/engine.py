"""Inputs in, findings out: parse each module, build its NHI graph, run the rules.

Per module: the parser gives a :class:`~nhilint.model.Model`, the identity adapters a merged
:class:`~nhilint.identity.graph.Graph`, each rule a stream of hits over one
:class:`~nhilint.rule.RuleContext`; hits become findings (message, fingerprint, severity after
the config's overrides).  Then, over the whole scan, the gate: inline suppressions, config
suppressions by address and the baseline hide what they name (kept as suppressed, never
dropped), and only then are findings limited to the files named on the command line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from nhilint import suppress
from nhilint.baseline import Baseline, Entry, match
from nhilint.identity import build_graph
from nhilint.identity.graph import Graph
from nhilint.model import Diagnostic, Model, ModuleCall, in_module
from nhilint.parsers.hcl.tree import module_roles
from nhilint.parsers.registry import PARSERS, SourceUnit, discover
from nhilint.registry import RuleError, collect, load, select
from nhilint.result import ScanResult
from nhilint.rule import Evidence, Finding, Hit, Rule, RuleContext, cause_note
from nhilint.settings import Settings

__all__ = ["Options", "RuleError", "collect_rules", "finding", "scan", "select_rules"]

collect_rules = collect
select_rules = select


@dataclasses.dataclass(frozen=True)
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    settings: Settings = dataclasses.field(default_factory=Settings)
    #: config entries suppressing findings by resource address
    suppress: tuple[suppress.AddressSuppression, ...] = ()
    baseline: Baseline | None = None
    #: the input kind to read (``--input-type``); ``None`` detects each file's kind
    input_type: str | None = None
    #: every rule known (the config's :attr:`~nhilint.config.Config.rules`), before
    #: ``select``/``ignore``; ``None``: the built-in rules and the installed packs'
    rules: tuple[Rule, ...] | None = None


@dataclasses.dataclass(frozen=True)
class ModuleScan:
    """What one module gave: its graph, findings, diagnostics and ignore directives."""

    path: str
    graph: Graph
    findings: tuple[Finding, ...]
    diagnostics: tuple[Diagnostic, ...]
    directives: tuple[suppress.Directive, ...] = ()
    #: directives that cannot be used (unknown rule id, malformed): errors
    errors: tuple[Diagnostic, ...] = ()


def scan(paths: Sequence[Path], options: Options) -> ScanResult:
    known = options.rules if options.rules is not None else load()
    rules = select(known, options.select, options.ignore)
    names = {r.id: r.name for r in known}
    found: list[Finding] = []
    directives: list[suppress.Directive] = []
    diagnostics: list[Diagnostic] = []
    errors: list[Diagnostic] = []
    graphs: list[tuple[str, Graph]] = []
    analysed: list[Path] = []
    files: set[str] = set()
    resources = principals = 0
    calls = {}
    named = {p for p in paths if p.is_file()}
    located: set[str] = set()
    for unit in discover(paths, options.input_type).units:
        done, model_files, model_resources, model_calls = _scan_unit(unit, rules, options, names)
        calls[unit.path] = model_calls
        files.update(model_files)
        if unit.path in named:
            located.update(model_files)  # a named plan: its findings located in its .tf too
        resources += model_resources
        principals += len(done.graph.principals)
        graphs.append((done.path, done.graph))
        analysed.append(unit.path)
        found += done.findings
        directives += (d for d in done.directives if d not in directives)
        errors += (e for e in done.errors if e not in errors)
        diagnostics += done.diagnostics
    keep = _scope(paths, located)
    errors = [e for e in errors if keep(e.path)]
    diagnostics = [d for d in diagnostics if keep(d.path)]
    gated = _gate(_once_per_location(found), directives, analysed, rules, options)
    return ScanResult(
        findings=tuple(sorted((f for f in gated.findings if _in_scope(f, keep)), key=_order)),
        diagnostics=tuple(diagnostics) + _unused(gated.unused, options, paths, keep),
        rules=rules,
        files=len(files),
        resources=resources,
        principals=principals,
        graphs=tuple(graphs),
        roles=tuple((os.path.relpath(d), r) for d, r in sorted(module_roles(calls).items())),
        suppressed=tuple(sorted(
            (s for s in gated.suppressed if _in_scope(s.finding, keep)),
            key=lambda s: _order(s.finding),
        )),
        fixed=tuple(e for e in gated.fixed if keep(_from_cwd(e, options.baseline))),
        baseline=options.baseline.path if options.baseline is not None else "",
        errors=tuple(errors),
    )


class _Gated(NamedTuple):
    findings: tuple[Finding, ...]
    suppressed: tuple[suppress.Suppressed, ...]
    unused: tuple[Diagnostic, ...]
    fixed: tuple[Entry, ...]


def _gate(
    found: Sequence[Finding],
    directives: Sequence[suppress.Directive],
    analysed: Sequence[Path],
    rules: Sequence[Rule],
    options: Options,
) -> _Gated:
    """Suppressions, then the baseline, over every finding of the analysed modules (before
    the named-files limit, so that a baseline entry of a file not named is not "fixed")."""
    outcome = suppress.apply(found, directives, options.suppress, {r.id for r in rules})
    if options.baseline is None:
        return _Gated(outcome.findings, outcome.suppressed, outcome.unused, ())
    split = match(outcome.findings, options.baseline, [str(d) for d in analysed])
    why = suppress.Suppression("baseline", "in the baseline", options.baseline.path)
    known = tuple(suppress.Suppressed(f, why) for f in split.known)
    return _Gated(split.new, outcome.suppressed + known, outcome.unused, split.fixed)


def _unused(
    unused: Sequence[Diagnostic],
    options: Options,
    paths: Sequence[Path],
    keep: Callable[[str], bool],
) -> tuple[Diagnostic, ...]:
    """The NHI902 diagnostics to show: inline ones in the files in scope; config entries'
    only when whole directories were scanned (a pre-commit run names a few files, and an
    entry about a resource elsewhere is not unused)."""
    config = {s.path for s in options.suppress}
    named_files = any(p.is_file() for p in paths)
    return tuple(
        d for d in unused
        if (d.path in config and not named_files) or (d.path not in config and keep(d.path))
    )


def _from_cwd(entry: Entry, baseline: Baseline | None) -> str:
    """A baseline entry's file, relative to the working directory like finding paths."""
    root = baseline.root if baseline is not None else Path.cwd()
    return os.path.relpath(root / entry.path)


def _scan_unit(
    unit: SourceUnit, rules: Sequence[Rule], options: Options, names: Mapping[str, str]
) -> tuple[ModuleScan, tuple[str, ...], int, tuple[ModuleCall, ...]]:
    """One unit parsed and analysed; its model (and the syntax trees that lazily evaluated
    values keep) is freed when this returns, before the next unit is parsed."""
    model = PARSERS[unit.kind].parse(unit.path, unit.tree)
    done = analyse(model, unit.path, rules, options.settings)
    inline, errors = suppress.directives(
        model.comments, names, options.settings.require_suppression_reason
    )
    done = dataclasses.replace(
        done, diagnostics=model.diagnostics + done.diagnostics,
        directives=tuple(inline), errors=tuple(errors),
    )
    return done, model.files, len(model.resources), model.module_calls


def _in_scope(found: Finding, keep: Callable[[str], bool]) -> bool:
    """A finding located in the scanned paths, or reached through them: a module called from
    a named file (or a scanned directory) reports there too."""
    return keep(found.span.path) or any(
        keep(e.span.path) for e in found.evidence if e.detail.startswith("module call ")
    )


def _scope(paths: Sequence[Path], located: Iterable[str] = ()) -> Callable[[str], bool]:
    """Named files report only what is located in them (their whole module is analysed), or,
    for a named plan, in the ``.tf`` files it was located in (``located``)."""
    files = {os.path.relpath(p) for p in paths if p.is_file()} | set(located)
    dirs = tuple(os.path.relpath(p) for p in paths if not p.is_file())

    def keep(path: str) -> bool:
        return path in files or any(
            d == "." or path == d or path.startswith(d + os.sep)
            for d in dirs
        )

    return keep


def analyse(model: Model, directory: Path, rules: Sequence[Rule], settings: Settings) -> ModuleScan:
    """One module's graph and findings; an internal error is a diagnostic, never a crash.

    A rule that raises is a diagnostic naming the rule (and where it comes from); the other
    rules still run, and only that rule's findings in this module are missing."""
    shown = os.path.relpath(directory)
    try:
        failed: dict[str, Diagnostic] = {}
        graph, found = _judged(model, rules, settings, failed=failed)
        seen = {f.fingerprint for f in found}
        for variant in model.variants:  # a branch of a conditional the defaults do not take
            _, more = _judged(variant, rules, settings, variant=True, failed=failed)
            found += [f for f in more if f.fingerprint not in seen]
            seen |= {f.fingerprint for f in more}
        diagnostics = tuple(d._replace(path=shown) for d in failed.values())
        return ModuleScan(shown, graph, tuple(found), diagnostics)
    except Exception as exc:  # one module's failure must not end the scan
        message = f"internal error while analysing this module: {type(exc).__name__}: {exc}"
        return ModuleScan(shown, Graph(), (), (Diagnostic("NHI900", shown, 1, message),))


def _judged(model: Model, rules: Sequence[Rule], settings: Settings, variant: bool = False,
            failed: dict[str, Diagnostic] | None = None) -> tuple[Graph, list[Finding]]:
    graph = build_graph(model, settings)
    context = RuleContext(graph, model, settings)
    chains = _module_chains(model)
    conditions = {r.address: r.condition for r in model.resources if r.condition}
    found: list[Finding] = []
    for r in rules:
        if failed is not None and r.id in failed:
            continue
        try:
            hits = list(r.check(context))
            made = [finding(r, _with_chain(hit, chains), settings) for hit in hits]
        except Exception as exc:  # one rule's failure must not silence the others
            if failed is None:
                raise
            failed[r.id] = Diagnostic("NHI900", "", 1, rule_failure(r, exc))
            continue
        found += [_conditional(f, conditions, variant) for f in made]
    origins = {r.address: r.origin for r in model.resources if r.origin}
    if origins:  # a Pulumi URN, reported beside the address
        found = [dataclasses.replace(f, origin=origins.get(f.resource, "")) for f in found]
    return graph, found


def rule_failure(rule: Rule, exc: Exception) -> str:
    """The diagnostic's message for a rule that raised: which rule, from where, what."""
    where = "built-in" if rule.source == "builtin" else f"from {rule.source}"
    return (f"internal error in rule {rule.id} ({rule.name}, {where}): "
            f"{type(exc).__name__}: {exc}; its findings in this module are missing")


def _module_chains(model: Model) -> Mapping[str, tuple[Evidence, ...]]:
    """For each resource declared in a called module (and each call made inside one), the
    module calls that lead to it from the root (outermost first), as evidence."""
    calls = {instance: call for call in model.module_calls for instance in call.instances}

    def chain_of(module: str) -> tuple[Evidence, ...]:
        chain: list[Evidence] = []
        while module in calls and len(chain) <= len(calls):
            call = calls[module]
            source = call.source if isinstance(call.source, str) else "?"
            chain.append(Evidence(module, call.span, f"module call {module} (source {source})"))
            module = call.module
        return tuple(reversed(chain))

    owners = [(r.address, r.module) for r in model.resources]
    owners += [(c.address, c.module) for c in model.module_calls]
    return {address: chain for address, module in owners if (chain := chain_of(module))}


def _conditional(found: Finding, conditions: Mapping[str, str], variant: bool = False,
                 ) -> Finding:
    """A finding about a possible instance says under which inputs it exists; one whose
    evidence holds possible instances (or, in a variant, branches the defaults do not take)
    says which and when.  A finding only a variant gives exists under those inputs."""
    condition = conditions.get(found.resource, "")
    others = {r: c for r in found.resources if (c := conditions.get(r)) and r != found.resource}
    said = condition or "; ".join(f"with {r} {c}" for r, c in others.items())
    if not said:
        return found
    if variant and not condition:
        condition = " and ".join(dict.fromkeys(others.values())).replace(" and when ", " and ")
    end = cause_note(found.cause) if found.cause is not None else ""
    return dataclasses.replace(found, message=f"{found.body} ({said}){end}",
                               condition=condition)


def _with_chain(hit: Hit, chains: Mapping[str, tuple[Evidence, ...]]) -> Hit:
    """The hit with the module calls leading to its resource at the end of its evidence."""
    chain = chains.get(hit.resource, ())
    return hit._replace(evidence=hit.evidence + chain) if chain else hit


def finding(rule: Rule, hit: Hit, settings: Settings | None = None) -> Finding:
    """A hit with its rule's metadata; its severity is the config's override when there is one.

    The fingerprint hashes what the finding is about (rule, resource, the rule's key, the
    principal): no line, no file name, no wording, so it survives moves and rewording.
    """
    resources = dict.fromkeys([hit.resource, *(e.resource for e in hit.evidence), *hit.chain])
    about = in_module(hit.resource) if hit.per_location else hit.resource
    identity = "\0".join((rule.id, about, hit.key, hit.principal))
    severity = hit.severity if hit.severity is not None else rule.severity
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=(settings or Settings()).severity_of(rule.id, severity),
        message=rule.message(hit),
        span=hit.span,
        resource=hit.resource,
        resources=tuple(resources),
        evidence=hit.evidence,
        fingerprint=hashlib.sha256(identity.encode()).hexdigest()[:32],
        references=rule.references,
        principal=hit.principal,
        fix=hit.fix,
        conceal=hit.conceal,
        cause=hit.cause,
        per_location=hit.per_location,
    )


def _once_per_location(found: Sequence[Finding]) -> list[Finding]:
    """Findings marked per location kept once for their place (the shortest address)."""
    first: dict[tuple[str, str, int | None], Finding] = {}
    for f in sorted((f for f in found if f.per_location), key=lambda f: len(f.resource)):
        first.setdefault((f.fingerprint, f.span.path, f.span.line), f)
    kept = set(map(id, first.values()))
    return [f for f in found if not f.per_location or id(f) in kept]


def _order(finding: Finding) -> tuple[str, int, str, str]:
    return (finding.span.path, finding.span.line or 0, finding.rule, finding.resource)
