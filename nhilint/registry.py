"""The rule registry: every :class:`~nhilint.rule.Rule` of a scan, validated, with its source.

Rules come from three places, collected the same way (each module attribute that is a
``Rule``; nothing registers itself on import):

* built-in: the modules of ``nhilint.checks`` and its sub-packages (source ``builtin``);
* packs: each installed distribution's entry points in the group ``nhilint.rules``
  (``[project.entry-points."nhilint.rules"] acme = "acme_nhi_rules"``); an entry point names a
  module or package (walked like ``nhilint.checks``), or a ``Rule`` or a list of rules; the
  source is the distribution's name;
* local: the config's ``rules = ["./policy/nhi_rules.py", "mypkg.rules"]``: a path (ending in
  ``.py``, or starting with ``.`` or ``/``) is relative to the config file's directory; anything
  else is a module name, imported as installed (or on ``PYTHONPATH``); the source is the entry
  as written.

Ids and names must be unique across all of them: a duplicate is a :class:`RuleError` naming
both sources, as is a pack or local module that cannot be imported.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType

from nhilint.rule import Rule

BUILTIN = "nhilint.checks"
#: the source of the built-in rules
BUILTIN_SOURCE = "builtin"
#: the entry point group third-party rule packs register in
ENTRY_POINT_GROUP = "nhilint.rules"


class RuleError(ValueError):
    """The rule set is inconsistent (duplicate ids or names), a rule module cannot be loaded,
    or a selection names no rule."""


def collect(packages: Iterable[str] = (BUILTIN,)) -> tuple[Rule, ...]:
    """Every rule defined in the modules of ``packages``, sorted by id (source ``builtin``)."""
    return _unique((rule, BUILTIN_SOURCE, where) for rule, where in _found(packages))


def load(local: Sequence[str] = (), base: Path | None = None) -> tuple[Rule, ...]:
    """The built-in rules, every installed pack's, and the ``local`` ones (config entries,
    paths relative to ``base``), sorted by id, each with its :attr:`~nhilint.rule.Rule.source`."""
    found: list[tuple[Rule, str, str]] = [
        (rule, BUILTIN_SOURCE, where) for rule, where in _found([BUILTIN])
    ]
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        found += _pack(point)
    for entry in local:
        found += _local(entry, base or Path.cwd())
    return _unique(found)


def _unique(found: Iterable[tuple[Rule, str, str]]) -> tuple[Rule, ...]:
    by_id: dict[str, tuple[Rule, str]] = {}
    by_name: dict[str, tuple[str, str]] = {}
    for rule, source, where in found:
        shown = where if source in (BUILTIN_SOURCE, where) else f"{source} ({where})"
        if rule.id in by_id and by_id[rule.id][0] is not rule:
            raise RuleError(f"duplicate rule id {rule.id} in {shown} and {by_id[rule.id][1]}")
        if rule.name in by_name and by_name[rule.name][0] != rule.id:
            other_id, other = by_name[rule.name]
            raise RuleError(f"duplicate rule name {rule.name!r} in {shown} ({rule.id}) and "
                            f"{other} ({other_id})")
        if rule.id not in by_id:
            by_id[rule.id] = (dataclasses.replace(rule, source=source), shown)
            by_name[rule.name] = (rule.id, shown)
    return tuple(sorted((r for r, _ in by_id.values()), key=lambda r: r.id))


def _found(packages: Iterable[str]) -> Iterator[tuple[Rule, str]]:
    for package in packages:
        yield from _in_module(importlib.import_module(package))


def _in_module(root: ModuleType) -> Iterator[tuple[Rule, str]]:
    """The rules of a module, and of its sub-modules when it is a package."""
    modules = [root]
    if hasattr(root, "__path__"):
        prefix = root.__name__ + "."
        modules += [importlib.import_module(m.name)
                    for m in pkgutil.walk_packages(root.__path__, prefix)]
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Rule):
                yield value, module.__name__


def _pack(point: EntryPoint) -> list[tuple[Rule, str, str]]:
    source = point.dist.name if point.dist is not None else point.name
    try:
        loaded = point.load()
        if isinstance(loaded, ModuleType):
            return [(r, source, where) for r, where in _in_module(loaded)]
    except Exception as exc:  # a broken pack is a clear error, not a traceback
        raise RuleError(f"rule pack {source} (entry point {point.name} = {point.value}) "
                        f"cannot be loaded: {type(exc).__name__}: {exc}") from None
    rules = [loaded] if isinstance(loaded, Rule) else list(loaded)
    if not all(isinstance(r, Rule) for r in rules):
        raise RuleError(f"rule pack {source}: entry point {point.name} = {point.value} is "
                        "neither a module nor a rule or list of rules")
    return [(r, source, point.value) for r in rules]


def is_path(entry: str) -> bool:
    """A config ``rules`` entry that names a file rather than a module."""
    return entry.endswith(".py") or entry.startswith((".", "/")) or "/" in entry


def _local(entry: str, base: Path) -> list[tuple[Rule, str, str]]:
    try:
        module = _import_path(base / entry) if is_path(entry) else importlib.import_module(entry)
    except RuleError:
        raise
    except Exception as exc:
        raise RuleError(f"rules: {entry!r} cannot be loaded: {type(exc).__name__}: {exc}"
                        ) from None
    found = [(r, entry, entry) for r, _ in _in_module(module)]
    if not found:
        raise RuleError(f"rules: {entry!r} defines no rule (a module attribute made by @rule)")
    return found


def _import_path(path: Path) -> ModuleType:
    """The module in the file ``path``, imported once under a name made from its path."""
    if not path.is_file():
        raise RuleError(f"rules: no such file: {path}")
    resolved = path.resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    name = f"nhilint_local_rules.{resolved.stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, resolved)
    if spec is None or spec.loader is None:
        raise RuleError(f"rules: {path} is not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def select(
    rules: Sequence[Rule], chosen: Iterable[str] = (), ignore: Iterable[str] = ()
) -> tuple[Rule, ...]:
    """Rules chosen by id, id prefix (``NHI00``) or name; an unknown selector is an error."""
    chosen, ignore = tuple(chosen), tuple(ignore)
    for selector in chosen + ignore:
        if not any(_matches(r, selector) for r in rules):
            raise RuleError(f"no rule matches {selector!r} (see `nhilint rules`)")
    picked = [r for r in rules if not chosen or any(_matches(r, s) for s in chosen)]
    return tuple(r for r in picked if not any(_matches(r, s) for s in ignore))


def _matches(rule: Rule, selector: str) -> bool:
    return rule.id.startswith(selector.upper()) or rule.name == selector
