"""The text report as a reviewer reads it on a large tree: one block per principal, one line
per finding, one evidence chain, each fix once, and counts by rule."""

from __future__ import annotations

from collections.abc import Iterator

from nhilint.model import Diagnostic, Span
from nhilint.report import text
from nhilint.result import ScanResult
from nhilint.rule import Evidence, Finding, Hit, RuleContext, Severity, rule


@rule("NHI001", "static-secret", Severity.CRITICAL, message="m")
def secret(context: RuleContext) -> Iterator[Hit]:
    """Static secret.

    ## Use instead

    Federate into a role.
    """
    yield from ()


@rule("NHI002", "no-owner", Severity.HIGH, message="m")
def owner(context: RuleContext) -> Iterator[Hit]:
    """No owner.

    ## Use instead

    Tag the principal.
    """
    yield from ()


RULES = (secret, owner)
USER = Evidence("aws_iam_user.ci", Span("main.tf", 8, 11), "automation principal")
POLICY = Evidence("data.aws_iam_policy_document.ci", Span("policy.tf", 2, 6), "iam:* on *")
KEY = Evidence("aws_iam_access_key.ci", Span("main.tf", 13, 15), "persistent access key")
SOURCE = {("main.tf", 8): 'resource "aws_iam_user" "ci" {', ("policy.tf", 15): "  policy = <<EOT"}


def finding(
    rule_id: str, message: str, evidence: tuple[Evidence, ...], *, path: str = "main.tf",
    line: int | None = 8, resource: str = "aws_iam_user.ci", principal: str = "", fix: str = "",
) -> Finding:
    severity, name = {
        "NHI001": (Severity.CRITICAL, "static-secret"), "NHI002": (Severity.HIGH, "no-owner"),
        "NHI011": (Severity.HIGH, "identity-admin-policy"),
    }[rule_id]
    return Finding(
        rule=rule_id, name=name, severity=severity, message=message,
        span=Span(path, line, line), resource=resource,  # type: ignore[arg-type]
        resources=(resource,), evidence=evidence, fingerprint="0" * 32, principal=principal,
        fix=fix,
    )


def render(*findings: Finding, diagnostics: tuple[Diagnostic, ...] = ()) -> list[str]:
    result = ScanResult(findings, diagnostics, RULES, files=2, resources=4, principals=1)
    return text.render(result, lambda path, line: SOURCE.get((path, line), "")).splitlines()


def test_one_block_per_principal_with_one_evidence_chain_and_each_fix_once() -> None:
    lines = render(
        finding("NHI001", "holds a key", (USER, POLICY, KEY), principal="aws_iam_user.ci",
                fix="Let CI federate"),
        finding("NHI002", "has no owner", (USER, POLICY), principal="aws_iam_user.ci"),
        finding("NHI002", "has no owner", (USER, POLICY), principal="aws_iam_user.ci",
                resource="aws_iam_group_membership.ci", line=20),
    )
    assert lines == [
        "main.tf",
        "  aws_iam_user.ci",
        '    | resource "aws_iam_user" "ci" {',
        "    - main.tf:8 aws_iam_user.ci: automation principal",
        "    - policy.tf:2 data.aws_iam_policy_document.ci: iam:* on *",
        "    - main.tf:13 aws_iam_access_key.ci: persistent access key",
        "  8: critical NHI001 static-secret: holds a key",
        "  8: high NHI002 no-owner: has no owner",
        "  20: high NHI002 no-owner: has no owner",
        "    fix: Let CI federate",
        "    fix: Tag the principal.",  # from the rule doc: this finding carries no fix
        "",
        "3 finding(s) (1 critical, 2 high) in 2 file(s), 4 resource(s), 1 principal(s): "
        "NHI001 1, NHI002 2",
    ]


def test_without_a_principal_findings_are_grouped_by_resource_within_each_file() -> None:
    lines = render(
        finding("NHI001", "holds a key", (USER, KEY)),
        finding("NHI002", "has no owner", (USER,)),
        finding("NHI011", "grants iam:*", (POLICY,), path="policy.tf", line=15,
                resource="aws_iam_user_policy.ci"),
        finding("NHI002", "has no owner", (), path="policy.tf", line=30,
                resource="aws_iam_role.deploy", principal="aws_iam_role.deploy"),
    )
    assert [line for line in lines if not line.startswith("    ")] == [
        "main.tf",
        "  aws_iam_user.ci",
        "  8: critical NHI001 static-secret: holds a key",
        "  8: high NHI002 no-owner: has no owner",
        "",
        "policy.tf",
        "  aws_iam_user_policy.ci",
        "  15: high NHI011 identity-admin-policy: grants iam:*",
        "  aws_iam_role.deploy",
        "  30: high NHI002 no-owner: has no owner",
        "",
        "4 finding(s) (1 critical, 3 high) in 2 file(s), 4 resource(s), 1 principal(s): "
        "NHI001 1, NHI002 2, NHI011 1",
    ]
    assert lines.count("    - main.tf:8 aws_iam_user.ci: automation principal") == 1
    assert "    | policy = <<EOT" in lines


def test_every_line_is_one_line_and_long_text_is_cut() -> None:
    heredoc = Evidence("aws_iam_policy.p", Span("main.tf", 3, 9), '{\n  "Action":\n\t"iam:*"\n}')
    message = "grants\n  " + "iam:PassRole " * 40
    lines = render(finding("NHI011", message, (heredoc,), resource="aws_iam_policy.p",
                           fix="Name\nthe actions"))
    assert '    - main.tf:3 aws_iam_policy.p: { "Action": "iam:*" }' in lines
    shown = next(line for line in lines if "NHI011" in line and line.startswith("  8:"))
    assert shown.startswith("  8: high NHI011 identity-admin-policy: grants iam:PassRole ")
    assert shown.endswith("…")
    assert len(shown) < len("  8: high NHI011 identity-admin-policy: ") + text.LONGEST + 1
    assert "    fix: Name the actions" in lines


def test_diagnostics_with_and_without_a_line() -> None:
    lines = render(diagnostics=(
        Diagnostic("NHI900", "broken.tf", 3, "unexpected\n token"),
        Diagnostic("NHI900", "plan.json", None, "no line"),  # type: ignore[arg-type]
    ))
    assert lines == [
        "broken.tf:3: NHI900 unexpected token",
        "plan.json: NHI900 no line",
        "0 finding(s) in 2 file(s), 4 resource(s), 1 principal(s)",
    ]


def test_spans_without_a_line_print_no_line_and_no_code() -> None:
    lines = render(finding("NHI001", "holds a key", (
        Evidence("aws_iam_access_key.ci", Span("plan.json", None, None), "key"),  # type: ignore[arg-type]
    ), path="plan.json", line=None))
    assert lines[:4] == [
        "plan.json",
        "  aws_iam_user.ci",
        "    - plan.json aws_iam_access_key.ci: key",
        "  critical NHI001 static-secret: holds a key",
    ]
