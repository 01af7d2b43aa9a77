"""Parsers: each turns one input format into the resource model (:mod:`nhilint.model`)."""

from __future__ import annotations

from nhilint.parsers.hcl import discover_modules, parse_module

__all__ = ["discover_modules", "parse_module"]
