"""The inventory of a graph built by hand, with no adapter and no AWS: two platforms in one
module, every kind of fact, values not known before deploy and text an attacker controls.
Every format renders it; JSON stays valid, markdown and csv stay inert."""

from __future__ import annotations

import csv
import io
import json
import re
from importlib import resources
from typing import Any

import jsonschema
from report_samples import HOSTILE

from nhilint.identity.graph import (
    Access,
    Automation,
    Condition,
    Credential,
    Declaration,
    Escalation,
    Grant,
    Graph,
    Narrowing,
    Owner,
    OwnerState,
    Pending,
    Principal,
    PrincipalId,
    Provenance,
    Reason,
    Scope,
    ScopeLevel,
    Trust,
    TrustKind,
    Undecided,
)
from nhilint.inventory import RENDERERS, csv_inventory, markdown
from nhilint.model import Span, Unknown
from nhilint.result import ScanResult

FILE = "org/iam.tf"
ADDRESS = "google_service_account.deployer<b>|x"
SA = PrincipalId("gcp", "google_service_account", ADDRESS)
POD = PrincipalId("kubernetes", "kubernetes_service_account", "ci/runner")
FORMULA = "=HYPERLINK(\"http://x\")"
ROTATION = Unknown("timestamp() is only known at apply", 'timeadd(timestamp(), "720h")')
SUBJECT = Unknown("var.repo has no value", "var.repo")
ROLE = Unknown("var.role has no value", "var.role")


def _span(line: int) -> Span:
    return Span(FILE, line, line + 2)


def _via(holder: str, line: int) -> Provenance:
    return Provenance(holder, (holder,), _span(line))


MEMBER = "google_organization_iam_member.deployer"
GRANT = Grant(SA, Access(
    permissions=("roles/iam.serviceAccountKeyAdmin",),
    altering=frozenset({"iam.serviceAccountKeys.create", "iam.serviceAccountKeys.delete"}),
    scope=Scope(ScopeLevel.ORGANIZATION, ("organizations/123456789012",)),
    span=_span(10), written_in=MEMBER, expiry="2027-01-01T00:00:00Z",
    conditions=(Condition("request.time", "<", ("2027-01-01T00:00:00Z",), Narrowing.TIME),),
    credited=("an organisation policy limits key creation",),
), _via(MEMBER, 10))


def graph() -> Graph:
    deployer = Principal(
        SA, "service-account", HOSTILE, Automation.YES,
        (Reason("is trusted by OIDC issuer", "https://token.actions.githubusercontent.com"),
         Reason(HOSTILE)),
        Owner(OwnerState.KNOWN, "label owner", HOSTILE), Declaration(ADDRESS, _span(1)),
    )
    runner = Principal(
        POD, "kubernetes-service-account", FORMULA, Automation.YES,
        (Reason("is a Kubernetes service account"),),
        Owner(OwnerState.UNKNOWN, "not declared in the scanned code"),
    )
    return Graph(
        principals=(runner, deployer),
        grants=(GRANT,),
        credentials=(Credential(SA, "google_service_account_key.deployer", "key",
                                "service account key", _span(20), persistent=True,
                                expiry=ROTATION),),
        trusts=(Trust(SA, TrustKind.OIDC, "https://token.actions.githubusercontent.com",
                      _span(30), via="google_iam_workload_identity_pool_provider.github",
                      subjects=(SUBJECT,), audiences=("sts.googleapis.com",)),),
        pending=(Pending(SA, "google_project_iam_member.extra",
                         Undecided("the role", ROLE, "is not known before apply"),
                         _via("google_project_iam_member.extra", 40)),),
        escalations=(Escalation(SA, "actAs", (("iam.serviceAccounts.actAs", _via(MEMBER, 10)),),
                                "acts as any service account of the organisation"),),
    )


def result() -> ScanResult:
    return ScanResult((), (), (), graphs=(("org", graph()),), roles=(("org", "root"),))


