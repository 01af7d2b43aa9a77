"""Generate ``nhilint/data/pulumi_types.json``: Pulumi type tokens -> the Terraform resource types
the identity adapters read, with the property names Pulumi renames.

Sources, each pinned by commit:

* bridged providers (pulumi-aws, pulumi-gcp, pulumi-azuread, pulumi-vault, pulumi-github,
  pulumi-gitlab) carry the Terraform name of every
  resource in ``provider/cmd/pulumi-resource-<pkg>/bridge-metadata.json``, written by
  pulumi-terraform-bridge's tfgen: ``renames.resources`` (token -> Terraform type),
  ``renames.renamedProperties`` (per token and nested object type: Pulumi name -> Terraform
  name) where the bridge still writes them, and ``auto-aliasing.resources`` (Terraform type ->
  current token, past tokens, and per list field whether it is ``maxItemsOne``: one object in
  Pulumi, a block of one in Terraform).  pulumi-gcp's file has no ``renames`` section: its
  property names follow the bridge rule (camelCase, list fields pluralised), applied here to
  the list fields its ``auto-aliasing`` names.
* pulumi-aws's file is 3.7 MB; its ``aws:iam`` slice is kept verbatim in
  ``scripts/pulumi_sources/aws-iam-bridge-metadata.json`` with its commit.
* providers that are not bridged (pulumi-kubernetes, pulumi-azure-native) are mapped by review in
  ``scripts/pulumi_sources/native.toml`` (docs cited there).

Only the slice the adapters read is kept: Terraform types matching
``nhilint.integrations.lookup.RESOURCE_TYPES`` (resources) and ``DATA_TYPES`` (functions).

Run: ``python scripts/gen_pulumi_types.py --gcp CLONE --azuread CLONE --vault CLONE --github
CLONE --gitlab CLONE [--check]`` (clones of the pulumi/pulumi-<pkg> repositories holding the
pinned commits).
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from git_source import git, resolve, write_or_check  # noqa: E402

from nhilint.integrations.lookup import DATA_TYPES, RESOURCE_TYPES  # noqa: E402

OUTPUT = ROOT / "nhilint" / "data" / "pulumi_types.json"
SOURCES = ROOT / "scripts" / "pulumi_sources"
AWS_EXCERPT = SOURCES / "aws-iam-bridge-metadata.json"
NATIVE = SOURCES / "native.toml"
#: the bridged providers read from a clone: package -> (repository, commit)
PINS: Mapping[str, tuple[str, str]] = {
    "gcp": ("pulumi/pulumi-gcp", "ed6078aacc64ac656da0f719a2c1186e092399cd"),
    "azuread": ("pulumi/pulumi-azuread", "b830e0401352bbb2c6466f6315737bf1f3333a65"),
    "vault": ("pulumi/pulumi-vault", "c074a1cba89967315d2cb606d3774eebe72f8c06"),
    "github": ("pulumi/pulumi-github", "e46c2bbdc297d05a418b40af162f1da43547819a"),
    "gitlab": ("pulumi/pulumi-gitlab", "3bd7426eaacd505d890b0e1fe704fe13c2e79402"),
}

Entry = dict[str, object]


def metadata_path(package: str) -> str:
    return f"provider/cmd/pulumi-resource-{package}/bridge-metadata.json"


def snake(name: str) -> str:
    """The camelCase -> snake_case rule the bridge inverts (``policyArn`` -> ``policy_arn``)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def plural(name: str) -> str:
    """The bridge's pluralisation of a list field's name, for the regular English cases."""
    if name.endswith("s"):
        return name
    if re.search(r"[^aeiou]y$", name):
        return name[:-1] + "ies"
    if re.search(r"(x|ch|sh)$", name):
        return name + "es"
    return name + "s"


def wanted(terraform_type: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(terraform_type, p) for p in patterns)


def _fields(fields: Mapping[str, object], prefix: str = "") -> tuple[list[str], dict[str, str]]:
    """The ``maxItemsOne`` paths and the pluralised list names of ``auto-aliasing`` fields."""
    one: list[str] = []
    renamed: dict[str, str] = {}
    for name, info in sorted(fields.items()):
        if not isinstance(info, dict):
            continue
        path = f"{prefix}{name}"
        if info.get("maxItemsOne") is True:
            one.append(path)
        elif info.get("maxItemsOne") is False and plural(name) != name:
            renamed[camel(plural(name))] = name
        elem = info.get("elem")
        inner = elem.get("fields") if isinstance(elem, dict) else None
        if isinstance(inner, dict):
            more, nested = _fields(inner, f"{path}.")
            one += more
            renamed.update(nested)
    return one, renamed


def _non_default(renames: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in sorted(renames.items()) if snake(k) != v}


