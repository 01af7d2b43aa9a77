"""What makes an AWS grant identity-altering, as a user sees it in findings: classes, the
resources an action can act on, time conditions judged on the scan date, and fix hints."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from nhilint.cli import main
from nhilint.engine import Options, scan
from nhilint.identity.aws.arn import acts_on, globs_meet
from nhilint.identity.aws.timing import ended_by
from nhilint.identity.graph import Condition, Narrowing
from nhilint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ENDED = ROOT / "fixtures" / "NHI011" / "ended_grant"


def _found(path: Path, today: datetime.date | None) -> set[tuple[str, str]]:
    result = scan([path], Options(settings=Settings(today=today)))
    return {(f.rule, f.resource) for f in result.findings}


def _policy(tmp_path: Path, statement: dict[str, object]) -> Path:
    """A CI user with an access key holding one inline statement."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n'
        'resource "aws_iam_access_key" "ci" {\n  user = aws_iam_user.ci.name\n}\n'
        'resource "aws_iam_user_policy" "ci" {\n  user = aws_iam_user.ci.name\n'
        f"  policy = <<-EOT\n{json.dumps({'Version': '2012-10-17', 'Statement': [statement]})}\n"
        "  EOT\n}\n",
        encoding="utf-8",
    )
    return tmp_path


# --------------------------------------------------------------------------- the scan date


def test_an_ended_grant_is_judged_on_the_date_passed_in() -> None:
    ended = {("NHI011", "aws_iam_policy.migration_2020"), ("NHI011", "aws_iam_policy.cutover_2021")}
    assert not ended & _found(ENDED, datetime.date(2026, 6, 1))
    assert ended <= _found(ENDED, datetime.date(2019, 12, 1))
    assert ended <= _found(ENDED, None), "without a scan date no grant is judged ended"


