"""The rule interface: a rule is a decorated pure function over the NHI graph.

``@rule(...)`` returns a :class:`Rule` value and registers nothing; the engine collects the
``Rule`` attributes of the modules under ``nhilint.checks``.  A rule's documentation is its
check function's docstring.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from nhilint.identity.graph import Evidence, Graph
from nhilint.model import Span
from nhilint.settings import Settings

ID_RE = re.compile(r"^[A-Z]{2,5}\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


class Hit(NamedTuple):
    """What a check yields: where to look, what it means, and the evidence chain."""

    resource: str
    span: Span
    message: str
    evidence: tuple[Evidence, ...] = ()
    kind: str = ""
    severity: Severity | None = None
    #: further resources of the evidence chain (attachments, memberships) beyond the evidence
    chain: tuple[str, ...] = ()


CheckFn = Callable[[Graph, Settings], Iterator[Hit]]


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    check: CheckFn
    references: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]


def rule(
    id: str, name: str, severity: Severity, references: tuple[str, ...] = ()
) -> Callable[[CheckFn], Rule]:
    """Make a check function a :class:`Rule`; the id and name are validated here."""
    if not ID_RE.match(id):
        raise ValueError(f"rule id {id!r} does not match {ID_RE.pattern}")
    if not NAME_RE.match(name):
        raise ValueError(f"rule name {name!r} is not kebab-case")

    def wrap(check: CheckFn) -> Rule:
        return Rule(id, name, severity, check, references)

    return wrap


@dataclasses.dataclass(frozen=True)
class Finding:
    """A rule's hit with the rule's metadata, as every renderer sees it."""

    rule: str
    name: str
    severity: Severity
    message: str
    span: Span
    resource: str
    resources: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    fingerprint: str
    references: tuple[str, ...] = ()
    #: how a reviewer names the principal the finding is about (``aws_iam_user.ci``); empty
    #: for findings about something else (a policy).  Renderers group findings by it.
    principal: str = ""
    #: the fix for this case, from the platform adapter's data
    fix: str = ""
