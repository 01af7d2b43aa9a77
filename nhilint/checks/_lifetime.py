"""How long a credential lives, against the policy's ``max-credential-days`` (NHI004, NHI012).

A rotated credential lives as long as its rotation period (:attr:`Credential.rotation_days`);
one that expires lives until its expiry: a date (``end_date``) counts from the scan date, a
relative one (``2400h after it is created``, ``90 days after it is created``) from when it is
created.  A period or date not known before deploy, or an end nhilint cannot read (a
certificate's validity set by the issuer), is not judged: absence of evidence is no finding.
"""

from __future__ import annotations

import datetime
import re

from nhilint.identity.graph import Credential

_RELATIVE = re.compile(
    r"^\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>h|days?)\s+after it is created\s*$", re.IGNORECASE
)


def over_lifetime(credential: Credential, days: int | None, today: datetime.date | None,
                  ) -> str | None:
    """Why ``credential`` may live longer than ``days`` (``rotated every 180 days``), or
    ``None``: no limit, it fits, or it is not known."""
    if days is None or not credential.persistent:
        return None
    if credential.rotated:
        period = credential.rotation_days
        if isinstance(period, float) and period > days:
            return f"rotated every {period:g} days"
        return None
    lives = _days_left(credential.expiry, today)
    if lives is not None and lives > days:
        return f"expires {credential.expiry}"
    return None


def _days_left(expiry: object, today: datetime.date | None) -> float | None:
    if not isinstance(expiry, str):
        return None
    relative = _RELATIVE.match(expiry)
    if relative:
        number = float(relative.group("n"))
        return number / 24 if relative.group("unit").lower() == "h" else number
    if today is None:
        return None
    try:
        end = datetime.datetime.fromisoformat(expiry.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return None
    return float((end - today).days)
