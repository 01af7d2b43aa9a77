"""An owner written as a tag or label, whatever the platform: the first owner key found in the
principal's own map, then in its provider's defaults (AWS ``default_tags``, the google
provider's ``default_labels``)."""

from __future__ import annotations

from collections.abc import Sequence

from nhilint.identity.graph import Owner, OwnerState
from nhilint.model import Unknown

#: where a map of tags or labels was read (``tag``, ``provider aws default_tags``), and the map
Place = tuple[str, object]


def owner_in(places: Sequence[Place], keys: Sequence[str], absent: str) -> Owner:
    """The owner under the first of ``keys`` present in the first map that has one (a
    computed value counts: the owner is written, its value is not known); unknown when no
    map has one but a map is computed as a whole; else absent, saying ``absent``."""
    for where, found in places:
        if isinstance(found, dict):
            for key in keys:
                value = found.get(key)
                if isinstance(value, Unknown) or (isinstance(value, str) and value.strip()):
                    return Owner(OwnerState.KNOWN, f"{where} {key}", value)
    for where, found in places:
        if isinstance(found, Unknown):
            return Owner(OwnerState.UNKNOWN, f"{_plural(where)} are computed", found)
    return Owner(OwnerState.ABSENT, absent)


def _plural(where: str) -> str:
    """``tag`` -> ``tags``; ``provider aws default_tags`` -> ``default_tags``."""
    last = where.split()[-1]
    return last if last.endswith("s") else last + "s"
