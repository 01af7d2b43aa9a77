"""One Terraform root module and the modules it calls: files, variables, locals, resources.

A directory's ``*.tf`` and ``*.tf.json`` files form one module (one namespace of variables,
locals and resources).  A scanned directory is read as a root module (address ``""``); each
``module`` block whose code can be read (a local source, or the copy ``terraform init``
downloaded) is expanded: every instance of the call (``count``/``for_each``) is the child
module read under its address (``module.ci``, ``module.bots["a"].module.key``) with the call's
arguments as its variables, and ``module.x.out`` in the caller is the child's output.  A call
that cannot be read stays opaque: its outputs are Unknowns, and the call says why.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import NamedTuple

from nhilint.model import (
    Comment,
    Diagnostic,
    Model,
    ModuleCall,
    Output,
    Provider,
    Ref,
    Resource,
    Unknown,
)
from nhilint.parsers.files import PARSE_ERROR, display_path
from nhilint.parsers.hcl import syntax
from nhilint.parsers.hcl.blocks import bounded_value
from nhilint.parsers.hcl.context import Declarations, ModuleContext
from nhilint.parsers.hcl.discover import broken_links, config_files
from nhilint.parsers.hcl.evaluator import Evaluator
from nhilint.parsers.hcl.expanded import Expanded, Outputs
from nhilint.parsers.hcl.jsonconfig import load_json
from nhilint.parsers.hcl.named import defaults, local_values
from nhilint.parsers.hcl.possible import arguments_text, both, branch_flags, worlds
from nhilint.parsers.hcl.resources import (
    Instance,
    instances,
    key_text,
    module_block,
    output_block,
    provider_block,
    resource_blocks,
)
from nhilint.parsers.hcl.source import SourceFile, display_child, load
from nhilint.parsers.hcl.sources import Downloaded, boundary, downloaded, locate
from nhilint.parsers.hcl.syntax import Attribute, Block, Body, text
from nhilint.parsers.hcl.tfvars import load_values

#: More module instances than this in one root module are not read.
MAX_MODULE_INSTANCES = 2000
#: the arguments of a module call that are not input variables
_META = frozenset(("source", "version", "count", "for_each", "providers", "depends_on"))
_PROVIDER_PAIR = re.compile(r"([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)?)\s*=\s*"
                            r"([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)?)")


def declarations(files: list[SourceFile]) -> Declarations:
    variables: dict[str, Block] = {}
    local_values: dict[str, Attribute] = {}
    outputs: dict[str, Block] = {}
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
                if block.type == "output" and len(block.labels) == 1:
                    outputs.setdefault(block.labels[0], block)
                objects.append((block, source.path))
    return Declarations(variables, local_values, objects, where, outputs)


def read_module(directory: Path, tree: Path | None = None) -> Model:
    """The root module at ``directory`` with every module it calls that can be read; local
    sources may lead anywhere inside ``tree`` (the scanned path) or the git work tree holding
    it."""
    values = load_values(directory)
    manifest = downloaded(directory)
    within = boundary(tree if tree is not None else directory)
    reader = _Reader(manifest, within)
    root = reader.module(directory, "", values.values, (), (), _root_providers)
    reader.diagnostics += values.diagnostics + manifest.diagnostics
    reader.collect(root)
    model = reader.model(values.files)
    flags = branch_flags(root.context)
    if not flags:
        return model
    other = _Reader(manifest, within, frozenset(flags))
    other.parsed = reader.parsed
    variant = other.module(directory, "", {**values.values, **flags}, (), (), _root_providers)
    other.collect(variant)
    return dataclasses.replace(model, variants=(other.model(values.files),))


def _load(file: Path, shown: str) -> SourceFile:
    """A ``*.tf`` file, or a ``*.tf.json`` file (Terraform's JSON syntax)."""
    return load_json(file, shown) if file.name.endswith(".tf.json") else load(file, shown)


def _root_providers(local: str) -> str:
    return local


class _Parsed(NamedTuple):
    files: list[SourceFile]
    found: Declarations
    diagnostics: list[Diagnostic]


class _Module(NamedTuple):
    """One module instance being read: its context and where it sits in the tree."""

    context: ModuleContext
    #: the resolved directories of the calling modules and of this one (for cycles)
    chain: tuple[Path, ...]
    #: the call names from the root (``("a", "b")``: the manifest key ``a.b``)
    keys: tuple[str, ...]
    #: the provider configuration address a local provider name stands for
    providers: Callable[[str], str]
    #: for a possible module instance, the inputs under which it exists (``when ...``)
    condition: str = ""


class _Call(NamedTuple):
    """What expanding one module call gave."""

    expanded: Expanded | Unknown
    children: tuple[_Module, ...]
    directory: str


class _Reader:
    """Reads one root module's tree of modules (mutable while it reads)."""

    def __init__(self, manifest: Downloaded, within: Path,
                 flipped: frozenset[str] = frozenset()) -> None:
        self.manifest = manifest
        self.within = within
        #: the root module's flags set to true in this reading (a variant), by name
        self.flipped = flipped
        self.parsed: dict[Path, _Parsed] = {}
        self.calls: dict[tuple[int, str], _Call] = {}
        #: the first block of each module call name in a module (Terraform allows one)
        self.first: dict[tuple[int, str], tuple[Block, str]] = {}
        self.instances = 0
        self.resources: list[Resource] = []
        self.providers: list[Provider] = []
        self.outputs: list[Output] = []
        self.module_calls: list[ModuleCall] = []
        self.diagnostics: list[Diagnostic] = []
        self.contexts: list[tuple[ModuleContext, Declarations]] = []

    def module(
        self, directory: Path, address: str, values: Mapping[str, object],
        chain: tuple[Path, ...], keys: tuple[str, ...], providers: Callable[[str], str],
        condition: str = "",
    ) -> _Module:
        parsed = self._parse(directory)
        context = ModuleContext(address, directory, parsed.found, values)
        here = _Module(context, (*chain, directory.resolve()), keys, providers, condition)
        for block, file in parsed.found.objects:
            if block.type == "module" and len(block.labels) == 1:
                key = (id(context), block.labels[0])
                if key not in self.first:
                    self.first[key] = (block, file)
                    context.add_call(block.labels[0], partial(self._expand, here, block, file))
        return here

    def _parse(self, directory: Path) -> _Parsed:
        key = directory.resolve()
        if key not in self.parsed:
            shown = display_path(directory)
            files = [_load(f, display_child(shown, f.name)) for f in config_files(directory)]
            problems = [d for f in files for d in f.diagnostics] + broken_links(directory, shown)
            self.parsed[key] = _Parsed(files, declarations(files), problems)
        return self.parsed[key]

    def _expand(self, caller: _Module, block: Block, file: str) -> Expanded | Unknown:
        name = block.labels[0]
        key = (id(caller.context), name)
        if key not in self.calls:
            self.calls[key] = self._instances(caller, block, file)
        return self.calls[key].expanded

    def _instances(self, caller: _Module, block: Block, file: str) -> _Call:
        name = block.labels[0]
        ev = caller.context.evaluator()
        body = block.body
        source = body.attribute("source")
        written = None if source is None else ev.value(source.expr)
        where = locate(written, caller.context.directory, ".".join((*caller.keys, name)),
                       caller.chain, self.manifest, self.within)
        address = _qualified(caller.context.module, f"module.{name}")
        ref = (Ref(f"module.{name}", (), caller.context.module),)
        if where.directory is None:
            return _Call(Unknown(f"module not read: {where.problem}", address, ref), (), "")
        count, for_each = body.attribute("count"), body.attribute("for_each")
        found = instances(ev, count, for_each)
        condition = both(caller.condition, self._branch(caller, block))
        if not found:  # a possible instance, when only a defaulted input switches it off
            for world, when in worlds(caller.context, body):
                ev = world.evaluator()
                found = instances(ev, count, for_each)
                if found:
                    condition = both(caller.condition, when)
                    break
        if self.instances + len(found) > MAX_MODULE_INSTANCES:
            problem = f"more than {MAX_MODULE_INSTANCES} module instances in one root module"
            return _Call(Unknown(f"module not read: {problem}", address, ref), (), "")
        self.instances += len(found)
        mapped = _provider_map(body.attribute("providers"))
        children = []
        for instance in found:
            inputs = _Inputs(ev.child(instance.names), body)
            child_address = address + key_text(instance.key)
            child_providers = partial(_child_provider, caller.providers, mapped,
                                      self._declared_providers(where.directory), child_address)
            children.append(self.module(where.directory, child_address, inputs, caller.chain,
                                        (*caller.keys, name), child_providers, condition))
        keyed = count is not None or for_each is not None
        unknown = _unknown_key(found) if keyed else None
        outputs: dict[int | str | None, Outputs] = {
            i.key: c.context for i, c in zip(found, children, strict=True)
        }
        return _Call(Expanded(keyed, outputs, unknown), tuple(children),
                     display_path(where.directory))

    def _declared_providers(self, directory: Path) -> frozenset[str]:
        """The provider configurations a module declares itself (``aws``, ``aws.east``)."""
        found = set()
        for block, _ in self._parse(directory).found.objects:
            if block.type == "provider" and len(block.labels) == 1:
                alias = block.body.attribute("alias")
                written = text(alias.expr).strip().strip('"') if alias is not None else ""
                found.add(f"{block.labels[0]}.{written}" if written else block.labels[0])
        return frozenset(found)

    def collect(self, module: _Module) -> None:
        """Every object of ``module`` and of the modules it calls, into the model."""
        context = module.context
        parsed = self._parse(context.directory)
        self.contexts.append((context, parsed.found))
        for block, file in parsed.found.objects:
            try:
                self._object(module, block, file)
            except Exception as exc:  # never let one block stop the module
                message = f"internal error reading {block.type} block: {exc!r}"
                self.diagnostics.append(Diagnostic(PARSE_ERROR, file, block.line, message))

    def _object(self, module: _Module, block: Block, file: str) -> None:
        context = module.context
        ev = context.evaluator()
        if block.type == "provider":
            provider = provider_block(ev, block, file, context.module)
            if provider is not None:
                self.providers.append(provider)
        elif block.type == "output":
            self._found(output_block(ev, block, file, context.module))
        elif block.type == "module":
            self._call(module, block, file, ev)
        else:
            resources, problems = resource_blocks(ev, block, file, context.module,
                                                  module.providers)
            if not resources and not problems:
                resources = self._possible(module, block, file)
            elif module.condition or self._branch(module, block):
                condition = both(module.condition, self._branch(module, block))
                resources = [dataclasses.replace(r, condition=condition) for r in resources]
            self.resources.extend(resources)
            self.diagnostics.extend(problems)

    def _branch(self, module: _Module, block: Block) -> str:
        """In a variant, the flipped flags a root-module block uses (``when var.a = true``)."""
        if not self.flipped or module.context.module:
            return ""
        used = [n for n in module.context.inputs_used(arguments_text(block))
                if n in self.flipped]
        return f"when {' and '.join(f'var.{n} = true' for n in used)}" if used else ""

    def _possible(self, module: _Module, block: Block, file: str) -> list[Resource]:
        """The possible instances of a block whose ``count``/``for_each`` is empty only because
        inputs nobody set are at their default (see :func:`_worlds`)."""
        for context, condition in worlds(module.context, block.body):
            found, _ = resource_blocks(context.evaluator(), block, file, module.context.module,
                                       module.providers)
            if found:
                return [dataclasses.replace(r, condition=both(module.condition, condition))
                        for r in found]
        return []

    def _call(self, module: _Module, block: Block, file: str, ev: Evaluator) -> None:
        call = module_block(ev, block, file, module.context.module)
        if isinstance(call, Diagnostic):
            self.diagnostics.append(call)
            return
        first, where = self.first[(id(module.context), call.name)]
        if first is not block:
            message = (f"module {call.name} is declared more than once (first in {where} line "
                       f"{first.line}): this one is not read")
            self.diagnostics.append(Diagnostic(PARSE_ERROR, file, block.line, message))
            return
        module.context.module_call(call.name)
        done = self.calls.get((id(module.context), call.name))
        if done is None:  # asked while being expanded: a cycle through its own outputs
            self.module_calls.append(call)
            return
        expanded = done.expanded
        unread = expanded.reason.removeprefix("module not read: ") if isinstance(
            expanded, Unknown) else ""
        if unread and not call.remote:  # a remote source not downloaded is NHI901's
            self.diagnostics.append(Diagnostic(PARSE_ERROR, file, block.line,
                                               f"module {call.name} is not read: {unread}"))
        instances = tuple(c.context.module for c in done.children)
        self.module_calls.append(dataclasses.replace(
            call, directory=done.directory, instances=instances, unread=unread))
        for child in done.children:
            self.collect(child)

    def _found(self, found: Output | Diagnostic) -> None:
        if isinstance(found, Diagnostic):
            self.diagnostics.append(found)
        elif isinstance(found, Output):
            self.outputs.append(found)

    def model(self, tfvars: tuple[str, ...]) -> Model:
        files = [f for p in self.parsed.values() for f in p.files]
        diagnostics = [d for p in self.parsed.values() for d in p.diagnostics]
        return Model(
            resources=tuple(self.resources),
            providers=tuple(self.providers),
            outputs=tuple(self.outputs),
            module_calls=tuple(self.module_calls),
            variables=tuple(v for c, f in self.contexts for v in defaults(c, f)),
            local_values=tuple(v for c, f in self.contexts for v in local_values(c, f)),
            files=tuple(f.path for f in files) + tfvars,
            comments=tuple(_unique(c for f in files for c in f.comments)),
            diagnostics=tuple(dict.fromkeys(diagnostics + self.diagnostics)),
        )


class _Inputs(Mapping[str, object]):
    """A module call's arguments as the child's variable values, evaluated when first read
    in the caller's context (with the instance's ``each``/``count``)."""

    def __init__(self, ev: Evaluator, body: Body) -> None:
        self._ev = ev
        self._arguments = {a.name: a for a in body.attributes if a.name not in _META}

    def __getitem__(self, name: str) -> object:
        return bounded_value(self._ev, self._arguments[name].expr)

    def __iter__(self) -> Iterator[str]:
        return iter(self._arguments)

    def __len__(self) -> int:
        return len(self._arguments)


def _provider_map(attribute: Attribute | None) -> dict[str, str]:
    """``providers = { aws = aws.east }``: the child's name to the caller's."""
    if attribute is None:
        return {}
    return dict(_PROVIDER_PAIR.findall(text(attribute.expr)))


def _child_provider(
    caller: Callable[[str], str], mapped: Mapping[str, str], declared: frozenset[str],
    address: str, local: str,
) -> str:
    """A provider name in a child module: its own block, the one passed to it, or the
    caller's default configuration (which Terraform passes on implicitly)."""
    if local in declared:
        return f"{address}.{local}"
    return caller(mapped.get(local, local))


def _unknown_key(found: list[Instance]) -> Unknown | None:
    """Why the instance keys of a counted call are not known (one instance, key unknown)."""
    if len(found) != 1 or found[0].key is not None:
        return None
    for name, field in (("count", "index"), ("each", "key")):
        scope = found[0].names.get(name)
        value = scope.get(field) if isinstance(scope, dict) else None
        if isinstance(value, Unknown):
            return value
    return None


def _qualified(module: str, local: str) -> str:
    return f"{module}.{local}" if module else local


def _unique(comments: Iterator[Comment]) -> list[Comment]:
    return list(dict.fromkeys(comments))

