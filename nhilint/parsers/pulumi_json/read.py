"""One Pulumi preview or stack export to a :class:`~nhilint.model.Model`; never raises.

What is read (``pulumi/pulumi`` ``pkg/display/json.go`` ``PreviewDigest``/``PreviewStep``,
``sdk/go/common/apitype/core.go`` ``UntypedDeployment``/``ResourceV3``; the shapes are in
``/work/shared/reference/pulumi.md`` §2):

* a preview's ``steps[].newState`` (every step but the deleting ones: ``delete``,
  ``delete-replaced``, ``discard``, ``remove-pending-replace``: a deleted grant is not a grant);
  an export's ``deployment.resources[]``.  A ``read`` step or an ``external`` resource
  (``Role.get(...)``) is a data source: its outputs are its attributes.
* a custom resource's ``inputs`` (what the program declares, after the provider's ``Check``),
  with camelCase names made Terraform's (:mod:`nhilint.parsers.pulumi.tokens`);
  ``pulumi:providers:<pkg>`` resources are provider configurations (object-valued provider
  config arrives JSON-encoded in a string, ``"defaultTags": "{\\"tags\\":...}"``, and is
  decoded); component resources and the stack are not resources, but the stack's outputs are
  the program's outputs.
* values: the string ``"[secret]"`` (a preview without ``--show-secrets``) and the secret
  object ``{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ...}`` (an
  export, ciphertext or plaintext) are :class:`~nhilint.model.Unknown` and marked sensitive:
  nhilint never reads a secret's value.  The unknown sentinel
  ``04da6b54-80e4-46f7-96ec-b56ff0331ba9`` (``pkg/resource/stack/deployment.go``
  ``computedValuePlaceholder``) is an Unknown known after apply that refers to the resources
  ``propertyDependencies`` names for that input, so a key whose ``user`` is not known yet still
  belongs to its user.  A known input that is exactly an output of a resource it depends on
  (an export's ``user = "ci-deployer-5a1f3c9"``, the user's ``name``) is that reference, as the
  program wrote it (``aws_iam_user.ci-deployer.name``); any other known value stays the value
  it is.  Assets, archives and resource references are Unknown.
* positions: ``sourcePosition`` (``project:///__main__.py#12,5``) is the file and line when
  that file exists beside the JSON (the JSON written in the project directory, as ``pulumi
  preview --json > preview.json`` does); otherwise the line of the resource in the JSON.

A file of the wrong shape, or a step that is not an object with a URN, is an NHI900 diagnostic
with its line; the rest of the file is still read.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
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
from nhilint.parsers.pulumi_json.detect import MAX_BYTES, document_start, is_document

PARSE_ERROR = "NHI900"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
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
_DELETING = {"delete", "delete-replaced", "discard", "remove-pending-replace"}
_POSITION = re.compile(r"^project:///(?P<path>[^#]+)#(?P<line>\d+)(?:,\d+)?$")


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class State(NamedTuple):
    """One resource state as the input gives it, with the line it starts at in the JSON."""

    entry: Mapping[str, object]
    line: int
    mode: str


def read_pulumi_json(path: Path) -> Model:
    shown = display_path(path)
    try:
        loaded = _load(path)
        if isinstance(loaded, Diagnostic):
            return Model(files=(shown,), diagnostics=(loaded,))
        document, text, offset = loaded
        return _Reader(path, shown, text, offset).model(document)
    except Exception as exc:  # the reader must never stop a scan
        message = f"internal error reading Pulumi JSON: {exc!r}"
        return Model(files=(shown,), diagnostics=(Diagnostic(PARSE_ERROR, shown, 1, message),))


def _load(path: Path) -> tuple[Mapping[str, object], str, int] | Diagnostic:
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            return Diagnostic(PARSE_ERROR, shown, 1, f"larger than {MAX_BYTES} bytes: not read")
        data = path.read_bytes()
    except OSError as exc:
        return Diagnostic(PARSE_ERROR, shown, 1, f"cannot read: {exc.strerror or exc}")
    start = max(document_start(data), 0)
    text = data.decode("utf-8", errors="replace")
    offset = data[:start].count(b"\n")
    try:
        document = json.loads(data[start:])
    except json.JSONDecodeError as exc:
        return Diagnostic(PARSE_ERROR, shown, exc.lineno + offset, f"not valid JSON: {exc.msg}")
    except (ValueError, RecursionError) as exc:
        return Diagnostic(PARSE_ERROR, shown, 1, f"not valid JSON: {exc}")
    if not is_document(document):
        return Diagnostic(PARSE_ERROR, shown, 1 + offset, "not a Pulumi preview (steps) or "
                          "stack export (deployment.resources)")
    assert isinstance(document, dict)
    return document, text, offset


class _Reader:
    def __init__(self, path: Path, shown: str, text: str, offset: int) -> None:
        self.path = path
        self.shown = shown
        self.text = text
        self.offset = offset
        self.diagnostics: list[Diagnostic] = []
        self.files: list[str] = [shown]
        self._searched = 0
        #: each resource's outputs, by URN (a known input equal to one is a reference to it)
        self.outputs: dict[str, object] = {}

    def model(self, document: Mapping[str, object]) -> Model:
        states = list(self._states(document))
        by_urn: dict[str, State] = {}
        for state in states:
            urn = state.entry.get("urn")
            assert isinstance(urn, str)
            by_urn[urn] = state  # a later step of one URN (a replacement) wins
        addresses = Addresses()
        named: dict[str, str] = {}
        providers: dict[str, Provider] = {}
        for urn, state in by_urn.items():
            parsed = parse_urn(urn)
            if parsed is None:
                continue
            package = provider_package(parsed.type)
            if package is not None:
                providers[urn] = self._provider(package, parsed.name, state)
                continue
            if state.entry.get("custom") is False:
                continue
            kind = resource_type(parsed.type)
            named[urn] = addresses.address(kind.terraform_type if kind else parsed.type,
                                           parsed.name, state.mode)
        self.outputs = {urn: state.entry.get("outputs") for urn, state in by_urn.items()}
        resources = [self._resource(urn, by_urn[urn], address, named, providers)
                     for urn, address in named.items()]
        return Model(
            resources=tuple(resources),
            providers=tuple(providers.values()),
            files=tuple(dict.fromkeys(self.files)),
            diagnostics=tuple(self.diagnostics),
            outputs=self._outputs(by_urn),
        )

    # -- reading the document ------------------------------------------------------------

    def _states(self, document: Mapping[str, object]) -> Iterator[State]:
        steps = document.get("steps")
        if isinstance(steps, list):
            for step in steps:
                if not isinstance(step, dict):
                    self._problem(None, "a step that is not an object is not read")
                    continue
                op = step.get("op")
                state = step.get("newState")
                urn = step.get("urn")
                if op in _DELETING:
                    continue
                if not isinstance(state, dict) or not isinstance(state.get("urn"), str):
                    if isinstance(urn, str) and state is None:
                        continue  # a step without a new state describes nothing to create
                    self._problem(urn if isinstance(urn, str) else None,
                                  "a step without a newState object with a urn is not read")
                    continue
                yield State(state, self._line(state["urn"]),
                            "data" if op == "read" or state.get("external") is True
                            else "managed")
            return
        deployment = document.get("deployment")
        body = deployment if isinstance(deployment, dict) else document
        found = body.get("resources")
        if not isinstance(found, list):
            self._problem(None, "deployment.resources is not a list")
            return
        for entry in found:
            if not isinstance(entry, dict) or not isinstance(entry.get("urn"), str):
                self._problem(None, "a resource that is not an object with a urn is not read")
                continue
            yield State(entry, self._line(entry["urn"]),
                        "data" if entry.get("external") is True else "managed")

    def _problem(self, urn: str | None, message: str) -> None:
        line = self._line(urn) if urn else 1 + self.offset
        self.diagnostics.append(Diagnostic(PARSE_ERROR, self.shown, line, message))

    def _line(self, urn: object) -> int:
        """The line of the next ``"urn": "<urn>"`` in the JSON text (steps and states are read
        in order, so the search goes on from the last one found)."""
        if not isinstance(urn, str):
            return 1 + self.offset
        pattern = re.compile(r'"urn"\s*:\s*' + re.escape(json.dumps(urn)))
        match = pattern.search(self.text, self._searched) or pattern.search(self.text)
        if match is None:
            return 1 + self.offset
        self._searched = match.end()
        return self.text.count("\n", 0, match.start()) + 1

    def _span(self, state: State) -> Span:
        position = state.entry.get("sourcePosition")
        match = _POSITION.match(position) if isinstance(position, str) else None
        if match is not None:
            program = self.path.parent / match.group("path")
            if program.is_file():
                shown = display_path(program)
                self.files.append(shown)
                line = int(match.group("line"))
                return Span(shown, line, line)
        return Span(self.shown, state.line, state.line)

    # -- providers, resources, outputs ---------------------------------------------------

    def _provider(self, package: str, name: str, state: State) -> Provider:
        inputs = state.entry.get("inputs")
        config: dict[str, object] = {}
        for key, value in (inputs.items() if isinstance(inputs, dict) else ()):
            config[str(key)] = _decoded(value)
        alias = "" if name.startswith("default") else name
        converted = attributes(None, config, _Values(self, {}, {}).special)
        return Provider(package, alias, converted.attributes, self._span(state))

    def _resource(self, urn: str, state: State, address: str, named: Mapping[str, str],
                  providers: Mapping[str, Provider]) -> Resource:
        parsed = parse_urn(urn)
        assert parsed is not None
        kind = resource_type(parsed.type)
        entry = state.entry
        props = entry.get("outputs") if state.mode == "data" else entry.get("inputs")
        if props is not None and not isinstance(props, dict):
            self._problem(urn, "inputs that are not an object are not read")
        props = props if isinstance(props, dict) else {}
        depends = entry.get("propertyDependencies")
        engine = {property_name(kind, str(k)): str(k) for k in props}
        values = _Values(self, named, depends if isinstance(depends, dict) else {}, engine,
                         address)
        converted = attributes(kind, props, values.special)
        span = self._span(state)
        local = address.removeprefix("data.")
        name = local.partition(".")[2]
        return Resource(
            kind.terraform_type if kind else parsed.type, name, address,
            "data" if state.mode == "data" else "managed",
            converted.attributes, span, {(): span}, "",
            self._provider_address(entry.get("provider"), parsed.type, providers),
            converted.sensitive, origin=urn,
        )

    def _provider_address(self, reference: object, token: str,
                          providers: Mapping[str, Provider]) -> str:
        if isinstance(reference, str):
            found = providers.get(reference.rsplit("::", 1)[0]) or providers.get(reference)
            if found is not None:
                return found.address
        return token.split(":", 1)[0]

    def _outputs(self, by_urn: Mapping[str, State]) -> tuple[Output, ...]:
        found: list[Output] = []
        for urn, state in by_urn.items():
            parsed = parse_urn(urn)
            if parsed is None or parsed.type != "pulumi:pulumi:Stack":
                continue
            outputs = state.entry.get("outputs")
            for name, value in sorted(outputs.items()) if isinstance(outputs, dict) else ():
                converted = attributes(None, {"value": value}, _Values(self, {}, {}).special)
                found.append(Output(str(name), _constant(converted.attributes.get("value")),
                                    bool(converted.sensitive), self._span(state)))
        return tuple(found)


class _Values:
    """The special values of one resource's inputs."""

    def __init__(self, reader: _Reader, named: Mapping[str, str],
                 depends: Mapping[object, object], engine: Mapping[str, str] | None = None,
                 address: str = "") -> None:
        self.reader = reader
        self.named = named
        self.depends = depends
        self.engine = engine or {}
        #: the address of the resource whose inputs these are
        self.address = address

    def special(self, value: object, path: AttrPath) -> Special | None:
        if value == SECRET_TEXT:
            return Special(Unknown("a secret the preview does not show",
                                   source=self._written(path), cause=Cause.NOT_EVALUATED),
                           secret=True)
        if value == UNKNOWN:
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

    def _output_of(self, value: str, path: AttrPath) -> Special | None:
        """A known input that is exactly an output of a resource the input depends on (an
        export's ``user = "ci-deployer-5a1f3c9"``, the user's ``name``): a reference to that
        output, as the program wrote it (``aws_iam_user.ci-deployer.name``)."""
        for urn in self._depended(path):
            outputs = self.reader.outputs.get(urn)
            if not isinstance(outputs, dict):
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
            if isinstance(urns, list) else []

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
