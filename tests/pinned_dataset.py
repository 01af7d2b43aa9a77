"""What the tests of generated data share: loading a generator script as a module, and the
clone of a pinned source (iann0036/iam-dataset and others) to regenerate from (or a skip saying
why there is none)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest


def load_script(path: Path) -> ModuleType:
    """``scripts/<name>.py`` as a module named ``<name>``."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def iam_dataset(commit: str, table: str) -> Path:
    """A clone of iann0036/iam-dataset holding ``commit`` (``$NHILINT_IAM_DATASET``), or a
    skip saying why not; ``table`` names what would be regenerated from it."""
    return pinned_clone("NHILINT_IAM_DATASET", "iann0036/iam-dataset", commit, table)


def pinned_clone(env: str, repository: str, commit: str, table: str) -> Path:
    """A clone of ``repository`` holding ``commit`` (the path in ``$env``), or a skip saying
    why not; ``table`` names what would be regenerated from it."""
    where = os.environ.get(env)
    if not where:
        pytest.skip(f"{env} is not set: no clone of {repository} to "
                    f"regenerate the {table} from (the invariants below still run)")
    found = subprocess.run(["git", "-C", where, "cat-file", "-e", f"{commit}^{{commit}}"],
                           capture_output=True, check=False)
    if found.returncode != 0:
        pytest.skip(f"{where} does not hold the pinned commit {commit}")
    return Path(where)
