"""Configuration a platform team writes: every key, every error, where the file is found, and
the README's example."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest
from readme_blocks import readme_block

from nhilint.cli import main
from nhilint.config import (
    KEYS,
    POLICY_KEYS,
    SUPPRESS_KEYS,
    AddressSuppression,
    Config,
    ConfigError,
    discover,
    find,
    load,
)
from nhilint.settings import DEFAULT_AUTOMATION_PATTERNS, DEFAULT_OWNER_KEYS, Settings
from nhilint.severity import Severity

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "examples" / "aws-ci", tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rules(capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    main(["check", "infra", "--format", "json", *args])
    return {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}


def test_owner_tag_keys(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tf = example / "infra" / "main.tf"
    tf.write_text(tf.read_text().replace('path = "/automation/"', 'tags = { squad = "ci" }'))
    assert "NHI002" in rules(capsys)
    (example / ".nhilint.toml").write_text('owner-tag-keys = ["squad"]\n')
    assert "NHI002" not in rules(capsys)


def test_pyproject_table_and_selection(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (example / "pyproject.toml").write_text('[tool.nhilint]\nselect = ["NHI001"]\n')
    assert rules(capsys) == {"NHI001"}
    assert rules(capsys, "--select", "NHI002") == {"NHI002"}


def test_console_login_is_a_person(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (example / "infra" / "main.tf").write_text(
        'resource "aws_iam_user" "ci" {\n  name = "ci-deployer"\n}\n'
        'resource "aws_iam_user_login_profile" "ci" {\n  user = aws_iam_user.ci.name\n}\n'
    )
    assert rules(capsys) == {"NHI011"}


def test_automation_patterns(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (example / "infra" / "main.tf").write_text(
        'resource "aws_iam_user_policy_attachment" "x" {\n  user = "nightly-mover"\n'
        '  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"\n}\n'
    )
    (example / "infra" / "policy.tf").unlink()
    assert rules(capsys) == {"NHI011", "NHI901"}  # is "nightly-mover" automation? unknown
    (example / ".nhilint.toml").write_text('automation-patterns = ["mover"]\n')
    assert rules(capsys) == {"NHI003", "NHI004", "NHI011", "NHI015", "NHI901"}  # owner: elsewhere


def test_unknown_key_is_an_error_with_a_hint(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (example / ".nhilint.toml").write_text('owner-tags = ["x"]\n')
    assert main(["check", "infra"]) == 2
    assert "unknown key 'owner-tags' (did you mean 'owner-tag-keys'?)" in capsys.readouterr().err


def test_bad_values_are_errors(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (example / ".nhilint.toml").write_text('automation-patterns = ["("]\n')
    assert main(["check", "infra"]) == 2
    (example / ".nhilint.toml").write_text('fail-on = "severe"\n')
    assert main(["check", "infra"]) == 2
    assert main(["check", "infra", "--config", "missing.toml"]) == 2
    assert "missing.toml" in capsys.readouterr().err


def test_fail_on_from_config(example: Path) -> None:
    (example / ".nhilint.toml").write_text('fail-on = "critical"\nignore = ["NHI001"]\n')
    assert main(["check", "infra"]) == 0


# --- every key, loaded -------------------------------------------------------------------

EVERY_KEY = """\
owner-tag-keys = ["squad"]
automation-patterns = ["mover", 'job-\\d+']
select = ["NHI00", "identity-admin-policy"]
ignore = ["nhi004"]
fail-on = "Medium"
severity-overrides = { static-secret = "high", NHI004 = "low", nhi011 = "critical" }
require-suppression-reason = true

[[suppress]]
address = "aws_iam_user.ci"
rules = ["NHI001", "nhi004", "NHI001"]
reason = "rotated   nightly\\nby the vault job"

