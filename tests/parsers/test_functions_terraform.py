"""Expressions evaluated by the HCL reader, compared with Terraform itself.

Each expression of ``CASES`` is read as an attribute of one module (with the locals, variables
and files of ``MODULE`` beside it) and compared with the committed expected value.  When the
``terraform`` CLI is installed, the same expressions are evaluated by ``terraform console`` in a
copy of that module, and each expected value must be Terraform's own: ``INVALID`` ones must be
rejected by Terraform, and the reader must give an Unknown for them (never a value Terraform
would not).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import pytest
from hcl_helpers import Tf

from nhilint.model import Unknown, is_known

TERRAFORM = os.environ.get("NHILINT_TERRAFORM") or shutil.which("terraform")


class _Marker(NamedTuple):
    name: str


#: Terraform rejects the expression; the reader must give an Unknown.
INVALID = _Marker("invalid")
#: Terraform knows the value only later (or reads outside the module); the reader gives Unknown.
UNKNOWN = _Marker("unknown")

MODULE: dict[str, str | bytes] = {
    "vars.tf": """
locals {
  m     = { b = 2, a = 1 }
  l     = ["x", "y"]
  users = { alice = { admin = true, team = "ops" }, bob = { admin = false, team = "dev" },
            carol = { admin = true, team = "ops" } }
  roles = [{ name = "r1", arns = ["a", "b"] }, { name = "r2", arns = ["c"] }]
}
variable "enabled" {
  default = true
}
variable "names" {
  type    = set(string)
  default = ["b", "c", "a"]
}
""",
    "policy.tpl": 'Hello ${name}!\n%{ for a in actions ~}\n- ${a}\n%{ endfor ~}\n',
    "doc.txt": "line one\nline two\n",
    "sub/inner.tpl": "${upper(x)}",
    "strip.tpl": "[${n}]%{ if true ~}\n%{ endif ~}\n",
    "uses-var.tpl": "${var.enabled}",
}

CASES: list[tuple[str, object]] = [
    # conditionals
    ('var.enabled ? "on" : "off"', "on"),
    ('!var.enabled ? "on" : "off"', "off"),
    ('"true" ? 1 : 2', 1),
    ("length(local.l) > 1 ? local.l[1] : null", "y"),
    ('false ? "a" : 5', "5"),
    ('1 ? "a" : "b"', INVALID),
    ("true ? 1 : null", 1),
    ('true ? ["a"] : [1]', UNKNOWN),
    ('true ? { a = 1 } : { a = "x" }', UNKNOWN),
    ("var.enabled ? [] : local.l", []),
    ("true ? 1 : local.m.nope", 1),
    ('true ? 1 : local.l[5]', 1),
    ('false ? local.l[5] : "x"', "x"),
    ("true ? [local.m] : [{ a = local.m.nope }]", [{"a": 1, "b": 2}]),
    ('true ? { n = 1, b = true, s = "x" } : { n = 2, b = false, s = "y" }',
     {"b": True, "n": 1, "s": "x"}),
    ("true ? [{ n = 1 }] : [{ n = 2 }, { n = 3 }]", [{"n": 1}]),
    ('true ? { a = 1 } : { b = "x" }', UNKNOWN),
    # chains are right-associative (tree-sitter-hcl builds them the other way round)
    ('true ? "a" : false ? "b" : "c"', "a"),
    ('false ? "a" : true ? "b" : "c"', "b"),
    ('false ? "a" : false ? "b" : "c"', "c"),
    ("true ? true : true ? false : false", True),
    ("true ? false : true ? true : true", False),
    ('false ? "a" : false ? "b" : true ? "c" : "d"', "c"),
    ('true ? 1 : false ? "b" : "c"', "1"),
    ('(true ? false : true) ? "t" : "f"', "f"),
    ("true ? (false ? 1 : 2) : 3", 2),
    ('var.enabled ? "on" : local.m.a == 1 ? "one" : "other"', "on"),
    ("true ? [1] : var.enabled ? [2] : []", [1]),
    ('null ? "a" : "b"', INVALID),
    # splat
    ("local.roles[*].name", ["r1", "r2"]),
    ("local.roles.*.name", ["r1", "r2"]),
    ("local.roles[*].arns[0]", ["a", "c"]),
    ('{ name = "solo" }[*].name', ["solo"]),
    ("null[*]", []),
    ("local.roles[*].nope", INVALID),
    ("[{ a = { b = 1 } }, { a = { b = 2 } }][*].a.b", [1, 2]),
    ("[[1, 2], [3]][*][0]", [1, 3]),
    ('"x"[*]', ["x"]),
    # for expressions
    ("[for k, u in local.users : k if u.admin]", ["alice", "carol"]),
    ("{ for k, u in local.users : u.team => k... }", {"dev": ["bob"], "ops": ["alice", "carol"]}),
    ("{ for k, u in local.users : k => u.team if !u.admin }", {"bob": "dev"}),
    ("[for i, v in local.l : \"${i}=${v}\"]", ["0=x", "1=y"]),
    ("[for n in var.names : upper(n)]", ["A", "B", "C"]),
    ("{ for k, v in local.m : v => k }", {"1": "a", "2": "b"}),
    ("{ for r in local.roles : r.name => r.arns }", {"r1": ["a", "b"], "r2": ["c"]}),
    ("flatten([for r in local.roles : [for a in r.arns : \"${r.name}:${a}\"]])",
     ["r1:a", "r1:b", "r2:c"]),
    ("{ for k, u in local.users : u.team => k }", INVALID),
    ('{ for x in ["a", "b", "a"] : x => x... }', {"a": ["a", "a"], "b": ["b"]}),
    ('[for i, v in toset(["b", "a"]) : i]', ["a", "b"]),
    ("[for x in [1, 2] : x * 2 if x > 1]", [4]),
    ("[for x in [1, 2] : x if x]", INVALID),
    ("[for x in 5 : x]", INVALID),
    # replace, including regular expressions
    ('replace("a-b-c", "-", "_")', "a_b_c"),
    ('replace("abc", "/b/", "x")', "axc"),
    ('replace("hello world", "/(o)/", "[$1]")', "hell[o] w[o]rld"),
    ('replace("arn:aws:iam::123:role/ci", "/^arn:aws:iam::(\\\\d+):.*$/", "$1")', "123"),
    ('replace("aaa", "/a*/", "b")', "b"),
    ('replace("ab", "//", "-")', "-a-b-"),
    ('replace("AbC", "/(?i)b/", "x")', "AxC"),
    ('replace("a.b", ".", "/")', "a/b"),
    ('replace("x", "/", "y")', "x"),
    ('replace("a1b22", "/\\\\d+/", "$${0}")', "a1b22"),
    ('replace("a1b22", "/\\\\d+/", "$${0}$1x")', "a1b22"),
    ('replace("a-b", "/-/", "$-")', "a$-b"),
    ('replace("a1b22", "/(\\\\d)/", "<$1$1>")', "a<11>b<22><22>"),
    ('replace("abc", "/(?P<mid>b)/", "[$mid]")', "a[b]c"),
    ('replace("abc", "/b/", "$$")', "a$c"),
    ('replace("abc", "/(b/", "x")', INVALID),
    # join, split, lower, upper
    ('join(",", local.l, ["z"])', "x,y,z"),
    ('join("-", [])', ""),
    ('join(",", [1, true])', "1,true"),
    ('split(",", "a,b,,c")', ["a", "b", "", "c"]),
    ('split(",", "")', [""]),
    ('split("", "abc")', ["a", "b", "c"]),
    ('lower("ÀbC")', "àbc"),
    ('upper("straße")', UNKNOWN),
    ('lower("ΟΔΟΣ")', "οδοσ"),
    ('upper("ᾳ")', UNKNOWN),
    ('upper("ǆ")', "Ǆ"),
    # collections
    ('distinct(["a", "b", "a", "c", "b"])', ["a", "b", "c"]),
    ("distinct([1, 2, 1])", [1, 2]),
    ("keys(local.m)", ["a", "b"]),
    ("values(local.m)", [1, 2]),
    ('keys({ "b" = 1, "B" = 2, "a" = 3 })', ["B", "a", "b"]),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
    ('zipmap(["a", "a"], [1, 2])', {"a": 2}),
    ('contains(local.l, "y")', True),
    ('contains(["1"], 1)', UNKNOWN),
    ('contains(["a", 1], 1)', True),
    ("contains([1, 2], 3)", False),
    ("length(local.l)", 2),
    ('length("héllo")', 5),
    ("length(local.m)", 2),
    ("length(var.names)", 3),
    ("element(local.l, 3)", "y"),
    ("element(local.l, -1)", INVALID),
    ('one(["only"])', "only"),
    ("one([])", None),
    ("one(toset([]))", None),
    ('one(["a", "b"])', INVALID),
    ('setunion(["b", "a"], ["c", "a"])', ["a", "b", "c"]),
    ('toset(["b", "a", "b"])', ["a", "b"]),
    ("toset([3, 1, 2])", [1, 2, 3]),
    ('toset(["b", 1, true])', ["1", "b", "true"]),
    ('tolist(toset(["b", "a"]))[0]', "a"),
    ("tolist(var.names)", ["a", "b", "c"]),
    ("[for n in var.names : n]", ["a", "b", "c"]),
    ('concat(["a"], [], ["b", "c"])', ["a", "b", "c"]),
    ('merge({ a = 1, b = 2 }, { b = 3 }, null)', {"a": 1, "b": 3}),
    ('flatten([["a", ["b"]], [], "c"])', ["a", "b", "c"]),
    ('lookup(local.m, "a")', 1),
    ('lookup(local.m, "z", "dflt")', "dflt"),
    ('lookup(local.m, "z")', INVALID),
    ('coalesce(null, "", "x", "y")', "x"),
    ("coalesce(1, 2)", 1),
    ('coalesce(null, "")', INVALID),
    ('coalesce(1, "a")', "1"),
    ('coalesce("", 2)', "2"),
    ("coalesce(null, true)", True),
    ('element(toset(["b", "a"]), 0)', INVALID),
    ('concat(toset(["b", "a"]), ["c"])', INVALID),
    ('slice(toset(["b", "a"]), 0, 1)', INVALID),
    ('element(["a", "b"], 5)', "b"),
    ('flatten([toset(["b", "a"]), [["c"]]])', ["a", "b", "c"]),
    ('join(",", toset(["b", "a"]))', "a,b"),
    ("distinct([[1], [1], [2]])", [[1], [2]]),
    ('zipmap(["b", "a"], [1, "x"])', {"a": "x", "b": 1}),
    ('merge({ a = 1 }, { a = "x" })', {"a": "x"}),
    ('values({ b = [1], a = "x" })', ["x", [1]]),
    ("one([null])", None),
    ('lookup({ a = "x", b = 1 }, "b")', 1),
    ('tomap({ a = "1", b = 2 })', {"a": "1", "b": "2"}),
    ('tolist(["a", 1])', ["a", "1"]),
    ("tostring(12)", "12"),
    ("tostring(1.5)", "1.5"),
    ("tostring(true)", "true"),
    ("tostring(null)", None),
    ("tostring([1])", INVALID),
    # numbers the tree-sitter grammar does not read
    ("1e3", 1000),
    ("2E+2 + 1", 201),
    ("[1e3, 1.5e1, 25e-1]", [1000, 15, 2.5]),
    ('"${1e3}"', 1000),
    ('"n${1e3}"', "n1000"),
    ('format("%d", 1e2)', "100"),
    ('{ a = 1e3 }', {"a": 1000}),
    # regex, regexall
    ('regex("[a-z]+", "123abc456")', "abc"),
    ('regex("(\\\\d+)-(\\\\d+)", "x12-34y")', ["12", "34"]),
    ('regex("(?P<acct>\\\\d+):role/(?P<name>.*)", "arn:aws:iam::123:role/ci")',
     {"acct": "123", "name": "ci"}),
    ('regex("(a)(x)?", "a")', ["a", None]),
    ('regex("z", "abc")', INVALID),
    ('regex("(", "abc")', INVALID),
    ('regexall("[a-z]+", "ab 12 cd")', ["ab", "cd"]),
    ('regexall("(\\\\w)(\\\\d)", "a1 b2")', [["a", "1"], ["b", "2"]]),
    ('regexall("x", "abc")', []),
    ('length(regexall("^arn:", "arn:aws")) > 0', True),
    ('regex("^\\\\S+$", "a b")', INVALID),
    ('regex("\\\\pL+", "été1")', UNKNOWN),
    ('regex("(?s)a.b", "a\\nb")', "a\nb"),
    ('regex("a.b", "a\\nb")', INVALID),
    ('regex("a$", "a\\n")', INVALID),
    ('regex("(?m)^b$", "a\\nb\\nc")', "b"),
    ('regex("\\\\bfoo\\\\b", "a foo b")', "foo"),
    ('regex("\\\\bfoo", "éfoo")', "foo"),
    ('regex("[\\\\d-]+", "x1-2y")', "1-2"),
    ('regex("\\\\s+", "a\\u000bb c")', " "),
    ('regex("a{2,3}", "aaaa")', "aaa"),
    ('regex("a{,2}", "a{,2}")', UNKNOWN),
    ('regex("(?i)ABC", "xabc")', "abc"),
    ('regex("\\\\x41\\\\.", "A.")', "A."),
    ('regex("(?=a)", "a")', INVALID),
    ('regex("(a)\\\\1", "aa")', INVALID),
    ('regexall("|a", "a")', UNKNOWN),
    ('regex("[[:alpha:]]+", "ab1")', UNKNOWN),
    ('regex("\\\\Qa.b\\\\E", "a.b")', UNKNOWN),
    ('regex("(?U)a+", "aaa")', UNKNOWN),
    ('regex("a+?", "aaa")', "a"),
    ('regex("(?s:.)", "\\n")', "\n"),
    ('regexall("(?P<k>\\\\w)=(?P<v>\\\\d)", "a=1,b=2")',
     [{"k": "a", "v": "1"}, {"k": "b", "v": "2"}]),
    ('length(regexall("", "abc"))', 4),
    ('regex("[$]|\\\\$", "a$")', "$"),
    ('regexall("a*", "baaa")', ["", "aaa"]),
    ('replace("abc", "/$/", "x")', "abcx"),
    ('replace("a\\n", "/$/", "x")', "a\nx"),
    # can and try
    ("can(local.m.a)", True),
    ("can(local.m.nope)", False),
    ('can(regex("^[a-z]+$", "abc"))', True),
    ('can(regex("^[a-z]+$", "ABC"))', False),
    ('try(local.m.nope, local.l[9], "fallback")', "fallback"),
    ("try(local.m.a, 0)", 1),
    ('try(regex("z", "a"), "none")', "none"),
    ('try(tonumber("x"), 3)', 3),
    ('try(null, "d")', None),
    ('can(1 + "a")', False),
    ("can(toset([1, true]))", False),
    # format
    ('format("%s-%d-%v-%q-%%-%t", "a", 7, 1.5, "q", true)', 'a-7-1.5-"q"-%-true'),
    ('format("%03d|%-4s|%4s|%.2f|%x", 7, "ab", "cd", 3.14159, 255)', "007|ab  |  cd|3.14|ff"),
    ('format("%[2]s %[1]s", "a", "b")', "b a"),
    ('format("%s")', INVALID),
    ('format("%v|%v", [1, "a"], { a = 1 })', '[1,"a"]|{"a":1}'),
    ('format("%5.1f|%-5d|%+d|%e|%g", 3.14159, 42, 5, 1234.5678, 0.000001234)',
     "  3.1|42   |+5|1.234568e+03|1.234e-06"),
    ('format("%b|%o|%X|%.3s|%q|%t", 5, 8, 255, "abcdef", 1, "true")',
     '101|10|FF|abc|"1"|true'),
    ('format("% d", 5)', UNKNOWN),
    ('format("%#x", 255)', UNKNOWN),
    ('format("%d", 1.5)', INVALID),
    ('format("%x", "a")', INVALID),
    # timeadd
    ('timeadd("2024-01-31T23:00:00Z", "1h30m")', "2024-02-01T00:30:00Z"),
    ('timeadd("2024-01-01T00:00:00+02:00", "-2.5h")', "2023-12-31T21:30:00+02:00"),
    ('timeadd("2024-02-28T00:00:00Z", "48h")', "2024-03-01T00:00:00Z"),
    ('timeadd("2024-01-01T00:00:00Z", "1d")', INVALID),
    ('timeadd("2024-01-01T00:00:00Z", "1h-30m")', INVALID),
    ('timeadd("2024-01-01t00:00:00z", "1h")', INVALID),
    ('timeadd("2024-01-01T00:00:00.123456789Z", "1ns")', "2024-01-01T00:00:00Z"),
    ('timeadd("2024-01-01T00:00:00.5+01:00", "-0s")', "2024-01-01T00:00:00+01:00"),
    ("timestamp()", UNKNOWN),
    # files inside the module
    ('templatefile("policy.tpl", { name = "ci", actions = ["iam:Get", "iam:Put"] })',
     "Hello ci!\n- iam:Get\n- iam:Put\n"),
    ('templatefile("${path.module}/sub/inner.tpl", { x = "ab" })', "AB"),
    ('templatefile("policy.tpl", { name = "ci" })', INVALID),
    ('templatefile("strip.tpl", { n = 1e3 })', "[1000]"),
    ('templatefile("uses-var.tpl", {})', INVALID),
    ('templatefile("missing.tpl", {})', INVALID),
    ('templatefile("/etc/hostname", {})', UNKNOWN),
    ('templatefile("../outside.tpl", {})', UNKNOWN),
    ('file("doc.txt")', "line one\nline two\n"),
    ('file("${path.module}/doc.txt")', "line one\nline two\n"),
    ('fileexists("doc.txt")', True),
    ('fileexists("nope.txt")', False),
    ('fileexists("sub/inner.tpl")', True),
    ('fileexists("/etc/hostname")', UNKNOWN),
    ('fileexists("../elsewhere.txt")', UNKNOWN),
]


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Every expression of CASES, read by nhilint as one attribute of one resource."""
    root = tmp_path_factory.mktemp("functions")
    attributes = "".join(f"  e{i} = {expr}\n" for i, (expr, _) in enumerate(CASES))
    cwd = Path.cwd()
    os.chdir(root)
    try:
        model = Tf(root).model({"main.tf": f'resource "t_x" "r" {{\n{attributes}}}\n', **MODULE})
    finally:
        os.chdir(cwd)
    (resource,) = model.resources
    return {expr: resource.attributes.get(f"e{i}") for i, (expr, _) in enumerate(CASES)}


