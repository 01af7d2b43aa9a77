"""The remote-module knowledge: its generator, its staleness, its lookups by source."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from nhilint.identity.modules import (
    ModuleSource,
    module_knowledge,
    normalise_source,
    table_from_data,
    what_is_lost,
)

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "nhilint" / "data" / "terraform_modules.json"
GENERATOR = REPO / "scripts" / "gen_terraform_modules.py"
IAM = "terraform-aws-modules/iam/aws"


@pytest.fixture(scope="module")
def table() -> dict[str, object]:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_terraform_modules", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # NamedTuples resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def _mirror(table: dict[str, object], generator: ModuleType) -> Path:
    """A mirror holding every pinned commit, or a skip saying why not (CI has none)."""
    root = Path(os.environ.get(generator.ENV) or generator.DEFAULT_MIRROR)
    for repository in table["_meta"]["source"]["repositories"]:  # type: ignore[index]
        name = repository["repository"].removeprefix("https://github.com/")
        try:
            where = generator.locate(root, generator.Repository(name, 0))
        except generator.DatasetError as error:
            pytest.skip(f"{error}: set {generator.ENV} to regenerate the module table "
                        "(the invariants below still run)")
        for tag, pin in repository["tags"].items():
            found = subprocess.run(["git", "-C", str(where), "cat-file", "-e",
                                    f"{pin['commit']}^{{commit}}"],
                                   capture_output=True, check=False)
            if found.returncode != 0:
                pytest.skip(f"{where} does not hold {name} {tag} ({pin['commit']})")
    return root


# --------------------------------------------------------------------------- staleness


def test_the_table_is_what_the_pinned_repositories_give(
    table: dict[str, object], generator: ModuleType
) -> None:
    mirror = _mirror(table, generator)
    run = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--mirror", str(mirror)],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr


def test_check_mode_fails_on_a_stale_table(
    table: dict[str, object], generator: ModuleType, tmp_path: Path
) -> None:
    mirror = _mirror(table, generator)
    stale = json.loads(json.dumps(table))
    gone = f"{IAM}//modules/iam-role"
    del stale["modules"][gone]
    target = tmp_path / "terraform_modules.json"
    target.write_text(json.dumps(stale), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--mirror", str(mirror),
         "--output", str(target)],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 1
    assert f"modules: 1 added: {gone}" in run.stderr


# --------------------------------------------------------------------------- invariants (CI)


def test_meta_pins_every_repository_and_tag(table: dict[str, object]) -> None:
    meta = table["_meta"]
    assert isinstance(meta, dict)
    source = meta["source"]
    assert len(source["generated"]) == 10  # an ISO date
    repositories = {r["repository"]: r for r in source["repositories"]}
    assert set(repositories) == {
        "https://github.com/terraform-aws-modules/terraform-aws-iam",
        "https://github.com/cloudposse/terraform-null-label",
    }
    for repository in repositories.values():
        assert repository["tags"], repository["repository"]
        for pin in repository["tags"].values():
            assert len(pin["commit"]) == 40
    assert meta["counts"]["modules"] == len(table["modules"])  # type: ignore[arg-type]
    assert TABLE.stat().st_size < 100_000, "keep the table compact"


def test_the_table_classified_with_what_the_code_lists_now(
    table: dict[str, object], generator: ModuleType
) -> None:
    """A change of the identity types nhilint judges without regenerating fails here,
    repositories or not."""
    assert table["_meta"]["weighed"] == generator.weighed(), (  # type: ignore[index]
        "nhilint's identity types changed: run scripts/gen_terraform_modules.py"
    )


def test_every_entry_is_well_formed(table: dict[str, object], generator: ModuleType) -> None:
    modules = table["modules"]
    assert isinstance(modules, dict)
    fields = {"tag", "identity", "other", "data", "principals", "credentials", "policies",
              "inputs", "outputs"}
    read = {r["registry"]: set(r["tags"])
            for r in table["_meta"]["source"]["repositories"]}  # type: ignore[index]
    for key, majors in modules.items():
        address = key.split("//")[0]
        assert address in read, key
        for major, entry in majors.items():
            assert set(entry) == fields, key
            assert entry["tag"] in read[address], key
            assert entry["tag"].lstrip("v").split(".")[0] == major, key
            for type_ in entry["identity"]:
                assert generator.is_identity("resource", type_), (key, type_)
            for type_ in entry["other"]:
                assert not generator.is_identity("resource", type_), (key, type_)
            assert entry == {**entry, **generator.aspects(entry["identity"], entry["data"])}
            for names in ("identity", "other", "inputs", "outputs"):
                assert entry[names] == sorted(set(entry[names])), (key, names)
    table_from_data(table)


def test_what_the_most_used_modules_declare() -> None:
    role = module_knowledge(f"{IAM}//modules/iam-assumable-role")
    assert role is not None and role.tag.startswith("v5.")
    assert {"aws_iam_role", "aws_iam_role_policy_attachment"} <= set(role.identity)
    assert role.principals == ("role",) and role.policies
    assert {"trusted_role_arns", "custom_role_policy_arns", "role_requires_mfa"} <= set(
        role.inputs)
    user = module_knowledge(f"{IAM}//modules/iam-user")
    assert user is not None and "access key" in user.credentials
    assert {"aws_iam_user", "aws_iam_access_key"} <= set(user.identity)
    label = module_knowledge("cloudposse/label/null")
    assert label is not None and not label.identity and not label.other
    assert {"tags", "id", "enabled"} <= set(label.outputs)


# --------------------------------------------------------------------------- lookups


@pytest.mark.parametrize("source", [
    f"{IAM}//modules/iam-assumable-role",
    f"registry.terraform.io/{IAM}//modules/iam-assumable-role",
    "REGISTRY.terraform.io/Terraform-AWS-Modules/IAM/aws//modules/iam-assumable-role/",
    f"registry.opentofu.org/{IAM}//modules/iam-assumable-role",
    "git::https://github.com/terraform-aws-modules/terraform-aws-iam.git"
    "//modules/iam-assumable-role?ref=v5.0.0",
    "github.com/terraform-aws-modules/terraform-aws-iam//modules/iam-assumable-role",
    "git@github.com:terraform-aws-modules/terraform-aws-iam.git//modules/iam-assumable-role",
    "git::ssh://git@github.com/terraform-aws-modules/terraform-aws-iam.git"
    "//./modules/iam-assumable-role?ref=v5.2.0",
])
def test_every_source_form_finds_the_same_module(source: str) -> None:
    parsed = normalise_source(source)
    assert parsed is not None and parsed.key == f"{IAM}//modules/iam-assumable-role"
    lost = what_is_lost(source)
    assert lost is not None
    assert lost.startswith("creates aws_iam_instance_profile, aws_iam_role")
    assert "trust" in lost and "terraform init" in lost


def test_null_label_says_its_tags_are_not_known() -> None:
    for source in ("cloudposse/label/null", "registry.terraform.io/cloudposse/label/null",
                   "github.com/cloudposse/terraform-null-label?ref=0.25.0",
                   "git::https://github.com/cloudposse/terraform-null-label.git?ref=tags/0.24.1"):
        lost = what_is_lost(source)
        assert lost is not None, source
        assert lost.startswith("creates no resources (as of 0."), lost
        assert "only computes outputs (`tags`, " in lost
        assert "owner tags taken from its `tags` output are not known" in lost


def test_the_major_version_picks_the_layout_read() -> None:
    newest = module_knowledge(f"{IAM}//modules/iam-user")
    v5 = module_knowledge(
        "git::https://github.com/terraform-aws-modules/terraform-aws-iam.git"
        "//modules/iam-user?ref=v5.0.0")
    pinned = module_knowledge(f"{IAM}//modules/iam-user", "~> 5.30")
    old = module_knowledge(f"{IAM}//modules/iam-user", "3.16.0")
    assert newest is not None and v5 is not None and pinned is not None and old is not None
    assert int(newest.tag.lstrip("v").split(".")[0]) >= 6
    assert v5.tag.startswith("v5.") and pinned.tag.startswith("v5.")
    assert old.tag.startswith("v4.")  # the nearest major read
    # v6 renamed iam-assumable-role to iam-role: each is found in the majors that have it
    renamed = module_knowledge(f"{IAM}//modules/iam-role", "5.60.0")
    assert renamed is not None and renamed.tag.startswith("v6.")
    role = module_knowledge(f"{IAM}//modules/iam-assumable-role", ">= 6.0")
    assert role is not None and role.tag.startswith("v5.")


def test_a_commit_or_branch_ref_names_no_major() -> None:
    assert normalise_source(
        "github.com/terraform-aws-modules/terraform-aws-iam//modules/iam-user?ref=4f2a9c1"
    ) == ModuleSource(IAM, "modules/iam-user", None)
    assert normalise_source(
        "github.com/terraform-aws-modules/terraform-aws-iam//modules/iam-user?ref=master"
    ) == ModuleSource(IAM, "modules/iam-user", None)


@pytest.mark.parametrize("source", [
    "./modules/iam", "../iam-role", "hashicorp/consul/aws", IAM,
    f"{IAM}//modules/no-such-module", "app.terraform.io/acme/iam/aws//modules/iam-role",
    "github.com/acme/terraform-aws-iam//modules/iam-role",
    "https://example.com/iam.zip", "s3::https://s3.amazonaws.com/bucket/iam.zip", "",
])
def test_unknown_sources(source: str) -> None:
    assert what_is_lost(source) is None
