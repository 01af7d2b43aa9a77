"""The policies written in the scanned code, each once, where its statements are written.

A policy's statements are written in one place and may be used from many: a
``data "aws_iam_policy_document"`` used by an ``aws_iam_policy``, by three role policies and by
a permission set is one text a reviewer edits, so it is one policy of the graph, located at the
document, with its users in ``used_by``; a ``jsonencode`` or JSON policy written in the holder
itself is located at the holder, as is an ``aws_iam_policy`` (which is its own policy object,
whoever attaches it).  A policy's own Denys are applied as the holder that uses it sees them.

A document no identity holder reads (nothing uses it, or what uses it is an output, a module
call, or an argument that could not be read) is a policy of its own, unless every use is a
trust, resource-based, Organizations or boundary policy (:mod:`nhilint.identity.aws.uses`).
Its statements that name a ``Principal`` are not read: an identity-based policy cannot name
one (IAM refuses it), so such a statement belongs to a resource or trust policy.  An
``aws_iam_policy`` used only as a permissions boundary grants nothing and is not a policy of
the graph either.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

from nhilint.identity.aws.context import PLATFORM, Context
from nhilint.identity.aws.document import POLICY_DOCUMENT, render_document
from nhilint.identity.aws.grants import Held, Read, customer_policies
from nhilint.identity.aws.statement import normalise
from nhilint.identity.aws.uses import Use, base, grants_nothing, policy_uses
from nhilint.identity.graph import Access, Policy
from nhilint.model import Resource

Key = tuple[str, int | None]


def defined_policies(ctx: Context, held: Iterable[Held]) -> tuple[Policy, ...]:
    """Every policy written here that grants (or may grant) its holders, once each."""
    uses = policy_uses(ctx.model)
    holding = _unique([h.read for h in held if not h.read.managed and h.read.defined])
    held_here = {r.address for r in holding}
    unheld = [r for r in customer_policies(ctx) if r.address not in held_here]
    covered = {a for r in holding + unheld for a in _written_in(r)}
    grants = [r for r in unheld if not grants_nothing(uses, r.address)] + holding
    grants += standalone_documents(ctx, uses, covered)
    return _where_written(ctx, grants, uses)


def _written_in(read: Read) -> tuple[str, ...]:
    return (read.address, *(s.written_in for s in read.statements))


def _unique(reads: list[Read]) -> list[Read]:
    return list({(r.address, r.span.line, r.label): r for r in reads}.values())


def standalone_documents(
    ctx: Context, uses: Mapping[str, tuple[Use, ...]], covered: set[str]
) -> list[Read]:
    """The policy documents no identity holder reads, that are not known to grant nothing."""
    return [
        _document(ctx, data)
        for data in ctx.model.of_type(POLICY_DOCUMENT)
        if data.mode == "data" and data.address not in covered
        and not grants_nothing(uses, data.address)
    ]


def _document(ctx: Context, data: Resource) -> Read:
    document = render_document(data, ctx.index)
    statements = tuple(
        normalise(raw, ctx.catalog) for raw in document.statements
        if "Principal" not in raw.body and "NotPrincipal" not in raw.body
    )
    return Read(data.address, data.address, data.name, statements, data.span,
                undecided=document.undecided)


def _where_written(
    ctx: Context, reads: list[Read], uses: Mapping[str, tuple[Use, ...]]
) -> tuple[Policy, ...]:
    resources = {r.address: r for r in ctx.model.resources}
    found: dict[Key, Policy] = {}
    for read in reads:
        own, elsewhere = read.policy(), _elsewhere(read, resources)
        here = tuple(a for a in own.access if a.written_in not in elsewhere)
        if here or not elsewhere:
            _add(found, (read.address, read.span.line), replace(own, access=()), here, ())
        for written_in, accesses in _by_document(own.access, read, resources):
            document = _document_policy(resources[written_in], uses)
            _add(found, (written_in, document.span.line), document, accesses, (read.address,))
    return tuple(found.values())


def _elsewhere(read: Read, resources: Mapping[str, Resource]) -> set[str]:
    """The resources other than ``read``'s own that its statements are written in."""
    return {s.written_in for s in read.statements
            if s.written_in != read.address and s.written_in in resources}


def _by_document(
    accesses: tuple[Access, ...], read: Read, resources: Mapping[str, Resource]
) -> Iterator[tuple[str, tuple[Access, ...]]]:
    for written_in in sorted(_elsewhere(read, resources)):
        yield written_in, tuple(a for a in accesses if a.written_in == written_in)


def _document_policy(document: Resource, uses: Mapping[str, tuple[Use, ...]]) -> Policy:
    users = tuple(u.by for u in uses.get(base(document.address), ()))
    return Policy(PLATFORM, document.address, document.address, document.name, (),
                  document.span, used_by=users)


def _add(
    found: dict[Key, Policy], key: Key, policy: Policy, accesses: tuple[Access, ...],
    users: tuple[str, ...],
) -> None:
    """``policy`` with ``accesses`` (and used by ``users``), merged into what was found."""
    before = found.get(key, policy)
    found[key] = replace(
        before,
        access=tuple(dict.fromkeys((*before.access, *accesses))),
        used_by=tuple(dict.fromkeys((*before.used_by, *users, *policy.used_by))),
    )
