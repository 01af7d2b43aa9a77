"""The pull-request comment: heading, counts by severity, one collapsible section per finding,
with the text from the scanned code escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_samples import HOSTILE, UNREADABLE, UNUSED, finding, result

from nhilint.cli import main
from nhilint.report import markdown


def test_the_example_comment(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "examples/aws-ci", "--format", "markdown"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "## nhilint"
    assert "6 finding(s) in 2 file(s), 4 resource(s), 1 principal(s)." in lines
    for row in ("| critical | 1 |", "| high | 4 |", "| medium | 1 |", "| **total** | **6** |"):
        assert row in lines
    assert out.count("<details>") == out.count("</details>") == 6
    assert (
        "<summary><b>critical</b> NHI001 static-secret · <code>examples/aws-ci/main.tf:8</code>"
        " · <code>aws_iam_user.ci</code></summary>"
    ) in lines
    assert "- examples/aws-ci/main.tf:13 aws\\_iam\\_access\\_key.ci: persistent access key" in (
        lines
    )
    assert any(line.startswith("**Fix:** let the automation federate") for line in lines)


def test_text_from_the_code_is_escaped_and_on_one_line() -> None:
    hostile = finding(message=HOSTILE, resource="aws_iam_user.x<b>", fix="use <this> | that")
    out = markdown.render(result(hostile))
    assert "<script>" not in out and "<b>x" not in out
    assert (
        r"a\|b &lt;script&gt;alert(1)&lt;/script&gt; 100% done next line, with: colons "
        r"&amp; \*stars\*"
    ) in out.splitlines()
    assert "<code>aws_iam_user.x&lt;b&gt;</code></summary>" in out
    assert r"**Fix:** use &lt;this&gt; \| that" in out


def test_text_cannot_start_a_heading_or_a_list() -> None:
    out = markdown.render(result(finding(message="# not a heading"), finding(message="1. one")))
    assert r"\# not a heading" in out.splitlines()
    assert r"1\. one" in out.splitlines()


def test_a_finding_without_a_line_and_diagnostics() -> None:
    out = markdown.render(
        result(finding(line=None, end_line=None), diagnostics=(UNREADABLE, UNUSED))
    )
    assert "<code>main.tf</code>" in out
    lines = out.splitlines()
    problems = lines.index("### Problems reading the input")
    assert lines[problems + 2 : problems + 4] == [
        "- broken.tf:3: NHI900 unexpected '}'",
        r"- main.tf: NHI902 ignore\[NHI004\] suppresses nothing",
    ]


def test_nothing_to_report() -> None:
    out = markdown.render(result())
    assert out.splitlines()[:3] == ["## nhilint", "", "No findings in 2 file(s)."]
    assert "<details>" not in out and "|" not in out


def test_a_long_report_stays_under_github_s_comment_limit() -> None:
    many = [finding(resource=f"aws_iam_user.u{i}", message="x" * 400) for i in range(500)]
    out = markdown.render(result(*many))
    assert len(out) < 65536
    shown = out.count("<details>")
    assert 0 < shown < 500
    assert f"{500 - shown} more finding(s) not shown; run nhilint for all." in out
