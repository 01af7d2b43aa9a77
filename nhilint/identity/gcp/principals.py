"""GCP principals: service accounts and the agents that run as them, with their owners.

A ``google_service_account`` has no labels, so its owner is written by convention in its
``description`` (``owner=team-x; ticket=SEC-1``), under one of the configured owner keys
(``[tool.nhilint] owner_keys``), matched without regard to case.  A Vertex AI reasoning
engine (agent engine) has labels, and the provider's ``default_labels`` apply to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from nhilint.identity.gcp.context import Context, Who
from nhilint.identity.graph import Declaration, Owner, OwnerState, Principal, Reason
from nhilint.model import Resource, Unknown


def principal_for(ctx: Context, who: Who, agents: Mapping[str, Resource]) -> Principal:
    """The principal, as an AI agent's identity when an agent engine runs as it."""
    resource = ctx.accounts.get(who.id.ref) if isinstance(who.id.ref, str) else None
    engine = agents.get(who.id.ref) if isinstance(who.id.ref, str) else None
    kind = "ai-agent" if engine is not None else who.kind
    why = who.why + ((Reason("an agent engine runs as it", engine.address),) if engine else ())
    if engine is not None and engine.address == who.id.ref:
        return Principal(who.id, kind, who.name, who.automation, why,
                         label_owner(ctx, engine), Declaration(engine.address, engine.span))
    if resource is None or not who.declared:
        return Principal(who.id, kind, who.name, who.automation,
                         (Reason("it is not declared in the scanned code"), *why),
                         Owner(OwnerState.UNKNOWN, "not declared in the scanned code"))
    return Principal(who.id, kind, who.name, who.automation, why, description_owner(ctx, resource),
                     Declaration(resource.address, resource.span))


def description_owner(ctx: Context, resource: Resource) -> Owner:
    """``owner=team-x`` (or ``owner: team-x``) in the service account's description."""
    text = resource.get("description")
    if isinstance(text, Unknown):
        return Owner(OwnerState.UNKNOWN, "description is computed", text)
    if isinstance(text, str):
        for key in ctx.settings.owner_keys:
            found = re.search(rf"(?:^|[\s;,|(])({re.escape(key)})\s*[=:]\s*([^\s;,|)]+)", text,
                              re.IGNORECASE)
            if found:
                return Owner(OwnerState.KNOWN, f"description {found.group(1)}", found.group(2))
    keys = " or ".join(f"{k}=<team>" for k in dict.fromkeys(
        k.lower() for k in ctx.settings.owner_keys))
    return Owner(OwnerState.ABSENT,
                 f"no {keys} in the service account's description (service accounts have "
                 "no labels)")


def label_owner(ctx: Context, resource: Resource) -> Owner:
    """The owner label of a resource with labels, or of its provider's ``default_labels``."""
    provider = ctx.provider(resource)
    defaults = provider.attributes.get("default_labels") if provider else None
    labels = resource.get("labels")
    for where, found in (("label", labels), (f"provider {resource.provider} default_labels",
                                             defaults)):
        if isinstance(found, dict):
            for key in ctx.settings.owner_keys:
                value = found.get(key)
                if isinstance(value, Unknown) or (isinstance(value, str) and value.strip()):
                    return Owner(OwnerState.KNOWN, f"{where} {key}", value)
    for where, found in (("labels", labels), ("default_labels", defaults)):
        if isinstance(found, Unknown):
            return Owner(OwnerState.UNKNOWN, f"{where} are computed", found)
    keys = ", ".join(ctx.settings.owner_keys)
    return Owner(OwnerState.ABSENT,
                 f"no owner label ({keys}) on the resource or its provider's default_labels")
