"""A Pulumi YAML program to a :class:`~nhilint.model.Model`; never raises.

The language (``pulumi/docs`` ``content/docs/iac/languages-sdks/yaml/yaml-language-reference.md``;
``pulumi/pulumi-yaml`` ``pkg/pulumiyaml``):

* ``resources.<name>`` with ``type`` (long ``aws:iam/role:Role`` or short ``aws:iam:Role``
  token, :mod:`nhilint.parsers.pulumi.tokens`), ``properties`` (engine camelCase names, made
  Terraform's), ``options`` (``provider: ${p}`` names the provider configuration), ``get``
  (a resource read, not created: a data source).  ``pulumi:providers:<pkg>`` resources are
  provider configurations.
* ``variables.<name>``: expressions, evaluated when first used (a cycle is Unknown).
* ``config.<key>`` (also the legacy ``configuration``): its ``default`` when it has one and is
  not ``secret``; else Unknown (stack files are not read: a value set per stack is not the
  program's).
* ``${a.b[0]["k"]}`` interpolation: a variable or config value, indexed where it is known;
  a resource's property is an Unknown that refers to the resource (``${ciUser.name}`` is
  ``aws_iam_user.ciUser.name``), so the identity layer follows it as it follows an HCL
  reference; a string with literal text around references is Unknown with all their refs.
  ``$${`` is a literal ``${``.  ``${pulumi.project}`` is the project's name; ``pulumi.stack``,
  ``pulumi.organization`` and ``pulumi.cwd`` are Unknown.
* ``fn::`` functions with a value that can be known: ``toJSON`` (the JSON text; a structure
  with Unknowns inside stays the structure, as HCL ``jsonencode`` does), ``join``, ``split``,
  ``select``, ``toBase64``, ``fromBase64``, ``secret`` (the value, marked sensitive); and
  ``invoke`` of ``aws:iam/getPolicyDocument`` (a policy document data source, named after the
  variable or resource property it is written in, whose ``json`` the value is).  Any other
  function (``readFile``, assets, archives, other invokes) is Unknown.
* positions: a resource at the line of its name; its properties at their own lines.

Bad input (invalid YAML, duplicate keys, alias bombs, unknown tags, a document that is not a
mapping, a resource without a type) is an NHI900 diagnostic with its line.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import re
from collections.abc import Mapping
from pathlib import Path

from nhilint.model import (
    AttrPath,
    Cause,
    Diagnostic,
    Model,
    Provider,
    Ref,
    Resource,
    Span,
    Unknown,
    is_known,
)
from nhilint.parsers.files import PARSE_ERROR, display_path
from nhilint.parsers.files import unread as _failed
from nhilint.parsers.pulumi.tokens import (
    PulumiType,
    function_type,
    provider_package,
    resource_type,
    snake,
)
from nhilint.parsers.pulumi.urns import Addresses
from nhilint.parsers.pulumi.values import Special, attributes, property_name
from nhilint.parsers.pulumi_yaml.nodes import Entry, Node, YamlError, load, plain

MAX_BYTES = 16 * 1024 * 1024
_WHOLE = re.compile(r"^\$\{([^{}]+)\}$")
_PART = re.compile(r"\$\$\{|\$\{([^{}]+)\}")
_STEP = re.compile(r'\.([A-Za-z_][\w-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')
_HEAD = re.compile(r"^([A-Za-z_][\w-]*(?::[\w-]+)?)")
_POLICY_DOCUMENT = "aws:iam/getPolicyDocument:getPolicyDocument"


def read_program(path: Path) -> Model:
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            return _failed(shown, 1, f"larger than {MAX_BYTES} bytes: not read")
        text = path.read_text(encoding="utf-8", errors="replace")
        root = load(text)
    except OSError as exc:
        return _failed(shown, 1, f"cannot read: {exc.strerror or exc}")
    except YamlError as exc:
        return _failed(shown, exc.line, exc.message)
    try:
        if root is None or not isinstance(root.value, dict):
            return _failed(shown, root.line if root else 1, "a Pulumi YAML program is a mapping")
        return _Program(shown, root.value).model()
    except RecursionError:
        return _failed(shown, 1, "expressions nested too deep to read")
    except Exception as exc:  # the reader must never stop a scan
        return _failed(shown, 1, f"internal error reading Pulumi YAML: {exc!r}")


def _section(top: Mapping[str, Entry], *names: str) -> dict[str, Entry]:
    for name in names:
        entry = top.get(name)
        if entry is not None and isinstance(entry.node.value, dict):
            return entry.node.value
    return {}


class _Program:
    def __init__(self, shown: str, top: Mapping[str, Entry]) -> None:
        self.shown = shown
        self.top = top
        self.diagnostics: list[Diagnostic] = []
        self.config = _section(top, "config", "configuration")
        self.variables = _section(top, "variables")
        self.resources = _section(top, "resources")
        self.values: dict[str, object] = {}
        self.evaluating: set[str] = set()
        self.addresses: dict[str, str] = {}
        self.kinds: dict[str, PulumiType | None] = {}
        self.documents: list[Resource] = []
        self.secrets: list[AttrPath] = []
        addresses = Addresses()
        for name, entry in self.resources.items():
            token = self._token(entry.node)
            if token is None or provider_package(token) is not None:
                continue
            kind = resource_type(token)
            self.kinds[name] = kind
            mode = "data" if isinstance(entry.node.value, dict) and "get" in entry.node.value \
                else "managed"
            self.addresses[name] = addresses.address(kind.terraform_type if kind else token,
                                                     name, mode)
        self.names = addresses

    def _token(self, node: Node) -> str | None:
        body = node.value if isinstance(node.value, dict) else {}
        kind = body.get("type")
        return kind.node.value if kind is not None and isinstance(kind.node.value, str) else None

    def _problem(self, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(PARSE_ERROR, self.shown, line, message))

    # -- the model ---------------------------------------------------------------------

    def model(self) -> Model:
        providers: dict[str, Provider] = {}
        for name, entry in self.resources.items():
            token = self._token(entry.node)
            if token is None:
                self._problem(entry.key_line, f"resource {name} has no type: not read")
                continue
            package = provider_package(token)
            if package is not None:
                props = self._properties(entry.node, name)
                converted = attributes(None, props, self._special)
                providers[name] = Provider(package, name, converted.attributes,
                                           self._span(entry))
        defaults = self._default_providers()
        found = [r for name, entry in self.resources.items()
                 if (r := self._resource(name, entry, providers)) is not None]
        providers.update({f"default {p.name}": p for p in defaults
                          if not any(q.address == p.address for q in providers.values())})
        return Model(
            resources=tuple(found + self.documents),
            providers=tuple(providers.values()),
            files=(self.shown,),
            diagnostics=tuple(self.diagnostics),
        )

    def _default_providers(self) -> list[Provider]:
        """The default provider of each package whose settings the project's ``config``
        gives (``aws:defaultTags: {value: {tags: {...}}}``; a setting per stack is not read)."""
        settings: dict[str, dict[str, object]] = {}
        spans: dict[str, Span] = {}
        for key, entry in self.config.items():
            package, _, setting = key.partition(":")
            if not setting or package in ("pulumi", str(self._top("name"))):
                continue
            value = self._config(key)
            settings.setdefault(package, {})[setting] = value
            spans.setdefault(package, self._span(entry))
        found = []
        for package, config in settings.items():
            converted = attributes(None, config, self._special)
            found.append(Provider(package, "", converted.attributes, spans[package]))
        return found

    def _span(self, entry: Entry) -> Span:
        return Span(self.shown, entry.key_line, max(entry.key_line, entry.node.end_line))

    def _properties(self, node: Node, name: str) -> dict[str, object]:
        body = node.value if isinstance(node.value, dict) else {}
        props = body.get("properties")
        if props is None:
            return {}
        if not isinstance(props.node.value, dict):
            self._problem(props.key_line, f"the properties of {name} are not a mapping")
            return {}
        return {k: self.evaluate(e.node, f"{name}.{k}") for k, e in props.node.value.items()}

    def _resource(self, name: str, entry: Entry, providers: Mapping[str, Provider]
                  ) -> Resource | None:
        address = self.addresses.get(name)
        if address is None:
            return None
        kind = self.kinds[name]
        body = entry.node.value if isinstance(entry.node.value, dict) else {}
        self.secrets = []
        props = self._properties(entry.node, name)
        get = body.get("get")
        if get is not None:
            read = get.node.value.get("id") if isinstance(get.node.value, dict) else None
            props = {"id": self.evaluate(read.node, name)} if read is not None else {}
        converted = attributes(kind, props, self._special)
        span = self._span(entry)
        spans: dict[AttrPath, Span] = {(): span}
        written = body.get("properties")
        if written is not None and isinstance(written.node.value, dict):
            for key, inner in written.node.value.items():
                spans[(property_name(kind, key),)] = Span(
                    self.shown, inner.key_line, max(inner.key_line, inner.node.end_line))
        token = self._token(entry.node) or ""
        return Resource(
            kind.terraform_type if kind else token, address.removeprefix("data.").split(".", 1)[1],
            address, "data" if get is not None else "managed", converted.attributes, span,
            spans, "", self._provider(body, token, providers),
            converted.sensitive | frozenset(self.secrets),
        )

    def _provider(self, body: Mapping[str, Entry], token: str,
                  providers: Mapping[str, Provider]) -> str:
        options = body.get("options")
        chosen = options.node.value.get("provider") if options is not None and isinstance(
            options.node.value, dict) else None
        if chosen is not None and isinstance(chosen.node.value, str):
            match = _WHOLE.match(chosen.node.value)
            found = providers.get(match.group(1).strip()) if match else None
            if found is not None:
                return found.address
        return token.split(":", 1)[0]

    def _special(self, value: object, path: AttrPath) -> Special | None:
        return None

    # -- expressions -------------------------------------------------------------------

    def evaluate(self, node: Node, where: str) -> object:
        value = node.value
        if isinstance(value, str):
            return self._interpolate(value, where)
        if isinstance(value, list):
            return [self.evaluate(n, f"{where}[{i}]") for i, n in enumerate(value)]
        if isinstance(value, dict):
            if len(value) == 1:
                (name, entry), = value.items()
                if name.lower().startswith("fn::"):
                    return self._function(name[4:].lower(), entry, where)
            return {k: self.evaluate(e.node, f"{where}.{k}") for k, e in value.items()}
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        if isinstance(value, bytes):
            return Unknown("binary YAML value", where, cause=Cause.NOT_EVALUATED)
        return value

    def _interpolate(self, text: str, where: str) -> object:
        whole = _WHOLE.match(text)
        if whole is not None:
            return self._reference(whole.group(1).strip(), text)
        if "${" not in text:
            return text
        parts: list[object] = []
        at = 0
        for match in _PART.finditer(text):
            parts.append(text[at:match.start()])
            parts.append("${" if match.group(0) == "$${" else
                         self._reference(match.group(1).strip(), text))
            at = match.end()
        parts.append(text[at:])
        if all(isinstance(p, str) for p in parts):
            return "".join(str(p) for p in parts)
        if any(not isinstance(p, str | Unknown) for p in parts if is_known(p)):
            return Unknown("interpolates a value that is not text", text,
                           cause=Cause.NOT_EVALUATED)
        refs = tuple(dict.fromkeys(r for p in parts if isinstance(p, Unknown) for r in p.refs))
        return Unknown("interpolates values not known before deploy", json.dumps(text), refs)

    def _reference(self, expression: str, written: str) -> object:
        head = _HEAD.match(expression)
        if head is None:
            return Unknown(f"${{{expression}}} is not a reference nhilint reads", written,
                           cause=Cause.NOT_EVALUATED)
        name = head.group(1)
        steps: list[str | int] = []
        quoted: set[int] = set()  # ["key"] steps: a map's keys, data, not names
        rest = expression[head.end():]
        while rest:
            step = _STEP.match(rest)
            if step is None:
                return Unknown(f"${{{expression}}} is not a reference nhilint reads", written,
                               cause=Cause.NOT_EVALUATED)
            if step.group(3) is not None:
                quoted.add(len(steps))
            steps.append(step.group(1) if step.group(1) is not None else
                         int(step.group(2)) if step.group(2) is not None else
                         json.loads(f'"{step.group(3)}"'))
            rest = rest[step.end():]
        if name in self.addresses:
            attr = _attribute_path(self.kinds.get(name), steps, quoted)
            source = ".".join([self.addresses[name], *(str(a) for a in attr)])
            ref = Ref(self.addresses[name], tuple(attr))
            return Unknown(f"an output of {name}", source, (ref,))
        if name == "pulumi":
            if steps == ["project"] and isinstance(self._top("name"), str):
                return self._top("name")
            return Unknown(f"{expression} is known when the program runs", expression,
                           cause=Cause.NOT_EVALUATED)
        if name in self.variables:
            return _index(self._variable(name), steps, written)
        config = self._config(name)
        if config is not None:
            return _index(config, steps, written)
        return Unknown(f"{expression} names nothing the program declares", expression,
                       cause=Cause.NOT_EVALUATED)

    def _top(self, name: str) -> object:
        entry = self.top.get(name)
        return entry.node.value if entry is not None else None

    def _variable(self, name: str) -> object:
        if name in self.values:
            return self.values[name]
        if name in self.evaluating:
            return Unknown(f"variable {name} refers to itself", name, cause=Cause.NOT_EVALUATED)
        self.evaluating.add(name)
        try:
            value = self.evaluate(self.variables[name].node, name)
        finally:
            self.evaluating.discard(name)
        self.values[name] = value
        return value

    def _config(self, name: str) -> object | None:
        entry = self.config.get(name)
        if entry is None and ":" in name and name.split(":", 1)[0] == self._top("name"):
            entry = self.config.get(name.split(":", 1)[1])
        if entry is None:
            return None
        spec = entry.node.value
        if isinstance(spec, dict):
            secret = spec.get("secret")
            default = spec.get("default", spec.get("value"))
            if secret is not None and secret.node.value is True:
                return Unknown(f"config {name} is a secret", f"config.{name}",
                               cause=Cause.VARIABLE_UNSET)
            if default is None:
                return Unknown(f"config {name} has no default", f"config.{name}",
                               cause=Cause.VARIABLE_UNSET)
            return plain(default.node)
        return spec

    def _function(self, name: str, entry: Entry, where: str) -> object:
        if name == "invoke":
            return self._invoke(entry.node, where)
        if name == "secret":
            self.secrets.append(_path_of(where))
            return self.evaluate(entry.node, where)
        args = self.evaluate(entry.node, where)
        known = is_known(args)
        if name == "tojson":
            if known:
                return json.dumps(args, separators=(",", ":"))
            refs = tuple(dict.fromkeys(r for u in _unknowns(args) for r in u.refs))
            return Unknown("fn::toJSON of a value not known before deploy", where, refs,
                           partial=args)
        if not known:
            refs = tuple(dict.fromkeys(r for u in _unknowns(args) for r in u.refs))
            return Unknown(f"fn::{name} of a value not known before deploy", where, refs)
        result = _builtin(name, args)
        if result is None:
            return Unknown(f"function fn::{name} is not evaluated", where,
                           cause=Cause.NOT_EVALUATED)
        return result

    def _invoke(self, node: Node, where: str) -> object:
        body = node.value if isinstance(node.value, dict) else {}
        function = body.get("function")
        token = function.node.value if function is not None else None
        kind = function_type(token) if isinstance(token, str) else None
        returned = body.get("return")
        if kind is None or kind.token != _POLICY_DOCUMENT or returned is None \
                or returned.node.value != "json":
            return Unknown(f"fn::invoke of {token} is not evaluated", where,
                           cause=Cause.DATA_SOURCE)
        arguments = body.get("arguments")
        args = self.evaluate(arguments.node, where) if arguments is not None else {}
        converted = attributes(kind, args if isinstance(args, dict) else {}, self._special)
        address = self.names.address(kind.terraform_type, where.replace(".", "_"), "data")
        line = node.line
        span = Span(self.shown, line, node.end_line)
        self.documents.append(Resource(
            kind.terraform_type, address.split(".", 2)[2], address, "data",
            converted.attributes, span, {(): span}, "", "aws",
        ))
        return Unknown(f"the json of {address}", address + ".json", (Ref(address, ("json",)),))


def _attribute_path(kind: PulumiType | None, steps: list[str | int], quoted: set[int]
                    ) -> list[str | int]:
    """``metadata.name`` of a Kubernetes object -> ``metadata[0].name``: the path in the
    model's names, a block Pulumi gives as one object read as its one element; a quoted key
    (``appRoleIds["RoleManagement.ReadWrite.Directory"]``) is data and stays as written."""
    found: list[str | int] = []
    dotted = ""
    for i, step in enumerate(steps):
        if isinstance(step, int) or i in quoted:
            found.append(step)
            continue
        name = property_name(kind, step) if i == 0 else (
            kind.nested.get(step, snake(step)) if kind else snake(step))
        dotted = f"{dotted}.{name}" if dotted else name
        found.append(name)
        if kind is not None and dotted in kind.max_items_one:
            found.append(0)
    return found


def _index(value: object, steps: list[str | int], written: str) -> object:
    for step in steps:
        if isinstance(value, Unknown):
            return value
        keyed = isinstance(value, dict) and isinstance(step, str) and step in value
        placed = isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)
        if keyed or placed:
            value = value[step]  # type: ignore[index]
        else:
            return Unknown(f"{written} indexes a value that does not have {step!r}", written,
                           cause=Cause.NOT_EVALUATED)
    return value


def _builtin(name: str, args: object) -> object | None:
    if name == "join" and isinstance(args, list) and len(args) == 2 \
            and isinstance(args[0], str) and isinstance(args[1], list):
        return args[0].join(str(a) for a in args[1])
    if name == "split" and isinstance(args, list) and len(args) == 2 \
            and all(isinstance(a, str) for a in args):
        return str(args[1]).split(str(args[0]))
    if name == "select" and isinstance(args, list) and len(args) == 2 \
            and isinstance(args[0], int) and isinstance(args[1], list) \
            and 0 <= args[0] < len(args[1]):
        chosen: object = args[1][args[0]]
        return chosen
    if name == "tobase64" and isinstance(args, str):
        return base64.b64encode(args.encode()).decode()
    if name == "frombase64" and isinstance(args, str):
        try:
            return base64.b64decode(args, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
    return None


def _unknowns(value: object) -> list[Unknown]:
    if isinstance(value, Unknown):
        return [value]
    if isinstance(value, list):
        return [u for v in value for u in _unknowns(v)]
    if isinstance(value, dict):
        return [u for v in value.values() for u in _unknowns(v)]
    return []


def _path_of(where: str) -> AttrPath:
    """``ciKey.pgpKey`` -> ``("pgp_key",)``: the top-level property a secret is written in."""
    parts = where.split(".")
    return (snake(parts[1].split("[", 1)[0]),) if len(parts) > 1 else ()

