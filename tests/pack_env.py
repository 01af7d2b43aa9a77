"""A throw-away virtual environment to pip-install rule packs into, offline.

It has no pip of its own and sees this environment's packages (a ``.pth`` file), so installing
a pack there needs no network and leaves this environment as it was.  Packs are built without
isolation, with this environment's setuptools (the ``test`` extra asks for one that builds
wheels by itself; an older one, as a bare ``python -m venv`` has, is topped up in the throw-away
environment from the configured package index).
"""

from __future__ import annotations

import importlib.util
import os
import site
import subprocess
import sys
import venv
from pathlib import Path


def environment(where: Path) -> Path:
    """A virtual environment without pip that imports this environment's packages."""
    venv.create(where, with_pip=False)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    parents = [*site.getsitepackages(), site.getusersitepackages()]
    lines = "".join(f"import site; site.addsitedir({p!r})\n" for p in parents)
    Path(purelib, "_nhilint_test_parent.pth").write_text(lines, encoding="utf-8")
    if not builds_wheels():
        pip(python, "install", "--no-deps", "setuptools>=77")
    return python


def builds_wheels() -> bool:
    """This environment's setuptools builds a wheel without the ``wheel`` package (70.1+)."""
    import setuptools

    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def pip(python: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check",
         "--no-input", *args],
        check=True, capture_output=True, text=True, timeout=120,
    )
