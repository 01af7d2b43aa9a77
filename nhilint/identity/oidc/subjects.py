"""How far a federated trust reaches: its claim requirements read against its issuer's row.

A requirement holds when one of its values matches (OR); every requirement must hold (AND).
So per level, the widest value of a requirement counts, and the narrowest requirement.  A
pattern covers every value of a level when the level's part begins with ``*`` (or, for a
path-like level, when ``*`` follows its separator: every child of the prefix).
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from nhilint.identity.graph import Claim, Text, Trust
from nhilint.identity.oidc.issuers import Issuer, Level, Part, Pin, issuer_of
from nhilint.identity.values import names_a_resource
from nhilint.model import Unknown


class State(enum.IntEnum):
    """How a requirement leaves a level, ordered from narrow to wide."""

    PINNED = 0
    UNKNOWN = 1
    OPEN = 2


class Seen(NamedTuple):
    """One level as a requirement leaves it; ``of`` names what is pinned above an open one,
    ``value`` the unknown value (of ``claim``) behind an unknown one; ``claim`` also names a
    pinning claim whose pattern leaves the level open (``repository`` ``org/*``)."""

    state: State
    of: str = ""
    value: Unknown | None = None
    claim: str = ""


Levels = dict[str, Seen]


class Reach(NamedTuple):
    """A trust's first level open to every value: what it covers, and the requirement behind
    it (``None``: no requirement on the subject at all)."""

    issuer: Issuer
    level: Level
    covers: str
    requirement: Claim | None


class Undetermined(NamedTuple):
    """A level that could be open, but a value of ``claim`` that decides it is not known."""

    issuer: Issuer
    level: Level
    value: Unknown
    claim: str


def reach(trust: Trust) -> Reach | Undetermined | None:
    """The first level (that matters) the trust leaves open to every value; an
    :class:`Undetermined` when that turns on a value not known; ``None`` when pinned."""
    issuer = issuer_of(trust)
    seen = _requirements(issuer, trust.claims)
    undetermined: Undetermined | None = None
    for level in issuer.levels:
        found = seen[level.name]
        if not level.finding:
            continue
        if found.state is State.OPEN:
            return Reach(issuer, level, _covers(issuer, level, found),
                         _behind(issuer, trust, found))
        if found.state is State.UNKNOWN and undetermined is None and found.value is not None:
            undetermined = Undetermined(issuer, level, found.value, found.claim)
    return undetermined


def audience_open(trust: Trust) -> Issuer | None:
    """The issuer, when it documents an audience and the trust accepts any: no audience
    requirement, or only one whose values are all patterns starting with ``*``."""
    issuer = issuer_of(trust)
    if issuer.audience is None:
        return None
    required = [c for c in trust.claims if c.name == issuer.audience_claim]
    if any(not all(_glob_all(c, v) for v in c.values) for c in required):
        return None
    return issuer


def _glob_all(claim: Claim, value: Text) -> bool:
    return claim.glob and isinstance(value, str) and value.startswith("*")


def _behind(issuer: Issuer, trust: Trust, seen: Seen) -> Claim | None:
    """The requirement that leaves the level open: a pinning claim's pattern, else the
    subject claim (``None``: the trust requires none)."""
    name = seen.claim or issuer.subject_claim
    return next((c for c in trust.claims if c.name == name), None)


def _covers(issuer: Issuer, level: Level, seen: Seen) -> str:
    if seen.of:
        return f"every {level.noun} of {seen.of}"
    if level is issuer.levels[0] or not any(x.finding for x in _above(issuer, level)):
        return issuer.everyone
    return f"every {level.noun}"


def _above(issuer: Issuer, level: Level) -> tuple[Level, ...]:
    return issuer.levels[: issuer.levels.index(level)]


def _requirements(issuer: Issuer, claims: tuple[Claim, ...]) -> Levels:
    """Per level, the narrowest of what the trust's requirements leave it."""
    found = {level.name: Seen(State.OPEN) for level in issuer.levels}
    for claim in claims:
        if claim.name == issuer.subject_claim:
            _narrow(found, _subject(issuer, claim))
        elif claim.name in issuer.pins:
            _narrow(found, _pinned_by(issuer, claim, issuer.pins[claim.name]))
    return found


def _narrow(found: Levels, other: Levels) -> None:
    for name, seen in other.items():
        was = found[name]
        if seen.state < was.state or (seen.state == was.state and seen.of and not was.of):
            found[name] = seen


def _pinned_by(issuer: Issuer, claim: Claim, pin: Pin) -> Levels:
    level = issuer.level(pin.level)
    computed = [v for v in claim.values if isinstance(v, Unknown)]
    unsure = next((v for v in computed if _unknown(v) or pin.values is not None), None)
    if unsure is not None:
        return {level.name: Seen(State.UNKNOWN, value=unsure, claim=claim.name)}
    known = [v for v in claim.values if isinstance(v, str)]
    if pin.values is not None and not all(pin.values.match(v) for v in known):
        return {}
    if claim.glob:  # a pattern on the pinning claim (``org/*``) leaves what follows open
        opened = [seen for v in known if (seen := _field(level, v, "")).state is State.OPEN]
        if opened:
            return {level.name: opened[0]._replace(claim=claim.name)}
    if not claim.values or any(_glob_all(claim, v) for v in known):
        return {}
    shown = ", ".join(v if isinstance(v, str) else v.source for v in claim.values)
    return {level.name: Seen(State.PINNED, f"the {level.noun} {claim.name} {shown}")}


def _subject(issuer: Issuer, claim: Claim) -> Levels:
    """The widest any of the requirement's values leaves each level."""
    found = {level.name: Seen(State.PINNED) for level in issuer.levels}
    for value in claim.values:
        if _unknown(value):
            unknown = value if isinstance(value, Unknown) else None
            _widen(found, {n: Seen(State.UNKNOWN, value=unknown, claim=claim.name) for n in found})
        elif claim.glob and isinstance(value, str):
            _widen(found, _pattern(issuer, value))
    return found


def _unknown(value: Text) -> bool:
    """A value not known before apply that could be anything (not one resource's attribute)."""
    return isinstance(value, Unknown) and not names_a_resource(value)


def _widen(found: Levels, other: Levels) -> None:
    for name, seen in other.items():
        if seen.state > found[name].state:
            found[name] = seen


def _pattern(issuer: Issuer, pattern: str) -> Levels:
    """What one subject pattern leaves each level: the widest over the shapes it fits (a
    pattern that fits none pins everything: nothing shows it open)."""
    found = {level.name: Seen(State.PINNED) for level in issuer.levels}
    for shape in issuer.shapes:
        read = _read(issuer, shape, pattern)
        if read is not None:
            _widen(found, read)
    return found


def _read(issuer: Issuer, shape: tuple[Part, ...], pattern: str) -> Levels | None:
    """Walk ``pattern`` along ``shape``: each level's part runs up to the literal text that
    follows it; a ``*`` before that text is found takes the rest of the pattern."""
    found: Levels = {}
    pos, of, absorbed = 0, "", False
    for i, part in enumerate(shape):
        if absorbed:
            if part.level:
                found[part.level] = Seen(State.OPEN, of)
            continue
        if part.text:
            step = _literal(pattern, pos, part.text)
            if step is None:
                return None
            pos, absorbed = step
            continue
        level = issuer.level(part.level)
        field, shown, pos, absorbed = _field_text(pattern, pos, shape[i + 1:])
        seen = _field(level, field, of)
        found[level.name] = seen
        if seen.state is State.PINNED and (level.finding or level.across == "identities"):
            of = f"{level.noun} {shown}"
    return found if absorbed or pos == len(pattern) else None


def _field_text(pattern: str, pos: int, rest: tuple[Part, ...]) -> tuple[str, str, int, bool]:
    """A level's part: its text, how to show it, where the walk goes on, and whether a ``*``
    took the rest of the pattern (``repo:org/app:*`` ends ``org/app`` there)."""
    following = rest[0].text if rest and rest[0].text else ""
    end = pattern.find(following, pos) if following else -1
    if end >= 0:
        return pattern[pos:end], pattern[pos:end], end, False
    star = pattern.find("*", pos)
    if star < 0 or not rest:
        return pattern[pos:], pattern[pos:], len(pattern), False
    field = pattern[pos:star]
    kept = next((field[:len(field) - n] for n in range(len(following), 0, -1)
                 if field.endswith(following[:n])), None)
    if kept is None:
        return field + "*", field + "*", len(pattern), True
    return kept, kept, len(pattern), True


def _literal(pattern: str, pos: int, text: str) -> tuple[int, bool] | None:
    """Match literal ``text`` at ``pos``: the new position, and whether a ``*`` took the rest."""
    for char in text:
        if pos >= len(pattern):
            return None
        if pattern[pos] == "*":
            return pos, True
        if pattern[pos] != char and pattern[pos] != "?":
            return None
        pos += 1
    return pos, False


def _field(level: Level, field: str, of: str) -> Seen:
    if field.startswith("*"):
        return Seen(State.OPEN, of)
    if level.hierarchy:
        at = field.find(level.hierarchy + "*")
        if at > 0:
            return Seen(State.OPEN, field[:at])
    return Seen(State.PINNED)