def bridged(package: str, metadata: Mapping[str, object]) -> dict[str, dict[str, Entry]]:
    """The slice of one provider's bridge metadata the adapters read."""
    renames = metadata.get("renames")
    renames = renames if isinstance(renames, dict) else {}
    aliasing = metadata.get("auto-aliasing")
    aliasing = aliasing if isinstance(aliasing, dict) else {}
    properties = renames.get("renamedProperties", {})
    found: dict[str, dict[str, Entry]] = {"resources": {}, "functions": {}}
    for section, alias_key, patterns in (("resources", "resources", RESOURCE_TYPES),
                                         ("functions", "datasources", DATA_TYPES)):
        tokens: dict[str, str] = dict(renames.get(section, {}))
        aliases = aliasing.get(alias_key, {})
        for terraform_type, info in aliases.items():
            if isinstance(info, dict) and isinstance(info.get("current"), str):
                tokens.setdefault(info["current"], terraform_type)
        for token, terraform_type in sorted(tokens.items()):
            if not wanted(terraform_type, patterns):
                continue
            info = aliases.get(terraform_type, {})
            one, pluralised = _fields(info.get("fields", {}) if isinstance(info, dict) else {})
            own = properties.get(token, {})
            base = token.split(":")[2]
            module = token.split(":")[1].split("/")[0]
            nested: dict[str, str] = {}
            for other, renamed in properties.items():
                parts = other.split(":")
                if (len(parts) == 3 and parts[1].split("/")[0] == module and other != token
                        and parts[2].lower().startswith(base.lower())
                        and parts[2].lower() != base.lower()):
                    nested.update(renamed)
            top = own or pluralised
            entry: Entry = {
                "type": terraform_type,
                "properties": _non_default(top),
                "nested": _non_default({**pluralised, **nested}),
                "max_items_one": one,
            }
            past = [p["name"] for p in info.get("past", [])
                    if isinstance(p, dict) and isinstance(p.get("name"), str)] \
                if isinstance(info, dict) else []
            if past:
                entry["aliases"] = sorted(set(past))
            found[section][token] = entry
    return found


def native() -> dict[str, Entry]:
    with NATIVE.open("rb") as handle:
        table = tomllib.load(handle)
    return {
        token: {"type": e["type"], "properties": dict(sorted(e["properties"].items())),
                "nested": dict(sorted(e["properties"].items())),
                "max_items_one": list(e["max_items_one"])}
        for token, e in sorted(table["resources"].items())
    }


def build(clones: Mapping[str, Path]) -> dict[str, object]:
    resources: dict[str, Entry] = {}
    functions: dict[str, Entry] = {}
    sources: dict[str, object] = {}
    excerpt = json.loads(AWS_EXCERPT.read_text(encoding="utf-8"))
    read = {"aws": bridged("aws", excerpt)}
    sources["aws"] = {**excerpt["_source"], "excerpt": str(AWS_EXCERPT.relative_to(ROOT)),
                      "sha256": hashlib.sha256(AWS_EXCERPT.read_bytes()).hexdigest()}
    for package, (repository, commit) in PINS.items():
        clone = clones[package]
        full, date = resolve(clone, commit)
        text = git(clone, "show", f"{full}:{metadata_path(package)}")
        read[package] = bridged(package, json.loads(text))
        sources[package] = {"repository": repository, "path": metadata_path(package),
                            "commit": full, "date": date}
    for found in read.values():
        resources.update(found["resources"])
        functions.update(found["functions"])
    resources.update(native())
    sources["native"] = {"reviewed": str(NATIVE.relative_to(ROOT)),
                         "sha256": hashlib.sha256(NATIVE.read_bytes()).hexdigest()}
    return {
        "_meta": {
            "about": "Pulumi type tokens -> the Terraform resource types nhilint's identity "
                     "adapters read; properties: Pulumi names at the top level that the "
                     "camelCase -> snake_case rule does not give; nested: the same inside "
                     "nested objects; max_items_one: Terraform blocks (dotted paths) that "
                     "Pulumi gives as one object.  Generated by scripts/gen_pulumi_types.py; "
                     "do not edit.",
            "sources": sources,
            "counts": {"resources": len(resources), "functions": len(functions)},
        },
        "resources": dict(sorted(resources.items())),
        "functions": dict(sorted(functions.items())),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    for package, (repository, _) in PINS.items():
        parser.add_argument(f"--{package}", type=Path, required=True,
                            help=f"a clone of {repository} holding the pinned commit")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if the output is stale")
    ns = parser.parse_args(argv)
    table = build({p: getattr(ns, p) for p in PINS})
    text = json.dumps(table, indent=1, sort_keys=False) + "\n"
    return write_or_check(ns.output, text, Path(__file__).name, check=ns.check)


if __name__ == "__main__":
    raise SystemExit(main())
