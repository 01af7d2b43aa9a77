"""One Terraform module: its files, variables, locals, resources and providers.

A directory's ``*.tf`` and ``*.tf.json`` files form one module (one namespace of variables,
locals and resources).  Every directory is read as a root module (address ``""``); ``module``
blocks are not expanded yet.  Expanding a local module later means reading its directory with
``read_module`` under the address ``module.x`` and with the call's arguments as its variable
values.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from nhilint.model import Diagnostic, Model, ModuleCall, Output, Provider, Resource
from nhilint.parsers.hcl import syntax
from nhilint.parsers.hcl.context import Declarations, ModuleContext
from nhilint.parsers.hcl.discover import broken_links, config_files
from nhilint.parsers.hcl.jsonconfig import load_json
from nhilint.parsers.hcl.named import defaults, local_values
from nhilint.parsers.hcl.resources import (
    module_block,
    output_block,
    provider_block,
    resource_blocks,
)
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
    where: dict[str, str] = {}
    for source in files:
        root = source.root
        if root is None:
            continue
        blocks = source.blocks if source.blocks is not None else syntax.read_body(root).blocks
        for block in blocks:
            if block.type == "variable" and len(block.labels) == 1:
                variables.setdefault(block.labels[0], block)
                where.setdefault(f"var.{block.labels[0]}", source.path)
            elif block.type == "locals":
                for attribute in block.body.attributes:
                    local_values.setdefault(attribute.name, attribute)
                    where.setdefault(f"local.{attribute.name}", source.path)
            elif block.type in ("resource", "data", "provider", "output", "module"):
                objects.append((block, source.path))
    return Declarations(variables, local_values, objects, where)


def read_module(directory: Path, module: str = "") -> Model:
    shown = display_path(directory)
    files = [_load(f, display_child(shown, f.name)) for f in config_files(directory)]
    values = load_values(directory)
    found = declarations(files)
    context = ModuleContext(module, directory, found, values.values)
    diagnostics = [d for f in files for d in f.diagnostics] + list(values.diagnostics)
    diagnostics += broken_links(directory, shown)
    read = _Read([], [], [], [], diagnostics)
    for block, file in found.objects:
        try:
            _read_object(context, block, file, read)
        except Exception as exc:  # never let one block stop the module
            message = f"internal error reading {block.type} block: {exc!r}"
            diagnostics.append(Diagnostic(PARSE_ERROR, file, block.line, message))
    return Model(
        resources=tuple(read.resources),
        providers=tuple(read.providers),
        outputs=tuple(read.outputs),
        module_calls=tuple(read.calls),
        variables=defaults(context, found),
        local_values=local_values(context, found),
        files=tuple(f.path for f in files) + values.files,
        comments=tuple(c for f in files for c in f.comments),
        diagnostics=tuple(diagnostics),
    )


def _load(file: Path, shown: str) -> SourceFile:
    """A ``*.tf`` file, or a ``*.tf.json`` file (Terraform's JSON syntax)."""
    return load_json(file, shown) if file.name.endswith(".tf.json") else load(file, shown)


class _Read(NamedTuple):
    """What the blocks of one module gave, collected while they are read."""

    resources: list[Resource]
    providers: list[Provider]
    outputs: list[Output]
    calls: list[ModuleCall]
    diagnostics: list[Diagnostic]


def _read_object(context: ModuleContext, block: Block, file: str, read: _Read) -> None:
    ev = context.evaluator()
    if block.type == "provider":
        provider = provider_block(ev, block, file, context.module)
        if provider is not None:
            read.providers.append(provider)
        return
    if block.type in ("output", "module"):
        reader = output_block if block.type == "output" else module_block
        found = reader(ev, block, file, context.module)
        if isinstance(found, Diagnostic):
            read.diagnostics.append(found)
        elif isinstance(found, Output):
            read.outputs.append(found)
        else:
            read.calls.append(found)
        return
    resources, problems = resource_blocks(ev, block, file, context.module)
    read.resources.extend(resources)
    read.diagnostics.extend(problems)
