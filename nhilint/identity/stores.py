"""CI/CD secret stores and the credentials whose secret is copied into them, for any platform.

A store is a resource whose value a CI/CD system hands to its jobs: a GitHub Actions secret, a
GitLab CI/CD variable.  Which resource types are stores, which argument names the store and
which arguments hold its value is each SCM adapter's data (the ``stores`` section of
``nhilint/data/<platform>_secrets.json``).  A store *copies a credential* when its value reads
a secret attribute of a credential resource declared in the same configuration
(``aws_iam_access_key.ci.secret``, ``google_service_account_key.ci.private_key``,
``gitlab_project_access_token.ci.token``): which attributes are secret is every platform's
``exported`` secret data (:func:`nhilint.identity.secret_catalog`), not a list here.  A
reference whose instance is not known (``aws_iam_access_key.ci[each.key].secret`` with an
unknown key) names no credential in particular and copies none: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import NamedTuple

from nhilint.identity.data import DataFileError, read_data
from nhilint.identity.graph import Exposure
from nhilint.identity.secrets import Secret
from nhilint.identity.values import Index
from nhilint.model import Model, Ref, Resource, Span, Unknown

#: who can read a store (in words), whether that is wide, and the controls credited to it
Reach = tuple[str, bool, tuple[str, ...]]


class StoreType(NamedTuple):
    """A store resource type: how a reviewer calls it, the argument that names a store, and
    the arguments that hold its value."""

    label: str
    named_by: str
    values: tuple[str, ...]


class Copy(NamedTuple):
    """A store's value reads ``attribute`` of the credential resource ``credential``."""

    credential: str
    attribute: str
    span: Span


def load_stores(name: str) -> Mapping[str, StoreType]:
    """The ``stores`` section of ``nhilint/data/<name>``, by resource type."""
    data = read_data(name)
    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        return {
            kind: StoreType(str(entry["label"]), str(entry["named_by"]),
                            tuple(str(v) for v in entry["values"]))
            for kind, entry in data["stores"].items()
        }
    except (KeyError, TypeError, ValueError) as error:
        raise DataFileError(f"data/{name} is malformed: {error!r}") from error


def exposures(model: Model, index: Index, stores: Mapping[str, StoreType],
              reach: Callable[[Resource], Reach]) -> Iterator[Exposure]:
    """Every copy of a credential's secret into a declared store of ``stores``, with who can
    read it as the platform's ``reach`` says."""
    from nhilint.identity import secret_catalog  # every platform's secret data (no cycle)

    exported = secret_catalog().exported
    for resource in model.resources:
        store = stores.get(resource.type)
        if store is None or resource.mode != "managed":
            continue
        found = list(copies(resource, store, index, exported))
        if not found:
            continue
        who, wide, credited = reach(resource)
        label = f"{store.label} {name_of(resource, store)}"
        for copy in found:
            yield Exposure(copy.credential, copy.attribute, resource.address, label, copy.span,
                           who, wide, credited)


def copies(resource: Resource, store: StoreType, index: Index,
           exported: Mapping[str, Mapping[str, Secret]]) -> Iterator[Copy]:
    """Each credential secret the store's value reads, once per credential and attribute."""
    seen: set[tuple[str, str]] = set()
    for argument in store.values:
        value = resource.get(argument)
        if not isinstance(value, Unknown):
            continue
        for ref in value.refs:
            target = index.target(ref)
            attribute = _secret_read(ref, target, exported) if target is not None else None
            if target is None or attribute is None or (target.address, attribute) in seen:
                continue
            seen.add((target.address, attribute))
            yield Copy(target.address, attribute, resource.span_of((argument,)))


def _secret_read(ref: Ref, target: Resource,
                 exported: Mapping[str, Mapping[str, Secret]]) -> str | None:
    """The secret attribute of ``target`` that ``ref`` reads (past an instance key)."""
    secrets = exported.get(target.type, {})
    return next((step for step in ref.attr if isinstance(step, str) and step in secrets
                 and _holds(target, secrets[step])), None)


def _holds(target: Resource, secret: Secret) -> bool:
    return all(target.get(key) == value for key, value in secret.when.items())


def name_of(resource: Resource, store: StoreType) -> str:
    """The store's name as written (``AWS_SECRET_ACCESS_KEY``), or its expression."""
    name = resource.get(store.named_by)
    if isinstance(name, str):
        return name
    if isinstance(name, Unknown):
        return "${" + " ".join(name.source.split()) + "}"
    return resource.address
