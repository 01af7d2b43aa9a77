"""The core rules judge any platform's graph: built by hand here, with no adapter and no AWS.

A GCP-like service account holds an identity-altering role at organisation scope, has a key
with an end date and is trusted by an OIDC issuer without a subject condition.  NHI001-NHI004
must judge it through the public graph types alone: that is what lets the next platform
adapters arrive without rule changes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from nhilint.engine import collect_rules, finding
from nhilint.identity import fix_hint
from nhilint.identity.graph import (
    Access,
    Automation,
    Claim,
    Credential,
    Declaration,
    Escalation,
    Grant,
    Graph,
    Owner,
    OwnerState,
    Principal,
    PrincipalId,
    Provenance,
    Reason,
    Scope,
    ScopeLevel,
    Trust,
    TrustKind,
)
from nhilint.model import Model, Span, Unknown
from nhilint.rule import Finding, RuleContext
from nhilint.settings import Settings

FILE = "org/iam.tf"
SA = PrincipalId("gcp", "google_service_account", "google_service_account.deployer")


def _span(line: int) -> Span:
    return Span(FILE, line, line + 3)


def _principal(automation: Automation = Automation.YES, owner: Owner | None = None) -> Principal:
    return Principal(
        SA, "service-account", "deployer", automation,
        (Reason("is trusted by OIDC issuer", "https://token.actions.githubusercontent.com"),),
        owner or Owner(OwnerState.ABSENT, "no owner label and no description naming one"),
        Declaration("google_service_account.deployer", _span(1)),
    )


def _grant(level: ScopeLevel = ScopeLevel.ORGANIZATION, expiry: str | None = None) -> Grant:
    access = Access(
        permissions=("roles/iam.serviceAccountKeyAdmin",),
        altering=frozenset({"iam.serviceAccountKeys.create"}),
        scope=Scope(level, ("organizations/123456789012",)),
        span=_span(10),
        written_in="google_organization_iam_member.deployer",
        expiry=expiry,
    )
    provenance = Provenance("google_organization_iam_member.deployer",
                            ("google_organization_iam_member.deployer",), _span(10))
    return Grant(SA, access, provenance)


def _key(expiry: str | None = "2027-01-01T00:00:00Z") -> Credential:
    return Credential(SA, "google_service_account_key.deployer", "key", "service account key",
                      _span(20), persistent=True, expiry=expiry)


def _trust() -> Trust:
    return Trust(SA, TrustKind.OIDC, "https://token.actions.githubusercontent.com", _span(30),
                 via="google_iam_workload_identity_pool_provider.github")


def graph(**change: object) -> Graph:
    base = Graph(principals=(_principal(),), grants=(_grant(),), credentials=(_key(),),
                 trusts=(_trust(),))
    return dataclasses.replace(base, **change)


def judge_all(g: Graph) -> list[Finding]:
    context = RuleContext(g, Model(), Settings())
    return [finding(r, h) for r in collect_rules() for h in r.check(context)]


def judge(g: Graph) -> dict[str, Finding]:
    """The first finding of each rule."""
    found: dict[str, Finding] = {}
    for f in judge_all(g):
        found.setdefault(f.rule, f)
    return found


def test_an_organisation_wide_service_account_is_judged_by_the_core_rules() -> None:
    found = judge(graph())
    assert set(found) == {"NHI001", "NHI002", "NHI003", "NHI004", "NHI010"}
    core = {r: f for r, f in found.items() if r != "NHI010"}
    assert all(f.span == _span(1) and f.resource == "google_service_account.deployer"
               for f in core.values())
    assert "service account key google_service_account_key.deployer" in found["NHI001"].message
    assert found["NHI003"].severity.label == "critical"
    assert "organisation-wide" in found["NHI003"].message
    assert "no owner label" in found["NHI002"].message
    # the key ends by itself: only the grant lacks an expiry
    assert "grant without expiry (roles/iam.serviceAccountKeyAdmin on organizations/" \
        in found["NHI004"].message
    assert "never rotated" not in found["NHI004"].message
    assert {e.resource for e in found["NHI001"].evidence} >= {
        "google_organization_iam_member.deployer", "google_service_account_key.deployer"}
    # the fix is the platform adapter's data, read by key: the rule names no platform
    assert found["NHI001"].fix == fix_hint("gcp", "static-secret") != ""


def test_each_verdict_follows_its_fact() -> None:
    bounded = judge(graph(grants=(_grant(ScopeLevel.RESOURCE, "2026-12-31"),),
                          credentials=(_key(None),)))
    assert "NHI003" not in bounded
    assert "grant without expiry" not in bounded["NHI004"].message
    assert "google_service_account_key.deployer is never rotated" in bounded["NHI004"].message
    owned = Owner(OwnerState.KNOWN, "label owner", "platform")
    assert "NHI002" not in judge(graph(principals=(_principal(owner=owned),)))
    project = judge(graph(grants=(_grant(ScopeLevel.ACCOUNT),)))
    assert "NHI003" not in project  # one project, named: bounded
    folder = judge(graph(grants=(_grant(ScopeLevel.FOLDER),)))
    assert folder["NHI003"].severity.label == "high"


def test_an_unknown_automation_verdict_is_indeterminate_not_a_pass() -> None:
    found = judge(graph(principals=(_principal(Automation.UNKNOWN),)))
    assert set(found) == {"NHI901", "NHI010"}  # an open trust is open whoever it admits
    assert found["NHI901"].severity.label == "info"


def test_the_oidc_trust_without_a_subject_is_in_the_graph() -> None:
    g = graph()
    (trust,) = [t for t in g.trusts if t.principal == SA]
    assert trust.kind is TrustKind.OIDC and trust.subjects == ()


def _pinned_trust(*claims: Claim) -> Trust:
    return dataclasses.replace(_trust(), claims=claims)


def test_an_open_federated_trust_is_judged_through_the_graph() -> None:
    found = judge(graph())["NHI010"]
    assert found.message == (
        "google_service_account.deployer trusts GitHub Actions tokens from every workflow of "
        "every repository on GitHub: it requires no sub claim"
    )
    assert (found.span, found.severity.label) == (_span(30), "critical")  # it alters identity
    assert "google_iam_workload_identity_pool_provider.github" in found.resources
    org_wide = _pinned_trust(Claim("sub", ("repo:octo-org/*",), glob=True),
                             Claim("aud", ("sts.amazonaws.com",)))
    assert "every repository of octo-org: sub repo:octo-org/*" in judge(
        graph(trusts=(org_wide,)))["NHI010"].message
    pinned = _pinned_trust(Claim("sub", ("repo:octo-org/app:ref:refs/heads/main",)),
                           Claim("aud", ("sts.amazonaws.com",)))
    assert "NHI010" not in judge(graph(trusts=(pinned,)))
    no_audience = judge(graph(trusts=(_pinned_trust(pinned.claims[0]),)))["NHI010"]
    assert no_audience.severity.label == "low" and "any audience" in no_audience.message
    assert [f.severity.label for f in judge_all(graph()) if f.rule == "NHI010"] == [
        "critical", "low"]
    unknown = _pinned_trust(Claim("sub", (Unknown("var", "var.subjects"),), glob=True),
                            pinned.claims[1])
    found_unknown = judge(graph(trusts=(unknown,)))
    assert "NHI010" not in found_unknown
    assert "its sub requirement ${var.subjects}" in found_unknown["NHI901"].message


def test_a_long_lived_credential_is_judged_through_the_graph() -> None:
    endless = dataclasses.replace(_key(None), exposed_in_state=True)
    found = judge(graph(credentials=(endless,)))["NHI012"]
    assert found.message == (
        "google_service_account_key.deployer is a long-lived service account key of "
        "google_service_account.deployer: never rotated and never expires, and its secret is "
        "written to the deployment state in plain text"
    )
    assert (found.span, found.severity.label) == (_span(20), "high")
    quiet = judge(graph(credentials=(dataclasses.replace(_key(None)),)))["NHI012"]
    assert quiet.severity.label == "medium" and "state" not in quiet.message
    assert "NHI012" not in judge(graph())  # the key has an end date
    rotated = dataclasses.replace(_key(None), rotated=True)
    assert "NHI012" not in judge(graph(credentials=(rotated,)))


def test_the_graph_module_knows_no_platform() -> None:
    import ast

    import nhilint.checks
    import nhilint.identity.graph

    sources = [Path(nhilint.identity.graph.__file__)]
    sources += sorted(Path(nhilint.checks.__path__[0]).rglob("*.py"))
    banned = ("Allow", "Deny", "NotAction", "NotResource", "arn:", "external.", "${", "aws_",
              "iam:")
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef)
                      and n.body and isinstance(n.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in docstrings:
                hits = [b for b in banned if b in node.value]
                assert not hits, f"{path.name}:{node.lineno} names {hits} in {node.value!r}"
        imports = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any((n.module or "").startswith("nhilint.identity.aws") for n in imports)


def test_adapters_contribute_to_one_merged_graph() -> None:
    other = PrincipalId("azure", "azuread_service_principal", "azuread_service_principal.ci")
    part = Graph(credentials=(dataclasses.replace(_key(), principal=other),))
    merged = Graph.merge([graph(), part])
    assert len(merged.credentials) == 2 and merged.principals == graph().principals
    assert merged.credentials_of(_principal()) == (_key(),)


def test_an_escalation_path_in_any_platform_s_graph_is_nhi015() -> None:
    """The adapter matched a combination (here a GCP-like one); NHI015 names it and where
    each permission comes from, through the graph alone."""
    steps = (
        ("iam.serviceAccounts.actAs", Provenance("google_project_iam_member.act_as",
                                                 ("google_project_iam_member.act_as",), _span(9))),
        ("cloudfunctions.functions.create", Provenance(
            "google_project_iam_member.functions", ("google_project_iam_member.functions",),
            _span(14))),
    )
    found = judge(graph(escalations=(Escalation(SA, "ActAsThenDeployFunction", steps),)))
    assert found["NHI015"].message == (
        "automation principal google_service_account.deployer holds a known "
        "privilege-escalation combination: ActAsThenDeployFunction "
        "(iam.serviceAccounts.actAs, cloudfunctions.functions.create)"
    )
    assert {(e.resource, e.span.line) for e in found["NHI015"].evidence} >= {
        ("google_project_iam_member.act_as", 9), ("google_project_iam_member.functions", 14)}
    human = dataclasses.replace(_principal(), automation=Automation.NO)
    assert "NHI015" not in judge(graph(
        principals=(human,), escalations=(Escalation(SA, "ActAsThenDeployFunction", steps),)
    ))
