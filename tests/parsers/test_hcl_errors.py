from __future__ import annotations

import os
from pathlib import Path

import pytest
from hcl_helpers import Tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nhilint.model import Diagnostic, Model, Unknown, is_known
from nhilint.parsers import discover_modules, parse_module
from nhilint.parsers.hcl import source

GOOD = 'resource "aws_iam_user" "ok" {\n  name = "ok"\n}\n'


def test_syntax_error_is_reported_and_clean_blocks_are_still_read(tf: Tf) -> None:
    model = tf.model({
        "broken.tf": (
            'resource "aws_iam_user" "before" {\n  name = "a"\n}\n'
            'resource "aws_iam_user" "bad" {\n  name = \n  }\n}\n'
            'resource "aws_iam_user" "after" {\n  name = "c"\n}\n'
        ),
        "good.tf": GOOD,
    })
    (diagnostic,) = model.diagnostics
    assert diagnostic.code == "NHI900"
    assert diagnostic.path == "broken.tf"
    assert diagnostic.line in (5, 6, 7)
    assert diagnostic.message.startswith("syntax error: ")
    addresses = [r.address for r in model.resources]
    assert "aws_iam_user.before" in addresses
    assert "aws_iam_user.ok" in addresses
    assert "aws_iam_user.bad" not in addresses


def test_unexpected_token_message(tf: Tf) -> None:
    model = tf.model({"main.tf": GOOD + "}\n"})
    assert model.diagnostics == (
        Diagnostic("NHI900", "main.tf", 4, "syntax error: unexpected '}'"),
    )
    assert [r.address for r in model.resources] == ["aws_iam_user.ok"]


def test_missing_token_message(tf: Tf) -> None:
    model = tf.model({"main.tf": 'locals {\n  a = [1,\n}\n'})
    (diagnostic,) = model.diagnostics
    assert diagnostic.line == 2
    assert "syntax error" in diagnostic.message


def test_non_utf8_file(tf: Tf) -> None:
    model = tf.model({"latin1.tf": b'# caf\xe9\nresource "a" "b" {}\n', "good.tf": GOOD})
    assert model.diagnostics == (
        Diagnostic("NHI900", "latin1.tf", 1, "file is not valid UTF-8 text"),
    )
    assert [r.address for r in model.resources] == ["aws_iam_user.ok"]


def test_binary_file(tf: Tf) -> None:
    model = tf.model({"blob.tf": bytes(range(256)) * 4, "good.tf": GOOD})
    assert [d.path for d in model.diagnostics] == ["blob.tf"]
    assert [r.address for r in model.resources] == ["aws_iam_user.ok"]


def test_nul_bytes_in_valid_utf8(tf: Tf) -> None:
    model = tf.model({"nul.tf": b'resource "a" "b" {\x00\x00}\n', "good.tf": GOOD})
    assert [d.path for d in model.diagnostics] == ["nul.tf"]


def test_bom_is_accepted(tf: Tf) -> None:
    model = tf.model({"bom.tf": b"\xef\xbb\xbf" + GOOD.encode()})
    assert model.diagnostics == ()
    assert [r.address for r in model.resources] == ["aws_iam_user.ok"]


def test_huge_file_is_reported_not_read(tf: Tf, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 1000)
    model = tf.model({"huge.tf": "# " + "x" * 2000 + "\n", "good.tf": GOOD})
    assert model.diagnostics == (
        Diagnostic("NHI900", "huge.tf", 1, "file is larger than 1000 bytes"),
    )


def test_directory_named_like_a_tf_file_is_skipped(tf: Tf) -> None:
    (tf.root / "dir.tf").mkdir()
    model = tf.model({"good.tf": GOOD})
    assert model.diagnostics == ()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tf: Tf) -> None:
    tf.write({"secret.tf": GOOD})
    (tf.root / "secret.tf").chmod(0)
    model = parse_module(tf.root)
    assert model.diagnostics[0].message.startswith("cannot read file")


def test_fifo_is_not_read(tf: Tf) -> None:
    os.mkfifo(tf.root / "pipe.tf")
    model = tf.model({"good.tf": GOOD})
    assert [r.address for r in model.resources] == ["aws_iam_user.ok"]


def test_missing_directory(tf: Tf) -> None:
    model = parse_module(tf.root / "nope")
    assert [d.message for d in model.diagnostics] == ["not a directory"]


def test_deeply_nested_blocks(tf: Tf) -> None:
    depth = 600
    nested = "a {\n" * depth + "}\n" * depth
    model = tf.model({"main.tf": 'resource "t_x" "r" {\n' + nested + "}\n"})
    assert [r.address for r in model.resources] == ["t_x.r"]


def test_deeply_nested_expression_in_locals(tf: Tf) -> None:
    depth = 2000
    model = tf.model({"main.tf": (
        "locals {\n  x = " + "(" * depth + "1" + ")" * depth + "\n}\n"
        'resource "t_x" "r" {\n  v = local.x\n}\n'
    )})
    assert [r.address for r in model.resources] == ["t_x.r"]


def test_resource_without_labels_is_reported(tf: Tf) -> None:
    model = tf.model({"main.tf": 'resource "only_type" {\n}\n' + GOOD})
    assert [r.address for r in model.resources] == ["aws_iam_user.ok"]
    assert model.diagnostics[0].line == 1


