"""IAM conditions on a GCP binding: an end time (``request.time < timestamp("…")``) is the
grant's expiry; a condition on the resource (``resource.name``, ``resource.type``,
``resource.service``, ``api.getAttribute(…)``) narrows what the grant reaches; anything else
narrows nothing nhilint weighs.  A condition written as a computed value is not known."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import NamedTuple

from nhilint.identity.graph import Condition, Expiry, Narrowing, Undecided
from nhilint.model import Unknown

_ENDS = re.compile(r"request\.time\s*<=?\s*timestamp\(\s*[\"'](?P<at>[^\"']+)[\"']\s*\)")
_RESOURCE = re.compile(r"\b(?:resource\.(?:name|type|service)|api\.getAttribute)\b")


class Read(NamedTuple):
    conditions: tuple[Condition, ...]
    expiry: Expiry
    undecided: tuple[Undecided, ...] = ()
    #: why the condition allows nothing any more (``""``: it may still allow)
    ended: str = ""


NONE = Read((), None)


def read_condition(block: Mapping[str, object] | None, today: datetime.date | None) -> Read:
    if block is None:
        return NONE
    expression = block.get("expression")
    if isinstance(expression, Unknown):
        return Read((Condition("expression", "", (expression,), Narrowing.UNKNOWN),), None,
                    (Undecided("the IAM condition", expression, "is not known before apply"),))
    if not isinstance(expression, str):
        return NONE
    # a disjunction may hold without its time bound or resource test: nothing is credited
    either = "||" in expression
    found: list[Condition] = []
    expiry: Expiry = None
    end = _ENDS.search(expression)
    if end is not None and not either:
        expiry = end.group("at")
        found.append(Condition("request.time", "<", (expiry,), Narrowing.TIME))
    if _RESOURCE.search(expression) and not either:
        found.append(Condition("resource", "", (expression,), Narrowing.RESOURCE))
    if not found:
        found.append(Condition("expression", "", (expression,), Narrowing.OTHER))
    return Read(tuple(found), expiry, ended=_ended(expiry, today))


def _ended(expiry: Expiry, today: datetime.date | None) -> str:
    if not isinstance(expiry, str) or today is None:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(expiry.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    start = datetime.datetime.combine(today, datetime.time.min, datetime.timezone.utc)
    return f"ended before the scan date {today.isoformat()}: request.time < {expiry}" if (
        moment <= start) else ""
