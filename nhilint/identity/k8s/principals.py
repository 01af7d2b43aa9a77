"""Kubernetes principals: service accounts with their owners, and the subjects bindings name.

A service account's owner is written in its ``metadata`` labels or annotations, under one of
the configured owner keys (``[tool.nhilint] owner_keys``); labels are read first.  A subject
not declared here (a user, a group, a service account made by a chart) has no owner nhilint
can read.
"""

from __future__ import annotations

from collections.abc import Mapping

from nhilint.identity.graph import Declaration, Owner, OwnerState, Principal, PrincipalId, Reason
from nhilint.identity.k8s.context import Context, Who
from nhilint.identity.owners import owner_in


def principal_for(ctx: Context, who: Who, linked: Mapping[PrincipalId, tuple[Reason, ...]]
                  ) -> Principal:
    resource = ctx.accounts.get(who.id.ref) if isinstance(who.id.ref, str) else None
    why = who.why + linked.get(who.id, ())
    if resource is None or not who.declared:
        return Principal(who.id, who.kind, who.name, who.automation,
                         (Reason("it is not declared in the scanned code"), *why),
                         Owner(OwnerState.UNKNOWN, "not declared in the scanned code"))
    meta = ctx.metadata(resource)
    keys = ctx.settings.owner_keys
    owner = owner_in((("label", meta.get("labels")), ("annotation", meta.get("annotations"))),
                     keys, f"no owner label or annotation ({', '.join(keys)}) on the service "
                     "account")
    return Principal(who.id, who.kind, who.name, who.automation, why, owner,
                     Declaration(resource.address, resource.span))
