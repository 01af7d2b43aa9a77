#!/usr/bin/env python3
"""Regenerate ``nhilint/data/k8s_builtin_roles.json``: the ClusterRoles every Kubernetes API
server creates at start-up, by name, with their rules.

Source: ``kubernetes/kubernetes``, ``plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/``
``cluster-roles.yaml`` (``cluster-admin``, ``admin``, ``edit``, ``view``, the ``system:*``
roles) and ``controller-roles.yaml`` (the ``system:controller:*`` roles of the controller
manager's controllers).  Both are the bootstrap policy as the API server writes it (a
``kind: List`` of ClusterRoles); the test ``TestBootstrapClusterRoles`` there fails when they
differ from the code, so they are the maintained, machine-readable statement of what the
built-in roles hold.  Namespaced bootstrap Roles (``namespace-roles.yaml``: leader election
in ``kube-system``) are not ClusterRoles a binding could name, and are left out.

A role with an ``aggregationRule`` (``admin``, ``edit``, ``view``) holds, as the
clusterrole-aggregation controller makes it, the rules of every ClusterRole whose labels
match one of its ``clusterRoleSelectors`` (``matchLabels``), in name order, each distinct
rule once, transitively (``admin`` aggregates ``edit``, which aggregates ``view``); see
https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles.  In a
real cluster the ClusterRoles other software labels for aggregation join them: each aggregated
role keeps its ``selectors`` (its own and those of the aggregated roles it aggregates), so that the
adapter adds the rules of the ClusterRoles declared in the scanned code that they match.

Which rules alter identity is not decided here: the adapter judges the rules kept here with
the reviewed ``nhilint/data/k8s_rbac_rules.json`` at run time, as it judges a ClusterRole
declared in the scanned code.

The files are read from a directory holding plain copies of them (``--source``, default
``$NHILINT_K8S_BOOTSTRAP_DIR``) taken at the commit ``--commit`` names, or from a clone of
kubernetes/kubernetes at that commit (``--source`` a clone).  The data file pins the commit
and the sha256 of each file's bytes.  Needs PyYAML (the ``test`` extra brings it).

Usage::

    export NHILINT_K8S_BOOTSTRAP_DIR=~/src/k8s-bootstrap   # holds the two files
    python scripts/gen_k8s_builtin_roles.py                # regenerate at the pinned commit
    python scripts/gen_k8s_builtin_roles.py --source ~/src/kubernetes --commit <id>
    python scripts/gen_k8s_builtin_roles.py --check        # exit 1 if the data file is stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from git_source import DatasetError, git, write_or_check  # noqa: E402

OUTPUT = REPO_ROOT / "nhilint" / "data" / "k8s_builtin_roles.json"
REPOSITORY = "https://github.com/kubernetes/kubernetes"
FOLDER = "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/"
FILES = ("cluster-roles.yaml", "controller-roles.yaml")
ENV = "NHILINT_K8S_BOOTSTRAP_DIR"
PINNED = "025f2834a128798cef30018a5e6a6ae82b5ad885"
DOCS = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings"

_COMMIT = re.compile(r"[0-9a-f]{40}$")
#: a rule's fields as the API writes them, and as the data file (and Terraform) names them
_FIELDS = (("apiGroups", "api_groups"), ("resources", "resources"), ("verbs", "verbs"),
           ("resourceNames", "resource_names"), ("nonResourceURLs", "non_resource_urls"))

Rule = dict[str, list[str]]


class Role:
    """One ClusterRole of the source: its labels, its rules, its aggregation selectors."""

    def __init__(self, name: str, labels: Mapping[str, str], rules: list[Rule],
                 selectors: list[Mapping[str, str]] | None, source: str) -> None:
        self.name, self.labels, self.rules = name, labels, rules
        self.selectors, self.source = selectors, source


def read_source(where: Path, commit: str) -> dict[str, bytes]:
    """Each file's bytes: from the plain copies in ``where``, or from a clone at ``commit``."""
    if all((where / name).is_file() for name in FILES):
        return {name: (where / name).read_bytes() for name in FILES}
    return {name: git(where, "show", f"{commit}:{FOLDER}{name}") for name in FILES}


def roles_of(name: str, content: bytes) -> list[Role]:
    """The ClusterRoles of one ``kind: List`` file."""
    data = yaml.safe_load(content)
    if not isinstance(data, dict) or data.get("kind") != "List":
        raise DatasetError(f"{name}: not a kind: List")
    found = []
    for item in data.get("items") or []:
        if item.get("kind") != "ClusterRole":
            raise DatasetError(f"{name}: an item of kind {item.get('kind')!r}")
        meta = item["metadata"]
        aggregation = item.get("aggregationRule")
        selectors = None
        if aggregation is not None:
            selectors = []
            for selector in aggregation.get("clusterRoleSelectors") or []:
                if set(selector) != {"matchLabels"}:
                    raise DatasetError(f"{name}: {meta['name']}: a selector that is not "
                                       f"matchLabels only: {selector!r}")
                selectors.append({str(k): str(v) for k, v in selector["matchLabels"].items()})
        found.append(Role(str(meta["name"]), {str(k): str(v) for k, v in
                                              (meta.get("labels") or {}).items()},
                          [_rule(name, meta["name"], r) for r in item.get("rules") or []],
                          selectors, name))
    return found


def _rule(source: str, role: str, rule: Mapping[str, object]) -> Rule:
    known = {api for api, _ in _FIELDS}
    if set(rule) - known:
        raise DatasetError(f"{source}: {role}: unknown rule fields {sorted(set(rule) - known)}")
    out: Rule = {}
    for api, ours in _FIELDS:
        values = rule.get(api) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise DatasetError(f"{source}: {role}: {api} is not a list of strings")
        if values:
            out[ours] = list(values)
    if "verbs" not in out:
        raise DatasetError(f"{source}: {role}: a rule without verbs")
    return out


