"""One Terraform module: its files, variables, locals, resources and providers.

Every directory is read as a root module (address ``""``); ``module`` blocks are not expanded
yet.  Expanding a local module later means reading its directory with ``read_module`` under the
address ``module.x`` and with the call's arguments as its variable values.
"""

from __future__ import annotations

from pathlib import Path

from nhilint.model import Diagnostic, Model, Provider, Resource
from nhilint.parsers.hcl import syntax
from nhilint.parsers.hcl.context import Declarations, ModuleContext
from nhilint.parsers.hcl.discover import config_files
from nhilint.parsers.hcl.resources import provider_block, resource_blocks
from nhilint.parsers.hcl.source import (
    PARSE_ERROR,
    SourceFile,
    display_child,
    display_path,
    load,
)
from nhilint.parsers.hcl.syntax import Attribute, Block
from nhilint.parsers.hcl.tfvars import load_values


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
