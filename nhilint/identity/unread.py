"""What the scan could not read: called modules whose source was not downloaded."""

from __future__ import annotations

from nhilint.identity.graph import Graph, Unread
from nhilint.identity.modules import what_is_lost
from nhilint.model import Model


def unread_modules(model: Model) -> Graph:
    """Each remote module call whose code was not read (no ``terraform init`` copy), with what
    is known to be lost for the most used modules."""
    found = []
    for call in model.module_calls:
        if not call.unread or not call.remote or not isinstance(call.source, str):
            continue
        lost = what_is_lost(call.source, call.version) or ""
        found.append(Unread(call.address, call.span, call.source, call.unread, lost))
    return Graph(unread=tuple(found))
