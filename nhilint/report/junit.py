"""``--format junit``: JUnit XML, for CI systems that show test reports.

``<testsuites>`` holds one ``<testsuite>`` per file with findings or diagnostics, named by its
path.  Each finding is a ``<testcase>`` named ``NHI001 aws_iam_user.ci`` (rule id and resource)
with the path as ``classname`` and a ``<failure>`` whose ``message`` is the finding's message
and whose ``type`` is its severity; the failure's text adds the rule name, the evidence chain
and the fix.  A problem reading an input is a test case named by its code: an ``<error>`` when
the input could not be read (NHI900), a passing case with the message as ``<system-out>``
otherwise (a warning is no failure).

A scan with nothing to report is one suite, ``nhilint``, with one passing test case,
``no findings``: some CI systems treat a report without any test as a broken report.

ElementTree escapes markup and quotes; characters XML 1.0 cannot hold (control characters)
become U+FFFD, so the report always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from nhilint.model import Diagnostic
from nhilint.report.fixes import fix_for
from nhilint.report.levels import is_error
from nhilint.result import ScanResult
from nhilint.rule import Finding, Rule
from nhilint.suppress import Suppressed

#: what XML 1.0 cannot hold: control characters other than tab, LF and CR, surrogates, …
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(result: ScanResult) -> str:
    root = ET.Element("testsuites", name="nhilint")
    for path, findings, diagnostics in _by_file(result):
        suite = ET.SubElement(root, "testsuite", name=_text(path))
        for finding in findings:
            _finding(suite, finding, result.rule(finding.rule))
        for diagnostic in diagnostics:
            _diagnostic(suite, diagnostic)
    if result.show_suppressed:
        for hidden in result.suppressed:
            _skipped(_suite(root, hidden.finding.span.path), hidden)
    if not len(root):
        ET.SubElement(ET.SubElement(root, "testsuite", name="nhilint"), "testcase",
                      name="no findings", classname="nhilint")
    for suite in (root, *root):
        _count(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _by_file(
    result: ScanResult,
) -> Iterable[tuple[str, list[Finding], list[Diagnostic]]]:
    """Each path in first-seen order (findings first), with its findings and diagnostics."""
    files: dict[str, tuple[list[Finding], list[Diagnostic]]] = {}
    for finding in result.findings:
        files.setdefault(finding.span.path, ([], []))[0].append(finding)
    for diagnostic in result.diagnostics:
        files.setdefault(diagnostic.path, ([], []))[1].append(diagnostic)
    return ((path, found, problems) for path, (found, problems) in files.items())


def _finding(suite: ET.Element, finding: Finding, rule: Rule | None) -> None:
    case = _case(suite, f"{finding.rule} {finding.resource}", finding.span.path)
    failure = ET.SubElement(
        case, "failure", message=_text(finding.message), type=finding.severity.label
    )
    failure.text = _text("\n".join(_details(finding, rule)))


def _suite(root: ET.Element, path: str) -> ET.Element:
    """The suite of ``path``, made when the file has only suppressed findings."""
    name = _text(path)
    found = next((s for s in root if s.get("name") == name), None)
    return found if found is not None else ET.SubElement(root, "testsuite", name=name)


def _skipped(suite: ET.Element, hidden: Suppressed) -> None:
    finding, why = hidden.finding, hidden.suppression
    case = _case(suite, f"{finding.rule} {finding.resource}", finding.span.path)
    reason = f": {why.reason}" if why.reason else ""
    ET.SubElement(case, "skipped", message=_text(f"suppressed ({why.kind} {why.source}){reason}"))


def _details(finding: Finding, rule: Rule | None) -> Iterable[str]:
    where = _where(finding.span.path, finding.span.line)
    yield f"{finding.severity.label} {finding.rule} {finding.name} at {where}"
    yield finding.message
    for item in finding.evidence:
        yield f"- {_where(item.span.path, item.span.line)} {item.resource}: {item.detail}"
    fix = fix_for(finding, rule)
    if fix:
        yield f"fix: {fix}"


def _diagnostic(suite: ET.Element, diagnostic: Diagnostic) -> None:
    case = _case(suite, diagnostic.code, diagnostic.path)
    message = _text(f"{_where(diagnostic.path, diagnostic.line)}: {diagnostic.message}")
    if is_error(diagnostic):
        ET.SubElement(case, "error", message=message, type=diagnostic.code).text = message
    else:
        ET.SubElement(case, "system-out").text = message


def _case(suite: ET.Element, name: str, path: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", name=_text(name), classname=_text(path))


def _count(element: ET.Element) -> None:
    """``tests``, ``failures`` and ``errors`` of a suite (or of all suites)."""
    cases = list(element.iter("testcase"))
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(c.find("failure") is not None for c in cases)))
    element.set("errors", str(sum(c.find("error") is not None for c in cases)))
    element.set("skipped", str(sum(c.find("skipped") is not None for c in cases)))


def _where(path: str, line: int | None) -> str:
    return path if line is None else f"{path}:{line}"


def _text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
