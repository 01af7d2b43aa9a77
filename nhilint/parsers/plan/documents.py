"""Policies that are a policy document's ``json``: read as the reference the configuration wrote.

``policy = data.aws_iam_policy_document.ci.json`` reaches the plan as the JSON text Terraform
rendered, the same text as the document's ``json``: the holder's value no longer says that its
statements are written in the document.  Where the configuration's expression for an attribute
references exactly one document's ``json`` and the planned value is that document's ``json``,
the value is the document: it is given as the HCL reader gives it, an :class:`Unknown` with the
reference, so the policy is read from the document (and located there, where a reviewer edits
it) whichever input is scanned.  "That document's ``json``" is the same JSON: the provider
re-encodes a policy it keeps (key order, spacing).  A value computed from the document (a
``replace()`` of it) differs from its ``json`` and stays as planned.  A list of documents
(``source_policy_documents = [data.aws_iam_policy_document.base.json]``) is read element by
element.  A module output that is exactly one document's ``json`` (``policy =
module.policy.json``) is followed to the document inside the module.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence

from nhilint.model import Ref, Resource, Unknown
from nhilint.parsers.plan.expressions import Config, module_path
from nhilint.parsers.plan.refs import references

POLICY_DOCUMENT = "aws_iam_policy_document"
RENDERED = "the json of a policy document"

#: a document instance's ``json`` by (module address, address in the module)
Rendered = Mapping[tuple[str, str], str]


def as_document_references(resources: Sequence[Resource], config: Config) -> list[Resource]:
    """``resources`` with every value that is a document's ``json`` read as its reference."""
    rendered = {
        (r.module, r.local_address): text for r in resources
        if r.mode == "data" and r.type == POLICY_DOCUMENT
        and isinstance(text := r.get("json"), str)
    }
    if not rendered:
        return list(resources)
    return [_linked(r, rendered, config) for r in resources]


def _linked(resource: Resource, rendered: Rendered, config: Config) -> Resource:
    key = (module_path(resource.module), resource.local_address.split("[", 1)[0])
    expressions = config.expressions.get(key)
    if not expressions:
        return resource
    attributes = _walk(resource.attributes, expressions, resource.module, rendered, config)
    if attributes == resource.attributes:
        return resource
    return dataclasses.replace(resource, attributes=attributes)


def _walk(values: Mapping[str, object], expressions: Mapping[str, object], module: str,
          rendered: Rendered, config: Config) -> dict[str, object]:
    found = dict(values)
    for name, expression in expressions.items():
        value = values.get(name)
        if isinstance(expression, dict):
            found[name] = _value(value, expression, module, rendered, config)
        elif isinstance(expression, list) and isinstance(value, list) and (
            len(expression) == len(value)
        ):
            found[name] = [
                _walk(v, e, module, rendered, config)
                if isinstance(v, dict) and isinstance(e, dict)
                else v
                for v, e in zip(value, expression, strict=True)
            ]
    return found


def _value(value: object, expression: Mapping[str, object], module: str,
           rendered: Rendered, config: Config) -> object:
    written = expression.get("references")
    if not isinstance(written, list):
        return value
    every = [_through_outputs(r, config) for r in references(written, module)]
    refs = [r for r in every
            if r.attr == ("json",) and r.address.startswith(f"data.{POLICY_DOCUMENT}.")]
    if isinstance(value, str) and len(refs) == len(every) == 1:
        return _document(value, refs, rendered)
    if isinstance(value, list) and refs and len(refs) == len(every):
        return [_document(v, refs, rendered) if isinstance(v, str) else v for v in value]
    return value


def _through_outputs(ref: Ref, config: Config, depth: int = 0) -> Ref:
    """``module.policy.json`` → the reference its output is (``data...this.json`` in
    ``module.policy``), when the output is exactly one reference; else ``ref``."""
    if not ref.address.startswith("module.") or len(ref.attr) != 1 or depth > 16:
        return ref
    child = f"{ref.module}.{ref.address}" if ref.module else ref.address
    output = config.outputs.get((module_path(child), str(ref.attr[0])))
    written = output.get("references") if output is not None else None
    inner = references(written, child) if isinstance(written, list) else ()
    return _through_outputs(inner[0], config, depth + 1) if len(inner) == 1 else ref


def _document(value: str, refs: Sequence[Ref], rendered: Rendered) -> object:
    """``value`` as the reference to the one document of ``refs`` whose ``json`` it is."""
    same = [r for r in refs
            if _same_json(rendered.get((r.module, r.address)) or "", value)]
    if len(same) != 1:
        return value
    return Unknown(RENDERED, source=f"{same[0].address}.json", refs=(same[0],))


def _same_json(left: str, right: str) -> bool:
    """The same JSON (the provider re-encodes a policy it keeps: key order, spacing)."""
    try:
        return bool(json.loads(left) == json.loads(right))
    except (ValueError, RecursionError):
        return False
