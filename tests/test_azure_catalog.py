"""The Azure catalog: which built-in roles and custom permissions alter identity, and that the
shipped table is what the pinned dataset and the reviewed rules give."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import ModuleType

from pinned_dataset import iam_dataset, load_script

from nhilint.identity.azure.catalog import granted, load_catalog

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "gen_azure_roles.py"
TABLE = ROOT / "nhilint" / "data" / "azure_roles.json"
RULES = ROOT / "nhilint" / "data" / "azure_altering_rules.json"
ASSIGN = "Microsoft.Authorization/roleAssignments/write"
FIC = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write"


def _generator() -> ModuleType:
    return load_script(GENERATOR)


def _dataset() -> Path:
    commit = json.loads(TABLE.read_text())["_meta"]["source"]["commit"]
    return iam_dataset(commit, "Azure role table")


def test_the_table_is_what_the_pinned_dataset_and_the_rules_give() -> None:
    assert _generator().main(["--dataset", str(_dataset()), "--check"]) == 0


def test_check_fails_on_a_stale_table(tmp_path: Path) -> None:
    dataset = _dataset()
    table = json.loads(TABLE.read_text())
    table["roles"] = [r for r in table["roles"] if r["name"] != "Owner"]
    stale = tmp_path / "azure_roles.json"
    stale.write_text(json.dumps(table))
    assert _generator().main(["--dataset", str(dataset), "--output", str(stale), "--check"]) == 1


def test_every_rule_is_granted_by_some_built_in_role() -> None:
    generator = _generator()
    definitions = generator.definitions(_dataset(), "HEAD")
    for rule in json.loads(RULES.read_text())["rules"]:
        named = [d["roleName"] for d in definitions for b in d["permissions"]
                 if any(a != "*" and granted(rule["operation"], [a]) for a in b["actions"])]
        assert named, rule


def test_the_table_pins_its_source_and_the_rules_it_was_made_with() -> None:
    meta = json.loads(TABLE.read_text())["_meta"]
    assert len(meta["source"]["commit"]) == 40
    assert meta["rules_sha256"] == hashlib.sha256(RULES.read_bytes()).hexdigest(), (
        "azure_altering_rules.json changed: run scripts/gen_azure_roles.py")
    assert load_catalog().source.endswith(meta["source"]["commit"])


def test_owner_and_access_administrators_assign_roles() -> None:
    catalog = load_catalog()
    for name in ("Owner", "User Access Administrator", "Role Based Access Control Administrator"):
        role = catalog.role(name)
        assert role is not None and ASSIGN in role.altering, name
    owner = catalog.role("owner")
    assert owner is not None and owner.wildcard


def test_contributor_alters_identity_only_through_managed_identities() -> None:
    role = load_catalog().role("Contributor")
    assert role is not None and role.wildcard
    assert role.altering and all(op.startswith("Microsoft.ManagedIdentity/")
                                 for op in role.altering)
    assert FIC in role.altering and ASSIGN not in role.altering


def test_managed_identity_operator_assigns_identities_through_a_wildcard_segment() -> None:
    role = load_catalog().role("Managed Identity Operator")
    assert role is not None
    assert role.altering == {"Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"}


def test_reader_alters_nothing_and_lookups_by_id() -> None:
    catalog = load_catalog()
    reader = catalog.role("acdd72a7-3385-48ef-bd42-f606fba81ae7")
    assert reader is not None and reader.name == "Reader" and not reader.altering
    full = ("/subscriptions/00000000-0000-0000-0000-000000000000/providers/"
            "Microsoft.Authorization/roleDefinitions/8E3AF657-A8FF-443C-A75C-2FE8C4BCB635")
    owner = catalog.role(full)
    assert owner is not None and owner.name == "Owner"
    assert catalog.role("No Such Role") is None
    assert catalog.role("11111111-2222-3333-4444-555555555555") is None


def test_grants_held_only_under_the_definitions_condition_are_marked() -> None:
    role = load_catalog().role("Key Vault Data Access Administrator")
    assert role is not None and role.conditioned and ASSIGN in role.altering


def test_custom_definitions_are_judged_by_azure_matching() -> None:
    catalog = load_catalog()
    assert ASSIGN in catalog.altering(["Microsoft.Authorization/*"])
    assert not catalog.altering(["Microsoft.Authorization/*/read"])
    assert not catalog.altering(["*"], ["Microsoft.Authorization/*", "Microsoft.ManagedIdentity/*"])
    assert catalog.altering(["microsoft.authorization/roleassignments/WRITE"]) == {ASSIGN}
    assert catalog.why(ASSIGN)
    assert catalog.why("Microsoft.Storage/storageAccounts/read") == ""
