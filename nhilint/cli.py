"""The command line: ``nhilint [check] [PATHS…]``, ``nhilint inventory [PATHS…]``,
``nhilint rules``, ``nhilint rule ID``, ``nhilint init``, ``nhilint baseline``,
``nhilint checkov-checks-dir``, ``nhilint pulumi-policy-pack DIR``."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from nhilint import __version__, baseline
from nhilint.atomic import write_atomically
from nhilint.baseline import BaselineError
from nhilint.config import Config, ConfigError, discover, load
from nhilint.engine import Options, RuleError, collect_rules, scan, select_rules
from nhilint.integrations.checkov import CHECKS_DIR
from nhilint.integrations.pulumi_pack import PackError, write_pack
from nhilint.inventory import RENDERERS as INVENTORY_FORMATS
from nhilint.parsers.hcl.tfvars import tfvars_files
from nhilint.parsers.registry import PARSERS
from nhilint.parsers.registry import discover as discover_inputs
from nhilint.registry import load as load_rules
from nhilint.report import RENDERERS
from nhilint.result import ScanResult
from nhilint.rule import Rule, Severity
from nhilint.starter import StarterError, write_starter

COMMANDS = ("check", "inventory", "rules", "rule", "checkov-checks-dir", "init", "baseline",
            "pulumi-policy-pack")
DEFAULT_BASELINE = ".nhilint-baseline.json"
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line (``nhilint: error: …``) and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"nhilint: error: {message} (see '{self.prog} --help')\n")


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _severity(value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _input_type(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input-type", choices=("auto", *PARSERS), default="auto",
        help="read inputs as this kind only (default: auto, each file by its name or content)",
    )


def _kind(ns: argparse.Namespace) -> str | None:
    """The ``--input-type`` chosen, ``None`` for detection."""
    return None if ns.input_type == "auto" else str(ns.input_type)


def _paths(command: argparse.ArgumentParser) -> None:
    command.add_argument("paths", nargs="*", type=Path, default=[Path(".")], metavar="PATH")


def _rule_selection(command: argparse.ArgumentParser) -> None:
    command.add_argument("--select", type=_csv, default=[], help="only these rules (ids, names)")
    command.add_argument("--ignore", type=_csv, default=[], help="skip these rules (ids, names)")


def _check_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    check = commands.add_parser("check", help="scan Terraform for risky automation principals")
    _paths(check)
    check.add_argument("--format", choices=sorted(RENDERERS), default="text")
    check.add_argument("--output", type=Path, help="write the report here instead of stdout")
    check.add_argument(
        "--fail-on", type=_severity, default=None, metavar="SEVERITY",
        help="exit 1 when a finding is at or above this severity (default: high)",
    )
    check.add_argument(
        "--config", type=Path, help="config file (default: the .nhilint.toml or pyproject.toml "
        "[tool.nhilint] nearest to the first PATH, else to the working directory)",
    )
    _rule_selection(check)
    check.add_argument(
        "--strict", action="store_true",
        help="exit 2 when an input could not be read; exit 1 on any indeterminate (NHI901) finding"
    )
    check.add_argument(
        "--baseline", type=Path, metavar="FILE",
        help="hide the findings this baseline holds (see 'nhilint baseline'); list the fixed",
    )
    check.add_argument(
        "--show-suppressed", action="store_true",
        help="list the findings hidden by suppressions and the baseline (always counted)",
    )
    _input_type(check)


def _baseline_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    baseline = commands.add_parser(
        "baseline", help="write the current findings as a baseline for 'check --baseline'"
    )
    _paths(baseline)
    baseline.add_argument(
        "-o", "--output", type=Path, default=Path(DEFAULT_BASELINE), metavar="FILE",
        help=f"the baseline file to write (default: {DEFAULT_BASELINE})",
    )
    baseline.add_argument("--config", type=Path, help="config file (as for check)")
    _rule_selection(baseline)
    _input_type(baseline)


def _inventory_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    inventory = commands.add_parser(
        "inventory", help="list every principal: kind, automation, grants, secrets, trust, owner"
    )
    _paths(inventory)
    inventory.add_argument(
        "--format", choices=sorted(INVENTORY_FORMATS), default="text",
        help="text (default); json (schema nhilint/inventory/v1); markdown; csv",
    )
    inventory.add_argument("--output", type=Path, help="write the inventory here, not stdout")
    inventory.add_argument("--config", type=Path, help="config file (as for check)")
    _input_type(inventory)


def parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="nhilint",
        description="Find automation identities that can change who has access.",
    )
    top.add_argument("--version", action="version", version=f"nhilint {__version__}")
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _check_parser(commands)
    _baseline_parser(commands)
    _inventory_parser(commands)
    listed = commands.add_parser(
        "rules", help="list the rules: built-in, installed packs' and the config's own"
    )
    listed.add_argument("--config", type=Path, help="config file (default: the nearest to the "
                        "working directory), for its custom rules")
    one = commands.add_parser("rule", help="show one rule's documentation")
    one.add_argument("id")
    one.add_argument("--config", type=Path, help="config file (as for rules)")
    commands.add_parser(
        "checkov-checks-dir", help="print the directory to pass to checkov --external-checks-dir"
    )
    init = commands.add_parser("init", help="write a commented starter .nhilint.toml")
    init.add_argument(
        "dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
        help="where to write it (default: the working directory)",
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing .nhilint.toml")
    pack = commands.add_parser(
        "pulumi-policy-pack",
        help="write a Pulumi CrossGuard policy pack running nhilint "
        "(for pulumi preview --policy-pack DIR)",
    )
    pack.add_argument("dir", type=Path, metavar="DIR", help="where to write it (made if missing)")
    pack.add_argument("--force", action="store_true", help="overwrite the pack's existing files")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help", "--version")):
        args.insert(0, "check")
    ns = parser().parse_args(args)
    try:
        if ns.command == "rules":
            return _list_rules(_known_rules(ns))
        if ns.command == "rule":
            return _show_rule(_known_rules(ns), ns.id)
        if ns.command == "checkov-checks-dir":
            print(CHECKS_DIR)
            return EXIT_OK
        if ns.command == "init":
            return _init(ns.dir, ns.force)
        if ns.command == "pulumi-policy-pack":
            return _pulumi_pack(ns.dir, ns.force)
        if ns.command == "baseline":
            return _write_baseline(ns)
        if ns.command == "inventory":
            return _inventory(ns)
        return _check(ns)
    except (RuleError, ConfigError, BaselineError) as exc:
        print(f"nhilint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _check(ns: argparse.Namespace) -> int:
    if _missing(ns.paths):
        return EXIT_ERROR
    config = _config(ns)
    known = baseline.load(ns.baseline) if ns.baseline is not None else None
    fail_on: Severity = ns.fail_on if ns.fail_on is not None else _config_severity(config)
    result = scan(ns.paths, _options(ns, config, known))
    if result.errors:
        return _errors(result)
    result = dataclasses.replace(result, show_suppressed=ns.show_suppressed)
    if not _emit(RENDERERS[ns.format](result), ns.output, "report"):
        return EXIT_ERROR
    unread = _warn_unscanned(ns.paths, _kind(ns))
    if ns.strict and unread:
        return EXIT_ERROR
    return exit_code(result, fail_on, ns.strict)


def _inventory(ns: argparse.Namespace) -> int:
    """Every principal of the scanned modules; the rules are not run (the inventory is what
    they read), so no finding, suppression or gate applies."""
    if _missing(ns.paths):
        return EXIT_ERROR
    config = _config(ns)
    every_rule = tuple(r.id for r in config.rules or collect_rules())
    options = Options(ignore=every_rule, settings=config.settings, input_type=_kind(ns),
                      rules=config.rules)
    result = scan(ns.paths, options)
    if not _emit(INVENTORY_FORMATS[ns.format](result), ns.output, "inventory"):
        return EXIT_ERROR
    _warn_unscanned(ns.paths, _kind(ns), findings=False)
    return EXIT_OK


def _missing(paths: Sequence[Path]) -> bool:
    """Say which named paths do not exist, if any."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"nhilint: error: no such file or directory: {', '.join(missing)}", file=sys.stderr)
    return bool(missing)