def aggregated(roles: Mapping[str, Role]) -> dict[str, list[Rule]]:
    """Every role's rules, aggregation resolved."""
    resolved: dict[str, list[Rule]] = {}

    def rules(name: str, seen: tuple[str, ...]) -> list[Rule]:
        if name in resolved:
            return resolved[name]
        role = roles[name]
        if role.selectors is None:
            return role.rules
        if name in seen:
            raise DatasetError(f"aggregation cycle: {' -> '.join((*seen, name))}")
        out: list[Rule] = []
        for other in sorted(matched(roles, role)):
            for rule in rules(other, (*seen, name)):
                if rule not in out:
                    out.append(rule)
        resolved[name] = out
        return out

    return {name: rules(name, ()) for name in sorted(roles)}


def selectors(roles: Mapping[str, Role], role: Role) -> list[dict[str, str]]:
    """The label selectors a ClusterRole matches to join ``role``: its own, and those of the
    aggregated roles it aggregates (a role labelled for ``edit`` joins ``admin`` too)."""
    found: list[dict[str, str]] = []

    def walk(current: Role, seen: tuple[str, ...]) -> None:
        for selector in current.selectors or ():
            if selector not in found:
                found.append(dict(selector))
        for other in sorted(matched(roles, current)):
            if other not in seen and roles[other].selectors is not None:
                walk(roles[other], (*seen, other))

    walk(role, (role.name,))
    return found


def matched(roles: Mapping[str, Role], role: Role) -> list[str]:
    """The roles one of ``role``'s selectors matches (itself excepted)."""
    return [other.name for other in roles.values() if other.name != role.name and any(
        all(other.labels.get(k) == v for k, v in s.items()) for s in role.selectors or ())]


def generate(files: Mapping[str, bytes], commit: str) -> str:
    roles: dict[str, Role] = {}
    for name in FILES:
        for role in roles_of(name, files[name]):
            if role.name in roles:
                raise DatasetError(f"{role.name} is in {roles[role.name].source} and {name}")
            roles[role.name] = role
    for required in ("cluster-admin", "admin", "edit", "view"):
        if required not in roles:
            raise DatasetError(f"no {required} ClusterRole in the source")
    rules = aggregated(roles)
    meta = {
        "about": "The ClusterRoles the Kubernetes API server creates at start-up (its "
                 "bootstrap policy), by name, with their rules; aggregated roles (admin, "
                 "edit, view) hold the union of the rules of the roles their selectors "
                 "match, and any ClusterRole whose labels match one of their selectors "
                 "joins them. Generated by scripts/gen_k8s_builtin_roles.py from the pinned "
                 "files; do not edit. nhilint/identity/k8s/rbac.py reads it, and the "
                 "adapter judges each rule with the reviewed k8s_rbac_rules.json, as it "
                 "judges a declared ClusterRole.",
        "docs": DOCS,
        "source": {
            "repository": REPOSITORY,
            "commit": commit,
            "files": [{"path": FOLDER + name,
                       "sha256": hashlib.sha256(files[name]).hexdigest()} for name in FILES],
        },
        "counts": {"cluster_roles": len(roles),
                   "aggregated": sum(1 for r in roles.values() if r.selectors is not None)},
    }
    lines = ["{", f'  "_meta": {_dumps(meta, 2)},', '  "cluster_roles": {']
    names = sorted(roles)
    for index, name in enumerate(names):
        role = roles[name]
        head: dict[str, object] = {"file": role.source}
        if role.selectors is not None:
            head["aggregated_from"] = sorted(matched(roles, role))
            head["selectors"] = selectors(roles, role)
        body = ",\n".join(f"        {json.dumps(r)}" for r in rules[name])
        lines.append(f"    {json.dumps(name)}: {{")
        lines.extend(f"      {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items())
        lines.append(f'      "rules": [\n{body}\n      ]' if body else '      "rules": []')
        lines.append("    }" + ("," if index < len(names) - 1 else ""))
    lines += ["  }", "}", ""]
    text = "\n".join(lines)
    json.loads(text)  # the hand-made layout is JSON
    return text


def _dumps(value: object, indent: int) -> str:
    return json.dumps(value, indent=2).replace("\n", "\n" + " " * indent)


def _pinned() -> str:
    try:
        commit = json.loads(OUTPUT.read_text(encoding="utf-8"))["_meta"]["source"]["commit"]
    except (OSError, ValueError, KeyError, TypeError):
        return PINNED
    return commit if isinstance(commit, str) else PINNED


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=os.environ.get(ENV),
                        help=f"plain copies of {', '.join(FILES)} or a clone of "
                             f"kubernetes/kubernetes (default: ${ENV})")
    parser.add_argument("--commit", default=None,
                        help="the full commit id the files are taken at (default: the pinned one)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the output differs from what the source gives")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.source is None:
        print(f"no source: pass --source or set ${ENV}", file=sys.stderr)
        return 2
    commit = args.commit or _pinned()
    if not _COMMIT.match(commit):
        print(f"--commit must be a full 40-hex commit id, not {commit!r}", file=sys.stderr)
        return 2
    try:
        text = generate(read_source(Path(args.source), commit), commit)
    except (DatasetError, OSError, yaml.YAMLError, KeyError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return write_or_check(args.output, text, "gen_k8s_builtin_roles.py", check=args.check)


if __name__ == "__main__":
    sys.exit(main())