[[suppress]]
address = " module.bots[\\"a\\"].aws_iam_user.bot "
rules = ["NHI002"]
reason = "owned by the platform team"
"""


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, text: str, name: str = ".nhilint.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_every_key_is_read(here: Path) -> None:
    config = load(write(here, EVERY_KEY))
    assert config == Config(
        settings=Settings(
            owner_keys=("squad",),
            automation_patterns=("mover", r"job-\d+"),
            severity_overrides=(
                ("NHI001", Severity.HIGH), ("NHI004", Severity.LOW), ("NHI011", Severity.CRITICAL),
            ),
            require_suppression_reason=True,
        ),
        select=("NHI00", "identity-admin-policy"),
        ignore=("nhi004",),
        fail_on="medium",
        source=".nhilint.toml",
        suppress=(
            AddressSuppression(
                "aws_iam_user.ci", ("NHI001", "NHI004"), "rotated nightly by the vault job",
                ".nhilint.toml: suppress[1]", ".nhilint.toml", 9,
            ),
            AddressSuppression(
                'module.bots["a"].aws_iam_user.bot', ("NHI002",), "owned by the platform team",
                ".nhilint.toml: suppress[2]", ".nhilint.toml", 14,
            ),
        ),
    )
    assert config.severity_overrides == config.settings.severity_overrides
    assert config.require_suppression_reason is True
    assert config.settings.severity_of("NHI004", Severity.MEDIUM) is Severity.LOW
    assert config.settings.severity_of("NHI002", Severity.HIGH) is Severity.HIGH


def test_defaults(here: Path) -> None:
    assert load(None) == Config()
    config = load(write(here, ""))
    assert config == Config(source=".nhilint.toml")
    assert config.settings.owner_keys == DEFAULT_OWNER_KEYS
    assert config.settings.automation_patterns == DEFAULT_AUTOMATION_PATTERNS
    assert config.severity_overrides == ()
    assert config.require_suppression_reason is False
    assert config.suppress == ()
    assert config.fail_on is None


def test_pyproject_table(here: Path) -> None:
    text = (
        '[project]\nname = "x"\n\n[tool.nhilint]\nfail-on = "low"\n'
        'severity-overrides = { no-owner = "info" }\n\n'
        '[[tool.nhilint.suppress]]\naddress = "aws_iam_role.r"\nrules = ["NHI003"]\n'
    )
    config = load(write(here, text, "pyproject.toml"))
    assert config.fail_on == "low"
    assert config.severity_overrides == (("NHI002", Severity.INFO),)
    assert config.suppress == (
        AddressSuppression(
            "aws_iam_role.r", ("NHI003",), "", "pyproject.toml: suppress[1]", "pyproject.toml", 8
        ),
    )
    assert load(write(here, '[project]\nname = "x"\n', "pyproject.toml")) == Config(
        source="pyproject.toml"
    )


def test_every_key_is_documented_in_the_module() -> None:
    import nhilint.config

    doc = nhilint.config.__doc__ or ""
    assert all(re.search(rf"^(    )?(\[\[?)?{re.escape(k)}\b", doc, re.M) for k in KEYS)
    assert all(re.search(rf"^    {re.escape(k)} = ", doc, re.M) for k in POLICY_KEYS)


# --- every error, exactly ----------------------------------------------------------------

ERRORS = [
    ("owner-tags = []", "unknown key 'owner-tags' (did you mean 'owner-tag-keys'?)"),
    ("colour = 1", "unknown key 'colour' (one of: " + ", ".join(KEYS) + ")"),
    ("owner-tag-keys = \"owner\"", 'owner-tag-keys: must be a list of strings, got "owner"'),
    ("owner-tag-keys = [\"a\", 1]", 'owner-tag-keys: must be a list of strings, got ["a", 1]'),
    ("automation-patterns = [\"(\"]",
     "automation-patterns: '(': missing ), unterminated subpattern at position 0"),
    ('automation-patterns = [""]', 'automation-patterns: "" would match every name'),
    ("fail-on = 3", "fail-on: must be a string, got 3"),
    ('fail-on = "severe"', "fail-on: unknown severity 'severe' "
     "(one of: critical, high, medium, low, info)"),
    ('fail-on = "hihg"', "fail-on: unknown severity 'hihg' (did you mean 'high'?)"),
    ('select = ["NHI909"]', "select: no rule matches 'NHI909' (did you mean 'NHI901'?)"),
    ('select = ["statc-secret"]',
     "select: no rule matches 'statc-secret' (did you mean 'static-secret'?)"),
    ('ignore = ["zzz"]', "ignore: no rule matches 'zzz' (see `nhilint rules`)"),
    ('ignore = [""]', "ignore: no rule matches '' (see `nhilint rules`)"),
    ("select = true", "select: must be a list of strings, got true"),
    ('severity-overrides = "high"', 'severity-overrides: must be a table, got "high"'),
    ('severity-overrides = { NHI909 = "low" }',
     "severity-overrides: unknown rule 'NHI909' (did you mean 'NHI901'?)"),
    ('severity-overrides = { no-ownr = "low" }',
     "severity-overrides: unknown rule 'no-ownr' (did you mean 'no-owner'?)"),
    ('severity-overrides = { NHI011 = "meduim" }',
     "severity-overrides.NHI011: unknown severity 'meduim' (did you mean 'medium'?)"),
    ("severity-overrides = { NHI011 = 2 }", "severity-overrides.NHI011: must be a string, got 2"),
    ('severity-overrides = { NHI001 = "low", static-secret = "high" }',
     "severity-overrides: NHI001 is given twice (as 'NHI001' and 'static-secret')"),
    ('require-suppression-reason = "yes"',
     'require-suppression-reason: must be true or false, got "yes"'),
    ("suppress = 3", "suppress: must be an array of tables, got 3"),
    ('suppress = ["aws_iam_user.ci"]', 'suppress[1]: must be a table, got "aws_iam_user.ci"'),
    ('[[suppress]]\nadress = "a.b"',
     "suppress[1]: unknown key 'adress' (did you mean 'address'?)"),
    ('[[suppress]]\nrules = ["NHI001"]',
     'suppress[1].address: missing (a resource address, e.g. "aws_iam_user.ci")'),
    ('[[suppress]]\naddress = ""\nrules = ["NHI001"]',
     'suppress[1].address: must be a resource address, got ""'),
    ('[[suppress]]\naddress = 3\nrules = ["NHI001"]',
     "suppress[1].address: must be a resource address, got 3"),
    ('[[suppress]]\naddress = "a.b"',
     'suppress[1].rules: missing (a list of rule ids, e.g. ["NHI001"])'),
    ('[[suppress]]\naddress = "a.b"\nrules = []',
     "suppress[1].rules: must be a non-empty list of rule ids, got []"),
    ('[[suppress]]\naddress = "a.b"\nrules = "NHI001"',
     'suppress[1].rules: must be a non-empty list of rule ids, got "NHI001"'),
    ('[[suppress]]\naddress = "a.b"\nrules = ["NHI909"]',
     "suppress[1].rules: unknown rule 'NHI909' (did you mean 'NHI901'?)"),
    ('[[suppress]]\naddress = "a.b"\nrules = ["statc-secret"]',
     "suppress[1].rules: unknown rule 'statc-secret' (did you mean 'NHI001'?)"),
    ('[[suppress]]\naddress = "a.b"\nrules = ["static-secret"]',
     "suppress[1].rules: 'static-secret' is a rule name, not an id (use 'NHI001')"),
    ('[[suppress]]\naddress = "a.b"\nrules = ["NHI001"]\nreason = 3',
     "suppress[1].reason: must be a string, got 3"),
    ('require-suppression-reason = true\n[[suppress]]\naddress = "a.b"\nrules = ["NHI001"]\n'
     'reason = "ok"\n[[suppress]]\naddress = "c.d"\nrules = ["NHI001"]\nreason = " "',
     "suppress[2].reason: missing, and require-suppression-reason is true"),
    ("fail-on = = 1", "Invalid value (at line 1, column 11)"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[m for _, m in ERRORS])
def test_errors_name_the_file_the_key_and_the_closest(
    here: Path, text: str, message: str
) -> None:
    write(here, text + "\n")
    with pytest.raises(ConfigError) as raised:
        load(here / ".nhilint.toml")
    assert str(raised.value) == f".nhilint.toml: {message}"


def test_errors_in_pyproject_name_it(here: Path) -> None:
    write(here, "[tool]\nnhilint = 3\n", "pyproject.toml")
    with pytest.raises(ConfigError) as raised:
        load(here / "pyproject.toml")
    assert str(raised.value) == "pyproject.toml: tool.nhilint: must be a table, got 3"
    write(here, '[tool.nhilint]\n[[tool.nhilint.suppress]]\naddress = "a.b"\nrules = ["X"]\n',
          "pyproject.toml")
    with pytest.raises(ConfigError) as raised:
        load(here / "pyproject.toml")
    assert str(raised.value) == (
        "pyproject.toml: suppress[1].rules: unknown rule 'X' (see `nhilint rules`)"
    )


def test_a_config_outside_the_working_directory_is_named_as_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write(tmp_path / "project", "fail-on = 3\n")
    monkeypatch.chdir(write(tmp_path / "elsewhere", "").parent)
    with pytest.raises(ConfigError) as raised:
        load(config)
    assert str(raised.value) == f"{config}: fail-on: must be a string, got 3"


def test_errors_reach_the_cli_as_one_line_and_exit_two(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(example / "infra", '[[suppress]]\naddress = "a.b"\nrules = ["NHI909"]\n')
    assert main(["check", "infra"]) == 2
    assert capsys.readouterr().err == (
        "nhilint: error: infra/.nhilint.toml: suppress[1].rules: unknown rule 'NHI909' "
        "(did you mean 'NHI901'?)\n"
    )


# --- discovery from the scanned path -----------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``repo/infra`` (the example) with ``repo/.nhilint.toml``; the working directory is a
    sibling holding a config of its own."""
    shutil.copytree(ROOT / "examples" / "aws-ci", tmp_path / "repo" / "infra")
    write(tmp_path / "repo", 'select = ["NHI001"]\n')
    write(tmp_path / "cwd", 'select = ["NHI002"]\n')
    monkeypatch.chdir(tmp_path / "cwd")
    return tmp_path


