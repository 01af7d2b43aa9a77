"""The Entra catalog: which Microsoft Graph application permissions and Entra directory roles
alter identity, lookups by GUID and by name, and that the shipped table is what the pinned
sources and the reviewed rules give."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
from pathlib import Path
from types import ModuleType

import pytest
from pinned_dataset import load_script, pinned_clone

from nhilint.identity.azure.entra import load_catalog

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "gen_entra_catalog.py"
TABLE = ROOT / "nhilint" / "data" / "entra_catalog.json"
RULES = ROOT / "nhilint" / "data" / "entra_altering_rules.json"

ROLE_MANAGEMENT = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"
APP_ROLE_ASSIGNMENT = "06b708a9-e830-4db3-a914-8e69da51d44f"
APPLICATION_RW = "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"
USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214"
DIRECTORY_READ_ALL = "7ab1d382-f21e-4acd-a863-ba3e13f7da61"
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814"
DOCS_FILE_ENV = "NHILINT_ENTRA_DOCS_FILE"


def _generator() -> ModuleType:
    return load_script(GENERATOR)


def _table() -> dict[str, object]:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _sources() -> dict[str, dict[str, str] | None]:
    sources = _table()["_meta"]["sources"]  # type: ignore[index]
    assert isinstance(sources, dict)
    return sources


def _graph_clone() -> Path:
    graph = _sources()["app_roles"]
    assert graph is not None
    return pinned_clone("NHILINT_GRAPH_DEVX_CONTENT",
                        "microsoftgraph/microsoft-graph-devx-content", graph["commit"],
                        "Entra catalog's Graph app roles")


def _docs_source() -> dict[str, str]:
    docs = _sources()["directory_roles"]
    assert docs is not None, "the catalog pins no MicrosoftDocs/entra-docs source"
    return docs


def _docs_file() -> Path:
    """The plain copy of permissions-reference.md in ``$NHILINT_ENTRA_DOCS_FILE`` whose bytes
    are the ones the catalog pins, or a skip saying why there is none."""
    where = os.environ.get(DOCS_FILE_ENV)
    if not where:
        pytest.skip(f"{DOCS_FILE_ENV} is not set: no copy of MicrosoftDocs/entra-docs "
                    "permissions-reference.md to regenerate the directory roles from")
    docs = _docs_source()
    path = Path(where)
    if hashlib.sha256(path.read_bytes()).hexdigest() != docs.get("sha256"):
        pytest.skip(f"{where} is not the permissions-reference.md the catalog pins "
                    f"(sha256 {docs.get('sha256')})")
    return path


# -- regenerating from the pinned sources ----------------------------------------------------

def test_the_table_is_what_the_pinned_sources_and_the_rules_give() -> None:
    clone = _graph_clone()
    assert _generator().main(["--dataset", str(clone), "--output", str(TABLE), "--check"]) == 0


def test_check_fails_on_a_stale_table(tmp_path: Path) -> None:
    clone = _graph_clone()
    stale = tmp_path / "entra_catalog.json"
    table = _table()
    apps = table["app_roles"]
    assert isinstance(apps, list)
    table["app_roles"] = [e for e in apps if e["name"] != "RoleManagement.ReadWrite.Directory"]
    stale.write_text(json.dumps(table))
    assert _generator().main(["--dataset", str(clone), "--output", str(stale), "--check"]) == 1


def test_the_pinned_source_holds_the_ids_the_tests_rely_on() -> None:
    clone = _graph_clone()
    generator = _generator()
    graph = _sources()["app_roles"]
    assert graph is not None
    listed = dict(generator.app_roles(generator.git(
        clone, "show", f"{graph['commit']}:{generator.GRAPH_FILE}")))
    assert listed[ROLE_MANAGEMENT] == "RoleManagement.ReadWrite.Directory"
    assert listed[APP_ROLE_ASSIGNMENT] == "AppRoleAssignment.ReadWrite.All"
    assert listed[APPLICATION_RW] == "Application.ReadWrite.All"
    assert listed[USER_READ_ALL] == "User.Read.All"
    assert listed[DIRECTORY_READ_ALL] == "Directory.Read.All"


def _assert_directory_roles(out: Path) -> None:
    roles = {e["name"]: e for e in json.loads(out.read_text())["directory_roles"]}
    assert roles["Global Administrator"]["id"] == GLOBAL_ADMINISTRATOR
    assert roles["Global Administrator"].get("altering")
    assert roles["Privileged Role Administrator"]["id"] == PRIVILEGED_ROLE_ADMINISTRATOR
    assert roles["Privileged Role Administrator"].get("altering")
    assert roles["Directory Readers"]["id"] == DIRECTORY_READERS
    assert not roles["Directory Readers"].get("altering")
    for rule in json.loads(RULES.read_text())["directory_roles"]:
        assert any(fnmatch.fnmatchcase(n, rule["pattern"]) for n in roles), rule


def test_the_directory_roles_are_what_the_pinned_docs_file_gives(tmp_path: Path) -> None:
    # without a Graph clone ($NHILINT_GRAPH_DEVX_CONTENT) the generator keeps the app roles
    docs = _docs_file()
    generator = _generator()
    file_args = ["--entra-docs-file", str(docs), "--entra-docs-commit", _docs_source()["commit"]]
    assert generator.main([*file_args, "--output", str(TABLE), "--check"]) == 0
    out = tmp_path / "entra_catalog.json"
    out.write_text(TABLE.read_text())  # the app roles to keep, when there is no Graph clone
    table = json.loads(out.read_text())
    table["directory_roles"] = []
    table["_meta"]["sources"]["directory_roles"] = None
    out.write_text(json.dumps(table))
    assert generator.main([*file_args, "--output", str(out)]) == 0
    assert out.read_text() == TABLE.read_text()
    _assert_directory_roles(out)


def test_check_from_the_docs_file_fails_on_other_bytes(tmp_path: Path) -> None:
    docs = _docs_file()
    edited = tmp_path / "permissions-reference.md"
    edited.write_bytes(docs.read_bytes() + b"\n")
    assert _generator().main(["--entra-docs-file", str(edited),
                              "--entra-docs-commit", _docs_source()["commit"],
                              "--output", str(TABLE), "--check"]) == 1


def test_the_pinned_docs_give_directory_roles_every_rule_selects(tmp_path: Path) -> None:
    generator = _generator()
    docs = pinned_clone("NHILINT_ENTRA_DOCS", "MicrosoftDocs/entra-docs",
                        generator.DOCS_PINNED, "Entra catalog's directory roles")
    clone = _graph_clone()
    out = tmp_path / "entra_catalog.json"
    assert generator.main(["--dataset", str(clone), "--entra-docs", str(docs),
                           "--entra-docs-commit", generator.DOCS_PINNED,
                           "--output", str(out)]) == 0
    _assert_directory_roles(out)


# -- invariants of the shipped files -----------------------------------------------------------

def test_the_table_pins_its_sources_and_the_rules_it_was_made_with() -> None:
    meta = _table()["_meta"]
    assert isinstance(meta, dict)
    graph = meta["sources"]["app_roles"]
    assert len(graph["commit"]) == 40
    assert graph["repository"] == "https://github.com/microsoftgraph/microsoft-graph-devx-content"
    assert meta["rules_sha256"] == hashlib.sha256(RULES.read_bytes()).hexdigest(), (
        "entra_altering_rules.json changed: run scripts/gen_entra_catalog.py")
    assert load_catalog().source == (
        f"microsoftgraph/microsoft-graph-devx-content@{graph['commit']}")
    assert load_catalog().graph_app_id == "00000003-0000-0000-c000-000000000000"
    docs = meta["sources"]["directory_roles"]
    assert docs is not None, "no directory roles: run scripts/gen_entra_catalog.py with the docs"
    assert docs["repository"] == "https://github.com/MicrosoftDocs/entra-docs"
    assert docs["file"] == "docs/identity/role-based-access-control/permissions-reference.md"
    assert len(docs["commit"]) == 40
    if docs.get("read") == "file":
        assert len(docs["sha256"]) == 64


def test_the_counts_are_those_of_the_lists() -> None:
    table = _table()
    counts = table["_meta"]["counts"]  # type: ignore[index]
    apps, roles = table["app_roles"], table["directory_roles"]
    assert isinstance(apps, list) and isinstance(roles, list)
    assert counts["app_roles"] == len(apps) > 500
    assert counts["app_roles_altering"] == sum(1 for e in apps if e.get("altering"))
    assert counts["directory_roles"] == len(roles) > 100
    assert counts["directory_roles_altering"] == sum(1 for e in roles if e.get("altering"))


def test_the_altering_flags_are_the_rules() -> None:
    catalog = load_catalog()
    for entry in _table()["app_roles"]:  # type: ignore[attr-defined]
        found = catalog.app_role(entry["id"])
        assert found is not None and found.altering == bool(entry.get("altering")), entry
    for entry in _table()["directory_roles"]:  # type: ignore[attr-defined]
        found = catalog.directory_role(entry["id"])
        assert found is not None and found.altering == bool(entry.get("altering")), entry


def test_every_app_role_rule_selects_a_graph_permission() -> None:
    names = [e["name"] for e in _table()["app_roles"]]  # type: ignore[attr-defined]
    for rule in json.loads(RULES.read_text())["app_roles"]:
        assert any(fnmatch.fnmatchcase(n, rule["pattern"]) for n in names), rule


def test_every_directory_role_rule_selects_a_role() -> None:
    names = [e["name"] for e in _table()["directory_roles"]]  # type: ignore[attr-defined]
    for rule in json.loads(RULES.read_text())["directory_roles"]:
        assert any(fnmatch.fnmatchcase(n, rule["pattern"]) for n in names), rule


def test_reading_never_alters() -> None:
    for entry in _table()["app_roles"]:  # type: ignore[attr-defined]
        name = entry["name"]
        if ".Read." in name or name.endswith(".Read") or "ReadBasic" in name:
            assert not entry.get("altering"), name


# -- Graph application permissions -------------------------------------------------------------

@pytest.mark.parametrize(("guid", "name"), [
    (ROLE_MANAGEMENT, "RoleManagement.ReadWrite.Directory"),
    (APP_ROLE_ASSIGNMENT, "AppRoleAssignment.ReadWrite.All"),
    (APPLICATION_RW, "Application.ReadWrite.All"),
])
def test_permissions_that_alter_identity(guid: str, name: str) -> None:
    catalog = load_catalog()
    by_id, by_name = catalog.app_role(guid), catalog.app_role(name)
    assert by_id is not None and by_id == by_name
    assert by_id.id == guid and by_id.name == name and by_id.altering and by_id.why


@pytest.mark.parametrize(("guid", "name"), [
    (USER_READ_ALL, "User.Read.All"),
    (DIRECTORY_READ_ALL, "Directory.Read.All"),
])
def test_permissions_that_read_alter_nothing(guid: str, name: str) -> None:
    catalog = load_catalog()
    by_id, by_name = catalog.app_role(guid), catalog.app_role(name)
    assert by_id is not None and by_id == by_name
    assert by_id.name == name and not by_id.altering and by_id.why == ""


def test_a_guid_is_looked_up_in_any_case() -> None:
    found = load_catalog().app_role(ROLE_MANAGEMENT.upper())
    assert found is not None and found.name == "RoleManagement.ReadWrite.Directory"
    assert found.id == ROLE_MANAGEMENT


def test_an_unknown_permission_is_not_guessed() -> None:
    catalog = load_catalog()
    assert catalog.app_role("RoleManagement.ReadWrite.Everything") is None
    assert catalog.app_role("00000000-0000-0000-0000-000000000000") is None
    assert catalog.app_role("") is None


# -- Entra directory roles ---------------------------------------------------------------------

def test_global_administrator_alters_and_directory_readers_does_not() -> None:
    catalog = load_catalog()
    admin = catalog.directory_role(GLOBAL_ADMINISTRATOR)
    assert admin is not None and admin.name == "Global Administrator" and admin.altering
    assert catalog.directory_role("global administrator") == admin
    assert catalog.directory_role(GLOBAL_ADMINISTRATOR.upper()) == admin
    readers = catalog.directory_role("Directory Readers")
    assert readers is not None and readers.id == DIRECTORY_READERS and not readers.altering
    assert catalog.directory_role(DIRECTORY_READERS) == readers


@pytest.mark.parametrize(("guid", "name"), [
    (GLOBAL_ADMINISTRATOR, "Global Administrator"),
    (PRIVILEGED_ROLE_ADMINISTRATOR, "Privileged Role Administrator"),
])
def test_directory_roles_that_alter_identity(guid: str, name: str) -> None:
    catalog = load_catalog()
    by_id, by_name = catalog.directory_role(guid), catalog.directory_role(name)
    assert by_id is not None and by_id == by_name
    assert by_id.id == guid and by_id.name == name and by_id.altering and by_id.why
    assert catalog.directory_role(name.upper()) == by_id


def test_directory_readers_alters_nothing() -> None:
    readers = load_catalog().directory_role(DIRECTORY_READERS)
    assert readers is not None and readers.name == "Directory Readers"
    assert not readers.altering and readers.why == ""


def test_a_docs_file_needs_its_commit(tmp_path: Path) -> None:
    generator = _generator()
    page = tmp_path / "permissions-reference.md"
    page.write_text(_PAGE, encoding="utf-8")
    with pytest.raises(SystemExit):
        generator.main(["--dataset", str(tmp_path), "--entra-docs-file", str(page)])
    with pytest.raises(generator.DatasetError, match="full 40-hex id"):
        generator._docs_from_file(page, "HEAD")
    text, source = generator._docs_from_file(page, "d5f7a99c649368f42141ee9f8ea435be62a47c03")
    assert generator.directory_roles(text)[1][1] == "Global Administrator"
    assert source["read"] == "file"
    assert source["sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()


def test_an_unknown_directory_role_is_not_guessed() -> None:
    assert load_catalog().directory_role("Tenant Overlord") is None


# -- reading the docs table (format of MicrosoftDocs/entra-docs permissions-reference.md) -------

_PAGE = """# Microsoft Entra built-in roles

## All roles

> [!div class="mx-tableFixed"]
> | Role | Description | Template ID |
> | --- | --- | --- |
> | [Directory Readers](#directory-readers) | Reads basic directory information. | \
88d8e3e3-8f55-4a1e-953a-9b9898b8876b |
> | [Global Administrator](#global-administrator) | Manages all of it.<br/>\
[![Privileged label icon.](./media/permissions-reference/privileged-label.png)]\
(privileged-roles-permissions.md) | 62e90394-69f5-4237-9190-012177145e10 |

## Directory Readers

> | [Not a role](#x) | In a later section. | 00000000-0000-0000-0000-000000000000 |
"""


def test_the_all_roles_table_is_read_with_microsofts_privileged_label() -> None:
    assert _generator().directory_roles(_PAGE) == [
        ("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers", False),
        ("62e90394-69f5-4237-9190-012177145e10", "Global Administrator", True),
    ]


def test_a_page_without_the_table_is_an_error() -> None:
    generator = _generator()
    with pytest.raises(generator.DatasetError):
        generator.directory_roles("# Microsoft Entra built-in roles\n")
