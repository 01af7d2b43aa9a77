"""The OIDC issuer table: valid against its schema, consistent, and every example it gives
read as it says (a pinned subject pins, an open one opens the level it names)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import nhilint
from nhilint.identity import oidc
from nhilint.identity.graph import Claim, PrincipalId, Trust, TrustKind
from nhilint.model import Ref, Span, Unknown

DATA = Path(nhilint.__file__).resolve().parent / "data"
RAW = json.loads((DATA / "oidc_issuers.json").read_text(encoding="utf-8"))
ROWS = [*RAW["issuers"], RAW["fallback"]]
WHO = PrincipalId("gcp", "google_service_account", "google_service_account.ci")


def trust(issuer: str, *claims: Claim) -> Trust:
    return Trust(WHO, TrustKind.OIDC, issuer, Span("main.tf", 1, 1), claims=claims)


def sample_issuer(row: dict[str, object]) -> str:
    patterns = row["issuers"]
    assert isinstance(patterns, list)
    return str(patterns[0]).replace("*", "x1") if patterns else "idp.example.com"


def test_the_table_is_valid_against_its_schema() -> None:
    schema = json.loads((DATA / "oidc_issuers.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(RAW, schema)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_each_row_is_consistent(row: dict[str, object]) -> None:
    levels = [level["name"] for level in row["levels"]]  # type: ignore[attr-defined]
    assert len(set(levels)) == len(levels)
    shapes = row["subject"]["shapes"]  # type: ignore[index]
    for shape in shapes:
        named = [p["level"] for p in shape if "level" in p]
        assert named == [n for n in levels if n in named], "a shape names levels in order"
    for pin in row["claims"].values():  # type: ignore[attr-defined]
        assert (pin if isinstance(pin, str) else pin["level"]) in levels
    assert set(row["examples"]["open"]) <= set(levels)  # type: ignore[index]
    ids = [r["id"] for r in ROWS]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_each_example_reads_as_the_row_says(row: dict[str, object]) -> None:
    issuer = sample_issuer(row)
    found = oidc.issuer_of(trust(issuer))
    assert found.id == row["id"]
    claim = row["subject"]["claim"]  # type: ignore[index]
    for pinned in row["examples"]["pinned"]:  # type: ignore[index]
        assert oidc.reach(trust(issuer, Claim(claim, (pinned,), glob=True))) is None, pinned
        assert oidc.reach(trust(issuer, Claim(claim, (pinned,)))) is None
    for level, patterns in row["examples"]["open"].items():  # type: ignore[index]
        for pattern in patterns:
            reached = oidc.reach(trust(issuer, Claim(claim, (pattern,), glob=True)))
            assert isinstance(reached, oidc.Reach) and reached.level.name == level, pattern
            # the same text compared exactly names one subject
            assert oidc.reach(trust(issuer, Claim(claim, (pattern,)))) is None
    nothing = oidc.reach(trust(issuer))
    assert isinstance(nothing, oidc.Reach) and nothing.covers == row["everyone"]


def test_the_widest_value_and_the_narrowest_requirement_count() -> None:
    github = "token.actions.githubusercontent.com"
    pinned, wide = "repo:o/app:ref:refs/heads/main", "repo:o/*"
    either = oidc.reach(trust(github, Claim("sub", (pinned, wide), glob=True)))
    assert isinstance(either, oidc.Reach) and either.covers == "every repository of o"
    both = trust(github, Claim("sub", (wide,), glob=True), Claim("sub", (pinned,)))
    assert oidc.reach(both) is None
    by_id = trust(github, Claim("sub", (wide,), glob=True), Claim("repository_id", ("42",)))
    found = oidc.reach(by_id)
    assert isinstance(found, oidc.Reach) and found.level.name == "context"


def test_an_unknown_subject_is_undetermined_not_pinned() -> None:
    value = Unknown("var", "var.subjects")
    found = oidc.reach(trust("gitlab.com", Claim("sub", (value,), glob=True)))
    assert isinstance(found, oidc.Undetermined) and found.value == value
    pinned = Claim("sub", ("project_path:g/p:ref_type:branch:ref:main",))
    assert oidc.reach(trust("gitlab.com", Claim("sub", (value,), glob=True), pinned)) is None


def test_an_issuer_is_recognised_by_its_subject_shape() -> None:
    sub = Claim("sub", ("project_path:g/*",), glob=True)
    found = oidc.reach(trust("gitlab.example.internal", sub))
    assert isinstance(found, oidc.Reach) and found.issuer.id == "gitlab"
    assert oidc.issuer_of(trust(Unknown("computed"), sub)).id == "gitlab"
    assert oidc.issuer_of(trust("https://token.actions.githubusercontent.com/")).id == (
        "github-actions")
    assert oidc.issuer_of(trust("sts.windows.net/72f988bf-0000-4000-8000-000000000000/")).id == (
        "azure-ad")


def test_the_audience_is_open_only_when_nothing_or_everything_is_required() -> None:
    github = "token.actions.githubusercontent.com"
    assert oidc.audience_open(trust(github)) is not None
    assert oidc.audience_open(trust(github, Claim("aud", ("*",), glob=True))) is not None
    assert oidc.audience_open(trust(github, Claim("aud", ("sts.amazonaws.com",)))) is None
    assert oidc.audience_open(trust(github, Claim("aud", (Unknown("client ids"),)))) is None
    assert oidc.audience_open(trust("gitlab.com")) is None  # GitLab documents no audience


def test_a_google_audience_pins_the_account_only_when_it_is_an_account_id() -> None:
    google = "accounts.google.com"
    assert oidc.reach(trust(google, Claim("aud", ("110000000000000000001",)))) is None
    client = Claim("aud", ("123-abc.apps.googleusercontent.com",))
    assert isinstance(oidc.reach(trust(google, client)), oidc.Reach)


def test_a_value_naming_one_resource_pins_and_a_variable_does_not() -> None:
    cognito = "cognito-identity.amazonaws.com"
    pool = Unknown("computed", "aws_cognito_identity_pool.app.id",
                   (Ref("aws_cognito_identity_pool.app", ("id",)),))
    assert oidc.reach(trust(cognito, Claim("aud", (pool,)))) is None
    chosen = Unknown("var", "var.pool_id", (Ref("var.pool_id"),))
    found = oidc.reach(trust(cognito, Claim("aud", (chosen,))))
    assert isinstance(found, oidc.Undetermined) and found.claim == "aud"
    everyone = oidc.reach(trust(cognito))
    assert isinstance(everyone, oidc.Reach) and everyone.level.name == "identity_pool"


def test_a_pattern_on_a_pinning_claim_leaves_its_level_open_and_is_named() -> None:
    github = "token.actions.githubusercontent.com"
    wide = oidc.reach(trust(github, Claim("repository", ("acme/*",), glob=True)))
    assert isinstance(wide, oidc.Reach) and wide.covers == "every repository of acme"
    assert wide.requirement == Claim("repository", ("acme/*",), glob=True)
    for pinned in ("acme/app", "acme/app-*"):
        found = oidc.reach(trust(github, Claim("repository", (pinned,), glob=True),
                                 Claim("ref", ("refs/heads/main",))))
        assert found is None, pinned
    exact = trust(github, Claim("repository", ("acme/*",)), Claim("ref", ("refs/heads/main",)))
    assert oidc.reach(exact) is None  # compared exactly, acme/* names one repository
