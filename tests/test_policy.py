"""The organisation's policy (``[policy]``, ``[tool.nhilint.policy]``): read, checked, and what
a bad value says.  What each setting changes is shown by the fixtures ``policy_<setting>``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nhilint.cli import main
from nhilint.config import POLICY_KEYS, load
from nhilint.engine import Options, scan
from nhilint.settings import OrgPolicy, Settings
from nhilint.severity import Severity
from nhilint.testing import SCAN_DATE, case_options

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

EVERY_KEY = """\
[policy]
owner-keys = ["squad"]
owner-pattern = "team-[a-z]+"
automation-patterns = ["mover"]
forbidden-permissions = ["iam:CreateUser", "roles/owner"]
allowed-permissions = ["s3:*"]
oidc-issuers = ["https://token.actions.githubusercontent.com/"]
oidc-subjects = ["repo:acme/*:ref:refs/heads/main"]
max-credential-days = 90
wide-scopes = ["account", "organization"]
severity-overrides = { NHI004 = "high" }
"""


def write(where: Path, text: str, name: str = ".nhilint.toml") -> Path:
    path = where / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_policy_key_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load(write(tmp_path, EVERY_KEY)).settings
    assert settings.policy == OrgPolicy(
        owner_pattern="team-[a-z]+",
        forbidden_permissions=("iam:CreateUser", "roles/owner"),
        allowed_permissions=("s3:*",),
        oidc_issuers=("token.actions.githubusercontent.com",),
        oidc_subjects=("repo:acme/*:ref:refs/heads/main",),
        max_credential_days=90,
        wide_scopes=("account", "organization"),
    )
    assert settings.owner_keys == ("squad",)
    assert settings.automation_patterns == ("mover",)
    assert settings.severity_overrides == (("NHI004", Severity.HIGH),)
    keys = {line.split(" = ")[0] for line in EVERY_KEY.splitlines()[1:]}
    assert keys == set(POLICY_KEYS)


def test_pyproject_reads_tool_nhilint_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = EVERY_KEY.replace("[policy]", "[tool.nhilint.policy]")
    pyproject = load(write(tmp_path, text, "pyproject.toml"))
    dot = load(write(tmp_path, EVERY_KEY))
    assert pyproject.settings == dot.settings


@pytest.mark.parametrize(("text", "said"), [
    ("policy = 3", ".nhilint.toml: policy: must be a table ([policy]), got 3"),
    ("[policy]\nowner-patern = 'x'",
     ".nhilint.toml: policy: unknown key 'owner-patern' (did you mean 'owner-pattern'?)"),
    ("[policy]\nowner-pattern = 'team-('",
     ".nhilint.toml: policy.owner-pattern: 'team-(' is not a regular expression: missing ), "
     "unterminated subpattern at position 5"),
    ("[policy]\nowner-pattern = 3",
     ".nhilint.toml: policy.owner-pattern: must be a regular expression (a non-empty string), "
     "got 3"),
    ("[policy]\nowner-keys = 'squad'",
     '.nhilint.toml: policy.owner-keys: must be a list of strings, got "squad"'),
    ("owner-tag-keys = ['team']\n[policy]\nowner-keys = ['squad']",
     ".nhilint.toml: policy.owner-keys: also given as owner-tag-keys; give one of them"),
    ("[policy]\nautomation-patterns = ['(']",
     ".nhilint.toml: policy.automation-patterns: '(': missing ), unterminated subpattern"),
    ("[policy]\nforbidden-permissions = []",
     ".nhilint.toml: policy.forbidden-permissions: must be a non-empty list of patterns "
     "(strings, * and ? as wildcards), got []"),
    ("[policy]\nallowed-permissions = 's3:*'",
     '.nhilint.toml: policy.allowed-permissions: must be a non-empty list of patterns '
     '(strings, * and ? as wildcards), got "s3:*"'),
    ("[policy]\noidc-issuers = ['']",
     '.nhilint.toml: policy.oidc-issuers: must be a non-empty list of patterns (strings, * and ? '
     'as wildcards), got [""]'),
    ("[policy]\noidc-subjects = [3]",
     ".nhilint.toml: policy.oidc-subjects: must be a non-empty list of patterns (strings, * and "
     "? as wildcards), got [3]"),
    ("[policy]\nmax-credential-days = 0",
     ".nhilint.toml: policy.max-credential-days: must be a whole number of days (1 or more), "
     "got 0"),
    ("[policy]\nmax-credential-days = '90'",
     '.nhilint.toml: policy.max-credential-days: must be a whole number of days (1 or more), '
     'got "90"'),
    ("[policy]\nwide-scopes = ['acount']",
     ".nhilint.toml: policy.wide-scopes: unknown scope level 'acount' (did you mean 'account'?)"),
    ("[policy]\nwide-scopes = 'account'",
     '.nhilint.toml: policy.wide-scopes: must be a list of scope levels (resource, account, '),
    ("[policy]\nseverity-overrides = { NHI004 = 'urgent' }",
     ".nhilint.toml: policy.severity-overrides.NHI004: unknown severity 'urgent'"),
    ("severity-overrides = { NHI004 = 'low' }\n[policy]\nseverity-overrides = { NHI004 = 'high' }",
     ".nhilint.toml: policy.severity-overrides: also given as severity-overrides; give one of "
     "them"),
])
def test_a_bad_policy_value_is_exit_2_naming_file_key_and_what_was_expected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    text: str, said: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, text)
    (tmp_path / "main.tf").write_text('resource "aws_iam_user" "ci" {}\n', encoding="utf-8")
    assert main(["check", "."]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nhilint: error: ") and said in err, err
    assert err.count("\n") == 1


def test_severity_overrides_under_policy_change_the_reported_severity(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    case = FIXTURES / "NHI004" / "policy_automation_patterns"
    for name in ("main.tf",):
        (tmp_path / name).write_bytes((case / name).read_bytes())
    write(tmp_path, (case / ".nhilint.toml").read_text(encoding="utf-8")
          + 'severity-overrides = { no-expiry = "critical" }\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "json", "."]) == 1  # critical fails the default gate
    found = json.loads(capsys.readouterr().out)["findings"]
    assert {f["severity"] for f in found if f["rule"] == "NHI004"} == {"critical"}


@pytest.mark.parametrize("case", sorted(p.parent.relative_to(FIXTURES).as_posix()
                                        for p in FIXTURES.glob("*/policy_*/.nhilint.toml")))
def test_each_policy_fixture_differs_from_the_default(case: str, in_repo: Path) -> None:
    """Without its config, every policy fixture reports something else: the setting is what
    changes the findings."""
    path = Path("fixtures") / case

    def found(options: Options) -> set[tuple[int | None, str]]:
        return {(f.span.line, f.rule) for f in scan([path], options).findings}

    assert found(case_options(path)) != found(Options(settings=Settings(today=SCAN_DATE)))


def test_the_readme_policy_block_is_valid_and_names_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readme_blocks import block, section

    text = block(section("Configuration").split("### Organisation policy", 1)[1], "toml")
    monkeypatch.chdir(tmp_path)
    policy = load(write(tmp_path, text)).settings.policy
    assert policy.max_credential_days == 90 and policy.owner_pattern is not None
    keys = {line.split(" = ")[0] for line in text.splitlines()[1:]}
    assert keys == set(POLICY_KEYS)
