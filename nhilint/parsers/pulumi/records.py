"""Pulumi resource records to a :class:`~nhilint.model.Model`: what every reader of engine
resource states shares.

A :class:`Record` is one resource as the engine holds it: URN, type token, logical name,
properties (camelCase, Pulumi's value shapes), the provider reference, the outputs other
resources' inputs may equal, the per-property dependencies and where it is declared.  The
preview/stack-export reader (:mod:`nhilint.parsers.pulumi_json.read`) and the CrossGuard policy
pack (:mod:`nhilint.integrations.pulumi_policy`) both make records and call :func:`model_of`,
so a stack is judged the same whichever way nhilint sees it.

* ``pulumi:providers:<pkg>`` records are provider configurations (object-valued provider
  config arrives JSON-encoded in a string, ``"defaultTags": "{\\"tags\\":...}"``, and is
  decoded); records that are not custom (components, the stack) are not resources, but the
  stack's outputs are the program's outputs.
* values: the string ``"[secret]"`` and the secret object ``{"4dabf18193072939515e22adb298388d":
  "1b47061264138c4ac30d75fd1eb44270", ...}`` are :class:`~nhilint.model.Unknown` and marked
  sensitive (nhilint never reads a secret's value); so is any value at a path the record lists
  in ``secrets``.  The unknown sentinels (``04da6b54-80e4-46f7-96ec-b56ff0331ba9`` for a
  string, and the other ``UNKNOWN_*_VALUE`` of ``pulumi_policy/proxy.py``) are Unknown known
  after apply, referring to the resources ``dependencies`` names for that property, so a key
  whose ``user`` is not known yet still belongs to its user.  A known input that is exactly an
  output of a resource it depends on (an export's ``user = "ci-deployer-5a1f3c9"``, the user's
  ``name``) is that reference, as the program wrote it (``aws_iam_user.ci-deployer.name``).
  Assets, archives and resource references are Unknown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from nhilint.model import (
    AttrPath,
    Cause,
    Diagnostic,
    Model,
    Output,
    Provider,
    Ref,
    Resource,
    Span,
    Unknown,
)
from nhilint.parsers.pulumi.tokens import provider_package, resource_type
from nhilint.parsers.pulumi.urns import Addresses, parse_urn
from nhilint.parsers.pulumi.values import Special, attributes, property_name

__all__ = ["SECRET_TEXT", "UNKNOWN", "UNKNOWNS", "Record", "model_of"]

#: the engine's unknown string (``pkg/resource/stack/deployment.go`` ``computedValuePlaceholder``)
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: every unknown sentinel a policy pack may see (``pulumi_policy/proxy.py`` ``UNKNOWN_*_VALUE``:
#: string, boolean, number, array, asset, archive, object)
UNKNOWNS = frozenset({
    UNKNOWN,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
})
SECRET_TEXT = "[secret]"
SIG = "4dabf18193072939515e22adb298388d"
_SIGS = {
    "1b47061264138c4ac30d75fd1eb44270": "a secret",
    "c44067f5952c0a294b673a41bacd8c17": "an asset",
    "0def7320c3a5731c473e5ecbe6d01bc7": "an archive",
    "5cf8f73096256a8f31e491e813e4eb8e": "a resource reference",
    "d0e6a833031e9bbcd3f4e8bde6ca49a4": "an output value",
}
#: the outputs that name a resource (a known input equal to one of a resource it depends on
#: is a reference to it), the likeliest first when one value is several of them; other
#: outputs (``kind: ServiceAccount``, ``apiVersion``) are data two resources can share
_PREFERRED = ("name", "arn", "id", "email", "member", "objectId", "clientId", "principalId",
              "applicationId", "uniqueId")


class Record(NamedTuple):
    """One resource state: what :func:`model_of` reads."""

    urn: str
    #: the type token (``aws:iam/user:User``)
    token: str
    #: the logical name (the URN's last part)
    name: str
    #: the properties judged, engine (camelCase) names
    inputs: Mapping[str, object]
    #: the provider reference (``<provider urn>::<id>``), ``""`` for the default provider
    provider: str = ""
    #: where the resource is declared
    span: Span = Span("", 1, 1)
    #: ``"managed"``, or ``"data"`` for a read resource (``Role.get(...)``)
    mode: str = "managed"
    #: ``False`` for a component resource or the stack: not a resource
    custom: bool = True
    #: the outputs (a known input equal to one of another record's is a reference to it);
    #: ``None``: the inputs are the outputs
    outputs: Mapping[str, object] | None = None
    #: the URNs each property depends on (``propertyDependencies``)
    dependencies: Mapping[str, Sequence[str]] = {}
    #: top-level properties whose values are secrets (engine or model names)
    secrets: frozenset[str] = frozenset()


def model_of(records: Sequence[Record], files: Sequence[str] = (),
             diagnostics: Sequence[Diagnostic] = ()) -> Model:
    """The model of a stack's records (a later record of one URN, a replacement, wins);
    ``files`` and ``diagnostics`` are the reader's own."""
    by_urn = {r.urn: r for r in records}
    addresses = Addresses()
    named: dict[str, str] = {}
    providers: dict[str, Provider] = {}
    for urn, record in by_urn.items():
        parsed = parse_urn(urn)
        if parsed is None:
            continue
        package = provider_package(parsed.type)
        if package is not None:
            providers[urn] = _provider(package, parsed.name, record)
            continue
        if not record.custom or parsed.type == "pulumi:pulumi:Stack":
            continue
        kind = resource_type(parsed.type)
        named[urn] = addresses.address(kind.terraform_type if kind else parsed.type,
                                       parsed.name, record.mode)
    outputs = {urn: r.inputs if r.outputs is None else r.outputs for urn, r in by_urn.items()}
    resources = [_resource(by_urn[urn], address, named, providers, outputs)
                 for urn, address in named.items()]
    return Model(
        resources=tuple(resources),
        providers=tuple(providers.values()),
        files=tuple(dict.fromkeys(files)),
        diagnostics=tuple(diagnostics),
        outputs=_outputs(by_urn.values()),
    )


