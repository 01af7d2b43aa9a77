from __future__ import annotations

import pytest
from hcl_helpers import Tf

from nhilint.model import Ref, Unknown

LOCALS = """
locals {
  m    = { b = 2, a = 1 }
  l    = ["x", "y", "z"]
  objs = [{ name = "a", n = 1 }, { name = "b", n = 2 }]
  t    = true
  n    = 3
}
"""

KNOWN = [
    # literals
    ('"hello"', "hello"),
    ("42", 42),
    ("1.5", 1.5),
    ("1.5e-3", 0.0015),
    ("true", True),
    ("false", False),
    ("null", None),
    ('"a\\"b\\\\c\\n\\t\\u00e9"', 'a"b\\c\n\té'),
    ('"$${not} %%{interp}"', "${not} %{interp}"),
    ('""', ""),
    # collections
    ('[1, "a", true, null]', [1, "a", True, None]),
    ("[]", []),
    ("{}", {}),
    ('{ a = 1, "b-c" = 2, c : 3 }', {"a": 1, "b-c": 2, "c": 3}),
    ('{ (local.l[0]) = 1, "${local.n}" = 2 }', {"x": 1, "3": 2}),
    ("{ a = { b = [1, { c = 2 }] } }", {"a": {"b": [1, {"c": 2}]}}),
    # templates
    ('"n=${local.n}"', "n=3"),
    ('"${local.n}"', 3),
    ('"${local.t}"', True),
    ('"${local.l}"', ["x", "y", "z"]),
    ('"a%{ if local.t }b%{ else }c%{ endif }d"', "abd"),
    ('"%{ if !local.t }b%{ endif }"', ""),
    ('"%{ for x in local.l }<${x}>%{ endfor }"', "<x><y><z>"),
    ('"%{ for i, x in local.l }${i}${x},%{ endfor }"', "0x,1y,2z,"),
    ('"%{ for k, v in local.m }${k}=${v};%{ endfor }"', "a=1;b=2;"),
    ('"x ${~ "  y  " ~} z"', "x  y  z"),
    ('"a  %{~ if true ~}  b  %{~ endif ~}  c"', "abc"),
    ('"${1.5} ${10 / 4} ${2 * 3.0}"', "1.5 2.5 6"),
    # index, attribute, splat
    ("local.l[1]", "y"),
    ('local.l["2"]', "z"),
    ("local.l.0", "x"),
    ('local.m["a"]', 1),
    ("local.m.b", 2),
    ("local.objs[1].name", "b"),
    ("local.objs[*].name", ["a", "b"]),
    ("local.objs.*.n", [1, 2]),
    ("local.m[*]", [{"b": 2, "a": 1}]),
    ("null[*]", []),
    ("(local.objs)[0].n", 1),
    # for expressions
    ("[for x in local.l : upper(x)]", ["X", "Y", "Z"]),
    ('[for x in local.l : x if x != "y"]', ["x", "z"]),
    ("[for i, x in local.l : i]", [0, 1, 2]),
    ("[for k, v in local.m : k]", ["a", "b"]),
    ("{for x in local.l : x => upper(x)}", {"x": "X", "y": "Y", "z": "Z"}),
    ("{for o in local.objs : o.name => o.n if o.n > 1}", {"b": 2}),
    ('{for x in ["a", "b", "a"] : x => x...}', {"a": ["a", "a"], "b": ["b"]}),
    ("{for k, v in local.m : v => k}", {"1": "a", "2": "b"}),
    # conditionals and operators
    ('local.t ? "yes" : "no"', "yes"),
    ('local.n > 5 ? "big" : "small"', "small"),
    ("1 + 2 * 3 - 4", 3),
    ("(1 + 2) * 3", 9),
    ("7 / 2", 3.5),
    ("8 / 2", 4),
    ("7 % 3", 1),
    ("-7 % 3", -1),
    ("-local.n", -3),
    ("!local.t", False),
    ("1 == 1.0", True),
    ('1 == "1"', False),
    ("[1, 2] == [1, 2]", True),
    ("{ a = 1 } != { a = 2 }", True),
    ("3 >= 3 && 2 < 1", False),
    ("false || local.n <= 3", True),
    ('"2" + 3', 5),
    ('"true" && true', True),
]


@pytest.mark.parametrize(("expr", "expected"), KNOWN, ids=[e for e, _ in KNOWN])
def test_known_values(tf: Tf, expr: str, expected: object) -> None:
    value = tf.value(expr, LOCALS)
    assert value == expected
    assert type(value) is type(expected) or isinstance(value, list)


def test_integer_stays_int_and_bool_is_not_number(tf: Tf) -> None:
    assert tf.value("[1, true == 1, 0 == false]", LOCALS) == [1, False, False]


@pytest.mark.parametrize(
    "expr",
    [
        "local.l[5]",
        'local.m["nope"]',
        "local.m.nope",
        '1 + "a"',
        "1 / 0",
        "local.n.attr",
        "undefined_name",
        '{ a = 1, a = 2 }',
        "{for x in [\"a\", \"a\"] : x => x}",
        '!"maybe"',
        "[for x in 5 : x]",
    ],
)
def test_errors_become_unknown(tf: Tf, expr: str) -> None:
    value = tf.value(expr, LOCALS)
    assert isinstance(value, Unknown)
    assert value.reason.startswith("invalid expression")
    assert value.source == expr


