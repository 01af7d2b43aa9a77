"""The rule interface: a rule is a decorated pure function over one module's analysis.

``@rule(...)`` returns a :class:`Rule` value and registers nothing; the registry
(:mod:`nhilint.registry`) collects the ``Rule`` attributes of the modules under
``nhilint.checks``.  A rule receives a read-only :class:`RuleContext` and yields :class:`Hit`
values; its messages are templates with named parameters (``{principal}``), filled when the
finding is made, which is where unknown values are first rendered as text.  A rule's
documentation is its check function's docstring.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import string
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import NamedTuple

from nhilint.identity import fix_hint
from nhilint.identity.graph import Automation, Grant, Graph, Principal
from nhilint.model import Because, Model, Output, Resource, Span, Unknown
from nhilint.settings import Settings
from nhilint.severity import Severity as Severity

ID_RE = re.compile(r"^[A-Z]{2,5}\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_SHOWN = 80  # characters of an unknown expression shown in a message


def show(value: object) -> str:
    """A value as one line of message text; unknown parts show their expression."""
    if isinstance(value, Unknown):
        written = " ".join((value.source or "").split())
        if not written:
            return f"(not known: {value.reason})" if value.reason else "(not known)"
        cut = written if len(written) <= _SHOWN else written[: _SHOWN - 1] + "…"
        return "${" + cut + "}"
    if isinstance(value, str):
        return " ".join(value.split()) if value.strip() else '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value)
    return " ".join(str(value).split())


class Evidence(NamedTuple):
    """One link of an evidence chain: a resource, where it is, and what it shows."""

    resource: str
    span: Span
    detail: str


class Hit(NamedTuple):
    """What a check yields: where to look, the message's parameters, and the evidence.

    ``template`` picks one of the rule's messages; ``key`` tells apart several hits of one
    rule on one resource (it is part of the fingerprint); ``principal`` names the principal
    the hit is about; ``fix`` is the platform's fix for this case; ``cause`` is why the value
    the hit is about is not known (indeterminate findings), added to its message as
    ``(cause: data-source data.aws_caller_identity.current.account_id)``.
    """

    resource: str
    span: Span
    params: Mapping[str, object]
    evidence: tuple[Evidence, ...] = ()
    template: str = "default"
    key: str = ""
    severity: Severity | None = None
    #: further resources of the evidence chain (attachments, memberships) beyond the evidence
    chain: tuple[str, ...] = ()
    principal: str = ""
    fix: str = ""
    #: the reported line holds secret material: no report may quote it
    conceal: bool = False
    #: one finding for the place it is written, however many module instances or scanned
    #: directories reach that place (a module call that cannot be read)
    per_location: bool = False
    cause: Because | None = None


class Candidate(NamedTuple):
    """A principal with at least one identity-altering grant."""

    principal: Principal
    grants: tuple[Grant, ...]

    @property
    def span(self) -> Span:
        """The principal's declaration, or the first grant when it is declared elsewhere."""
        return self.principal.span or self.grants[0].provenance.span

    @property
    def resource(self) -> str:
        """The principal's resource, or the one that grants it when it is declared elsewhere."""
        return self.principal.address or self.grants[0].provenance.holder


@dataclasses.dataclass(frozen=True)
class RuleContext:
    """Everything a rule may read about one module, read-only."""

    graph: Graph
    model: Model
    settings: Settings

    @property
    def resources(self) -> tuple[Resource, ...]:
        """The module's resources, for rules that look at resources (literal secrets …)."""
        return self.model.resources

    @property
    def outputs(self) -> tuple[Output, ...]:
        """The module's outputs (secrets exposed without ``sensitive``)."""
        return self.model.outputs

    @cached_property
    def _candidates(self) -> Mapping[Automation, tuple[Candidate, ...]]:
        found: dict[Automation, list[Candidate]] = {a: [] for a in Automation}
        for principal in self.graph.principals:
            grants = self.graph.altering_of(principal)
            if grants:
                found[principal.automation].append(Candidate(principal, grants))
        return {k: tuple(v) for k, v in found.items()}

    def candidates(self, automation: Automation = Automation.YES) -> tuple[Candidate, ...]:
        """Principals with that automation verdict that hold identity-altering grants."""
        return self._candidates[automation]

    def fix(self, platform: str, key: str) -> str:
        """The platform adapter's fix for this kind of finding."""
        return fix_hint(platform, key)


CheckFn = Callable[[RuleContext], Iterator[Hit]]


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    check: CheckFn
    messages: Mapping[str, str]
    references: tuple[str, ...] = ()
    #: the platforms (``aws``, ``gcp`` …) the rule is about; empty: every platform
    platforms: tuple[str, ...] = ()
    #: the input formats (``terraform``, ``terraform-plan``) it reads; empty: every format
    formats: tuple[str, ...] = ()
    #: where the rule comes from: ``builtin``, an installed pack's name, or the config entry
    #: (a path or a module name) that loaded it; set by :mod:`nhilint.registry`
    source: str = "builtin"

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]

    def message(self, hit: Hit) -> str:
        """The hit's message: its template filled with its parameters, shown as text."""
        template = self.messages[hit.template]
        message = template.format_map({k: show(v) for k, v in hit.params.items()})
        return message + cause_note(hit.cause) if hit.cause is not None else message


def rule(
    id: str, name: str, severity: Severity, *, message: str | Mapping[str, str],
    references: tuple[str, ...] = (), platforms: tuple[str, ...] = (),
    formats: tuple[str, ...] = (),
) -> Callable[[CheckFn], Rule]:
    """Make a check function a :class:`Rule`; the id, name and templates are validated here.

    ``platforms`` and ``formats`` say what the rule is about, for ``nhilint rules`` (empty:
    all); they do not limit what it is given.
    """
    if not ID_RE.match(id):
        raise ValueError(f"rule id {id!r} does not match {ID_RE.pattern}")
    if not NAME_RE.match(name):
        raise ValueError(f"rule name {name!r} is not kebab-case")
    messages = {"default": message} if isinstance(message, str) else dict(message)
    for key, template in messages.items():
        _check_template(id, key, template)

    def wrap(check: CheckFn) -> Rule:
        return Rule(id, name, severity, check, messages, references, tuple(platforms),
                    tuple(formats))

    return wrap


def _check_template(rule_id: str, key: str, template: str) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ValueError(f"{rule_id} message {key!r}: {exc}") from None
    if any(not f.isidentifier() for f in fields) or "\n" in template:
        raise ValueError(f"{rule_id} message {key!r}: use named {{fields}} on one line")


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
    #: the finding's line holds secret material: renderers never quote it
    conceal: bool = False
    #: reported once for its place (:attr:`Hit.per_location`)
    per_location: bool = False
    #: the inputs under which the resources it is about exist, when they are possible
    #: instances (``when var.enable_user = true``); ``""`` when they exist as configured
    condition: str = ""
    #: why the value the finding is about is not known (indeterminate findings), also the
    #: end of the message; ``None`` for the others
    cause: Because | None = None
    #: the input's own name for :attr:`resource` (a Pulumi URN), ``""`` where it has none
    origin: str = ""

    @property
    def body(self) -> str:
        """The message without its cause (renderers that cut messages keep the cause)."""
        if self.cause is None:
            return self.message
        return self.message.removesuffix(cause_note(self.cause))


def cause_note(cause: Because) -> str:
    """How a message ends with its cause: `` (cause: data-source data.x.y.id)``."""
    return f" (cause: {cause})"
