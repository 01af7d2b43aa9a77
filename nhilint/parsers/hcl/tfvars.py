"""Variable values from ``terraform.tfvars``, ``*.auto.tfvars`` and their ``.json`` forms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from nhilint.model import Diagnostic, Unknown
from nhilint.parsers.files import PARSE_ERROR, display_path
from nhilint.parsers.hcl import syntax
from nhilint.parsers.hcl.evaluator import Evaluator
from nhilint.parsers.hcl.source import parse_source, read_bytes
from nhilint.parsers.hcl.values import bounded, within_limits


class VariableValues(NamedTuple):
    values: dict[str, object]
    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]


class _NoReferences:
    """The context of a tfvars file: values only, no references."""

    module = ""

    def __init__(self, path_module: str) -> None:
        self.path_module = path_module

    def variable(self, name: str) -> object:
        return Unknown("tfvars values cannot refer to variables", f"var.{name}")

    def local(self, name: str) -> object:
        return Unknown("tfvars values cannot refer to locals", f"local.{name}")

    def read_file(self, path: str) -> str | None:
        return None

    def file_exists(self, path: str) -> bool | None:
        return None

    def module_call(self, name: str) -> None:
        return None


def tfvars_files(directory: Path) -> list[Path]:
    """The files Terraform loads automatically, in the order it loads them."""
    try:
        names = sorted(p.name for p in directory.iterdir())
    except OSError:
        return []
    first = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    auto = [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    return [directory / n for n in first + auto if (directory / n).is_file()]


def load_values(directory: Path) -> VariableValues:
    values: dict[str, object] = {}
    files: list[str] = []
    diagnostics: list[Diagnostic] = []
    context = _NoReferences(display_path(directory))
    for file in tfvars_files(directory):
        shown = display_path(file)
        files.append(shown)
        data, problem, line = read_bytes(file)
        if data is None:
            diagnostics.append(Diagnostic(PARSE_ERROR, shown, line, problem))
        elif file.name.endswith(".json"):
            _json_values(data, shown, values, diagnostics)
        else:
            _hcl_values(data, shown, Evaluator(context), values, diagnostics)
    return VariableValues(values, tuple(files), tuple(diagnostics))


def _hcl_values(
    data: bytes, shown: str, ev: Evaluator, values: dict[str, object],
    diagnostics: list[Diagnostic],
) -> None:
    source = parse_source(shown, data)
    diagnostics.extend(source.diagnostics)
    root = source.root
    if root is None:
        return
    for attribute in syntax.read_body(root).attributes:
        values[attribute.name] = bounded(ev.value(attribute.expr), attribute.name)


def _json_values(
    data: bytes, shown: str, values: dict[str, object], diagnostics: list[Diagnostic],
) -> None:
    try:
        decoded = json.loads(data)
    except (ValueError, RecursionError) as exc:
        diagnostics.append(Diagnostic(PARSE_ERROR, shown, 1, f"invalid JSON: {exc}"))
        return
    if not isinstance(decoded, dict) or not within_limits(decoded):
        message = "tfvars JSON must be an object of reasonable size"
        diagnostics.append(Diagnostic(PARSE_ERROR, shown, 1, message))
        return
    values.update(decoded)
