"""Where a platform's configuration holds secret material: platform-neutral shapes, filled
by each adapter from its data file and read by the secret-exposure rule.

* ``exported``: attributes whose value is a secret (``aws_iam_access_key.secret``); an output
  that shows one must be sensitive.
* ``arguments``: arguments whose literal value is a secret written in the code (the AWS
  provider's ``secret_key``), possibly only when sibling arguments say so (``when``).
* ``text``: free-form arguments where secrets get pasted (environment variables, user data),
  scanned for high-entropy tokens as well as for known formats.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from nhilint.identity.data import DataFileError, read_data
from nhilint.model import AttrPath

#: the block name of a provider's own arguments (``provider.aws``), for :attr:`arguments`
PROVIDER = "provider.{name}"
#: a :class:`Place` path step matching every list index
ANY = "*"
#: the ``text`` key whose places every resource type has (``tags``)
EVERY_TYPE = "*"


class Secret(NamedTuple):
    """What a secret-bearing attribute holds (``AWS secret access key``), the sibling values
    that make it secret (``{"type": "SecureString"}``; empty: always), and the platform whose
    data says so (for its fix hints)."""

    kind: str
    when: Mapping[str, str] = {}
    platform: str = ""


class Place(NamedTuple):
    """A free-form argument: its path (``ANY`` matches a list index), the sibling argument that
    names its value (``name`` of an SSM parameter), and how the value is encoded
    (``""``, ``"base64"``, ``"json"``)."""

    path: AttrPath
    named_by: str = ""
    encoding: str = ""


@dataclasses.dataclass(frozen=True)
class SecretCatalog:
    """One platform's (or every platform's, merged) secret-bearing attributes."""

    exported: Mapping[str, Mapping[str, Secret]] = dataclasses.field(default_factory=dict)
    arguments: Mapping[str, Mapping[str, Secret]] = dataclasses.field(default_factory=dict)
    text: Mapping[str, tuple[Place, ...]] = dataclasses.field(default_factory=dict)

    def places(self, block: str) -> tuple[Place, ...]:
        """The free-form places of a resource type, those of every type included."""
        return self.text.get(block, ()) + self.text.get(EVERY_TYPE, ())

    @classmethod
    def merge(cls, parts: Iterable[SecretCatalog]) -> SecretCatalog:
        exported: dict[str, Mapping[str, Secret]] = {}
        arguments: dict[str, Mapping[str, Secret]] = {}
        text: dict[str, tuple[Place, ...]] = {}
        for part in parts:
            exported.update(part.exported)
            arguments.update(part.arguments)
            for key, places in part.text.items():
                text[key] = text.get(key, ()) + places
        return cls(exported, arguments, text)


def load_secrets(name: str, platform: str) -> SecretCatalog:
    """The catalog in ``nhilint/data/<name>`` (see ``nhilint/data/aws_secrets.json``)."""
    data = read_data(name)
    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        return SecretCatalog(
            _secrets(data["exported"], platform), _secrets(data["arguments"], platform),
            _text(data["text"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise DataFileError(f"data/{name} is malformed: {error!r}") from error


def _secrets(
    section: Mapping[str, Mapping[str, object]], platform: str,
) -> dict[str, Mapping[str, Secret]]:
    found: dict[str, Mapping[str, Secret]] = {}
    for block, entry in section.items():
        when = _strings(entry.get("when", {}))
        found[block] = {
            a: Secret(k, when, platform) for a, k in _strings(entry["attributes"]).items()
        }
    return found


def _text(section: Mapping[str, Mapping[str, object]]) -> dict[str, tuple[Place, ...]]:
    found: dict[str, tuple[Place, ...]] = {}
    for block, entry in section.items():
        places = entry["places"]
        if not isinstance(places, list):
            raise TypeError(f"{block}: places is not a list")
        found[block] = tuple(
            Place(tuple(p["path"]), p.get("named_by", ""), p.get("encoding", "")) for p in places
        )
    return found


def _strings(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError(f"expected an object of strings, got {value!r}")
    return {str(k): v for k, v in value.items()}
