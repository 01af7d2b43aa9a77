"""No secret value written in any fixture reaches any report format, whole or in part.

The secrets are the values planted in ``fixtures/NHI013`` (listed here, and each checked to be
in a fixture), every string assigned on a line where NHI013 is expected, and every value assigned
to a secret-named argument anywhere in the fixtures.  Every fixture case is scanned and
rendered in every format, its suppressed findings listed too; no twelve characters in a row of
any secret may appear (messages may show an access key id's four-character prefix).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from nhilint.engine import Options, scan
from nhilint.report import RENDERERS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CASES = sorted({p.parent for p in FIXTURES.rglob("*.tf")})
#: the secret values planted in fixtures/NHI013 (in .tf files and the scripts they read)
PLANTED = (
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI/K7MDENG0",
    "MIIEpAIBAAKCAQEAnhilintEXAMPLEonlyNotARealKeyAtAllPleaseDoNotUse0000",
    "Zq8!vR2#mK9pL4xT",
    "Tx7hQ9vLm2KpR4sWz8NcY3bJf6GdE1aU0iOo",
    "ghp_EXAMPLE4n7Ty0k3nF0rT3st1ngNh1l1nt000",
    "pK4vN8qZ2wX6rT1y",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaS1ydW5uZXIifQ.bmhpbGludC1leGFtcGxlLXNpZ25hdHVyZQ",
    "https://hooks.slack.com/services/T00000000/B00000000/EXAMPLEexampleEXAMPLE1234",
    "xoxb-1234567890-0987654321-EXAMPLEslackBotToken",
    "Hq3ZtW8mLx2VbN7cKp4RsY9fGd6JeA1uT0oE",
    "c7Rk2pW9xQ4mZ8vL1nB6",
)
WINDOW = 12
_QUOTED = re.compile(r'=\s*"([^"\n]{8,})"')
_EXPECTED = re.compile(r"(?:#|//)\s*expect:[^\n]*NHI013")
_SECRET_ARGUMENT = re.compile(
    r'\b(?:secret|secret_key|access_key|password|token|private_key|api_key)\s*=\s*"([^"\n]{8,})"'
)


def fixture_text() -> Iterator[str]:
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file():
            yield path.read_text(encoding="utf-8")


def secrets() -> set[str]:
    found = set(PLANTED)
    for text in fixture_text():
        for line in text.splitlines():
            if _EXPECTED.search(line):
                found.update(_QUOTED.findall(line.split("#", 1)[0]))
            found.update(_SECRET_ARGUMENT.findall(line))
    return {s for s in found if "${" not in s}


def windows(secret: str) -> set[str]:
    """Every run of :data:`WINDOW` characters of ``secret`` (the whole of a shorter one),
    but runs of digits (account ids are such runs)."""
    if len(secret) <= WINDOW:
        return {secret}
    runs = {secret[i : i + WINDOW] for i in range(len(secret) - WINDOW + 1)}
    return {r for r in runs if not r.isdigit()}


def test_the_planted_secrets_are_in_the_fixtures() -> None:
    text = "\n".join(fixture_text())
    assert [s for s in PLANTED if s not in text] == []
    assert len(secrets()) > len(PLANTED)  # the fixtures' own secret-named values are read too


def test_a_report_showing_a_secret_fails_the_check() -> None:
    out = f"message: {PLANTED[1][3:3 + WINDOW]}…"
    assert any(w in out for s in secrets() for w in windows(s))


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(FIXTURES)) for c in CASES])
def test_no_format_shows_a_secret(case: Path, in_repo: Path) -> None:
    result = scan([case.relative_to(ROOT)], Options())
    result = dataclasses.replace(result, show_suppressed=True)
    pieces = {w for s in secrets() for w in windows(s)}
    for name, render in RENDERERS.items():
        out = render(result).replace("\\", "")  # formats escape: a\_b, \/
        shown = sorted(p for p in pieces if p in out)
        assert shown == [], f"{name} report of {case.name} shows {shown}"


def test_the_text_report_quotes_no_line_holding_a_secret(in_repo: Path) -> None:
    text = RENDERERS["text"](scan([Path("fixtures/NHI013/provider_keys")], Options()))
    assert "provider.aws secret_key holds a literal AWS secret access key" in text
    assert "    | " not in text  # the code line of the provider's findings is left out
    outputs = RENDERERS["text"](scan([Path("fixtures/NHI013/outputs")], Options()))
    assert '    | output "mailer_secret" {' in outputs  # a line without the secret is shown
