"""``nhilint inventory``: every principal of every scanned module, with what the graph knows
about it (DESIGN §4), in the format asked for.

The inventory reads only the scan's graphs (:attr:`nhilint.result.ScanResult.graphs`), the
same facts the rules read; :mod:`nhilint.inventory.entries` gathers and orders them, and one
module per format renders them.  JSON is the contract (``nhilint/inventory/v1``, with its
schema in ``nhilint/report/inventory-schema.json``).
"""

from __future__ import annotations

from collections.abc import Callable

from nhilint.inventory import csv_inventory, json_inventory, markdown, text
from nhilint.result import ScanResult

RENDERERS: dict[str, Callable[[ScanResult], str]] = {
    "text": text.render,
    "json": json_inventory.render,
    "markdown": markdown.render,
    "csv": csv_inventory.render,
}
