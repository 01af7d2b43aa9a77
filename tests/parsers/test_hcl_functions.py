from __future__ import annotations

import json

import pytest
from hcl_helpers import Tf

from nhilint.model import Ref, Unknown

LOCALS = """
locals {
  m = { b = 2, a = 1 }
  l = ["x", "y"]
}
variable "unset" {}
"""

CALLS = [
    ('jsonencode({ b = [1, "<&>"], a = null, c = true, d = 1.5 })',
     '{"a":null,"b":[1,"\\u003c\\u0026\\u003e"],"c":true,"d":1.5}'),
    ('jsonencode("é")', '"é"'),
    ('jsondecode("{\\"a\\": [1, 2.5, null]}")', {"a": [1, 2.5, None]}),
    ("merge({ a = 1, b = 2 }, { b = 3 }, null)", {"a": 1, "b": 3}),
    ("merge()", {}),
    ('concat(["a"], [], ["b", "c"])', ["a", "b", "c"]),
    ('format("%s-%d-%v-%q-%%-%t", "a", 7, 1.5, "q", true)', 'a-7-1.5-"q"-%-true'),
    ('format("%03d|%-4s|%4s|%.2f|%x", 7, "ab", "cd", 3.14159, 255)', "007|ab  |  cd|3.14|ff"),
    ('format("%[2]s %[1]s", "a", "b")', "b a"),
    ('formatlist("%s=%s", ["a", "b"], "v")', ["a=v", "b=v"]),
    ('formatlist("%s-%s", ["a", "b"], ["1", "2"])', ["a-1", "b-2"]),
    ('lookup(local.m, "a")', 1),
    ('lookup(local.m, "z", "dflt")', "dflt"),
    ('coalesce(null, "", "x", "y")', "x"),
    ("coalescelist([], [1], [2])", [1]),
    ('flatten([["a", ["b"]], [], "c"])', ["a", "b", "c"]),
    ('toset(["b", "a", "b"])', ["a", "b"]),
    ('tolist(toset(["a"]))', ["a"]),
    ('tomap({ a = "1" })', {"a": "1"}),
    ("tostring(12)", "12"),
    ("tostring(true)", "true"),
    ("tostring(null)", None),
    ('tonumber("12")', 12),
    ('tonumber("1.25")', 1.25),
    ('tobool("false")', False),
    ("length(local.l)", 2),
    ('length("héllo")', 5),
    ("length(local.m)", 2),
    ('lower("AbC")', "abc"),
    ('upper("AbC")', "ABC"),
    ('join(",", local.l, ["z"])', "x,y,z"),
    ('split(",", "a,b,,c")', ["a", "b", "", "c"]),
    ('replace("a-b-c", "-", "_")', "a_b_c"),
    ("element(local.l, 3)", "y"),
    ("keys(local.m)", ["a", "b"]),
    ("values(local.m)", [1, 2]),
    ('contains(local.l, "y")', True),
    ('contains(local.l, "q")', False),
    ('distinct(["a", "b", "a"])', ["a", "b"]),
    ('compact(["a", "", null, "b"])', ["a", "b"]),
    ('trimspace("  a b \\n")', "a b"),
    ('trimprefix("arn:aws", "arn:")', "aws"),
    ('trimsuffix("file.tf", ".tf")', "file"),
    ('startswith("arn:aws:iam", "arn:")', True),
    ('endswith("arn:aws:iam", "s3")', False),
    ('timeadd("2024-01-31T23:00:00Z", "1h30m")', "2024-02-01T00:30:00Z"),
    ('timeadd("2024-01-01T00:00:00+02:00", "-2.5h")', "2023-12-31T21:30:00+02:00"),
    ('timeadd("2024-01-01T00:00:00.5Z", "500ms")', "2024-01-01T00:00:01Z"),
    ('try(local.m.nope, local.l[9], "fallback")', "fallback"),
    ("try(local.m.a, 0)", 1),
    ("can(local.m.nope)", False),
    ("can(local.m.a)", True),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
    ("range(3)", [0, 1, 2]),
    ("max(1, 5, 3)", 5),
    ('sha256("a")', "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"),
    ('base64encode("hi")', "aGk="),
    ('concat([local.l, ["z"]]...)', ["x", "y", "z"]),
    ("max([1, 9, 2]...)", 9),
]


@pytest.mark.parametrize(("expr", "expected"), CALLS, ids=[c for c, _ in CALLS])
def test_functions(tf: Tf, expr: str, expected: object) -> None:
    assert tf.value(expr, LOCALS) == expected


