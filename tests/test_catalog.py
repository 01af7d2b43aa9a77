"""The rule catalog: metadata, docstrings, generated docs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nhilint.engine import RuleError, collect_rules, select_rules
from nhilint.rule import Severity, rule

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = (
    "## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References",
)


@pytest.mark.parametrize("found", collect_rules(), ids=lambda r: r.id)
def test_docstring_has_every_section(found) -> None:  # type: ignore[no-untyped-def]
    for section in SECTIONS:
        assert section in found.doc, f"{found.id} docstring lacks {section!r}"
    assert "```" in found.doc.split("## Use instead", 1)[1], "the fix needs a snippet"


def test_core_rules_are_present_with_their_severities() -> None:
    by_id = {r.id: r for r in collect_rules()}
    assert by_id["NHI001"].name == "static-secret" and by_id["NHI001"].severity is Severity.CRITICAL
    assert by_id["NHI002"].name == "no-owner" and by_id["NHI002"].severity is Severity.HIGH
    assert by_id["NHI003"].name == "wildcard-scope" and by_id["NHI003"].severity is Severity.HIGH
    assert by_id["NHI004"].name == "no-expiry" and by_id["NHI004"].severity is Severity.MEDIUM
    assert by_id["NHI011"].name == "identity-admin-policy"


def test_bad_rule_metadata_is_refused() -> None:
    with pytest.raises(ValueError, match="does not match"):
        rule("nhi1", "x", Severity.LOW, message="m")
    with pytest.raises(ValueError, match="kebab-case"):
        rule("NHI999", "Not_Kebab", Severity.LOW, message="m")
    with pytest.raises(ValueError, match="named"):
        rule("NHI999", "positional", Severity.LOW, message="principal {0} is bad")
    with pytest.raises(ValueError, match="one line"):
        rule("NHI999", "two-lines", Severity.LOW, message="a\nb")


def test_selection() -> None:
    rules = collect_rules()
    core = ["NHI001", "NHI002", "NHI003", "NHI004"]
    assert [r.id for r in select_rules(rules, ["NHI00"])] == core
    assert "NHI002" not in [r.id for r in select_rules(rules, [], ["no-owner"])]
    with pytest.raises(RuleError):
        select_rules(rules, ["nonsense"])


def test_rule_docs_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_rule_docs.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, "run python scripts/gen_rule_docs.py\n" + done.stderr


RULE_MODULE = '''
from nhilint.rule import Severity, rule


@rule("{id}", "{name}", Severity.LOW, message="m")
def check(ctx):
    """A test rule."""
    yield from ()
'''


def _pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
          rules: dict[str, tuple[str, str]]) -> str:
    package = tmp_path / name
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    for module, (rule_id, rule_name) in rules.items():
        (package / f"{module}.py").write_text(RULE_MODULE.format(id=rule_id, name=rule_name))
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def test_registry_walks_sub_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nhilint.registry import collect

    name = _pack(tmp_path, monkeypatch, "pack_ok", {"a": ("ABC001", "first"),
                                                     "sub/b": ("ABC002", "second")})
    assert [r.id for r in collect([name])] == ["ABC001", "ABC002"]


@pytest.mark.parametrize("clash", [("ABC001", "other"), ("ABC009", "first")],
                         ids=["same-id", "same-name"])
def test_registry_refuses_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clash: tuple[str, str]
) -> None:
    from nhilint.registry import collect

    name = _pack(tmp_path, monkeypatch, f"pack_{clash[0]}_{clash[1]}",
                 {"a": ("ABC001", "first"), "sub/b": clash})
    with pytest.raises(RuleError, match="duplicate rule"):
        collect([name])
