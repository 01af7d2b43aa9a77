"""Each fact of the inventory in a few words, for the formats people read (text, markdown,
csv).  Unknown values show their expression (``${var.policy}``), as in finding messages; the
graph holds no secret value, so none can be shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from nhilint.identity.graph import (
    Access,
    Condition,
    Credential,
    Escalation,
    Expiry,
    Grant,
    Owner,
    OwnerState,
    Pending,
    Principal,
    Reason,
    Text,
    Trust,
)
from nhilint.inventory.entries import VERDICTS, Entry
from nhilint.model import Span
from nhilint.rule import show

#: permissions or targets named before "(+N more)"
FEW = 4


def principal(p: Principal) -> str:
    """``aws_iam_user.ci``; for a principal not declared here, what the code names it by
    (:attr:`Principal.label`, the same name the rules' messages use)."""
    return p.label


def kind(entry: Entry) -> str:
    """``aws user``, and whether it is only referenced here."""
    external = ", external (referenced, not declared here)" if entry.external else ""
    return f"{entry.principal.platform} {entry.principal.kind}{external}"


def where(span: Span) -> str:
    return at(span.path, span.line)


def at(path: str, line: int | None) -> str:
    """``main.tf:8``, or the path alone when there is no line to point at."""
    return path if line is None else f"{path}:{line}"


def automation(p: Principal) -> str:
    """``yes: holds a static access key aws_iam_access_key.ci``."""
    why = reasons(p.why)
    return f"{VERDICTS[p.automation]}: {why}" if why else VERDICTS[p.automation]


def reasons(why: Iterable[Reason]) -> str:
    return "; ".join(reason(r) for r in why)


def reason(r: Reason) -> str:
    parts = (r.says, "" if r.value is None else show(r.value), r.then)
    return " ".join(p for p in parts if p)


def owner(o: Owner) -> str:
    """``platform (tag Owner)``, ``none: no owner tag …`` or ``unknown: tags are computed …``."""
    if o.state is OwnerState.KNOWN and o.value is not None:
        return f"{show(o.value)} ({o.source})"
    value = f": {show(o.value)}" if o.value is not None else ""
    return f"{owner_state(o)}: {o.source}{value}"


def owner_state(o: Owner) -> str:
    """The owner in one word: its value, ``none`` or ``unknown``."""
    if o.state is OwnerState.KNOWN and o.value is not None:
        return show(o.value)
    return "none" if o.state is OwnerState.ABSENT else "unknown"


def expiry(value: Expiry) -> str:
    return "no expiry" if value is None else f"expires {show(value)}"


def few(items: tuple[Text, ...], limit: int = FEW) -> str:
    if not items:
        return "nothing"
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(show(i) for i in items[:limit]) + more


def access(a: Access) -> str:
    """``iam:* on * (account, unbounded)``: the permissions as written (which of them alter
    identity is in the JSON and CSV inventories, as the catalog expands them)."""
    bounds = a.scope.level.value + (", unbounded" if a.unbounded else "")
    return f"{short(a)} ({bounds})"


def short(a: Access) -> str:
    """``iam:* on *``; ``everything but s3:DeleteBucket on *`` for a ``NotAction``."""
    verb = "everything but " if a.excepted else ""
    on = "everything but " if a.scope.excepted else ""
    return f"{verb}{few(a.permissions)} on {on}{few(a.scope.ids)}"


def via(grant: Grant) -> str:
    """``via aws_iam_user_policy.ci -> data.aws_iam_policy_document.ci at policy.tf:2``."""
    chain = list(grant.provenance.chain)
    if grant.access.written_in not in chain:
        chain.append(grant.access.written_in)
    return f"via {' -> '.join(chain)} at {where(grant.access.span)}"


def condition(c: Condition) -> str:
    return f"if {c.key} {c.operator} {few(c.values)} ({c.narrows.value})"


def grant(g: Grant) -> str:
    """One identity-altering grant: what, on what, until when (the rest is
    :func:`grant_details`)."""
    return f"{access(g.access)}; {expiry(g.access.expiry)}"


def grant_details(g: Grant) -> tuple[str, ...]:
    """Where a grant comes from, its conditions, the controls credited, what is not known."""
    a = g.access
    found = [via(g), *map(condition, a.conditions)]
    found += [f"credited: {c}" for c in a.credited]
    found += [f"not known: {u.what} {show(u.value)} {u.reason}" if u.value is not None
              else f"not known: {u.what} {u.reason}" for u in a.undecided]
    return tuple(found)


def credential(c: Credential) -> str:
    """``access key aws_iam_access_key.ci at main.tf:13: persistent, not rotated, no expiry``."""
    facts = [
        "persistent" if c.persistent else "not persistent",
        "rotated" if c.rotated else "not rotated",
        expiry(c.expiry),
    ]
    if c.exposed_in_state:
        facts.append("secret written to state in plain text")
    return f"{c.label} {c.address} at {where(c.span)}: {', '.join(facts)}"


def trust(t: Trust) -> str:
    """``oidc token.actions.githubusercontent.com via aws_iam_openid_connect_provider.gh at
    main.tf:7`` (the claims it requires are :func:`trust_details`)."""
    head = f"{t.kind.value} {show(t.issuer)}" + (f" via {t.via}" if t.via else "")
    return f"{head} at {where(t.span)}"


def trust_details(t: Trust) -> tuple[str, ...]:
    found = [f"subjects {few(t.subjects)}"] if t.subjects else []
    found += [f"audiences {few(t.audiences)}"] if t.audiences else []
    return (*found, *map(condition, t.conditions))


def escalation(e: Escalation) -> str:
    """``CreateAccessKey: iam:CreateAccessKey (via aws_iam_user_policy.ci)``."""
    steps = ", ".join(f"{permission} (via {p.holder})" for permission, p in e.steps)
    return f"{e.method}: {steps}" if steps else e.method


def pending(p: Pending) -> str:
    """``the policy ${var.policy} is not known before apply, in aws_iam_role_policy.x at …``."""
    u = p.undecided
    value = f" {show(u.value)}" if u.value is not None else ""
    return f"{u.what}{value} {u.reason}, in {p.source} at {where(p.provenance.span)}"


class Fact(NamedTuple):
    """One fact about a principal: its label, its words, and the details that qualify it
    (a grant's resource chain and conditions, a trust's required claims)."""

    label: str
    says: str
    details: tuple[str, ...] = ()

    @property
    def whole(self) -> str:
        """The fact with its details, in one text."""
        return "; ".join((self.says, *self.details))


def facts(entry: Entry) -> list[Fact]:
    """Every fact about one principal, in the order the formats show them."""
    p = entry.principal
    found = [Fact("kind", kind(entry))]
    if p.name is not None:
        found.append(Fact("name", show(p.name)))
    if p.span is not None:
        found.append(Fact("declared at", where(p.span)))
    found += [Fact("automation", automation(p)), Fact("owner", owner(p.owner))]
    found += [Fact("alters identity", grant(g), grant_details(g)) for g in entry.altering]
    found += [Fact("credential", credential(c)) for c in entry.credentials]
    found += [Fact("trusted by", trust(t), trust_details(t)) for t in entry.trusts]
    if len(entry.escalations) == 1:
        found.append(Fact("escalation", escalation(entry.escalations[0])))
    elif entry.escalations:  # a principal with iam:* holds dozens: name them, count them
        names = [e.method for e in entry.escalations]
        more = f" (+{len(names) - 3} more)" if len(names) > 3 else ""
        found.append(Fact("escalations", f"{len(names)} known combinations: "
                                         f"{', '.join(names[:3])}{more}"))
    found += [Fact("not known", pending(x)) for x in entry.pending]
    return found
