"""Renderers: one function per ``--format``, each taking the immutable scan result."""

from __future__ import annotations

from collections.abc import Callable

from nhilint.report import github, gitlab, json_report, junit, markdown, sarif, text
from nhilint.result import ScanResult

RENDERERS: dict[str, Callable[[ScanResult], str]] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "gitlab": gitlab.render,
    "junit": junit.render,
    "github": github.render,
    "markdown": markdown.render,
}
