"""``*.tf.json`` files: the position-keeping JSON reader and the JSON syntax read into the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nhilint.model import Model, Resource, Unknown
from nhilint.parsers import registry
from nhilint.parsers.hcl import parse_module
from nhilint.parsers.hcl.jsonexpr import TemplateError, number, string
from nhilint.parsers.hcl.jsontree import JArray, JObject, JsonError, JString, parse


def _module(tmp_path: Path, files: dict[str, object]) -> Model:
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return parse_module(tmp_path)


def _resource(model: Model, address: str) -> Resource:
    return next(r for r in model.resources if r.address == address)


def test_the_reader_keeps_the_line_of_every_value() -> None:
    root = parse('{\n  "a": [1,\n    "x\\u00e9"],\n  "b": {}\n}')
    assert isinstance(root, JObject)
    assert (root.line, root.end_line) == (1, 5)
    first, second = root.members
    assert (first.key, first.line, second.key, second.line) == ("a", 2, "b", 4)
    assert isinstance(first.value, JArray)
    assert (first.value.line, first.value.end_line) == (2, 3)
    assert first.value.items[1] == JString("xé", 3)


@pytest.mark.parametrize(
    ("text", "line"),
    [("{\n  \"a\": 1,\n}", 3), ("{}\n{}", 2), ("[\n\n tru]", 3), ('{"a"\n 1}', 2), ("", 1)],
)
def test_the_reader_says_where_json_is_invalid(text: str, line: int) -> None:
    with pytest.raises(JsonError) as caught:
        parse(text)
    assert caught.value.line == line


def test_the_reader_refuses_hostile_nesting() -> None:
    with pytest.raises(JsonError, match="nested too deeply"):
        parse("[" * 10_000 + "]" * 10_000)


def test_numbers_with_exponents_are_written_out() -> None:
    assert [number(t) for t in ("1e3", "1.5E-3", "-2e0", "12", "0.5")] == [
        "1000", "0.0015", "-2", "12", "0.5",
    ]


def test_strings_keep_their_sequences_and_escape_their_text() -> None:
    template = 'a "q" \\ ${lookup(m, "k}")} %{ if x }y%{ endif } $${z}'
    assert string(template, "template") == (
        '"a \\"q\\" \\\\ ${lookup(m, "k}")} %{ if x }y%{ endif } $${z}"'
    )
    assert string("${x}\n", "literal") == '"$${x}\\n"'
    with pytest.raises(TemplateError):
        string("${unclosed", "template")


def test_a_resource_is_read_with_its_lines_values_and_nested_blocks(tmp_path: Path) -> None:
    model = _module(tmp_path, {"main.tf.json": {
        "//": "generated",
        "variable": {"names": {"type": "list(string)", "default": ["a", "b"]}},
        "locals": {"tag": "${upper(var.names[0])}-x"},
        "data": {"aws_iam_policy_document": {"p": {
            "//": "a comment",
            "statement": [
                {"actions": ["iam:*"], "resources": ["*"],
                 "condition": {"test": "Bool", "variable": "aws:MultiFactorAuthPresent",
                               "values": ["true"]}},
                {"not_actions": ["s3:*"], "resources": "${var.names}"},
            ],
        }}},
        "resource": {"aws_iam_user": {"u": {
            "for_each": "${toset(var.names)}",
            "name": "${each.key}",
            "tags": {"Owner": "${local.tag}", "Count": 3},
            "lifecycle": {"ignore_changes": ["tags"]},
        }}},
    }})
    assert model.diagnostics == ()
    document = _resource(model, "data.aws_iam_policy_document.p")
    assert "//" not in document.attributes
    statements = document.get("statement")
    assert statements == [
        {"actions": ["iam:*"], "resources": ["*"],
         "condition": [{"test": "Bool", "variable": "aws:MultiFactorAuthPresent",
                        "values": ["true"]}]},
        {"not_actions": ["s3:*"], "resources": ["a", "b"]},
    ]
    lines = (tmp_path / "main.tf.json").read_text(encoding="utf-8").splitlines()
    actions = document.span_of(("statement", 0, "actions"))
    assert actions.line is not None and '"actions"' in lines[actions.line - 1]
    test = document.span_of(("statement", 0, "condition", 0, "test"))
    assert test.line is not None and '"Bool"' in lines[test.line - 1]
    users = [r for r in model.resources if r.type == "aws_iam_user"]
    assert [r.address for r in users] == ['aws_iam_user.u["a"]', 'aws_iam_user.u["b"]']
    assert users[0].get("tags") == {"Owner": "A-x", "Count": 3}
    assert users[0].get("name") == "a"
    assert users[0].get("lifecycle") == [{"ignore_changes": ["tags"]}]
    assert users[0].span.line is not None and '"u"' in lines[users[0].span.line - 1]


def test_a_minified_file_is_read(tmp_path: Path) -> None:
    config = {"resource": {"aws_iam_user": {"a": {"name": "x", "path": "/", "tags": {"k": 1}},
                                            "b": {"name": "${aws_iam_user.a.name}"}}}}
    model = _module(tmp_path, {"main.tf.json": json.dumps(config)})
    assert model.diagnostics == ()
    assert _resource(model, "aws_iam_user.a").attributes == {
        "name": "x", "path": "/", "tags": {"k": 1},
    }
    name = _resource(model, "aws_iam_user.b").get("name")
    assert isinstance(name, Unknown) and name.refs[0].address == "aws_iam_user.a"


def test_arguments_that_are_not_expressions_are_taken_literally(tmp_path: Path) -> None:
    model = _module(tmp_path, {"main.tf.json": {
        "variable": {"v": {"default": "${not.a.template}", "description": "${x}"}},
        "provider": {"aws": [{"region": "us-east-1"},
                             {"alias": "east", "default_tags": {"tags": {"Owner": "t"}}}]},
        "module": {"m": {"source": "./${child}"}},
        "output": {"o": {"value": "${var.v}", "sensitive": True}},
        "resource": {"aws_iam_user": {"u": {"provider": "aws.east", "name": "n"}}},
    }})
    assert [d.message for d in model.diagnostics] == [
        "module m is not read: module source ./${child} is not a directory"
    ]
    assert [v.default for v in model.variables] == ["${not.a.template}"]
    assert [(p.address, p.attributes.get("default_tags")) for p in model.providers] == [
        ("aws", None), ("aws.east", [{"tags": {"Owner": "t"}}]),
    ]
    assert [c.source for c in model.module_calls] == ["./${child}"]
    assert [(o.value, o.sensitive) for o in model.outputs] == [("${not.a.template}", True)]
    assert _resource(model, "aws_iam_user.u").provider == "aws.east"


def test_a_tf_and_a_tf_json_file_are_one_module(tmp_path: Path) -> None:
    model = _module(tmp_path, {
        "a.tf.json": {"locals": {"name": "${var.prefix}-ci"},
                      "resource": {"aws_iam_user": {"u": {"name": "${local.name}"}}}},
        "b.tf": 'variable "prefix" { default = "p" }\n'
                'resource "aws_iam_group" "g" { name = local.name }\n',
    })
    assert model.diagnostics == ()
    assert _resource(model, "aws_iam_user.u").get("name") == "p-ci"
    assert _resource(model, "aws_iam_group.g").get("name") == "p-ci"
    assert {Path(f).name for f in model.files} == {"a.tf.json", "b.tf"}


def test_broken_json_is_a_diagnostic_and_the_rest_is_read(tmp_path: Path) -> None:
    model = _module(tmp_path, {
        "bad.tf.json": '{\n  "resource": {\n    "aws_iam_user": {"u": {"name": }}\n  }\n}',
        "list.tf.json": "[]",
        "template.tf.json": {"resource": {"aws_iam_user": {"t": {
            "name": "${unclosed", "path": "/ok/"}}}},
        "good.tf": 'resource "aws_iam_role" "r" { name = "r" }\n',
    })
    found = sorted((Path(d.path).name, d.line, d.code) for d in model.diagnostics)
    assert found == [("bad.tf.json", 3, "NHI900"), ("list.tf.json", 1, "NHI900"),
                     ("template.tf.json", 5, "NHI900")]
    assert _resource(model, "aws_iam_user.t").attributes == {"path": "/ok/"}
    assert _resource(model, "aws_iam_role.r").get("name") == "r"


def test_a_directory_of_tf_json_files_is_a_unit(tmp_path: Path) -> None:
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "main.tf.json").write_text("{}", encoding="utf-8")
    (tmp_path / "gen" / "data.json").write_text("{}", encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.json").write_text("{}", encoding="utf-8")
    found = registry.discover([tmp_path])
    assert [u.path for u in found.units] == [tmp_path / "gen"]
    assert registry.detect(tmp_path / "gen" / "main.tf.json") == "terraform"
    assert registry.detect(tmp_path / "gen" / "data.json") is None


def test_hostile_nesting_of_blocks_is_read_without_crashing(tmp_path: Path) -> None:
    text = '{"data": {"aws_iam_policy_document": {"p": ' + '{"statement": ' * 250 + "{}"
    text += "}" * 250 + "}}}"
    model = _module(tmp_path, {"main.tf.json": text})
    assert [r.address for r in model.resources] == ["data.aws_iam_policy_document.p"]
    assert [d.code for d in model.diagnostics] == []


def test_strings_come_through_exactly(tmp_path: Path) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]})
    odd = 'a\n"b"\tc\\d é $ % \u0001 100%'
    model = _module(tmp_path, {"main.tf.json": {"resource": {"aws_iam_user_policy": {"p": {
        "policy": policy, "name": odd, "user": "${upper(\"x\")}-${var.missing}",
    }}}}})
    assert model.diagnostics == ()
    resource = _resource(model, "aws_iam_user_policy.p")
    assert resource.get("policy") == policy
    assert resource.get("name") == odd
    user = resource.get("user")
    assert isinstance(user, Unknown) and "var.missing" in user.source


def test_dynamic_blocks_are_expanded(tmp_path: Path) -> None:
    model = _module(tmp_path, {"main.tf.json": {"data": {"aws_iam_policy_document": {"p": {
        "dynamic": {"statement": {
            "for_each": ["iam:PassRole", "iam:CreateUser"],
            "iterator": "action",
            "content": {"actions": ["${action.value}"], "resources": ["*"]},
        }},
    }}}}})
    assert model.diagnostics == ()
    assert _resource(model, "data.aws_iam_policy_document.p").get("statement") == [
        {"actions": ["iam:PassRole"], "resources": ["*"]},
        {"actions": ["iam:CreateUser"], "resources": ["*"]},
    ]
