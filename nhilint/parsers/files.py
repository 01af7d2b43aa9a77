"""What every reader shares about the files it reads: how a path is shown, and the model of a
file that could not be read (an NHI900 diagnostic at its line; the rest of the scan goes on).

No third-party import here: the Terraform, plan and Pulumi readers all use it, and a scan of one
format must not load the parsing libraries of another.
"""

from __future__ import annotations

import os
from pathlib import Path

from nhilint.model import Diagnostic, Model

PARSE_ERROR = "NHI900"


def display_path(path: Path | str) -> str:
    """The path as reported: relative to the working directory."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def unread(shown: str, line: int, message: str) -> Model:
    """The model of a file that could not be read: no resources, one diagnostic."""
    return Model(files=(shown,), diagnostics=(Diagnostic(PARSE_ERROR, shown, line, message),))
