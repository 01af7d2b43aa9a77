"""Real Terraform plans of the fixture cases, and how nhilint's HCL reader is compared with them.

``scripts/gen_terraform_plans.py`` writes ``<case>/.terraform-plan.json`` for every AWS fixture
case Terraform can plan offline, and ``fixtures/terraform-plans.toml`` (the planned cases, and
the skipped ones with the reason).  Terraform is the oracle: where a plan and nhilint disagree,
Terraform is right.

What is compared, for one case:

* the instance addresses: nhilint's expanded resources against the plan's (managed resources:
  ``resource_changes``; data sources: ``resource_changes`` and the ones read while planning, in
  ``prior_state``);
* every attribute value nhilint knows (recursively into maps and lists; an :class:`Unknown`
  leaf is not compared) against the plan's value at the same path: ``change.after``, the leaves
  ``after_unknown`` marks ``true`` being unknown to Terraform.  Nested blocks are lists of
  objects on both sides; a string holding JSON (a policy) is compared as the JSON it holds; a
  list Terraform keeps as a set (ordered its own way) is compared without order when the
  order differs; a string the provider keeps as its SHA-1 (``aws_instance.user_data``) is
  compared hashed.  What the provider adds (defaults, computed attributes) is not compared, as
  nhilint does not have it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from nhilint.model import AttrPath, Model, Unknown
from nhilint.parsers.hcl import parse_module

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PLAN_NAME = ".terraform-plan.json"
MANIFEST = FIXTURES / "terraform-plans.toml"
#: meta-arguments: written in a resource block, never part of the resource's value
META = frozenset({"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner",
                  "connection"})


def manifest() -> dict[str, object]:
    with MANIFEST.open("rb") as handle:
        return tomllib.load(handle)


def planned_cases() -> list[Path]:
    """The cases the manifest says hold a generated plan."""
    planned = manifest().get("planned")
    return [FIXTURES / str(c) for c in planned] if isinstance(planned, list) else []


def skipped_cases() -> dict[str, str]:
    skipped = manifest().get("skipped")
    return {str(k): str(v) for k, v in skipped.items()} if isinstance(skipped, dict) else {}


class Planned(NamedTuple):
    """A resource instance as Terraform plans it: its ``after`` values and which are unknown."""

    after: object
    unknown: object


def plan_instances(document: Mapping[str, object]) -> dict[str, Planned]:
    """Every instance of the plan by address: resource changes (no deletion: nothing exists),
    then the data sources read while planning."""
    found: dict[str, Planned] = {}
    for change in _list(document.get("resource_changes")):
        body = _dict(change.get("change"))
        actions = _list(body.get("actions"))
        if actions == ["delete"]:
            continue
        found[str(change.get("address"))] = Planned(body.get("after"), body.get("after_unknown"))
    state = _dict(_dict(document.get("prior_state")).get("values"))
    for entry in _state_resources(state.get("root_module")):
        address = str(entry.get("address"))
        if entry.get("mode") == "data" and address not in found:
            found[address] = Planned(entry.get("values"), {})
    return found


def _state_resources(module: object) -> Iterator[dict[str, object]]:
    if not isinstance(module, dict):
        return
    yield from (r for r in _list(module.get("resources")) if isinstance(r, dict))
    for child in _list(module.get("child_modules")):
        yield from _state_resources(child)


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


class Disagreement(NamedTuple):
    address: str
    path: str
    nhilint: str
    terraform: str

    def __str__(self) -> str:
        return (f"{self.address} {self.path}: nhilint {self.nhilint}, "
                f"Terraform {self.terraform}")


class Comparison(NamedTuple):
    """One case compared: counts, and every disagreement."""

    instances: int
    values: int
    #: leaves nhilint leaves unknown where the plan knows the value (not a disagreement)
    unknown_to_nhilint: int
    disagreements: tuple[Disagreement, ...]


def compare_case(case: Path) -> Comparison:
    """nhilint's reading of the case's ``.tf`` against Terraform's plan of it."""
    document = json.loads((case / PLAN_NAME).read_text(encoding="utf-8"))
    return compare(parse_module(case), plan_instances(document))


def compare(model: Model, planned: Mapping[str, Planned]) -> Comparison:
    # a possible instance (``condition``) exists only under inputs other than the defaults
    # the plan was made with: it is not compared
    ours = {r.address: r for r in model.resources if not r.condition}
    found = [Disagreement(a, "", "has the instance", "does not plan it")
             for a in sorted(set(ours) - set(planned))]
    found += [Disagreement(a, "", "does not have the instance", "plans it")
              for a in sorted(set(planned) - set(ours))]
    both = sorted(set(ours) & set(planned))
    tally = _total(
        _value(address, (name,), value, _at(planned[address].after, name),
               _at(planned[address].unknown, name), _has(planned[address].after, name))
        for address in both
        for name, value in ours[address].attributes.items() if name not in META
    )
    return Comparison(len(both), tally.values, tally.unknown, (*found, *tally.found))