def _schema() -> dict[str, Any]:
    text = resources.files("nhilint.report").joinpath("inventory-schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def test_json_holds_every_platform_s_principals_in_one_shape() -> None:
    found = json.loads(RENDERERS["json"](result()))
    jsonschema.validate(found, _schema())
    deployer, runner = found["modules"][0]["principals"]  # declared first, then referenced
    assert (deployer["platform"], deployer["kind"]) == ("gcp", "service-account")
    assert (runner["platform"], runner["kind"], runner["declared"]) == (
        "kubernetes", "kubernetes-service-account", False)
    assert deployer["ref"] == ADDRESS and deployer["name"] == HOSTILE  # JSON keeps text as is
    (grant,) = deployer["identity_altering"]
    assert grant["scope"] == {"level": "organization", "ids": ["organizations/123456789012"],
                              "wildcard": False, "excepted": False}
    assert grant["unbounded"] is True  # organisation scope, not narrowed
    assert grant["altering"] == ["iam.serviceAccountKeys.create", "iam.serviceAccountKeys.delete"]
    assert grant["credited"] == ["an organisation policy limits key creation"]
    assert deployer["credentials"][0]["expiry"] == {
        "unknown": 'timeadd(timestamp(), "720h")', "reason": "timestamp() is only known at apply"}
    (trust,) = deployer["trusts"]
    assert trust["subjects"] == [{"unknown": "var.repo", "reason": "var.repo has no value"}]
    assert trust["audiences"] == ["sts.googleapis.com"]
    assert deployer["escalations"] == [{
        "method": "actAs", "description": "acts as any service account of the organisation",
        "steps": [{"permission": "iam.serviceAccounts.actAs", "via": {
            "holder": MEMBER, "chain": [MEMBER],
            "location": {"path": FILE, "line": 10, "end_line": 12}}}],
    }]
    assert deployer["pending"][0]["value"] == {"unknown": "var.role", "reason": ROLE.reason}
    assert found["summary"]["automation"] == {"yes": 2, "no": 0, "unknown": 0}


def test_text_is_one_line_per_fact_with_unknowns_as_expressions() -> None:
    out = RENDERERS["text"](result())
    assert "\r" not in out
    lines = out.splitlines()
    flat = " ".join(HOSTILE.split())
    assert lines[:3] == ["org (root module)", f"  {ADDRESS}", "    kind: gcp service-account"]
    assert f"    name: {flat}" in lines
    assert "    owner: " + flat + " (label owner)" in lines
    assert "    alters identity: roles/iam.serviceAccountKeyAdmin on organizations/123456789012 " \
        "(organization, unbounded); expires 2027-01-01T00:00:00Z" in lines
    assert "      credited: an organisation policy limits key creation" in lines
    assert "    credential: service account key google_service_account_key.deployer at " \
        'org/iam.tf:20: persistent, not rotated, expires ${timeadd(timestamp(), "720h")}' in lines
    assert "      subjects ${var.repo}" in lines
    assert f"    escalation: actAs: iam.serviceAccounts.actAs (via {MEMBER})" in lines
    assert "    not known: the role ${var.role} is not known before apply, in " \
        "google_project_iam_member.extra at org/iam.tf:40" in lines
    assert '  kubernetes_service_account "ci/runner"' in lines
    assert lines[-1] == "2 principal(s) in 1 module(s): 2 automation, 0 human, 0 unknown; " \
        "1 can alter identity"


def test_markdown_escapes_the_scanned_code_s_text() -> None:
    out = RENDERERS["markdown"](result())
    assert "<script>" not in out and "<b>|" not in out
    assert r"a\|b &lt;script&gt;alert(1)&lt;/script&gt; 100% done next line, with: colons " \
        r"&amp; \*stars\*" in out
    assert "<summary><code>google_service_account.deployer&lt;b&gt;|x</code> · org</summary>" \
        in out.splitlines()
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(rows) == 3  # the header and one row per principal
    for row in rows:  # every cell stays a cell: the only unescaped pipes are the separators
        assert len(re.findall(r"(?<!\\)\|", row)) == len(markdown.COLUMNS) + 1


def test_csv_parses_back_and_runs_no_formula() -> None:
    out = RENDERERS["csv"](result())
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [r["principal"] for r in rows] == [ADDRESS, 'kubernetes_service_account "ci/runner"']
    deployer, runner = rows
    assert list(deployer) == list(csv_inventory.COLUMNS)
    assert deployer["name"] == " ".join(HOSTILE.split())  # one line per cell
    assert deployer["owner"] == " ".join(HOSTILE.split())
    assert deployer["altering_actions"] == \
        "iam.serviceAccountKeys.create iam.serviceAccountKeys.delete"
    assert deployer["escalations"] == f"actAs: iam.serviceAccounts.actAs (via {MEMBER})"
    assert runner["name"] == "'" + FORMULA  # a spreadsheet shows it, never evaluates it
    assert (runner["declared"], runner["path"], runner["line"]) == ("no", "", "")
