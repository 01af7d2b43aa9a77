"""Renderers: one function per ``--format``, each taking the immutable scan result."""

from __future__ import annotations

from collections.abc import Callable

from nhilint.report import json_report, text
from nhilint.result import ScanResult

RENDERERS: dict[str, Callable[[ScanResult], str]] = {
    "text": text.render,
    "json": json_report.render,
}
