"""Benchmark nhilint on a directory tree (a script, not a test).

    python bench/bench.py ../shared/corpora/cloudposse+terraform-aws-components

Reports files, bytes, wall time and peak memory (max RSS of a fresh process) for:
nhilint's full scan, tree-sitter-hcl parsing alone, and python-hcl2 parsing alone; plus
nhilint's findings by rule and diagnostics.  Each measurement runs in its own process so
the peak memory of one does not hide in another's.
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def terraform_files(root: Path) -> list[Path]:
    from nhilint.parsers.hcl import discover_modules

    files: list[Path] = []
    for module in discover_modules([root]):
        files += sorted(p for p in module.glob("*.tf") if p.is_file())
        files += sorted(p for p in module.glob("*.tfvars") if p.is_file())
    return files


def measure_nhilint(root: Path) -> dict[str, object]:
    from nhilint.engine import Options, scan

    result = scan([root], Options())
    by_rule = collections.Counter(f.rule for f in result.findings)
    by_code = collections.Counter(d.code for d in result.diagnostics)
    return {
        "files": result.files,
        "resources": result.resources,
        "principals": result.principals,
        "findings_by_rule": dict(sorted(by_rule.items())),
        "diagnostics_by_code": dict(sorted(by_code.items())),
    }


def measure_tree_sitter(root: Path) -> dict[str, object]:
    import tree_sitter
    import tree_sitter_hcl

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    errors = 0
    for path in terraform_files(root):
        errors += parser.parse(path.read_bytes()).root_node.has_error
    return {"files_with_syntax_errors": errors}


def measure_hcl2(root: Path) -> dict[str, object]:
    import hcl2

    failures = 0
    for path in terraform_files(root):
        try:
            with path.open(encoding="utf-8") as handle:
                hcl2.load(handle)
        except Exception:  # python-hcl2 rejects what it cannot parse; count, go on
            failures += 1
    return {"files_hcl2_failed": failures}


MODES = {
    "nhilint": measure_nhilint,
    "tree-sitter": measure_tree_sitter,
    "python-hcl2": measure_hcl2,
}


def child(mode: str, root: Path) -> None:
    start = time.perf_counter()
    details = MODES[mode](root)
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"mode": mode, "wall_s": round(wall, 3), "peak_mib": round(peak_kib / 1024, 1),
                      **details}))


def run(mode: str, root: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(root)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--child", choices=sorted(MODES), help=argparse.SUPPRESS)
    parser.add_argument("--skip", action="append", default=[], choices=sorted(MODES))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.root)
        return 0
    files = terraform_files(args.root)
    print(json.dumps({"root": str(args.root), "files": len(files),
                      "bytes": sum(p.stat().st_size for p in files)}))
    for mode in MODES:
        if mode not in args.skip:
            print(json.dumps(run(mode, args.root)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
