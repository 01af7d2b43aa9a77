"""The platform data files shipped in ``nhilint/data/`` (generated catalogs), read by name."""

from __future__ import annotations

import json
from importlib import resources


class DataFileError(ValueError):
    """A shipped data file is missing or malformed (a broken install, not a user error)."""


def read_data(name: str) -> object:
    """The decoded JSON of ``nhilint/data/<name>``."""
    try:
        found = resources.files("nhilint").joinpath("data").joinpath(name)
        return json.loads(found.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DataFileError(f"cannot read data/{name}: {error}") from error