def _canonical(value: object) -> str:
    """A value as JSON text (bool is never a number, 2.0 is 2) for exact comparison."""
    return json.dumps(_normal(value), sort_keys=True, ensure_ascii=False)


def _normal(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("expr", "expected"), CASES, ids=[e for e, _ in CASES])
def test_expected_value(evaluated: dict[str, object], expr: str, expected: object) -> None:
    value = evaluated[expr]
    if isinstance(expected, _Marker):
        assert isinstance(value, Unknown), f"{expr} gave {value!r}, expected an Unknown"
        assert value.reason
    else:
        assert is_known(value), f"{expr} is {value!r}"
        assert _canonical(value) == _canonical(expected)


def _console(directory: Path, line: str) -> tuple[int, str]:
    result = subprocess.run(
        [str(TERRAFORM), "console"], input=line + "\n", capture_output=True, text=True,
        cwd=directory, timeout=60, env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull,
                                         "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"},
    )
    return result.returncode, result.stdout.strip()


def _decode(output: str) -> object:
    """``jsonencode(...)`` as printed by the console: a quoted string holding JSON."""
    return json.loads(json.loads(output))


@pytest.mark.skipif(TERRAFORM is None, reason="the terraform CLI is not installed (no oracle)")
def test_terraform_agrees(tmp_path: Path) -> None:
    """One console session for every valid expression, one per rejected expression."""
    for name, content in MODULE.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content if isinstance(content, str) else content.decode())
    valid = [(e, v) for e, v in CASES if not isinstance(v, _Marker)]
    invalid = [e for e, v in CASES if v is INVALID]
    batch = "jsonencode([" + ", ".join(valid_expr for valid_expr, _ in valid) + "])"
    code, output = _console(tmp_path, batch)
    assert code == 0, f"terraform console failed on the batch: {output}"
    got = _decode(output)
    assert isinstance(got, list)
    mismatches = [
        (expr, value, expected)
        for (expr, expected), value in zip(valid, got, strict=True)
        if _canonical(value) != _canonical(expected)
    ]
    assert not mismatches, f"terraform disagrees: {mismatches}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda e: _console(tmp_path, f"jsonencode({e})")[0], invalid))
    accepted = [e for e, c in zip(invalid, codes, strict=True) if c == 0]
    assert not accepted, f"terraform accepts expressions marked INVALID: {accepted}"


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("true ? 1 : length(aws_x.y.list)", 1),
        ("true ? 1 : aws_x.y.count + 1", 1),
        ('true ? 1 : "${aws_x.y.id}-x"', "1"),
        ('true ? "a" : aws_x.y.id', "a"),
        ("true ? true : aws_x.y.a == 1", True),
        ('true ? ["a"] : aws_x.y.list', ["a"]),
        ("true ? 1 : aws_x.y.id", UNKNOWN),
        ('true ? 1 : "${aws_x.y.id}"', UNKNOWN),
        ("true ? [1] : aws_x.y.list", UNKNOWN),
        ("true ? 1 : !aws_x.y.flag", UNKNOWN),
    ],
)
def test_conditional_beside_an_unknown_branch(tf: Tf, expr: str, expected: object) -> None:
    """The result converts to the other branch's type: known from its form, else Unknown."""
    value = tf.value(expr)
    if expected is UNKNOWN:
        assert isinstance(value, Unknown)
    else:
        assert _canonical(value) == _canonical(expected)


