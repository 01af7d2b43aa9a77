"""The OIDC issuer table (``nhilint/data/oidc_issuers.json``): how each issuer names itself,
the shape of its subject claim as literal text and *levels* (a repository, a branch), the
other claims that pin a level, and the audience it documents.  Compiled by hand from each
vendor's documentation; every row names its sources."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

from nhilint.identity.data import DataFileError, read_data
from nhilint.identity.graph import Trust

DATA_FILE = "oidc_issuers.json"
SCHEMA = "nhilint/oidc-issuers/v1"


class Level(NamedTuple):
    """A part of a subject naming one thing, from the widest to the narrowest."""

    name: str
    noun: str
    finding: bool  # covering every value of it lets other identities or runs in
    across: str  # "identities" or "contexts"
    hierarchy: str = ""  # the separator of a path-like level (``owner/repo``)


class Part(NamedTuple):
    """Literal ``text``, or the ``level`` of a subject shape."""

    text: str = ""
    level: str = ""


class Pin(NamedTuple):
    """A claim other than the subject that pins ``level`` (when its values match ``values``)."""

    level: str
    values: re.Pattern[str] | None = None


class Issuer(NamedTuple):
    id: str
    name: str
    patterns: tuple[str, ...]
    levels: tuple[Level, ...]
    everyone: str
    subject_claim: str
    shapes: tuple[tuple[Part, ...], ...]
    recognise: bool
    pins: Mapping[str, Pin]
    audience_claim: str
    audience: str | None
    sources: tuple[str, ...]

    def level(self, name: str) -> Level:
        return next(level for level in self.levels if level.name == name)

@functools.cache
def table() -> tuple[tuple[Issuer, ...], Issuer]:
    """The issuers of the shipped table, and the fallback for an issuer not in it."""
    raw = read_data(DATA_FILE)
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        raise DataFileError(f"data/{DATA_FILE} is not {SCHEMA}")
    try:
        return tuple(_issuer(row) for row in raw["issuers"]), _issuer(raw["fallback"])
    except (KeyError, TypeError, StopIteration) as error:
        raise DataFileError(f"data/{DATA_FILE} is malformed: {error!r}") from error


def _issuer(row: Mapping[str, object]) -> Issuer:
    subject = _mapping(row["subject"])
    audience = _mapping(row["audience"])
    expected = audience["expected"]
    return Issuer(
        id=str(row["id"]),
        name=str(row["name"]),
        patterns=tuple(_normal(str(p)) for p in _items(row["issuers"])),
        levels=tuple(_level(_mapping(x)) for x in _items(row["levels"])),
        everyone=str(row["everyone"]),
        subject_claim=str(subject["claim"]),
        shapes=tuple(_shape(s) for s in _items(subject["shapes"])),
        recognise=bool(subject["recognise"]),
        pins={str(k): _pin(v) for k, v in _mapping(row["claims"]).items()},
        audience_claim=str(audience["claim"]),
        audience=None if expected is None else str(expected),
        sources=tuple(str(s) for s in _items(row["sources"])),
    )


def _shape(parts: object) -> tuple[Part, ...]:
    return tuple(_part(_mapping(p)) for p in _items(parts))


def _level(row: Mapping[str, object]) -> Level:
    return Level(str(row["name"]), str(row["noun"]), bool(row["finding"]), str(row["across"]),
                 str(row.get("hierarchy", "")))


def _part(row: Mapping[str, object]) -> Part:
    return Part(text=str(row["text"])) if "text" in row else Part(level=str(row["level"]))


def _pin(value: object) -> Pin:
    if isinstance(value, str):
        return Pin(value)
    row = _mapping(value)
    return Pin(str(row["level"]), re.compile(str(row["values"])) if "values" in row else None)


def _mapping(value: object) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value


def _items(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, found {type(value).__name__}")
    return value


def _normal(issuer: str) -> str:
    """An issuer as compared: no scheme, no trailing slash, lower case."""
    return re.sub(r"^[a-z]+://", "", issuer.strip().lower()).rstrip("/")


def issuer_of(trust: Trust) -> Issuer:
    """The table's row for the trust's issuer: by its name, else by the shape of a subject
    it requires (a self-managed GitLab, a Kubernetes cluster), else the fallback."""
    rows, fallback = table()
    if isinstance(trust.issuer, str):
        name = _normal(trust.issuer)
        for row in rows:
            if any(fnmatch.fnmatchcase(name, p) for p in row.patterns):
                return row
    for value in _subject_values(trust, rows):
        for row in rows:
            if row.recognise and any(_starts_as(value, shape) for shape in row.shapes):
                return row
    return fallback


def _subject_values(trust: Trust, rows: Iterable[Issuer]) -> Iterator[str]:
    names = {row.subject_claim for row in rows}
    for claim in trust.claims:
        if claim.name in names:
            yield from (v for v in claim.values if isinstance(v, str))


def _starts_as(value: str, shape: tuple[Part, ...]) -> bool:
    return bool(shape) and bool(shape[0].text) and value.startswith(shape[0].text)