def _emit(text: str, output: Path | None, what: str) -> bool:
    """Write ``text`` to stdout, or whole to ``output``; say why it could not be written."""
    if output is None:
        sys.stdout.write(text)
        return True
    try:
        write_atomically(output, text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"nhilint: error: cannot write {what} to {output}: {reason}", file=sys.stderr)
        return False
    return True


def _warn_unscanned(
    paths: Sequence[Path], kind: str | None = None, findings: bool = True
) -> list[Path]:
    unread = unscanned(paths, kind)
    for path in unread:
        print(f"nhilint: warning: {_nothing_in(path, kind)}; nothing was scanned",
              file=sys.stderr)
    if kind is None and findings:  # the inventory lists both, each as what it is
        for directory in both_inputs(paths):
            print(f"nhilint: warning: {directory} holds Terraform files and a plan of them: "
                  "both are scanned, so findings may show twice (pick one with --input-type)",
                  file=sys.stderr)
    return unread


def both_inputs(paths: Sequence[Path]) -> list[str]:
    """The module directories that also hold a plan JSON file, when both are scanned."""
    units = discover_inputs(paths).units
    modules = {u.path for u in units if u.kind == "terraform"}
    plans = {u.path.parent for u in units if u.kind == "terraform-plan"}
    return sorted(str(d) for d in modules & plans)


def _options(
    ns: argparse.Namespace, config: Config, known: baseline.Baseline | None = None
) -> Options:
    return Options(
        select=tuple(ns.select) or config.select,
        ignore=tuple(ns.ignore) or config.ignore,
        settings=dataclasses.replace(config.settings, today=datetime.date.today()),
        suppress=config.suppress,
        baseline=known,
        input_type=_kind(ns),
        rules=config.rules,
    )


def _errors(result: ScanResult) -> int:
    """Suppressions that cannot be used: each on one line, nothing written, exit 2."""
    for error in result.errors:
        print(f"nhilint: error: {error.path}:{error.line}: {error.message}", file=sys.stderr)
    return EXIT_ERROR


