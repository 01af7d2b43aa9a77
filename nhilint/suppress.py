"""Accepting a finding on purpose: inline comments, config entries by address, the baseline.

One grammar in every input that has comments (``#``, ``//`` and ``/* */`` in HCL)::

    # nhilint: ignore[NHI001,NHI004] -- the CI user is replaced by OIDC in PLAT-1234
    resource "aws_iam_user" "ci" {

A directive applies to the findings located on its own line (a comment after the resource's
opening line) or on the line below it; directives stacked on consecutive lines above a resource
all apply to it.  Rule ids are required.  Inputs without comments (plan JSON) are suppressed by
resource address in the config.  A suppressed finding is kept with the reason and where it was
accepted, counted in every report and listed on request; a directive or config entry that hides
nothing is reported as NHI902.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Literal, NamedTuple

from nhilint.model import Comment, Diagnostic
from nhilint.rule import Finding

__all__ = [
    "UNUSED",
    "AddressSuppression",
    "Directive",
    "Suppressed",
    "Suppression",
    "apply",
    "directives",
]

#: the diagnostic code of a suppression that suppresses nothing
UNUSED = "NHI902"
#: the code of a suppression that cannot be used (an error: exit 2)
INVALID = "NHI903"

Kind = Literal["inline", "config", "baseline"]

_OPEN = re.compile(r"^\s*(?:#|//|/\*)")
_CLOSE = re.compile(r"\*/\s*$")
_DIRECTIVE = re.compile(r"^\s*nhilint\s*:", re.IGNORECASE)
_GRAMMAR = re.compile(
    r"^\s*nhilint:\s*ignore\[(?P<ids>[^\]]*)\](?:\s*--\s*(?P<reason>.*?))?\s*$"
)
_ID = re.compile(r"^[A-Z]{2,5}\d{3}$")  # the shape of every rule id (nhilint.rule.ID_RE)


class Suppression(NamedTuple):
    """Why a finding is hidden: how (``inline``, ``config``, ``baseline``), the reason given,
    and where (``main.tf:7``, ``.nhilint.toml: suppress[1]``, ``.nhilint-baseline.json``)."""

    kind: Kind
    reason: str
    source: str


class Suppressed(NamedTuple):
    finding: Finding
    suppression: Suppression


@dataclasses.dataclass(frozen=True)
class Directive:
    """One ``nhilint: ignore[...]`` comment."""

    path: str
    line: int
    rules: tuple[str, ...]
    reason: str

    @property
    def source(self) -> str:
        return f"{self.path}:{self.line}"


@dataclasses.dataclass(frozen=True)
class AddressSuppression:
    """A config entry: the findings of ``rules`` about the resource at ``address``."""

    address: str
    rules: tuple[str, ...]
    reason: str
    #: where it is written, for messages: ``.nhilint.toml: suppress[1]``
    source: str
    #: the config file and the line of the entry's ``[[suppress]]`` header
    path: str = ""
    line: int = 1


def directives(
    comments: Iterable[Comment], rules: Mapping[str, str], require_reason: bool
) -> tuple[list[Directive], list[Diagnostic]]:
    """The ignore directives among ``comments`` and the problems of those that cannot be used.

    ``rules`` maps every known rule id to its name (a name written instead of an id is
    refused with the id to write).
    """
    found: list[Directive] = []
    problems: list[Diagnostic] = []
    for comment in comments:
        body = _CLOSE.sub("", _OPEN.sub("", comment.text, count=1))
        if not _DIRECTIVE.match(body):
            continue
        parsed = _directive(comment, body, rules, require_reason)
        if isinstance(parsed, Directive):
            found.append(parsed)
        else:
            problems.append(Diagnostic(INVALID, comment.path, comment.line, parsed))
    return found, problems


def _directive(
    comment: Comment, body: str, rules: Mapping[str, str], require_reason: bool
) -> Directive | str:
    match = _GRAMMAR.match(body)
    if match is None:
        return (
            f"malformed suppression {body.strip()!r}: "
            "write '# nhilint: ignore[NHI001,NHI004] -- reason'"
        )
    ids = [part.strip() for part in match.group("ids").split(",") if part.strip()]
    if not ids:
        return "suppression names no rule: write the rule ids, as in ignore[NHI001]"
    for rule_id in ids:
        problem = _unknown(rule_id, rules)
        if problem:
            return problem
    reason = (match.group("reason") or "").strip()
    if require_reason and not reason:
        return (
            "suppression without a reason (require-suppression-reason is on): "
            f"add '-- why' after ignore[{','.join(ids)}]"
        )
    return Directive(comment.path, comment.line, tuple(dict.fromkeys(ids)), reason)


def _unknown(rule_id: str, rules: Mapping[str, str]) -> str:
    if rule_id in rules:
        return ""
    by_name = {name: known for known, name in rules.items()}
    if rule_id in by_name:
        return f"suppression names rule {rule_id!r} by name: write its id {by_name[rule_id]!r}"
    close = difflib.get_close_matches(rule_id.upper(), list(rules), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shape = "" if _ID.match(rule_id) else " (rule ids look like NHI001)"
    return f"suppression names unknown rule {rule_id!r}{hint or shape}"


class Outcome(NamedTuple):
    """The findings that stand, those suppressed, and the suppressions that hid nothing."""

    findings: tuple[Finding, ...]
    suppressed: tuple[Suppressed, ...]
    unused: tuple[Diagnostic, ...]


def apply(
    findings: Sequence[Finding],
    inline: Sequence[Directive],
    configured: Sequence[AddressSuppression],
    ran: Collection[str],
) -> Outcome:
    """Hide the findings the directives and config entries name; report the unused ones.

    ``ran`` are the ids of the rules that ran: a suppression of a rule that did not run (left
    out with ``--select``) is not unused.
    """
    targets = _targets(inline)
    used_inline: set[tuple[int, str]] = set()
    used_config: set[tuple[int, str]] = set()
    kept: list[Finding] = []
    hidden: list[Suppressed] = []
    for finding in findings:
        suppression = _inline(finding, targets, inline, used_inline)
        if suppression is None:
            suppression = _configured(finding, configured, used_config)
        if suppression is None:
            kept.append(finding)
        else:
            hidden.append(Suppressed(finding, suppression))
    unused = [
        Diagnostic(UNUSED, d.path, d.line, _unused_message(rule_id))
        for n, d in enumerate(inline)
        for rule_id in d.rules
        if rule_id in ran and (n, rule_id) not in used_inline
    ]
    unused += [
        Diagnostic(UNUSED, s.path, s.line, f"{s.source}: suppression of {rule_id} for "
                   f"{s.address} suppresses nothing (no such finding)")
        for n, s in enumerate(configured)
        for rule_id in s.rules
        if rule_id in ran and (n, rule_id) not in used_config
    ]
    return Outcome(tuple(kept), tuple(hidden), tuple(unused))


def _unused_message(rule_id: str) -> str:
    return (
        f"suppression of {rule_id} suppresses nothing (no {rule_id} finding on this line "
        "or the next)"
    )


def _targets(inline: Sequence[Directive]) -> dict[tuple[str, int], list[int]]:
    """The (path, line) each directive applies to, with the directives' indexes: its own line
    and the next; directives on consecutive lines all apply to the line after the last."""
    at = {(d.path, d.line) for d in inline}
    targets: dict[tuple[str, int], list[int]] = {}
    for n, directive in enumerate(inline):
        last = directive.line
        while (directive.path, last + 1) in at:
            last += 1
        for line in range(directive.line, last + 2):
            targets.setdefault((directive.path, line), []).append(n)
    return targets


def _inline(
    finding: Finding,
    targets: Mapping[tuple[str, int], list[int]],
    inline: Sequence[Directive],
    used: set[tuple[int, str]],
) -> Suppression | None:
    if finding.span.line is None:
        return None
    for n in targets.get((finding.span.path, finding.span.line), ()):
        directive = inline[n]
        if finding.rule in directive.rules:
            used.add((n, finding.rule))
            return Suppression("inline", directive.reason, directive.source)
    return None


def _configured(
    finding: Finding, configured: Sequence[AddressSuppression], used: set[tuple[int, str]]
) -> Suppression | None:
    for n, entry in enumerate(configured):
        if finding.rule in entry.rules and finding.resource == entry.address:
            used.add((n, finding.rule))
            return Suppression("config", entry.reason, entry.source)
    return None
