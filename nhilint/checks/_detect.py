"""Secret material in a configuration string, found by detect-secrets' plugins.

Three ways a string is judged, each ending in an entropy guard (Shannon entropy, as
detect-secrets computes it, above :data:`GUARD`), so that placeholders (``changeme``,
``XXXXXXXX``) and identifiers never count:

* a known format (AWS access key id, private key, GitHub/Slack/Stripe tokens, JWT …):
  detect-secrets' regular-expression plugins, wherever the string is (the plugins of the
  installed ``detect_secrets`` package: nhilint depends on Bridgecrew's maintained fork,
  ``bc-detect-secrets``, the one checkov installs, so the two share an environment);
* a secret-named value (``password = "…"``, ``DB_SECRET: …``): detect-secrets' keyword plugin
  on the name and the value, unless the name names a reference rather than holds a value
  (``secret_arn``, ``password_length``);
* a high-entropy token (base64 above detect-secrets' own limit) in free-form text such as
  environment variables and user data, where the caller says the string is free-form.

detect-secrets is imported on first use (it brings ``requests``, a tenth of a second); strings
that none of the plugins could match are let through without it.  Nothing here keeps or shows
a secret: a :class:`Match` carries the kind and, for an AWS access key id, its public prefix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

#: matches of a known format below this entropy (bits per character) are placeholders
#: (``AKIAXXXXXXXXXXXXXXXX``), not secrets
GUARD = 3.0
#: the same for a guess by name: lower, since placeholders made of words are told apart
#: by their shape (``p@ssw0rd123`` is a password; ``changeme`` is not)
NAMED_GUARD = 2.5
#: detect-secrets' default limit for base64 high-entropy strings
HIGH_ENTROPY = 4.5
#: the secret types that are no secret (detect-secrets also finds public IP addresses)
_NOT_SECRETS = frozenset({"Public IP (ipv4)"})
#: the plugins handled apart from the regular-expression ones
_KEYWORD = "Secret Keyword"
_ENTROPY = ("Base64 High Entropy String", "Hex High Entropy String")
_PRIVATE_KEY = "Private Key"
_AWS_KEY = "AWS Access Key"
#: a name that names a reference, a setting or a length rather than holding a secret
_REFERENCE_NAME = re.compile(
    r"(?:^|[_.\-])(?:arn|arns|id|ids|name|names|path|paths|prefix|length|type|version|policy|"
    r"ttl|count|days|enabled|required|format|mode|parameter|param|ref|reference|rotation|"
    r"recovery|window|reset|config|kms|usage|source)$",
    re.IGNORECASE,
)
#: a cheap over-approximation of what any plugin could match: a token-like run, a key
#: marker, credentials in a URL, or a secret-sounding name (the plugins then decide)
_MAYBE = re.compile(
    r"[A-Za-z0-9+/=_\-]{16,}|PRIVATE KEY|PuTTY-User-Key|://[^/\s:@]+:[^/\s@]+@",
)
#: a word of a name, possibly with a digit or two inside (``k8s``, ``i18n``)
_WORD = r"[a-z]+(?:\d{1,2}[a-z]+)?"
#: a placeholder or a name: words of one case and separators (``REPLACE_ME``,
#: ``admin/db_password``, ``changeme``), three or more such lower-case words
#: (``tfc-agent-k8s-secrets``, the name of a secret), or one capitalised word (``Placeholder``)
_WORDS = re.compile(
    rf"[a-z]+(?:[-_./ ]+[a-z]+)*|{_WORD}(?:[-_./]+{_WORD}){{2,}}"
    r"|[A-Z]+(?:[-_./ ]+[A-Z]+)*|[A-Z][a-z]+"
)
_SECRET_NAME = re.compile(r"pass|pwd|secret|key|token|auth|contrase", re.IGNORECASE)
#: a resource path of three or more words and numbers (``projects/123/locations/global/
#: workloadIdentityPools/ci``): base64's alphabet, an identifier's shape, no token
_SEGMENT = r"(?:\d+|[A-Za-z][a-z]+(?:[A-Z][a-z]+)*(?:[-_.][a-z0-9]+)*)"
_RESOURCE_PATH = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT}){{2,}}")


class Match(NamedTuple):
    """What was found: detect-secrets' secret type and what a message may show of it
    (an AWS access key id's four-character prefix, else ``""``)."""

    kind: str
    prefix: str = ""


def find(name: str, text: str, *, free: bool = False) -> Match | None:
    """The secret material in ``text`` (the value of ``name``), if any.

    ``free``: the text is free-form (environment variables, user data, a parameter value), so
    a high-entropy token counts even without a secret-sounding name.  Multi-line text is read
    line by line, as detect-secrets reads a file.
    """
    if not _worth_scanning(name, text):
        return None
    lines = text.splitlines()
    if len(lines) > 1:  # a known format may span lines (a private key), the rest is by line
        found = _format(text)
        return found or next(
            (m for line in lines if (m := _line(line, free, assignment=False))), None
        )
    line = f'{name} = "{text}"'
    return _format(line) or _line(line, free, assignment=True, name=name)


def looks_secret(text: str) -> bool:
    """A value that passes the entropy guard (for arguments that hold a secret whatever they
    are named)."""
    return "\n" not in text and _guarded(text, text)


def _worth_scanning(name: str, text: str) -> bool:
    if len(text) < 8:
        return False
    return bool(_MAYBE.search(text) or _SECRET_NAME.search(name) or "\n" in text)


def _format(text: str) -> Match | None:
    """A known format in ``text``: detect-secrets' regular-expression plugins."""
    for plugin in _plugins().patterns:
        for index, regex in enumerate(plugin.denylist):
            for found in regex.finditer(text):
                whole = found.group(0)
                if plugin.secret_type == _PRIVATE_KEY or (
                    _entropy(whole) > GUARD and not _filtered(whole, text, by_format=True)
                ):
                    return _format_match(plugin.secret_type, index, whole)
    return None


def _line(line: str, free: bool, *, assignment: bool, name: str = "") -> Match | None:
    """A guess on one line: by a secret-sounding name, or by entropy in free-form text."""
    if not (assignment and _REFERENCE_NAME.search(name)):
        groups = _plugins().keyword_groups[0 if assignment else 1]
        for secret in _plugins().keyword.analyze_string(line, groups):
            if _guarded(secret, line):
                return Match(_KEYWORD)
    if free:
        entropy = _plugins().entropy
        for secret in entropy.analyze_string(line):
            if entropy.calculate_shannon_entropy(secret) > HIGH_ENTROPY and not _filtered(
                secret, line
            ) and not _RESOURCE_PATH.fullmatch(secret):
                return Match(entropy.secret_type)
    return None


def _format_match(kind: str, index: int, whole: str) -> Match:
    """A known format's match; the AWS plugin's first expression is an access key id, whose
    first four characters (its public type prefix) may be shown, its second a secret key."""
    if kind != _AWS_KEY:
        return Match(kind)
    return Match("AWS access key id", whole[:4] + "…") if index == 0 else Match(
        "AWS secret access key"
    )


def _guarded(secret: str, line: str) -> bool:
    """A guessed secret (by its name, by the argument holding it) that passes the guard:
    random enough, and not a placeholder made of words (``REPLACE_ME``, ``my-secret-key``)
    nor a sentence."""
    return (
        len(secret) >= 8 and not any(c.isspace() for c in secret)
        and _entropy(secret) > NAMED_GUARD and not _WORDS.fullmatch(secret)
        and not _filtered(secret, line)
    )


def _filtered(secret: str, line: str, *, by_format: bool = False) -> bool:
    """detect-secrets' own heuristics for strings that are no secret (the id heuristic is,
    as in detect-secrets, for guesses only, not for known formats)."""
    from detect_secrets.filters import heuristic

    return bool(
        heuristic.is_sequential_string(secret)
        or heuristic.is_potential_uuid(secret)
        or heuristic.is_templated_secret(secret)
        or heuristic.is_prefixed_with_dollar_sign(secret)
        or heuristic.is_not_alphanumeric_string(secret)
        or (not by_format and heuristic.is_likely_id_string(secret, line))
    )


def _entropy(text: str) -> float:
    return float(_plugins().entropy.calculate_shannon_entropy(text))


class _Plugins(NamedTuple):
    patterns: tuple[Any, ...]
    keyword: Any
    #: the keyword plugin's expressions for an assignment and for a line of free-form text
    keyword_groups: tuple[Any, Any]
    entropy: Any


@functools.cache
def _plugins() -> _Plugins:
    """detect-secrets' plugins, imported and made once."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.plugins import keyword
    from detect_secrets.plugins.base import RegexBasedDetector
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString

    classes: dict[str, type[Any]] = dict(get_mapping_from_secret_type_to_class())
    patterns = tuple(
        cls() for kind, cls in sorted(classes.items())
        if issubclass(cls, RegexBasedDetector) and kind not in _NOT_SECRETS
        and kind != _KEYWORD and kind not in _ENTROPY
    )
    groups = (keyword.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
              keyword.CONFIG_DENYLIST_REGEX_TO_GROUP)
    return _Plugins(patterns, keyword.KeywordDetector(), groups,
                    Base64HighEntropyString(limit=HIGH_ENTROPY))


def kinds() -> Iterator[str]:
    """Every kind of secret :func:`find` can report (for documentation and tests)."""
    yield from (p.secret_type for p in _plugins().patterns)
    yield _KEYWORD
    yield _plugins().entropy.secret_type
