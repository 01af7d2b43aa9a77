"""nhilint's findings looked up one resource at a time, for tools that judge resource by resource.

checkov hands a check one resource: the file that declares it and its address.  The answer
comes from nhilint's engine run on that file's whole module directory, since a principal, its
key and its policy are often in three files.  Each directory is scanned once in a process, with
the configuration ``nhilint check`` would use on it (the nearest to that directory, else to the
working directory: :func:`nhilint.config.discover`), its inline and config suppressions
applied as ``nhilint check`` applies them.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
import re
from collections.abc import Mapping
from pathlib import Path

from nhilint.config import discover, find, load
from nhilint.engine import Options, collect_rules, scan, select_rules
from nhilint.parsers.registry import detect
from nhilint.rule import Finding, Rule

#: the resource types (fnmatch patterns) a finding can be about: every resource nhilint judges
#: today is an AWS IAM one (tests/integrations/test_lookup.py holds the fixtures to it)
RESOURCE_TYPES = ("aws_iam_*",)

#: one ``module.NAME`` or ``module.NAME[KEY]`` step of an address, with its trailing dot
_MODULE_STEP = re.compile(r'module\.[A-Za-z_][\w-]*(?:\["(?:[^"\\]|\\.)*"\]|\[\d+\])?\.')

Index = Mapping[tuple[str, str], tuple[Finding, ...]]


@functools.cache
def options(directory: str | None = None) -> Options:
    """The options ``nhilint check DIRECTORY`` would take from its configuration (``None``:
    the working directory's)."""
    config = load(discover([Path(directory)]) if directory else find(Path.cwd()))
    return Options(
        select=config.select, ignore=config.ignore,
        settings=dataclasses.replace(config.settings, today=datetime.date.today()),
        suppress=config.suppress,
    )


def rules() -> tuple[Rule, ...]:
    """The rules the working directory's configuration selects (checkov registers a check per
    rule before it hands over any resource)."""
    return select_rules(collect_rules(), options().select, options().ignore)


def local_address(address: str) -> str:
    """The address inside its module: ``module.bots["a"].aws_iam_user.bot`` is
    ``aws_iam_user.bot`` (nhilint judges a module's source once, for all its instances)."""
    while match := _MODULE_STEP.match(address):
        address = address[match.end() :]
    return address


@functools.cache
def module_findings(directory: str) -> Index:
    """The findings of the module in ``directory``, by (absolute file, resource address)."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return {}
    paths = (Path(directory, name) for name in names)
    files = [p for p in paths if p.is_file() and detect(p) is not None]
    if not files:
        return {}
    index: dict[tuple[str, str], list[Finding]] = {}
    for found in scan(files, options(directory)).findings:
        index.setdefault((os.path.abspath(found.span.path), found.resource), []).append(found)
    return {key: tuple(value) for key, value in index.items()}


def findings_for(path: str, address: str, rule_id: str) -> tuple[Finding, ...]:
    """The findings of rule ``rule_id`` about the resource at ``address`` declared in ``path``."""
    path = os.path.abspath(path)
    found = module_findings(os.path.dirname(path)).get((path, local_address(address)), ())
    return tuple(f for f in found if f.rule == rule_id)
