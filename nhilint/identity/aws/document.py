"""AWS policy documents from whatever the configuration wrote them as.

A policy reaches us as JSON text (a literal or heredoc), as a ``jsonencode(...)`` structure, as
a reference to ``data "aws_iam_policy_document"`` (rendered here the way the provider renders
it, with ``source_policy_documents`` and ``override_policy_documents`` merged by ``sid``) or as a
reference to another resource's ``policy``.  The result is a list of :class:`RawStatement` in
IAM JSON shape, each with the span a reviewer should look at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import NamedTuple

from nhilint.identity.graph import Undecided
from nhilint.identity.values import Index, as_list
from nhilint.model import AttrPath, Resource, Span, Unknown

POLICY_DOCUMENT = "aws_iam_policy_document"
_MAX_DEPTH = 8


class RawStatement(NamedTuple):
    body: Mapping[str, object]
    span: Span
    written_in: str


class Document(NamedTuple):
    statements: tuple[RawStatement, ...]
    #: what of the document could not be known; empty when it is fully known
    undecided: tuple[Undecided, ...] = ()


def _not_a_document(reason: str) -> Document:
    return Document((), (Undecided("the policy", None, reason),))


def read_policy(value: object, holder: Resource, path: AttrPath, index: Index) -> Document:
    """The statements of the policy ``value`` found at ``holder``'s attribute ``path``."""
    return _read(value, holder, path, index, 0)


def _read(value: object, holder: Resource, path: AttrPath, index: Index, depth: int) -> Document:
    span = holder.span_of(path)
    if depth > _MAX_DEPTH:
        return _not_a_document(f"references other policies nested deeper than {_MAX_DEPTH}")
    if isinstance(value, str):
        return _from_json_text(value, span, holder.address)
    if isinstance(value, dict):
        return _from_structure(value, span, holder.address)
    if isinstance(value, Unknown):
        return _from_unknown(value, holder, path, index, depth)
    if value is None:
        return Document(())
    return _not_a_document(f"is a {type(value).__name__}, not a document")


def _from_unknown(
    value: Unknown, holder: Resource, path: AttrPath, index: Index, depth: int
) -> Document:
    if isinstance(value.partial, dict):
        return _from_structure(value.partial, holder.span_of(path), holder.address)
    target = index.referenced(value)
    if target is not None and target.type == POLICY_DOCUMENT and target.mode == "data":
        return render_document(target, index, depth + 1)
    if target is not None and "policy" in target.attributes and target is not holder:
        return _read(target.get("policy"), target, ("policy",), index, depth + 1)
    return Document((), (Undecided("the policy", value, "is not known before apply"),))


def _from_json_text(value: str, span: Span, written_in: str) -> Document:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        return _not_a_document(f"is not valid JSON ({exc.msg} at line {exc.lineno})")
    if not isinstance(parsed, dict):
        return _not_a_document("is JSON but not an object")
    return _from_structure(parsed, span, written_in)


def _from_structure(doc: Mapping[str, object], span: Span, written_in: str) -> Document:
    statements: list[RawStatement] = []
    undecided: list[Undecided] = []
    for body in as_list(doc.get("Statement")):
        if isinstance(body, dict):
            statements.append(RawStatement(body, span, written_in))
        else:
            undecided.append(_statement_unknown(body))
    return Document(tuple(statements), tuple(undecided))


def _statement_unknown(body: object) -> Undecided:
    if isinstance(body, Unknown):
        return Undecided("a statement", body, "is not known before apply")
    return Undecided("a statement", None, f"is a {type(body).__name__}, not an object")


def render_document(data: Resource, index: Index, depth: int = 0) -> Document:
    """Render ``data "aws_iam_policy_document"`` as the provider would."""
    unknowns: list[Undecided] = []
    sources = _merge_sources(data, "source_policy_documents", "source_json", index, depth, unknowns)
    own = _own_statements(data, unknowns)
    merged = _override_by_sid(sources, own)
    overrides = _merge_sources(
        data, "override_policy_documents", "override_json", index, depth, unknowns
    )
    merged = _override_by_sid(merged, overrides)
    return Document(tuple(merged), tuple(unknowns))


def _merge_sources(
    data: Resource, attr: str, legacy: str, index: Index, depth: int, unknowns: list[Undecided]
) -> list[RawStatement]:
    found: list[RawStatement] = []
    values: list[tuple[object, AttrPath]] = [
        (v, (attr, i)) for i, v in enumerate(as_list(data.get(attr)))
    ]
    if data.get(legacy) is not None:
        values.append((data.get(legacy), (legacy,)))
    for value, path in values:
        document = _read(value, data, path, index, depth + 1)
        found.extend(document.statements)
        unknowns.extend(document.undecided)
    return found


def _override_by_sid(base: list[RawStatement], top: list[RawStatement]) -> list[RawStatement]:
    """Statements of ``top`` replace those of ``base`` with the same non-empty ``Sid``."""
    top_sids = {s.body.get("Sid") for s in top if s.body.get("Sid")}
    kept = [s for s in base if not s.body.get("Sid") or s.body.get("Sid") not in top_sids]
    return kept + top


def _own_statements(data: Resource, unknowns: list[Undecided]) -> list[RawStatement]:
    found = []
    for i, block in enumerate(as_list(data.get("statement"))):
        if not isinstance(block, dict):
            unknowns.append(_statement_unknown(block))
            continue
        span = data.span_of(("statement", i))
        found.append(RawStatement(_statement_json(block), span, data.address))
    return found


def _statement_json(block: Mapping[str, object]) -> dict[str, object]:
    body: dict[str, object] = {"Effect": block.get("effect") or "Allow"}
    pairs = (
        ("sid", "Sid"),
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    )
    for attr, key in pairs:
        if _written(block.get(attr)):
            body[key] = block[attr]
    for attr, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if _written(block.get(attr)):
            body[key] = _principals(block[attr])
    if _written(block.get("condition")):
        body["Condition"] = _conditions(block["condition"])
    return body


def _written(value: object) -> bool:
    """The provider leaves out of the JSON what is unset, null or empty (a plan holds every
    unset argument of a document's statement as ``[]`` or ``""``)."""
    return value is not None and value != [] and value != ""


def _principals(blocks: object) -> object:
    """``principals { type, identifiers }`` blocks as IAM's ``Principal``; keys that are not
    known stay :class:`Unknown` (the trust reader reports them)."""
    principals: dict[object, list[object]] = {}
    for block in as_list(blocks):
        if not isinstance(block, dict):
            principals.setdefault(_key(block), []).append(block)
            continue
        kind = _key(block.get("type"))
        identifiers = as_list(block.get("identifiers"))
        if kind == "*" and identifiers == ["*"]:
            return "*"
        principals.setdefault(kind, []).extend(identifiers)
    return principals


def _conditions(blocks: object) -> dict[object, object]:
    """``condition { test, variable, values }`` blocks as IAM's ``Condition``; unknown parts
    stay :class:`Unknown` (the statement reader reports them)."""
    conditions: dict[object, object] = {}
    for block in as_list(blocks):
        if isinstance(block, dict):
            by_key = conditions.setdefault(_key(block.get("test")), {})
            if isinstance(by_key, dict):
                by_key[_key(block.get("variable"))] = block.get("values")
        else:
            conditions[_key(block)] = block
    return conditions


def _key(value: object) -> str | Unknown:
    """A value used as a key of IAM's JSON shape: a string, or unknown."""
    if isinstance(value, str | Unknown):
        return value
    return Unknown(f"is a {type(value).__name__}, not a string")
