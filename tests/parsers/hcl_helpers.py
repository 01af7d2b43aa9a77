"""Helpers for the HCL reader tests: write a module into tmp_path and read it."""

from __future__ import annotations

from pathlib import Path

from nhilint.model import Model, Resource
from nhilint.parsers import parse_module


class Tf:
    """Writes a module into a temporary directory (the working directory) and reads it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, files: dict[str, str | bytes], directory: str = ".") -> Path:
        base = self.root / directory
        base.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            target = base / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return base

    def model(self, files: dict[str, str | bytes], directory: str = ".") -> Model:
        return parse_module(self.write(files, directory))

    def resource(
        self, source: str, address: str = "t_x.r", files: dict[str, str | bytes] | None = None,
    ) -> Resource:
        model = self.model({"main.tf": source, **(files or {})})
        return by_address(model)[address]

    def value(
        self, expr: str, extra: str = "", files: dict[str, str | bytes] | None = None,
    ) -> object:
        """The value of ``expr`` as attribute ``v`` of a resource, with ``extra`` blocks around."""
        source = f'resource "t_x" "r" {{\n  v = {expr}\n}}\n{extra}'
        return self.resource(source, files=files).attributes["v"]


def by_address(model: Model) -> dict[str, Resource]:
    return {r.address: r for r in model.resources}