def _provider(package: str, name: str, record: Record) -> Provider:
    config = {str(k): _decoded(v) for k, v in record.inputs.items()}
    alias = "" if name.startswith("default") else name
    converted = attributes(None, config, _Values({}, {}, record.secrets).special)
    return Provider(package, alias, converted.attributes, record.span)


def _resource(record: Record, address: str, named: Mapping[str, str],
              providers: Mapping[str, Provider], outputs: Mapping[str, object]) -> Resource:
    parsed = parse_urn(record.urn)
    assert parsed is not None
    kind = resource_type(parsed.type)
    props = record.inputs
    engine = {property_name(kind, str(k)): str(k) for k in props}
    values = _Values(named, record.dependencies, record.secrets, engine, address, outputs)
    converted = attributes(kind, props, values.special)
    local = address.removeprefix("data.")
    name = local.partition(".")[2]
    return Resource(
        kind.terraform_type if kind else parsed.type, name, address,
        "data" if record.mode == "data" else "managed",
        converted.attributes, record.span, {(): record.span}, "",
        _provider_address(record.provider, parsed.type, providers),
        converted.sensitive, origin=record.urn,
    )


def _provider_address(reference: str, token: str, providers: Mapping[str, Provider]) -> str:
    if reference:
        found = providers.get(reference.rsplit("::", 1)[0]) or providers.get(reference)
        if found is not None:
            return found.address
    return token.split(":", 1)[0]


def _outputs(records: Iterable[Record]) -> tuple[Output, ...]:
    found: list[Output] = []
    for record in records:
        parsed = parse_urn(record.urn)
        if parsed is None or parsed.type != "pulumi:pulumi:Stack":
            continue
        outputs = record.inputs if record.outputs is None else record.outputs
        for name, value in sorted(outputs.items()) if isinstance(outputs, Mapping) else ():
            secret = frozenset({"value"}) if name in record.secrets else frozenset()
            converted = attributes(None, {"value": value}, _Values({}, {}, secret).special)
            found.append(Output(str(name), _constant(converted.attributes.get("value")),
                                bool(converted.sensitive), record.span))
    return tuple(found)