def test_the_cli_judges_on_todays_date(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    main(["check", "fixtures/NHI011/ended_grant", "--format", "json"])
    found = {f["resource"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert found == {"aws_iam_policy.sessions_or_keys"}


@pytest.mark.parametrize(("operator", "key", "value", "ended"), [
    ("DateLessThan", "aws:CurrentTime", "2026-05-31T23:59:59Z", True),
    ("DateLessThan", "aws:CurrentTime", "2026-06-01", True),
    ("DateLessThan", "aws:CurrentTime", "2026-06-02T00:00:00Z", False),
    ("DateLessThanEquals", "aws:CurrentTime", "2020-01-01", True),
    ("DateLessThanIfExists", "aws:CurrentTime", "2020-01-01", True),  # always in a request
    ("NumericLessThan", "aws:EpochTime", "1577836800", True),
    ("DateLessThan", "aws:TokenIssueTime", "2026-05-29T00:00:00Z", True),
    ("DateLessThan", "aws:TokenIssueTime", "2026-05-31T00:00:00Z", False),  # a session lasts 36 h
    ("DateLessThanIfExists", "aws:TokenIssueTime", "2020-01-01", False),  # access keys pass
    ("DateGreaterThan", "aws:CurrentTime", "2020-01-01", False),
    ("DateLessThan", "aws:CurrentTime", "next week", False),
    ("ForAnyValue:DateLessThan", "aws:CurrentTime", "2020-01-01", False),
])
def test_time_conditions(operator: str, key: str, value: str, ended: bool) -> None:
    condition = Condition(key, operator, (value,), Narrowing.TIME)
    assert bool(ended_by([condition], datetime.date(2026, 6, 1))) is ended


def test_a_condition_with_several_dates_ends_with_the_last() -> None:
    condition = Condition("aws:CurrentTime", "DateLessThan", ("2020-01-01", "2030-01-01"),
                          Narrowing.TIME)
    assert not ended_by([condition], datetime.date(2026, 6, 1))
    assert ended_by([condition], datetime.date(2031, 1, 1))


# --------------------------------------------------------------------------- resources


@pytest.mark.parametrize(("resource", "types", "acts"), [
    ("*", ("iam:role/*",), True),
    ("arn:aws:iam::123456789012:role/deploy", ("iam:role/*",), True),
    ("arn:aws:iam::*:role/app-*", ("iam:role/*",), True),
    ("arn:aws:iam::123456789012:user/ci", ("iam:role/*",), False),
    ("arn:aws:iam::aws:policy/*", ("iam:policy/*",), False),  # AWS managed: not writable
    ("arn:aws:iam::123456789012:policy/*", ("iam:policy/*",), True),
    ("arn:aws:s3:::bucket/*", ("iam:role/*",), False),
    ("arn:aws:*:*:*:*", ("iam:role/*",), True),
    ("arn:aws:iam::123456789012:role/x", (), False),  # the action takes Resource "*" only
    ("arn:aws:iam::123456789012:root", ("iam:root",), True),
    ("not-an-arn", ("iam:role/*",), True),  # not known: may be anything
])
def test_an_action_acts_on_the_resources_its_types_meet(
    resource: str, types: tuple[str, ...], acts: bool
) -> None:
    assert acts_on(resource, types) is acts


@pytest.mark.parametrize(("left", "right", "meet"), [
    ("role/*", "role/app-*", True),
    ("role/app-?", "role/*", True),
    ("role/a*b", "role/*c", False),
    ("user/*", "role/*", False),
    ("*", "", True),
    ("a?c", "abc", True),
    ("a?c", "ac", False),
])
def test_globs_meet(left: str, right: str, meet: bool) -> None:
    assert globs_meet(left, right) is meet
    assert globs_meet(right, left) is meet


# --------------------------------------------------------------------------- classes


@pytest.mark.parametrize(("statement", "fires"), [
    ({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}, True),
    ({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/*"}, True),
    ({"Effect": "Allow", "Action": "sts:AssumeRole",
      "Resource": "arn:aws:iam::123456789012:role/deploy"}, False),
    ({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
      "Condition": {"StringEquals": {"aws:ResourceTag/team": "ci"}}}, False),
    ({"Effect": "Allow", "Action": ["sts:GetSessionToken", "sts:GetFederationToken"],
      "Resource": "*"}, False),
    ({"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "*"}, True),
    ({"Effect": "Allow", "Action": "lambda:UpdateFunctionCode",
      "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:api"}, False),
    ({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}, False),
    ({"Effect": "Allow", "Action": ["ssm:GetParameter*", "kms:Decrypt"], "Resource": "*"}, False),
    ({"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"}, False),
    ({"Effect": "Allow", "Action": ["organizations:Describe*", "organizations:List*"],
      "Resource": "*"}, False),
    ({"Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::123456789012:role/app-*"},
     True),
    ({"Effect": "Allow", "Action": "iam:CreateUser",
      "Resource": "arn:aws:iam::123456789012:role/app-*"}, False),
])
def test_what_counts_as_altering_identity(
    tmp_path: Path, statement: dict[str, object], fires: bool
) -> None:
    found = _found(_policy(tmp_path, statement), datetime.date(2026, 6, 1))
    assert (("NHI001", "aws_iam_user.ci") in found) is fires


def test_iam_star_on_roles_reports_only_what_acts_on_roles(tmp_path: Path) -> None:
    path = _policy(tmp_path, {"Effect": "Allow", "Action": "iam:*",
                              "Resource": "arn:aws:iam::123456789012:role/app-*"})
    graph = scan([path], Options()).graphs[0][1]
    altering = {a for g in graph.grants for a in g.access.altering}
    assert {"iam:PassRole", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"} <= altering
    assert not {"iam:CreateUser", "iam:CreateAccessKey", "iam:AddUserToGroup"} & altering


# --------------------------------------------------------------------------- fix hints


def test_a_managed_policy_is_replaced_and_an_inline_one_edited(in_repo: Path) -> None:
    managed = scan([Path("fixtures/NHI011/managed_admin_attachments")], Options()).findings
    inline = scan([Path("fixtures/NHI003/not_action")], Options()).findings
    edit_in_place = "with a DateLessThan aws:CurrentTime condition, or"
    for findings, says, never in (
        (managed, "replace the AWS managed policy", edit_in_place),
        (inline, "grant only the identity-altering actions", "replace the AWS managed policy"),
    ):
        fixes = {f.rule: f.fix for f in findings}
        assert says in fixes["NHI003"], fixes["NHI003"]
        assert never not in fixes["NHI003"] + fixes["NHI004"]
    assert "detach the AWS managed policy" in {f.rule: f.fix for f in managed}["NHI004"]


def test_an_unrotated_key_is_rotated_or_federated_not_time_bounded(in_repo: Path) -> None:
    found = scan([Path("fixtures/NHI004/key_not_rotated")], Options()).findings
    fix = next(f.fix for f in found if f.rule == "NHI004")
    key_part = fix.split("; ")[-1]
    assert key_part.startswith("rotate the key") and "federation" in key_part
    assert "DateLessThan" not in key_part