HEREDOCS = [
    ("<<EOF\nhello\n  world\nEOF", "hello\n  world\n"),
    ("<<-EOF\n    hello\n      world\n    EOF", "hello\n  world\n"),
    ("<<-EOF\n    a\n\n    b\n  EOF", "a\n\nb\n"),
    ("<<-EOF\n    ${local.n}\n      x\n    EOF", "3\n  x\n"),
    ("<<EOT\n  keep \\n and $${this}\nEOT", "  keep \\n and ${this}\n"),
    ("<<-EOT\n  %{ for x in local.l ~}\n  ${x}\n  %{ endfor ~}\n  EOT", "x\ny\nz\n"),
    ('<<-EOT\n  {\n    "a": "${local.l[0]}"\n  }\n  EOT', '{\n  "a": "x"\n}\n'),
]


@pytest.mark.parametrize(("expr", "expected"), HEREDOCS, ids=[h for h, _ in HEREDOCS])
def test_heredocs(tf: Tf, expr: str, expected: str) -> None:
    assert tf.value(expr, LOCALS) == expected


def test_single_interpolation_keeps_the_inner_unknown(tf: Tf) -> None:
    value = tf.value('"${aws_iam_user.ci.name}"')
    assert value == Unknown(
        "known after apply", "aws_iam_user.ci.name", (Ref("aws_iam_user.ci", ("name",)),)
    )


def test_unknown_collection_in_for_keeps_body_refs(tf: Tf) -> None:
    value = tf.value('[for s in var.subjects : "${s}:${aws_iam_role.r.arn}"]',
                     'variable "subjects" {}')
    assert isinstance(value, Unknown)
    assert value.refs == (
        Ref("var.subjects"), Ref("var.subjects", ("*",)), Ref("aws_iam_role.r", ("arn",)),
    )


def test_unknown_condition_keeps_refs_of_both_branches(tf: Tf) -> None:
    value = tf.value("var.on ? aws_iam_role.a.arn : aws_iam_role.b.arn", 'variable "on" {}')
    assert isinstance(value, Unknown)
    assert value.source == "var.on ? aws_iam_role.a.arn : aws_iam_role.b.arn"
    assert value.refs == (
        Ref("var.on"), Ref("aws_iam_role.a", ("arn",)), Ref("aws_iam_role.b", ("arn",)),
    )


def test_an_error_in_an_element_only_makes_the_element_unknown(tf: Tf) -> None:
    value = tf.value('["bash", local.m.nope, { a = 1, b = local.l[9] }]', LOCALS)
    assert isinstance(value, list)
    assert value[0] == "bash"
    assert isinstance(value[1], Unknown)
    assert value[2]["a"] == 1
    assert isinstance(value[2]["b"], Unknown)
    assert tf.value('try(["bash", local.m.nope], "fallback")', LOCALS) == "fallback"


def test_known_condition_only_evaluates_its_branch(tf: Tf) -> None:
    assert tf.value('true ? "ok" : local.l[99]', LOCALS) == "ok"


def test_logical_operators_short_circuit_on_known_left(tf: Tf) -> None:
    assert tf.value("false && var.x", 'variable "x" {}') is False
    assert tf.value("true || var.x", 'variable "x" {}') is True
    assert isinstance(tf.value("true && var.x", 'variable "x" {}'), Unknown)


def test_deep_nesting_is_unknown_not_recursion_error(tf: Tf) -> None:
    depth = 400
    value = tf.value("[" * depth + "1" + "]" * depth)
    levels = 0
    while isinstance(value, list):
        (value,) = value
        levels += 1
    assert isinstance(value, Unknown)
    assert "nested too deeply" in value.reason
    assert 10 < levels < depth


def test_moderate_nesting_is_evaluated(tf: Tf) -> None:
    depth = 20
    value = tf.value("[" * depth + "1" + "]" * depth)
    for _ in range(depth):
        assert isinstance(value, list)
        value = value[0]
    assert value == 1


def test_unknown_template_directives_keep_refs(tf: Tf) -> None:
    value = tf.value('"%{ if var.on }${aws_iam_role.a.arn}%{ else }none%{ endif }"',
                     'variable "on" {}')
    assert isinstance(value, Unknown)
    assert value.refs == (Ref("var.on"), Ref("aws_iam_role.a", ("arn",)))
    value = tf.value('"%{ for r in var.roles }${r}:${aws_iam_role.b.arn}%{ endfor }"',
                     'variable "roles" {}')
    assert isinstance(value, Unknown)
    assert Ref("aws_iam_role.b", ("arn",)) in value.refs


def test_empty_and_odd_heredocs(tf: Tf) -> None:
    assert tf.value("<<EOF\nEOF") == ""
    assert tf.value("<<-EOF\n  $${x} %%{y}\n  EOF") == "${x} %{y}\n"
    assert tf.value("<<EOF\n${1 + 1}\nEOF") == "2\n"


def test_numbers_beyond_python_limits_are_unknown(tf: Tf) -> None:
    huge = " * ".join(["99999999999999999999"] * 600)
    value = tf.value(f'"${{{huge}}}"')
    assert isinstance(value, Unknown)
    assert "too large" in value.reason
    assert tf.value(" + ".join(["1"] * 600)) == 600
