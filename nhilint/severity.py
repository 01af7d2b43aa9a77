"""How bad a finding is: :class:`Severity`, ordered, parsed from its lower-case label.

A leaf module (it imports nothing of nhilint) so that plain values such as
:class:`~nhilint.settings.Settings` can hold severities; :mod:`nhilint.rule` re-exports it.
"""

from __future__ import annotations

import enum


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
