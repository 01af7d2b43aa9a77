"""Write docs/rules/<ID>.md from each rule's docstring (``--check``: fail when stale).

The pages are made by :mod:`nhilint.rule_docs`, which rule packs use the same way.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nhilint.engine import collect_rules
from nhilint.rule_docs import pages, write

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    return write(pages(collect_rules(), DOCS), DOCS, args.check)


if __name__ == "__main__":
    raise SystemExit(main())
