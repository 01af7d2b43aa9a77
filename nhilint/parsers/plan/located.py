"""Plan resources located in the ``.tf`` the plan was made from, when it sits beside the plan.

A plan has no lines to point at: its resources name the plan file only.  When the plan's
directory holds the configuration (``*.tf`` or ``*.tf.json``, read with the HCL reader), each
resource, data source, provider and output takes the span and the attribute spans of its block
there, matched by address without instance keys (``aws_iam_user.ci["a"]`` is written as block
``aws_iam_user.ci``; ``module.x["k"].aws_iam_role.r`` as ``aws_iam_role.r`` in
``module.x``).
What matches no block keeps the plan's file; so does every resource when the directory's
``.tf`` (with the modules they call) do not declare all the resources of the plan's
configuration (they are another module, not the one planned).  Only positions come from the
configuration: every value is the plan's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from nhilint.model import Model, Output, Provider, Resource, Span
from nhilint.parsers.hcl import parse_module
from nhilint.parsers.hcl.discover import config_files
from nhilint.parsers.plan.expressions import Config, module_path

#: a resource block: (module path without keys, address in its module without key)
Block = tuple[str, str]


def configuration_beside(plan: Path) -> Model | None:
    """The configuration in the plan's directory, or ``None`` when it holds none."""
    directory = plan.parent
    if not config_files(directory):
        return None
    return parse_module(directory)


def is_configuration(config: Config, source: Model) -> bool:
    """Does ``source`` declare every resource the plan's configuration holds in the root
    module and in the modules ``source`` read (so that it is the configuration the plan was
    made from, not some other module)?"""
    declared = {block_of(r) for r in source.resources}
    read = {""} | {module_path(r.module) for r in source.resources}
    written = {key for key in config.expressions if key[0] in read}
    return bool(written) and written <= declared


def locate(model: Model, source: Model) -> Model:
    """``model`` (read from a plan) with the positions of ``source`` (its configuration)."""
    blocks: dict[Block, Resource] = {}
    exact = {r.address: r for r in source.resources}
    for resource in source.resources:
        blocks.setdefault(block_of(resource), resource)
    providers = {p.address: p for p in source.providers}
    outputs = {(o.module, o.name): o for o in source.outputs}
    resources = tuple(_resource(r, exact.get(r.address) or blocks.get(block_of(r)))
                      for r in model.resources)
    located = dataclasses.replace(
        model, resources=resources,
        providers=tuple(_provider(p, providers) for p in model.providers),
        outputs=tuple(_output(o, outputs) for o in model.outputs),
    )
    used = {s.path for s in _spans(located)} - set(model.files)
    return dataclasses.replace(located, files=(*model.files, *sorted(used)))


def _spans(model: Model) -> list[Span]:
    return [*(r.span for r in model.resources), *(p.span for p in model.providers),
            *(o.span for o in model.outputs)]


def block_of(resource: Resource) -> Block:
    """``module.a["x"].aws_iam_role.r[0]`` → ``("module.a", "aws_iam_role.r")``."""
    return module_path(resource.module), resource.local_address.split("[", 1)[0]


def _resource(resource: Resource, written: Resource | None) -> Resource:
    if written is None or written.type != resource.type or written.mode != resource.mode:
        return resource
    return dataclasses.replace(resource, span=written.span,
                               attribute_spans=dict(written.attribute_spans))


def _provider(provider: Provider, written: Mapping[str, Provider]) -> Provider:
    found = written.get(provider.address)
    if found is None:
        return provider
    return dataclasses.replace(provider, span=found.span,
                               attribute_spans=dict(found.attribute_spans))


def _output(output: Output, written: Mapping[tuple[str, str], Output]) -> Output:
    found = written.get((output.module, output.name))
    if found is None:
        return output
    return dataclasses.replace(output, span=found.span)