@pytest.mark.parametrize(
    "expr",
    [
        "lower()",
        'lower("a", "b")',
        "lookup(local.m)",
        'lookup(local.m, "z")',
        "length(5)",
        'jsondecode("{nope")',
        'format("%s")',
        'format("%s", "a", "b")',
        'element([], 0)',
        'timeadd("yesterday", "1h")',
        'timeadd("2024-01-01T00:00:00Z", "1 hour")',
        "concat(1)",
        "coalesce(null, \"\")",
        'try(local.m.nope, local.l[9])',
    ],
)
def test_invalid_calls_are_unknown_not_exceptions(tf: Tf, expr: str) -> None:
    value = tf.value(expr, LOCALS)
    assert isinstance(value, Unknown)
    assert value.source == expr


def test_unknown_functions_are_not_guessed_and_keep_refs(tf: Tf) -> None:
    value = tf.value('yamldecode(aws_iam_role.r.arn)')
    assert isinstance(value, Unknown)
    assert value.reason == "function yamldecode is not evaluated"
    assert value.refs == (Ref("aws_iam_role.r", ("arn",)),)


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ("timestamp()", "timestamp() is known only at apply time"),
        ('replace("abc", "/\\\\pL/", "x")', "escape \\p is not evaluated"),
        ('file("missing.json")', "file 'missing.json' cannot be read"),
        ('file("/etc/hostname")', "file '/etc/hostname' cannot be read"),
    ],
)
def test_not_evaluated(tf: Tf, expr: str, reason: str) -> None:
    value = tf.value(expr)
    assert isinstance(value, Unknown)
    assert value.reason == reason


def test_refs_survive_function_calls(tf: Tf) -> None:
    value = tf.value('join(",", [aws_iam_role.a.arn, upper(var.unset), "x"])', LOCALS)
    assert isinstance(value, Unknown)
    assert value.refs == (Ref("aws_iam_role.a", ("arn",)), Ref("var.unset"))
    assert value.source.startswith("join(")


def test_structural_functions_keep_unknown_elements(tf: Tf) -> None:
    value = tf.value('concat([aws_iam_role.a.arn], ["x"])')
    assert isinstance(value, list)
    assert value[1] == "x"
    assert isinstance(value[0], Unknown)
    assert value[0].ref == Ref("aws_iam_role.a", ("arn",))
    merged = tf.value('merge({ a = aws_iam_role.a.arn }, { b = "x" })')
    assert isinstance(merged, dict)
    assert merged["b"] == "x"
    assert isinstance(merged["a"], Unknown)


def test_try_with_unknown_first_value_is_unknown(tf: Tf) -> None:
    value = tf.value('try(aws_iam_role.r.arn, "fallback")')
    assert isinstance(value, Unknown)
    assert value.refs == (Ref("aws_iam_role.r", ("arn",)),)


def test_jsonencode_known_is_compact_terraform_json(tf: Tf) -> None:
    text = tf.value('jsonencode({ Statement = [{ Action = ["iam:*"], Resource = "*" }] })')
    assert text == '{"Statement":[{"Action":["iam:*"],"Resource":"*"}]}'
    assert isinstance(text, str)
    assert json.loads(text)["Statement"][0]["Resource"] == "*"


def test_jsonencode_with_unknown_keeps_partial_structure(tf: Tf) -> None:
    value = tf.value(
        'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", '
        'Action = ["iam:PassRole"], Resource = aws_iam_role.r.arn }] })'
    )
    assert isinstance(value, Unknown)
    assert value.refs == (Ref("aws_iam_role.r", ("arn",)),)
    assert value.source.startswith("jsonencode(")
    partial = value.partial
    assert isinstance(partial, dict)
    assert partial["Version"] == "2012-10-17"
    statement = partial["Statement"][0]
    assert statement["Action"] == ["iam:PassRole"]
    assert statement["Resource"] == Unknown(
        "known after apply", "aws_iam_role.r.arn", (Ref("aws_iam_role.r", ("arn",)),)
    )


def test_file_reads_text_relative_to_the_module(tf: Tf) -> None:
    files: dict[str, str | bytes] = {
        "policy.json": '{"a": 1}\n', "bin.dat": b"\xff\xfe\x00", "big.txt": "x" * (1024 * 1024 + 1),
    }
    value = tf.value(
        '[file("policy.json"), jsondecode(file("${path.module}/policy.json")).a]', files=files
    )
    assert value == ['{"a": 1}\n', 1]
    assert isinstance(tf.value('file("bin.dat")', files=files), Unknown)
    assert isinstance(tf.value('file("big.txt")', files=files), Unknown)


def test_file_in_a_subdirectory_module(tf: Tf) -> None:
    tf.write({"policy.json": "{}"}, "mod")
    model = tf.model(
        {"main.tf": 'resource "t_x" "r" {\n  a = file("${path.module}/policy.json")\n'
                    '  b = file("policy.json")\n  p = path.module\n}\n'},
        "mod",
    )
    assert dict(model.resources[0].attributes) == {"a": "{}", "b": "{}", "p": "mod"}
