"""Time conditions that have ended a statement before the scan date.

A statement whose ``DateLessThan aws:CurrentTime`` (or ``aws:EpochTime``) end lies before the
scan date allows nothing any more.  One whose ``DateLessThan aws:TokenIssueTime`` lies before it,
less the longest a session can last, allows nothing either: every session issued before then has
expired, and long-term credentials carry no ``aws:TokenIssueTime``, so the condition fails for
them (unless the operator is ``...IfExists``).  The scan date is always passed in, never read from
the clock here; without one nothing is judged ended.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from nhilint.identity.graph import Condition

#: the longest an STS session lasts: GetSessionToken and GetFederationToken, 36 hours
#: (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html)
SESSION_MAX = datetime.timedelta(hours=36)
#: condition key (lower case) -> how long after its value a request can still carry it
_END_KEYS = {
    "aws:currenttime": datetime.timedelta(0),
    "aws:epochtime": datetime.timedelta(0),
    "aws:tokenissuetime": SESSION_MAX,
}
_ABSENT_FOR_KEYS = frozenset({"aws:tokenissuetime"})  # not in requests signed with access keys
_BEFORE = frozenset({
    "datelessthan", "datelessthanequals", "numericlessthan", "numericlessthanequals",
})


def ended_by(conditions: Iterable[Condition], today: datetime.date | None) -> str:
    """Why the conditions allow nothing on or after ``today`` (``""``: they may still allow)."""
    if today is None:
        return ""
    start = datetime.datetime.combine(today, datetime.time.min, datetime.timezone.utc)
    for condition in conditions:
        end = _end(condition)
        if end is not None and end <= start:
            shown = ", ".join(str(v) for v in condition.values)
            return (f"ended before the scan date {today.isoformat()}: "
                    f"{condition.operator} {condition.key} {shown}")
    return ""


def _end(condition: Condition) -> datetime.datetime | None:
    """The last moment a request can satisfy ``condition``, when it is a time bound."""
    key = condition.key.lower()
    operator = condition.operator.lower()
    if_exists = operator.endswith("ifexists")
    operator = operator.removesuffix("ifexists")
    if key not in _END_KEYS or operator not in _BEFORE or not condition.values:
        return None
    if if_exists and key in _ABSENT_FOR_KEYS:
        return None
    moments = [_moment(v) for v in condition.values]
    known = [m for m in moments if m is not None]
    if len(known) != len(moments):
        return None
    return max(known) + _END_KEYS[key]


def _moment(value: object) -> datetime.datetime | None:
    """An IAM date condition value: ISO 8601 (date or date and time) or epoch seconds."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        try:
            return datetime.datetime.fromtimestamp(int(text), datetime.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment
