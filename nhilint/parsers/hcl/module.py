"""One Terraform module: its files, variables, locals, resources and providers.

Every directory is read as a root module (address ``""``); ``module`` blocks are not expanded
yet.  Expanding a local module later means reading its directory with ``read_module`` under the
address ``module.x`` and with the call's arguments as its variable values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from nhilint.model import Diagnostic, Model, Provider, Ref, Resource, Unknown
from nhilint.parsers.hcl import syntax
from nhilint.parsers.hcl.discover import config_files
from nhilint.parsers.hcl.evaluator import Budget, Evaluator
from nhilint.parsers.hcl.resources import provider_block, resource_blocks
from nhilint.parsers.hcl.source import (
    PARSE_ERROR,
    SourceFile,
    display_child,
    display_path,
    load,
    read_bytes,
)
from nhilint.parsers.hcl.syntax import Attribute, Block
from nhilint.parsers.hcl.tfvars import load_values
from nhilint.parsers.hcl.types import convert, read_type

#: ``file()`` reads at most this much.
MAX_READ_FILE = 1024 * 1024


class Declarations(NamedTuple):
    """The top-level blocks of a module, each with the file it is written in."""

    variables: dict[str, Block]
    locals: dict[str, Attribute]
    objects: list[tuple[Block, str]]


class ModuleContext:
    """Answers ``var.*``, ``local.*`` and ``file()`` for one module, lazily and memoised."""

    def __init__(
        self, module: str, directory: Path, declarations: Declarations,
        values: Mapping[str, object],
    ) -> None:
        self.module = module
        self.directory = directory
        self.path_module = display_path(directory)
        self._declarations = declarations
        self._values = values
        self._memo: dict[str, object] = {}
        self._active: set[str] = set()
        self._budget = Budget()

    def evaluator(self) -> Evaluator:
        return Evaluator(self, None, self._budget)

    def variable(self, name: str) -> object:
        return self._cached(f"var.{name}", lambda: self._variable(name))

    def local(self, name: str) -> object:
        return self._cached(f"local.{name}", lambda: self._local(name))

    def read_file(self, path: str) -> str | None:
        candidate = Path(path)
        if candidate.is_absolute():
            return None
        prefix = self.path_module.rstrip("/") + "/"
        if self.path_module == "." or not path.startswith(prefix):
            candidate = self.directory / candidate
        data, _, _ = read_bytes(candidate, MAX_READ_FILE)
        return data.decode("utf-8") if data is not None else None

    def _cached(self, key: str, compute: Callable[[], object]) -> object:
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return Unknown(f"{key} refers to itself", key, (Ref(key, (), self.module),))
        self._active.add(key)
        strict, self._budget.strict = self._budget.strict, 0  # the same value from any caller
        try:
            value = compute()
        finally:
            self._active.discard(key)
            self._budget.strict = strict
        self._memo[key] = value
        return value

    def _variable(self, name: str) -> object:
        block = self._declarations.variables.get(name)
        ref = (Ref(f"var.{name}", (), self.module),)
        if block is None:
            return Unknown(f"var.{name} is not declared", f"var.{name}", ref)
        body = block.body
        default = body.attribute("default")
        if name in self._values:
            value = self._values[name]
        elif default is not None:
            value = self.evaluator().value(default.expr)
        else:
            return Unknown(f"var.{name} has no value", f"var.{name}", ref)
        declared = body.attribute("type")
        if declared is None:
            return value
        try:
            return convert(value, read_type(declared.expr), self.evaluator().value)
        except Exception as exc:  # a value that does not fit its type
            return Unknown(f"var.{name} does not match its type: {exc}", f"var.{name}", ref)

    def _local(self, name: str) -> object:
        attribute = self._declarations.locals.get(name)
        if attribute is None:
            return Unknown(f"local.{name} is not defined", f"local.{name}")
        return self.evaluator().value(attribute.expr)


def declarations(files: list[SourceFile]) -> Declarations:
    variables: dict[str, Block] = {}
    local_values: dict[str, Attribute] = {}
    objects: list[tuple[Block, str]] = []
    for source in files:
        root = source.root
        if root is None:
            continue
        for block in syntax.read_body(root).blocks:
            if block.type == "variable" and len(block.labels) == 1:
                variables.setdefault(block.labels[0], block)
            elif block.type == "locals":
                for attribute in block.body.attributes:
                    local_values.setdefault(attribute.name, attribute)
            elif block.type in ("resource", "data", "provider"):
                objects.append((block, source.path))
    return Declarations(variables, local_values, objects)


def read_module(directory: Path, module: str = "") -> Model:
    shown = display_path(directory)
    files = [load(f, display_child(shown, f.name)) for f in config_files(directory)]
    values = load_values(directory)
    found = declarations(files)
    context = ModuleContext(module, directory, found, values.values)
    resources: list[Resource] = []
    providers: list[Provider] = []
    diagnostics = [d for f in files for d in f.diagnostics] + list(values.diagnostics)
    for block, file in found.objects:
        try:
            _read_object(context, block, file, resources, providers, diagnostics)
        except Exception as exc:  # never let one block stop the module
            message = f"internal error reading {block.type} block: {exc!r}"
            diagnostics.append(Diagnostic(PARSE_ERROR, file, block.line, message))
    return Model(
        resources=tuple(resources),
        providers=tuple(providers),
        files=tuple(f.path for f in files) + values.files,
        comments=tuple(c for f in files for c in f.comments),
        diagnostics=tuple(diagnostics),
    )


def _read_object(
    context: ModuleContext, block: Block, file: str, resources: list[Resource],
    providers: list[Provider], diagnostics: list[Diagnostic],
) -> None:
    ev = context.evaluator()
    if block.type == "provider":
        provider = provider_block(ev, block, file, context.module)
        if provider is not None:
            providers.append(provider)
        return
    found, problems = resource_blocks(ev, block, file, context.module)
    resources.extend(found)
    diagnostics.extend(problems)