class TestDiscover:
    def test_finds_module_directories_sorted(self, tmp_path: Path) -> None:
        for directory in ("b", "a", "a/nested", ".hidden", "a/.terraform/modules/m", "empty"):
            (tmp_path / directory).mkdir(parents=True, exist_ok=True)
        for directory in ("b", "a", "a/nested", ".hidden", "a/.terraform/modules/m"):
            (tmp_path / directory / "main.tf").write_text(GOOD)
        (tmp_path / "empty" / "notes.md").write_text("x")
        expected = [tmp_path / "a", tmp_path / "a/nested", tmp_path / "b"]
        assert discover_modules([tmp_path]) == expected

    def test_file_argument_means_its_directory(self, tmp_path: Path) -> None:
        (tmp_path / "m").mkdir()
        (tmp_path / "m" / "main.tf").write_text(GOOD)
        (tmp_path / "m" / "terraform.tfvars").write_text("")
        assert discover_modules([tmp_path / "m" / "main.tf"]) == [tmp_path / "m"]
        assert discover_modules([tmp_path / "m" / "terraform.tfvars"]) == [tmp_path / "m"]
        assert discover_modules([tmp_path / "m" / "main.tf", tmp_path]) == [tmp_path / "m"]

    def test_symlink_loop_and_dangling_links(self, tmp_path: Path) -> None:
        (tmp_path / "m").mkdir()
        (tmp_path / "m" / "main.tf").write_text(GOOD)
        (tmp_path / "m" / "loop").symlink_to(tmp_path)
        (tmp_path / "m" / "self").symlink_to(tmp_path / "m" / "self")
        (tmp_path / "m" / "dangling.tf").symlink_to(tmp_path / "nowhere.tf")
        (tmp_path / "dangling_dir").symlink_to(tmp_path / "nowhere")
        assert discover_modules([tmp_path]) == [tmp_path / "m"]
        model = parse_module(tmp_path / "m")
        assert [r.address for r in model.resources] == ["aws_iam_user.ok"]

    def test_symlinked_module_is_found_once(self, tmp_path: Path) -> None:
        (tmp_path / "real").mkdir()
        (tmp_path / "real" / "main.tf").write_text(GOOD)
        (tmp_path / "z_link").symlink_to(tmp_path / "real")
        assert len(discover_modules([tmp_path])) == 1

    def test_missing_path(self, tmp_path: Path) -> None:
        assert discover_modules([tmp_path / "nope"]) == []


HCL_PIECES = st.sampled_from([
    'resource "a" "b" {', "}", "{", "[", "]", "(", ")", '"', "${", "%{", "<<EOF\n", "EOF\n",
    "<<-X\n", "=", "\n", "var.x", "local.y", " ? ", " : ", "for x in y :", "...", "dynamic",
    "count = ", "for_each = ", "jsonencode(", ",", "#", "//", "/*", "*/", "1", "-1.5",
    "locals {", "variable \"x\" {", "default = ", "x = local.x", "each.key", "count.index",
])


def fuzz(examples: int) -> settings:
    checks = [HealthCheck.function_scoped_fixture]
    return settings(max_examples=examples, deadline=None, suppress_health_check=checks)


@fuzz(150)
@given(pieces=st.lists(HCL_PIECES, max_size=60), raw=st.binary(max_size=200))
def test_random_input_never_raises(tmp_path: Path, pieces: list[str], raw: bytes) -> None:
    directory = tmp_path / "fuzz"
    directory.mkdir(exist_ok=True)
    (directory / "a.tf").write_text("".join(pieces), encoding="utf-8")
    (directory / "b.tf").write_bytes(raw)
    (directory / "terraform.tfvars").write_text("".join(reversed(pieces)), encoding="utf-8")
    model = parse_module(directory)
    assert isinstance(model, Model)
    assert all(d.code == "NHI900" and "internal error" not in d.message for d in model.diagnostics)


@fuzz(100)
@given(text=st.text(max_size=300))
def test_random_text_never_raises(tmp_path: Path, text: str) -> None:
    directory = tmp_path / "fuzz_text"
    directory.mkdir(exist_ok=True)
    (directory / "main.tf").write_text(text, encoding="utf-8", errors="surrogatepass")
    model = parse_module(directory)
    assert all("internal error" not in d.message for d in model.diagnostics)


def _doubling(template: str, levels: int = 64) -> str:
    lines = ['  l0 = "ab"'] + [
        f"  l{i} = {template.format(p=f'local.l{i - 1}')}" for i in range(1, levels)
    ]
    return "locals {\n" + "\n".join(lines) + "\n}\n"


def test_string_doubling_through_locals_is_bounded(tf: Tf) -> None:
    value = tf.value("local.l63", _doubling('"${{{p}}}${{{p}}}"'))
    assert isinstance(value, Unknown)
    assert "too long" in value.reason


def test_list_doubling_through_locals_is_bounded(tf: Tf) -> None:
    extra = _doubling("[{p}, {p}]")
    value = tf.value("[local.l63, jsonencode(local.l63), length(flatten(local.l63))]", extra)
    assert isinstance(value, list)
    assert not is_known(value[0])
    assert isinstance(value[1], Unknown)
    assert isinstance(value[2], Unknown)


def test_nested_loops_are_bounded(tf: Tf) -> None:
    value = tf.value(
        "[for a in range(1024) : [for b in range(1024) : [for c in range(1024) : c]]]"
    )
    assert isinstance(value, Unknown)


@pytest.mark.parametrize(
    "expr",
    [
        'replace(local.s, "", local.s)',
        'format("%999999999d", 1)',
        "indent(100000000, local.s)",
        'join(local.s, [for i in range(1024) : local.s])',
        'split("", local.s)',
    ],
)
def test_string_functions_are_bounded(tf: Tf, expr: str) -> None:
    extra = 'locals {\n  s = "${join("\\n", [for i in range(1024) : "abcdefghij"])}"\n}\n'
    value = tf.value(f"length({expr})", extra)
    assert isinstance(value, Unknown) or value < 5_000_000