class _Tally(NamedTuple):
    """What comparing some values gave: the leaves compared, the leaves nhilint leaves unknown
    where the plan knows them, and the disagreements."""

    values: int = 0
    unknown: int = 0
    found: tuple[Disagreement, ...] = ()


def _total(tallies: Iterable[_Tally]) -> _Tally:
    values = unknown = 0
    found: list[Disagreement] = []
    for tally in tallies:
        values += tally.values
        unknown += tally.unknown
        found += tally.found
    return _Tally(values, unknown, tuple(found))


_MISSING = object()


def _at(tree: object, step: str | int) -> object:
    if isinstance(tree, dict) and isinstance(step, str):
        return tree.get(step)
    if isinstance(tree, list) and isinstance(step, int) and 0 <= step < len(tree):
        return tree[step]
    return None


def _has(tree: object, name: str) -> bool:
    return isinstance(tree, dict) and name in tree


def _show(path: AttrPath) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _value(address: str, path: AttrPath, ours: object, theirs: object, unknown: object,
           present: bool = True) -> _Tally:
    """nhilint's value ``ours`` at ``path`` against the plan's (``theirs``, ``unknown`` its
    ``after_unknown``, ``present`` whether the plan has the attribute at all)."""
    if isinstance(ours, Unknown):
        return _Tally(unknown=int(unknown is not True and _known_leaves(theirs) > 0))
    if unknown is True:
        if _has_unknown(ours):
            return _Tally()  # Terraform makes a collection unknown when part of it is
        return _Tally(_known_leaves(ours), 0, (
            Disagreement(address, _show(path), _text(ours), "unknown until apply"),))
    if not present:
        return _Tally(_known_leaves(ours), 0, (
            Disagreement(address, _show(path), _text(ours), "has no such attribute"),))
    if isinstance(ours, str) and isinstance(theirs, str) and ours != theirs:
        decoded = _json(ours), _json(theirs)
        if decoded[0] is not _MISSING and decoded[1] is not _MISSING:
            return _value(address, path, decoded[0], decoded[1], None)
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return _total(_value(address, (*path, k), v, theirs.get(k), _at(unknown, k), k in theirs)
                      for k, v in ours.items())
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return _sequence(address, path, ours, theirs, unknown)
    agree = (ours is None and theirs in ([], {})  # an absent block: Terraform writes it empty
             ) or (ours in ([], {}) and theirs is None  # the provider plans an empty map null
                   ) or _same(ours, theirs) or _hashed(ours, theirs)
    found = () if agree else (Disagreement(address, _show(path), _text(ours), _text(theirs)),)
    return _Tally(_known_leaves(ours), 0, found)


def _sequence(address: str, path: AttrPath, ours: list[object], theirs: list[object],
              unknown: object) -> _Tally:
    """Element by element; a list Terraform keeps as a set (in its own order) without order."""
    ordered = _total(_value(address, (*path, i), v, theirs[i], _at(unknown, i))
                     for i, v in enumerate(ours))
    if ordered.found and not any(_has_unknown(v) for v in ours) and (
        _unordered_equal(ours, theirs)
    ):
        return _Tally(sum(_known_leaves(v) for v in ours))
    return ordered


def _unordered_equal(ours: Sequence[object], theirs: Sequence[object]) -> bool:
    left = sorted(_canonical(v) for v in ours)
    right = sorted(_canonical(v) for v in theirs)
    return left == right


def _canonical(value: object) -> str:
    """A value as text that ignores the order of lists (sets) and JSON-encoded strings."""
    if isinstance(value, str):
        decoded = _json(value)
        if decoded is not _MISSING and isinstance(decoded, (dict, list)):
            return _canonical(decoded)
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_canonical(v)}"
                              for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        return "[" + ",".join(sorted(_canonical(v) for v in value)) + "]"
    if isinstance(value, float) and value.is_integer():
        return json.dumps(int(value))
    return json.dumps(value)


def _same(ours: object, theirs: object) -> bool:
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return ours is theirs
    return ours == theirs and type(ours) in (type(theirs), int, float) and (
        isinstance(ours, (int, float)) == isinstance(theirs, (int, float)))


def _hashed(ours: object, theirs: object) -> bool:
    """The provider keeps some strings as their SHA-1 (``aws_instance.user_data``)."""
    return isinstance(ours, str) and isinstance(theirs, str) and (
        hashlib.sha1(ours.encode("utf-8")).hexdigest() == theirs)


def _json(text: str) -> object:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return _MISSING
    try:
        return json.loads(stripped)
    except ValueError:
        return _MISSING


def _known_leaves(value: object) -> int:
    if isinstance(value, Unknown):
        return 0
    if isinstance(value, dict):
        return sum(_known_leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(_known_leaves(v) for v in value)
    return 1


def _has_unknown(value: object) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def _text(value: object) -> str:
    if isinstance(value, Unknown):
        return str(value)
    try:
        return json.dumps(value)[:200]
    except (TypeError, ValueError):
        return repr(value)[:200]
