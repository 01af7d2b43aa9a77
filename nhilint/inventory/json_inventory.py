"""``nhilint inventory --format json``: the inventory contract (``nhilint/inventory/v1``,
``nhilint/report/inventory-schema.json``).

Every value the graph does not know is an explicit object, ``{"unknown": "<expression>",
"reason": "…"}``, never a made-up string; a value that is absent is ``null``.  Platforms,
kinds and the other vocabularies of the graph are plain strings, so a new platform adds
principals without changing the shape.
"""

from __future__ import annotations

import json
from typing import Any

from nhilint import __version__
from nhilint.identity.graph import (
    Condition,
    Credential,
    Escalation,
    Exposure,
    Grant,
    Owner,
    Pending,
    Provenance,
    Reason,
    Scope,
    Text,
    Trust,
)
from nhilint.inventory.entries import VERDICTS, Entry, Inventory, ModuleEntry, inventory
from nhilint.model import Span, Unknown
from nhilint.result import ScanResult

SCHEMA_ID = "nhilint/inventory/v1"
Json = dict[str, Any]


def render(result: ScanResult) -> str:
    return json.dumps(as_dict(inventory(result)), indent=2) + "\n"


def as_dict(found: Inventory) -> Json:
    return {
        "schema": SCHEMA_ID,
        "tool": {"name": "nhilint", "version": __version__},
        "modules": [_module(m) for m in found.modules],
        "diagnostics": [d._asdict() for d in found.diagnostics],
        "summary": {
            "modules": len(found.modules),
            "principals": len(found.entries),
            "automation": found.counts(),
            "identity_altering": found.altering,
        },
    }


def value(text: Text | None) -> object:
    """A text value, ``null`` when absent, or the explicit object of an unknown one."""
    if isinstance(text, Unknown):
        return {"unknown": text.source, "reason": text.reason}
    return text


def _module(module: ModuleEntry) -> Json:
    return {
        "path": module.path,
        "role": module.role,
        "principals": [_principal(e) for e in module.principals],
    }


def _principal(entry: Entry) -> Json:
    p = entry.principal
    return {
        "platform": p.platform,
        "type": p.id.type,
        "kind": p.kind,
        "ref": value(p.id.ref),
        "declared": not entry.external,
        "address": p.address,
        "name": value(p.name),
        "location": _location(p.span),
        "automation": {"verdict": VERDICTS[p.automation], "why": [_reason(r) for r in p.why]},
        "owner": _owner(p.owner),
        "identity_altering": [_grant(g) for g in entry.altering],
        "credentials": [_credential(c, entry) for c in entry.credentials],
        "trusts": [_trust(t) for t in entry.trusts],
        "escalations": [_escalation(e) for e in entry.escalations],
        "pending": [_pending(x) for x in entry.pending],
    }


def _location(span: Span | None) -> Json | None:
    if span is None:
        return None
    return {"path": span.path, "line": span.line, "end_line": span.end_line}


def _reason(reason: Reason) -> Json:
    return {"says": reason.says, "value": value(reason.value), "then": reason.then}


def _owner(owner: Owner) -> Json:
    return {"state": owner.state.value, "source": owner.source, "value": value(owner.value)}


def _scope(scope: Scope) -> Json:
    return {
        "level": scope.level.value,
        "ids": [value(i) for i in scope.ids],
        "wildcard": scope.wildcard,
        "excepted": scope.excepted,
    }


def _via(provenance: Provenance) -> Json:
    return {
        "holder": provenance.holder,
        "chain": list(provenance.chain),
        "location": _location(provenance.span),
    }


def _condition(condition: Condition) -> Json:
    return {
        "key": condition.key,
        "operator": condition.operator,
        "values": [value(v) for v in condition.values],
        "narrows": condition.narrows.value,
    }


def _grant(grant: Grant) -> Json:
    a = grant.access
    return {
        "permissions": [value(p) for p in a.permissions],
        "excepted": a.excepted,
        "all_permissions": a.wildcard,
        "altering": sorted(a.altering),
        "scope": _scope(a.scope),
        "unbounded": a.unbounded,
        "via": _via(grant.provenance),
        "statement": {"resource": a.written_in, "location": _location(a.span)},
        "expiry": value(a.expiry),
        "conditions": [_condition(c) for c in a.conditions],
        "narrowed": a.narrowed,
        "credited": list(a.credited),
        "undecided": [
            {"what": u.what, "value": value(u.value), "reason": u.reason} for u in a.undecided
        ],
    }


def _credential(credential: Credential, entry: Entry) -> Json:
    copies = [e for e in entry.exposures if e.credential == credential.address]
    return {
        "resource": credential.address,
        "kind": credential.kind,
        "label": credential.label,
        "persistent": credential.persistent,
        "rotated": credential.rotated,
        "expiry": value(credential.expiry),
        "exposed_in_state": credential.exposed_in_state,
        "location": _location(credential.span),
        "copied_to": [_exposure(e) for e in copies],
    }


def _exposure(exposure: Exposure) -> Json:
    return {
        "store": exposure.store,
        "label": exposure.label,
        "attribute": exposure.attribute,
        "reach": exposure.reach,
        "wide": exposure.wide,
        "credited": list(exposure.credited),
        "location": _location(exposure.span),
    }


def _trust(trust: Trust) -> Json:
    return {
        "kind": trust.kind.value,
        "issuer": value(trust.issuer),
        "via": trust.via or None,
        "subjects": [value(s) for s in trust.subjects],
        "audiences": [value(a) for a in trust.audiences],
        "conditions": [_condition(c) for c in trust.conditions],
        "location": _location(trust.span),
    }


def _escalation(escalation: Escalation) -> Json:
    return {
        "method": escalation.method,
        "description": escalation.description,
        "steps": [{"permission": p, "via": _via(v)} for p, v in escalation.steps],
    }


def _pending(pending: Pending) -> Json:
    u = pending.undecided
    return {
        "source": pending.source,
        "what": u.what,
        "value": value(u.value),
        "reason": u.reason,
        "via": _via(pending.provenance),
    }
