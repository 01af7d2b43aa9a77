"""The rule registry: every :class:`~nhilint.rule.Rule` defined under a package, validated.

``collect(["nhilint.checks"])`` walks the package and its sub-packages (``checks/gcp/`` …)
and gathers each module attribute that is a ``Rule``; nothing registers itself on import.
Ids and names must be unique.  Third-party packs (the ``nhilint.rules`` entry point) and local
rule modules will be collected the same way.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator, Sequence

from nhilint.rule import Rule

BUILTIN = "nhilint.checks"


class RuleError(ValueError):
    """The rule set is inconsistent (duplicate ids or names) or a selection names no rule."""


def collect(packages: Iterable[str] = (BUILTIN,)) -> tuple[Rule, ...]:
    """Every rule defined in the modules of ``packages``, sorted by id."""
    by_id: dict[str, tuple[Rule, str]] = {}
    by_name: dict[str, str] = {}
    for rule, where in _found(packages):
        if rule.id in by_id and by_id[rule.id][0] is not rule:
            raise RuleError(f"duplicate rule id {rule.id} in {where} and {by_id[rule.id][1]}")
        if by_name.get(rule.name, rule.id) != rule.id:
            raise RuleError(f"duplicate rule name {rule.name!r} in {where}")
        by_id[rule.id] = (rule, where)
        by_name[rule.name] = rule.id
    return tuple(sorted((r for r, _ in by_id.values()), key=lambda r: r.id))


def _found(packages: Iterable[str]) -> Iterator[tuple[Rule, str]]:
    for package in packages:
        root = importlib.import_module(package)
        names = [package]
        if hasattr(root, "__path__"):
            names += [m.name for m in pkgutil.walk_packages(root.__path__, package + ".")]
        for name in names:
            module = importlib.import_module(name)
            for value in vars(module).values():
                if isinstance(value, Rule):
                    yield value, name


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
