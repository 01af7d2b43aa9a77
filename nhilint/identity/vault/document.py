"""A strict reader of Vault ACL policy documents: the HCL (or JSON) text a ``vault_policy``
holds in its ``policy`` string.

Vault's policy syntax (https://developer.hashicorp.com/vault/docs/concepts/policies) is a list
of ``path "<pattern>" { … }`` blocks; each names its ``capabilities`` (``create``, ``read``,
``update``, ``patch``, ``delete``, ``list``, ``sudo``, ``deny``, ``subscribe``, ``recover``)
or, in the legacy form, a ``policy = "read" | "write" | "sudo" | "deny"``, and may restrict
parameters and wrapping TTLs.  The same document may be written as JSON
(``{"path": {"<pattern>": {"capabilities": […]}}}``).

Only that grammar is read: anything else (a key Vault does not accept, an unterminated string,
a Terraform template left in the text) makes the whole document unreadable, and the caller
reports it as not known (NHI901) rather than guess at what it grants.  Nothing here knows
which paths alter identity (that is :mod:`.catalog`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import NamedTuple

#: the keys Vault accepts inside a path block
#: (https://developer.hashicorp.com/vault/docs/concepts/policies#parameter-constraints …)
_KEYS = frozenset({
    "capabilities", "policy", "allowed_parameters", "denied_parameters", "required_parameters",
    "min_wrapping_ttl", "max_wrapping_ttl", "control_group", "mfa_methods",
    "subscribe_event_types",
})
#: the legacy ``policy = "…"`` values and the capabilities Vault expands them to
#: (vault/policy.go: ``expandLegacyPolicy``)
_LEGACY = {
    "deny": ("deny",),
    "read": ("read", "list"),
    "write": ("create", "read", "update", "delete", "list"),
    "sudo": ("create", "read", "update", "delete", "list", "sudo"),
}
_TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+)
  | (?P<newline>\n)
  | (?P<comment>(?:\#|//)[^\n]*)
  | (?P<block>/\*(?:.|\n)*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<punct>[{}\[\]=,:])
""", re.VERBOSE)


class Rule(NamedTuple):
    """One path block: the path pattern, its capabilities, and its line in the text
    (0-based)."""

    path: str
    capabilities: tuple[str, ...]
    line: int


class PolicyError(ValueError):
    """The text is not a Vault policy document nhilint can read."""


def read(text: str) -> tuple[Rule, ...]:
    """The path rules of a policy document (HCL or JSON), in order."""
    if text.lstrip().startswith("{"):
        return _json(text)
    return _Parser(text).document()


def _json(text: str) -> tuple[Rule, ...]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise PolicyError(f"not valid JSON: {error}") from error
    if not isinstance(data, dict) or set(data) - {"path"}:
        raise PolicyError("a JSON policy is an object with one key, path")
    paths = data.get("path", {})
    if not isinstance(paths, dict):
        raise PolicyError("path is not an object")
    return tuple(_rule(str(p), body, 0) for p, body in paths.items())


def _rule(path: str, body: object, line: int) -> Rule:
    if not isinstance(body, dict):
        raise PolicyError(f"the rule for {path} is not a block")
    unknown = set(body) - _KEYS
    if unknown:
        raise PolicyError(f"the rule for {path} has keys Vault does not accept: "
                          f"{', '.join(sorted(unknown))}")
    capabilities = body.get("capabilities")
    legacy = body.get("policy")
    found: list[str] = []
    if capabilities is not None:
        if not isinstance(capabilities, list) or not all(isinstance(c, str) for c in capabilities):
            raise PolicyError(f"the capabilities of {path} are not a list of strings")
        found += [c.lower() for c in capabilities]
    if legacy is not None:
        if not isinstance(legacy, str) or legacy.lower() not in _LEGACY:
            raise PolicyError(f"the legacy policy of {path} is not read, write, sudo or deny")
        found += _LEGACY[legacy.lower()]
    return Rule(path, tuple(dict.fromkeys(found)), line)


class _Token(NamedTuple):
    kind: str
    text: str
    line: int


class _Parser:
    """A recursive-descent reader of the HCL subset policies are written in."""

    def __init__(self, text: str) -> None:
        self.tokens = list(_tokens(text))
        self.at = 0

    def document(self) -> tuple[Rule, ...]:
        rules: list[Rule] = []
        while not self._done():
            word = self._take("word")
            if word.text != "path":
                raise PolicyError(f"line {word.line + 1}: {word.text} is not a path block")
            path = _unquote(self._take("string").text)
            self._skip_punct("=")
            body = self._object()
            rules.append(_rule(path, body, word.line))
        return tuple(rules)

    def _done(self) -> bool:
        return self.at >= len(self.tokens)

    def _peek(self) -> _Token | None:
        return None if self._done() else self.tokens[self.at]

    def _take(self, kind: str, text: str | None = None) -> _Token:
        token = self._peek()
        if token is None or token.kind != kind or (text is not None and token.text != text):
            where = f"line {token.line + 1}" if token else "the end"
            raise PolicyError(f"{where}: expected {text or kind}")
        self.at += 1
        return token

    def _skip_punct(self, text: str) -> None:
        token = self._peek()
        if token is not None and token.kind == "punct" and token.text == text:
            self.at += 1

    def _object(self) -> dict[str, object]:
        self._take("punct", "{")
        found: dict[str, object] = {}
        while True:
            token = self._peek()
            if token is None:
                raise PolicyError("the end: expected }")
            if token.kind == "punct" and token.text == "}":
                self.at += 1
                return found
            if token.kind == "punct" and token.text == ",":
                self.at += 1
                continue
            key = self._take(token.kind if token.kind in ("word", "string") else "word")
            name = _unquote(key.text) if key.kind == "string" else key.text
            following = self._peek()
            if following is not None and following.kind == "punct" and following.text in "=:":
                self.at += 1
            found[name] = self._value()

    def _value(self) -> object:
        token = self._peek()
        if token is None:
            raise PolicyError("the end: expected a value")
        if token.kind == "string":
            self.at += 1
            return _unquote(token.text)
        if token.kind == "number":
            self.at += 1
            return token.text
        if token.kind == "word" and token.text in ("true", "false"):
            self.at += 1
            return token.text == "true"
        if token.kind == "punct" and token.text == "[":
            return self._list()
        if token.kind == "punct" and token.text == "{":
            return self._object()
        raise PolicyError(f"line {token.line + 1}: {token.text} is not a value")

    def _list(self) -> list[object]:
        self._take("punct", "[")
        found: list[object] = []
        while True:
            token = self._peek()
            if token is not None and token.kind == "punct" and token.text == "]":
                self.at += 1
                return found
            found.append(self._value())
            token = self._peek()
            if token is not None and token.kind == "punct" and token.text == ",":
                self.at += 1
            elif token is None or token.text != "]":
                raise PolicyError("a list is not closed")


def _tokens(text: str) -> Iterator[_Token]:
    pos, line = 0, 0
    while pos < len(text):
        found = _TOKEN.match(text, pos)
        if found is None:
            raise PolicyError(f"line {line + 1}: unexpected {text[pos]!r}")
        kind = found.lastgroup or ""
        value = found.group(0)
        if kind in ("string", "number", "word", "punct"):
            yield _Token(kind, value, line)
        line += value.count("\n")
        pos = found.end()


def _unquote(text: str) -> str:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise PolicyError(f"{text} is not a string") from error
    if not isinstance(value, str):
        raise PolicyError(f"{text} is not a string")
    return value