def test_exponent_numbers_are_read_with_their_lines(tf: Tf) -> None:
    """tree-sitter-hcl rejects ``1e3``: the reader still reads it, and nothing else moves."""
    model = tf.model({"main.tf": (
        'resource "t_x" "r" {\n'
        '  n = [1e3, 2E+2] # 1e3 in a comment\n'
        '  s = "id-1e3 ${5e0}"\n'
        '  h = <<EOT\n  1e3\n  EOT\n'
        "}\n"
        'resource "t_x" "after" {\n'
        "  v = 3e1\n"
        "}\n"
    )})
    assert model.diagnostics == ()
    resources = {r.address: r for r in model.resources}
    first = resources["t_x.r"]
    assert first.attributes == {"n": [1000, 200], "s": "id-1e3 5", "h": "  1e3\n"}
    assert (first.span.line, first.span.end_line) == (1, 7)
    assert first.span_of(("s",)).line == 3
    assert resources["t_x.after"].attributes == {"v": 30}
    assert resources["t_x.after"].span.line == 8


def test_a_malformed_exponent_is_still_a_syntax_error(tf: Tf) -> None:
    model = tf.model({"main.tf": 'resource "t_x" "r" {\n  v = 1e\n}\n'})
    assert [d.code for d in model.diagnostics] == ["NHI900"]


def test_templatefile_keeps_the_refs_of_unknown_variables(tf: Tf) -> None:
    value = tf.value(
        'templatefile("p.tpl", { arn = aws_iam_role.r.arn, n = "x" })',
        files={"p.tpl": '{"Resource": "${arn}", "N": "${n}"}'},
    )
    assert isinstance(value, Unknown)
    assert [r.address for r in value.refs] == ["aws_iam_role.r"]
    assert value.refs[0].attr == ("arn",)


def test_files_outside_the_module_are_not_read(tf: Tf) -> None:
    tf.write({"secret.txt": "s", "t.tpl": "t"})
    model = tf.model({"main.tf": (
        'resource "t_x" "r" {\n'
        '  f = file("../secret.txt")\n'
        '  t = templatefile("../t.tpl", {})\n'
        '  e = fileexists("../secret.txt")\n'
        '  d = fileexists("sub")\n'
        "}\n"
    ), "sub/x.txt": "x"}, "mod")
    (resource,) = model.resources
    for name in ("f", "t", "e", "d"):
        value = resource.attributes[name]
        assert isinstance(value, Unknown), name
    assert "outside the module" in resource.attributes["e"].reason