class _Values:
    """The special values of one resource's inputs."""

    def __init__(self, named: Mapping[str, str], depends: Mapping[str, Sequence[str]],
                 secrets: frozenset[str], engine: Mapping[str, str] | None = None,
                 address: str = "", outputs: Mapping[str, object] | None = None) -> None:
        self.named = named
        self.depends = depends
        self.secrets = secrets
        self.engine = engine or {}
        #: the address of the resource whose inputs these are
        self.address = address
        self.outputs = outputs or {}

    def special(self, value: object, path: AttrPath) -> Special | None:
        if value == SECRET_TEXT:
            return Special(Unknown("a secret the preview does not show",
                                   source=self._written(path), cause=Cause.NOT_EVALUATED),
                           secret=True)
        if len(path) == 1 and {str(path[0]), self._engine_name(path)} & self.secrets:
            return Special(Unknown("a secret: nhilint does not read its value",
                                   source=self._written(path), cause=Cause.NOT_EVALUATED),
                           secret=True)
        if isinstance(value, str) and value in UNKNOWNS:
            return Special(Unknown("known after apply", source=self._written(path),
                                   refs=self._refs(path), cause=Cause.AFTER_APPLY))
        if isinstance(value, str) and value:
            return self._output_of(value, path)
        if isinstance(value, dict) and SIG in value:
            what = _SIGS.get(str(value.get(SIG)), "a value of an unknown kind")
            secret = what == "a secret"
            refs: tuple[Ref, ...] = ()
            if what == "a resource reference" and isinstance(value.get("urn"), str):
                address = self.named.get(str(value["urn"]))
                refs = (Ref(address),) if address else ()
            reason = ("a secret: nhilint does not read its value" if secret
                      else f"{what}, not read")
            return Special(Unknown(reason, source=self._written(path), refs=refs,
                                   cause=Cause.NOT_EVALUATED), secret=secret)
        return None

    def _engine_name(self, path: AttrPath) -> str:
        name = str(path[0])
        return self.engine.get(name, name)

    def _output_of(self, value: str, path: AttrPath) -> Special | None:
        """A known input that is exactly an output of a resource the input depends on (an
        export's ``user = "ci-deployer-5a1f3c9"``, the user's ``name``): a reference to that
        output, as the program wrote it (``aws_iam_user.ci-deployer.name``)."""
        for urn in self._depended(path):
            outputs = self.outputs.get(urn)
            if not isinstance(outputs, Mapping):
                continue
            matches = [k for k in _PREFERRED if outputs.get(k) == value]
            parsed = parse_urn(urn)
            if matches and parsed is not None:
                attr = property_name(resource_type(parsed.type), matches[0])
                address = self.named[urn]
                return Special(Unknown(f"the {attr} of {address}, matched by value",
                                       f"{address}.{attr}", (Ref(address, (attr,)),),
                                       cause=Cause.COMPUTED_ATTRIBUTE))
        return None

    def _depended(self, path: AttrPath) -> list[str]:
        engine = self.engine.get(str(path[0])) if path else None
        urns = self.depends.get(engine) if engine else None
        return [u for u in urns if isinstance(u, str) and u in self.named] \
            if isinstance(urns, (list, tuple)) else []

    def _written(self, path: AttrPath) -> str:
        """Where the value is: ``aws_iam_role.deploy.assume_role_policy``."""
        return ".".join([self.address, *(str(p) for p in path)] if self.address
                        else [str(p) for p in path])

    def _refs(self, path: AttrPath) -> tuple[Ref, ...]:
        found = [self.named[u] for u in self._depended(path)]
        return tuple(Ref(a) for a in dict.fromkeys(found))


def _decoded(value: object) -> object:
    """Provider config a bridged provider received JSON-encoded (``"{\\"tags\\":...}"``)."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _constant(value: object) -> Callable[[], object]:
    return lambda: value