def _write_baseline(ns: argparse.Namespace) -> int:
    if _missing(ns.paths):
        return EXIT_ERROR
    result = scan(ns.paths, _options(ns, _config(ns)))
    if result.errors:
        return _errors(result)
    try:
        write_atomically(ns.output, baseline.render(result.findings, ns.output))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"nhilint: error: cannot write baseline to {ns.output}: {reason}", file=sys.stderr)
        return EXIT_ERROR
    hidden = f" ({len(result.suppressed)} suppressed left out)" if result.suppressed else ""
    print(f"nhilint: wrote {len(result.findings)} finding(s) to {ns.output}{hidden}")
    return EXIT_OK


def unscanned(paths: Sequence[Path], kind: str | None = None) -> list[Path]:
    """The named paths that hold no input nhilint reads (of ``kind`` when one is given)."""
    return list(discover_inputs(paths, kind).unread)


def _is_tfvars(path: Path) -> bool:
    return path.name in {p.name for p in tfvars_files(path.parent)}


def _nothing_in(path: Path, kind: str | None = None) -> str:
    where = "under" if path.is_dir() else "in"
    if kind == "terraform-plan":
        return f"no Terraform plan JSON found {where} {path}"
    if kind == "pulumi-json":
        return f"no Pulumi preview or stack export JSON found {where} {path}"
    if kind == "pulumi-yaml":
        return f"no Pulumi YAML project (Pulumi.yaml with runtime: yaml) found {where} {path}"
    if kind == "pulumi-python":
        return f"no Pulumi Python project (Pulumi.yaml with runtime: python) found {where} {path}"
    if path.is_dir():
        return f"no Terraform files (*.tf, *.tf.json) or plan JSON found under {path}"
    if _is_tfvars(path):
        return f"no Terraform files (*.tf, *.tf.json) found beside {path}"
    return f"{path} is not a Terraform file (*.tf, *.tf.json) or a Terraform plan (JSON)"


def _config(ns: argparse.Namespace) -> Config:
    """``--config FILE``, else the config nearest to the first scanned path, else to the
    working directory (:func:`nhilint.config.discover`)."""
    if ns.config is not None and not ns.config.is_file():
        raise ConfigError(f"no such config file: {ns.config}")
    return load(ns.config if ns.config is not None else discover(ns.paths))


def _init(directory: Path, force: bool) -> int:
    try:
        written = write_starter(directory, force)
    except StarterError as exc:
        print(f"nhilint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(written)
    return EXIT_OK


def _pulumi_pack(directory: Path, force: bool) -> int:
    try:
        written = write_pack(directory, force)
    except PackError as exc:
        print(f"nhilint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for path in written:
        print(path)
    print(f"nhilint: run it with: pulumi preview --policy-pack {directory}", file=sys.stderr)
    return EXIT_OK


def _config_severity(config: Config) -> Severity:
    try:
        return Severity.parse(config.fail_on or "high")
    except ValueError as exc:
        raise ConfigError(f"{config.source}: fail-on: {exc}") from None


#: the rule whose findings say a value a rule needed is not known: with ``--strict`` they fail
INDETERMINATE = "NHI901"


def exit_code(result: ScanResult, fail_on: Severity, strict: bool) -> int:
    """2 for an unreadable input under ``--strict``; 1 for a finding at or above ``fail_on``
    (and, under ``--strict``, for any indeterminate one: an unknown is never a pass); else 0."""
    if strict and any(d.code == "NHI900" for d in result.diagnostics):
        return EXIT_ERROR
    failing = any(
        f.severity >= fail_on or (strict and f.rule == INDETERMINATE) for f in result.findings
    )
    return EXIT_FINDINGS if failing else EXIT_OK


def _known_rules(ns: argparse.Namespace) -> tuple[Rule, ...]:
    """Every rule: built-in, the installed packs', and those the config names."""
    if ns.config is not None and not ns.config.is_file():
        raise ConfigError(f"no such config file: {ns.config}")
    config = load(ns.config if ns.config is not None else discover([]))
    return config.rules if config.rules is not None else load_rules()


def _list_rules(rules: Sequence[Rule]) -> int:
    """One line per rule: id, name, severity, source, platforms, formats, summary."""
    rows = [(r.id, r.name, r.severity.label, r.source, ",".join(r.platforms) or "all",
             ",".join(r.formats) or "all", r.summary) for r in rules]
    header = ("ID", "NAME", "SEVERITY", "SOURCE", "PLATFORMS", "FORMATS", "SUMMARY")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(6)]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[6])
    return EXIT_OK


def _show_rule(rules: Sequence[Rule], rule_id: str) -> int:
    (rule,) = select_rules(rules, [rule_id])[:1] or (None,)
    if rule is None:
        raise RuleError(f"no rule {rule_id!r}")
    print(f"# {rule.id} {rule.name} ({rule.severity.label})\n\nsource: {rule.source}\n\n"
          f"{rule.doc}")
    return EXIT_OK
