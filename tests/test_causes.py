"""Every NHI901 finding names why its value is not known, in the fixed vocabulary of ``Cause``.

Each case is a small module a user could write; the test scans it and reads the cause the
finding reports (the message's ``(cause: …)`` and the JSON report's ``cause``).
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from nhilint.engine import Options, scan
from nhilint.model import Cause, Ref, Unknown, because, cause_of
from nhilint.registry import collect
from nhilint.report import json_report, sarif, text

ROOT = Path(__file__).resolve().parent.parent

TRUST = """jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })"""

ADMIN = """jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }]
  })"""


def role(tags: str = '{ Owner = "platform" }', policy: str = ADMIN) -> str:
    """A CodeBuild role (automation) with an inline policy."""
    return f"""
resource "aws_iam_role" "ci" {{
  name               = "ci"
  assume_role_policy = {TRUST}
  tags               = {tags}
}}

resource "aws_iam_role_policy" "ci" {{
  role   = aws_iam_role.ci.id
  policy = {policy}
}}
"""


ATTACH = """
resource "aws_iam_role_policy_attachment" "admin" {{
  role       = {role}
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}}
"""

CASES: dict[Cause, str] = {
    Cause.VARIABLE_UNSET: 'variable "policy_json" {}\n' + role(policy="var.policy_json"),
    Cause.DATA_SOURCE: 'data "external" "tags" {\n  program = ["./tags.sh"]\n}\n'
    + role(tags="data.external.tags.result"),
    # a registry module that terraform init has not downloaded
    Cause.MODULE_NOT_READ: 'module "label" {\n  source  = "cloudposse/label/null"\n'
    '  version = "0.25.0"\n}\n' + role(tags="module.label.tags"),
    # a module the scanned code does not call (a file copied into many modules that reads
    # the module.this of each)
    Cause.MODULE_OUTPUT: role(tags="module.this.tags"),
    Cause.COMPUTED_ATTRIBUTE: 'resource "random_pet" "role" {}\n'
    + ATTACH.format(role="random_pet.role.id"),
    Cause.INSTANCE_KEY: 'variable "roles" {\n  type = map(string)\n}\n'
    'resource "aws_iam_role" "deploy" {\n  for_each = { a = 1, b = 2 }\n'
    '  name = "deploy-${each.key}"\n}\n'
    'resource "aws_iam_role_policy_attachment" "extra" {\n  for_each   = var.roles\n'
    '  role       = aws_iam_role.deploy[each.key].name\n'
    '  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"\n}\n',
    Cause.AFTER_APPLY: role(policy="""jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow", Action = "iam:*", Resource = "*"
      Condition = { DateLessThan = { "aws:CurrentTime" = timeadd(timestamp(), "2h") } }
    }]
  })"""),
    Cause.NOT_EVALUATED: role(policy='file("${path.module}/policy.json")'),
    Cause.EXTERNAL: ATTACH.format(role='"PlatformEngineers"'),
    Cause.NO_EVIDENCE: """
resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_user_policy" "alice" {
  user   = aws_iam_user.alice.name
  policy = """ + ADMIN + "\n}\n",
}

#: causes no scan produces yet, each documented as reserved in NHI901's docstring
RESERVED: set[Cause] = set()


def nhi901(root: Path) -> list[tuple[str, Cause | None]]:
    return [(f.message, f.cause.cause if f.cause else None)
            for f in scan([root], Options()).findings if f.rule == "NHI901"]


@pytest.mark.parametrize("cause", list(CASES), ids=lambda c: c.value)
def test_an_indeterminate_finding_names_its_cause(tmp_path: Path, cause: Cause) -> None:
    (tmp_path / "main.tf").write_text(CASES[cause], encoding="utf-8")
    found = nhi901(tmp_path)
    assert found, "no NHI901 finding"
    assert {c for _, c in found} == {cause}
    assert all(f"(cause: {cause.value}" in message for message, _ in found)


def test_the_message_names_what_the_cause_is_about(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CASES[Cause.DATA_SOURCE], encoding="utf-8")
    [(message, _)] = nhi901(tmp_path)
    assert message == (
        "owner of automation principal aws_iam_role.ci is unknown: tags are computed: "
        "${data.external.tags.result} (cause: data-source data.external.tags.result)"
    )


def test_a_plans_known_after_apply_values_are_after_apply() -> None:
    found = nhi901(ROOT / "fixtures/NHI010/plan_oidc_module_foreach")
    assert found
    assert {c for _, c in found} == {Cause.AFTER_APPLY}


def test_a_module_not_read_is_told_by_its_reason_whatever_it_refers_to() -> None:
    unknown = Unknown("module not read: registry source cloudposse/label/null is not downloaded",
                      "module.label.tags", (Ref("module.label", ("tags",)),))
    assert cause_of(unknown) is Cause.MODULE_NOT_READ
    assert str(because(unknown)) == (
        "module-not-read module.label: registry source cloudposse/label/null is not downloaded"
    )


def test_the_first_reference_decides_and_names_its_module() -> None:
    unknown = Unknown("var.a has no value", "", (Ref("var.a", (), "module.ci"), Ref("data.x.y")))
    assert str(because(unknown)) == "variable-unset var.a in module.ci"


def test_every_cause_is_produced_or_documented_as_reserved() -> None:
    assert set(CASES) | RESERVED == set(Cause)
    assert not set(CASES) & RESERVED
    doc = next(r for r in collect() if r.id == "NHI901").doc
    for cause in Cause:
        line = next((ln for ln in doc.splitlines() if f"`{cause.value}`" in ln), None)
        assert line is not None, f"{cause.value} is not documented in NHI901"
        assert ("reserved" in line) == (cause in RESERVED), line


def test_the_json_report_gives_the_cause_of_nhi901_findings_only(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CASES[Cause.VARIABLE_UNSET], encoding="utf-8")
    report = json.loads(json_report.render(scan([tmp_path], Options())))
    causes = {(f["rule"], f.get("cause")) for f in report["findings"]}
    assert ("NHI901", "variable-unset") in causes
    assert all(cause is None for rule, cause in causes if rule != "NHI901")


def test_the_schema_lists_the_vocabulary() -> None:
    text = resources.files("nhilint.report").joinpath("schema.json").read_text(encoding="utf-8")
    assert json.loads(text)["$defs"]["cause"]["enum"] == [c.value for c in Cause]


def test_causes_are_kebab_case() -> None:
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", c.value) for c in Cause)


def test_the_readme_lists_the_vocabulary() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("An indeterminate finding says why"):]
    paragraph = paragraph[paragraph.index("one of") : paragraph.index("([docs")]
    assert re.findall(r"`([a-z]+(?:-[a-z]+)*)`", paragraph) == [c.value for c in Cause]


def test_the_text_report_keeps_the_cause_of_a_message_it_cuts(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CASES[Cause.EXTERNAL], encoding="utf-8")
    lines = [ln for ln in text.render(scan([tmp_path], Options())).splitlines()
             if "NHI901 indeterminate:" in ln]
    assert lines
    assert all("…" in ln and ln.endswith(" (cause: external)") for ln in lines)


def test_a_variable_whose_value_does_not_fit_its_type_is_not_unset(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "policy_json" {\n  type    = number\n  default = "not a number"\n}\n'
        + role(policy="var.policy_json"), encoding="utf-8")
    assert {c for _, c in nhi901(tmp_path)} == {Cause.NOT_EVALUATED}


def test_sarif_results_carry_the_cause_as_a_property(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CASES[Cause.DATA_SOURCE], encoding="utf-8")
    report = json.loads(sarif.render(scan([tmp_path], Options())))
    schema = json.loads((ROOT / "tests/assets/sarif-schema-2.1.0.json").read_text("utf-8"))
    jsonschema.validate(report, schema)
    [run] = report["runs"]
    causes = {(r["ruleId"], r.get("properties", {}).get("cause")) for r in run["results"]}
    assert ("NHI901", "data-source") in causes
    assert all(cause is None for rule, cause in causes if rule != "NHI901")