def found(capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    main(["check", "--format", "json", *args])
    return {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}


def test_config_nearest_to_the_scanned_directory(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert found(capsys, str(tree / "repo" / "infra")) == {"NHI001"}
    write(tree / "repo" / "infra", 'select = ["NHI011"]\n')
    assert found(capsys, str(tree / "repo" / "infra")) == {"NHI011"}


def test_config_nearest_to_a_scanned_file(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert found(capsys, str(tree / "repo" / "infra" / "main.tf")) == {"NHI001"}


def test_working_directory_when_nothing_is_above_the_path(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "repo" / ".nhilint.toml").unlink()
    assert find(tree / "repo" / "infra") is None
    assert found(capsys, str(tree / "repo" / "infra")) == {"NHI002"}


def test_config_option_wins(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = write(tree / "other", 'select = ["NHI003"]\n')
    assert found(capsys, str(tree / "repo" / "infra"), "--config", str(other)) == {"NHI003"}


def test_a_broken_config_beside_the_path_is_reported_from_anywhere(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tree / "repo", 'fail-on = "severe"\n')
    assert main(["check", str(tree / "repo" / "infra")]) == 2
    assert capsys.readouterr().err == (
        f"nhilint: error: {config}: fail-on: unknown severity 'severe' "
        "(one of: critical, high, medium, low, info)\n"
    )


def test_discover_prefers_the_dot_file_and_passes_over_a_foreign_pyproject(
    here: Path,
) -> None:
    module = here / "a" / "b"
    write(module, '[project]\nname = "b"\n', "pyproject.toml")
    assert discover([module]) is None
    write(here / "a", "[tool.nhilint]\n", "pyproject.toml")
    assert discover([module]) == (here / "a" / "pyproject.toml").resolve()
    write(here / "a", "")
    assert discover([module]) == (here / "a" / ".nhilint.toml").resolve()
    assert discover([module / "main.tf"]) == (here / "a" / ".nhilint.toml").resolve()


def test_discover_without_paths_is_the_working_directory(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(here, "")
    assert discover([]) == (here / ".nhilint.toml").resolve()


# --- the README's Configuration section ----------------------------------------------------


def test_readme_config_is_valid_and_means_what_it_shows(here: Path) -> None:
    config = load(write(here, readme_block("Configuration", "toml")))
    assert dataclasses.asdict(config) == dataclasses.asdict(Config(
        settings=Settings(
            owner_keys=("owner", "Owner", "team", "Team", "squad"),
            automation_patterns=("ci|deploy(er)?|bot|runner", "mover|shipper"),
            severity_overrides=(("NHI002", Severity.MEDIUM), ("NHI003", Severity.CRITICAL)),
            require_suppression_reason=True,
        ),
        select=("NHI00", "identity-admin-policy"),
        ignore=("NHI004",),
        fail_on="medium",
        source=".nhilint.toml",
        suppress=(AddressSuppression(
            "aws_iam_user.legacy_ci", ("NHI001", "NHI002"),
            "decommissioned in PLAT-142; its key is already revoked",
            ".nhilint.toml: suppress[1]", ".nhilint.toml", 11,
        ),),
    ))
    keys = re.findall(r"^\[*([a-z-]+)\]*(?: =|$)", readme_block("Configuration", "toml"), re.M)
    assert set(keys) == {*KEYS, *SUPPRESS_KEYS}


def test_readme_config_as_pyproject_is_the_same(here: Path) -> None:
    text = readme_block("Configuration", "toml")
    text = text.replace("[[suppress]]", "[[tool.nhilint.suppress]]")
    config = load(write(here, "[tool.nhilint]\n" + text, "pyproject.toml"))
    dot = load(write(here, readme_block("Configuration", "toml")))
    assert dataclasses.replace(config, source="", suppress=()) == dataclasses.replace(
        dot, source="", suppress=()
    )
    assert [s.address for s in config.suppress] == [s.address for s in dot.suppress]


def test_readme_errors_are_what_nhilint_says(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configs = (
        'owner-tags = ["x"]\n',
        "fail-on = 3\n",
        '[[suppress]]\naddress = "aws_iam_user.ci"\nrules = ["NHI909"]\n',
    )
    said = []
    for text in configs:
        write(example, text)
        assert main(["check", "infra"]) == 2
        said.append(capsys.readouterr().err)
    assert "".join(said) == readme_block("Configuration", "text")
