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
with its line; the rest of the file is still read.  The states become
:class:`~nhilint.parsers.pulumi.records.Record` values, turned into the model by
:func:`~nhilint.parsers.pulumi.records.model_of`, as the CrossGuard policy pack's are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from nhilint.model import Diagnostic, Model, Span
from nhilint.parsers.files import PARSE_ERROR, display_path, unread
from nhilint.parsers.pulumi.records import Record, model_of
from nhilint.parsers.pulumi.urns import parse_urn
from nhilint.parsers.pulumi_json.detect import MAX_BYTES, document_start, is_document

_DELETING = {"delete", "delete-replaced", "discard", "remove-pending-replace"}
_POSITION = re.compile(r"^project:///(?P<path>[^#]+)#(?P<line>\d+)(?:,\d+)?$")


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
        return unread(shown, 1, f"internal error reading Pulumi JSON: {exc!r}")


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

    def model(self, document: Mapping[str, object]) -> Model:
        records = [self._record(state) for state in self._states(document)]
        return model_of(records, self.files, self.diagnostics)

    def _record(self, state: State) -> Record:
        """A state as :func:`~nhilint.parsers.pulumi.records.model_of` reads it: a read
        resource's outputs are its attributes."""
        entry = state.entry
        urn = str(entry["urn"])
        parsed = parse_urn(urn)
        props = entry.get("outputs") if state.mode == "data" else entry.get("inputs")
        if props is not None and not isinstance(props, dict):
            self._problem(urn, "inputs that are not an object are not read")
        outputs = entry.get("outputs")
        depends = entry.get("propertyDependencies")
        provider = entry.get("provider")
        return Record(
            urn, parsed.type if parsed else "", parsed.name if parsed else "",
            props if isinstance(props, dict) else {},
            provider if isinstance(provider, str) else "",
            self._span(state), state.mode, entry.get("custom") is not False,
            outputs if isinstance(outputs, dict) else {},
            {str(k): [u for u in v if isinstance(u, str)]
             for k, v in depends.items() if isinstance(v, list)}
            if isinstance(depends, dict) else {},
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
