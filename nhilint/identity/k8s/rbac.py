"""Which Kubernetes RBAC rules alter identity: the reviewed data of ``data/k8s_rbac_rules.json``.

A Role or ClusterRole rule (``rule { api_groups, resources, resource_names, verbs }``, see
``hashicorp/terraform-provider-kubernetes:docs/resources/cluster_role.md``) grants every verb
it lists on every resource it lists in every API group it lists; ``*`` is every verb, every
resource or every group, present and future (RBAC good practices, "least privilege").  Its
permissions are written here as ``<verb> <resource>`` (``bind clusterroles``), the words
``kubectl auth can-i`` takes.  A rule alters identity through an entry of the data when one of
its verbs, one of its resources and one of its API groups match the entry (``*`` matches
everything).  ``get pods`` never does.

The built-in ClusterRoles (``cluster-admin``, ``admin``, ``edit``, ``view``, the ``system:*``
and ``system:controller:*`` roles every API server creates) are the generated
``data/k8s_builtin_roles.json`` (``scripts/gen_k8s_builtin_roles.py``, from the bootstrap policy
of kubernetes/kubernetes at a pinned commit, aggregation resolved): their rules, judged by the
same entries as a declared role's.  An aggregated one (``admin``, ``edit``, ``view``) also
holds the rules of every ClusterRole whose labels match its selectors
(``rbac.authorization.k8s.io/aggregate-to-edit: "true"`` …): those declared in the scanned
code are added; those other software installs are not known.  Subjects that stand for many
identities (``system:serviceaccounts``, ``system:authenticated``, ``system:anonymous`` …) are
in the reviewed data.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

from nhilint.identity.data import DataFileError, read_data

DATA = "k8s_rbac_rules.json"
BUILTIN = "k8s_builtin_roles.json"
#: what a special subject stands for: every service account, or anyone
Members = Literal["service-accounts", "anyone"]


class Entry(NamedTuple):
    """One identity-altering (api group, resources, verbs) combination, and why."""

    api_group: str
    resources: frozenset[str]
    verbs: frozenset[str]
    why: str


class Rule(NamedTuple):
    """One rule of a built-in ClusterRole, as the API server writes it."""

    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...] = ()
    non_resource_urls: tuple[str, ...] = ()


#: a label selector: every (label, value) pair a ClusterRole's labels must hold
Selector = tuple[tuple[str, str], ...]


class Builtin(NamedTuple):
    """A built-in ClusterRole: its rules (an aggregated role's: those of the roles it
    aggregates), and for an aggregated role the selectors by which other ClusterRoles join
    it."""

    name: str
    rules: tuple[Rule, ...]
    aggregated_from: tuple[str, ...] = ()
    selectors: tuple[Selector, ...] = ()

    def joins(self, labels: Mapping[str, object]) -> bool:
        """Whether a ClusterRole labelled ``labels`` adds its rules to this one."""
        return any(all(labels.get(k) == v for k, v in s) for s in self.selectors)


class Special(NamedTuple):
    """A subject name that stands for many identities (``prefix``: any name starting so)."""

    name: str
    members: Members
    why: str
    prefix: bool = False


class Judged(NamedTuple):
    """One rule read: its permissions as written, the identity-altering ones, and whether
    it is unbounded (``*`` verbs or resources)."""

    permissions: tuple[str, ...]
    altering: frozenset[str]
    wildcard: bool


@dataclasses.dataclass(frozen=True)
class RbacCatalog:
    entries: tuple[Entry, ...]
    builtins: Mapping[str, Builtin]
    groups: tuple[Special, ...]
    users: tuple[Special, ...]
    #: where the built-in roles come from: ``kubernetes/kubernetes@<commit>``
    builtin_source: str = ""

    def judge(self, api_groups: Sequence[str], resources: Sequence[str],
              verbs: Sequence[str]) -> Judged:
        """The rule's permissions (``<verb> <resource>``, written order) and which alter."""
        groups = api_groups or [""]
        written = tuple(f"{v} {r}" for v in verbs for r in resources)
        altering = frozenset(
            f"{v} {r}" for v in verbs for r in resources
            if any(_matches(e, g, r, v) for e in self.entries for g in groups)
        )
        wildcard = bool(altering) and ("*" in verbs or "*" in resources)
        return Judged(written, altering, wildcard)

    def builtin(self, name: str) -> Builtin | None:
        return self.builtins.get(name)

    def special(self, kind: str, name: str) -> Special | None:
        """What a ``Group`` or ``User`` subject named ``name`` stands for, if anything."""
        table = self.groups if kind == "Group" else self.users if kind == "User" else ()
        return next((s for s in table if name == s.name or (
            s.prefix and name.startswith(s.name) and len(name) > len(s.name))), None)


def _matches(entry: Entry, group: str, resource: str, verb: str) -> bool:
    return (
        (verb == "*" or verb in entry.verbs)
        and (resource == "*" or resource in entry.resources
             or _subresources(resource, entry.resources))
        and group in ("*", entry.api_group)
    )


def _subresources(resource: str, listed: frozenset[str]) -> bool:
    """``serviceaccounts/*`` covers ``serviceaccounts/token``."""
    if not resource.endswith("/*"):
        return False
    base = resource[:-1]
    return any(r.startswith(base) for r in listed)


@functools.cache
def load_rbac() -> RbacCatalog:
    data = read_data(DATA)
    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        entries = tuple(
            Entry(str(e["api_group"]), frozenset(e["resources"]), frozenset(e["verbs"]),
                  str(e["why"]))
            for e in data["rules"]
        )
        catalog = RbacCatalog(entries, {}, _specials(data["groups"]), _specials(data["users"]))
    except (KeyError, TypeError, ValueError) as error:
        raise DataFileError(f"data/{DATA} is malformed: {error!r}") from error
    builtins, source = _builtins()
    return dataclasses.replace(catalog, builtins=builtins, builtin_source=source)


def _builtins() -> tuple[dict[str, Builtin], str]:
    data = read_data(BUILTIN)
    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        pin = data["_meta"]["source"]
        found = {
            str(name): Builtin(str(name), tuple(_rule(r) for r in role["rules"]),
                               tuple(str(n) for n in role.get("aggregated_from", ())),
                               tuple(tuple((str(k), str(v)) for k, v in s.items())
                                     for s in role.get("selectors", ())))
            for name, role in data["cluster_roles"].items()
        }
        return found, f"kubernetes/kubernetes@{pin['commit']}"
    except (KeyError, TypeError, ValueError) as error:
        raise DataFileError(f"data/{BUILTIN} is malformed: {error!r}") from error


def _rule(raw: Mapping[str, Sequence[str]]) -> Rule:
    def strings(field: str) -> tuple[str, ...]:
        values = raw.get(field, ())
        if isinstance(values, str) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"{field} is not a list of strings: {values!r}")
        return tuple(values)

    return Rule(strings("api_groups"), strings("resources"), strings("verbs"),
                strings("resource_names"), strings("non_resource_urls"))


def _specials(section: Mapping[str, Mapping[str, object]]) -> tuple[Special, ...]:
    found = []
    for name, entry in section.items():
        members = entry["members"]
        if members not in ("service-accounts", "anyone"):
            raise ValueError(f"{name}: members is {members!r}")
        found.append(Special(name, members, str(entry["why"]), bool(entry.get("prefix"))))
    return tuple(found)
