"""A Pulumi Python program to a :class:`~nhilint.model.Model`, without running it; never raises.

The program is parsed with libcst and *interpreted abstractly*: statements are walked in
order, nothing is imported or executed, and any value that is not written in the program is
an :class:`~nhilint.model.Unknown`.  What is followed:

* imports of ``pulumi`` and the provider SDKs (``pulumi_aws``, ``pulumi_gcp``, ``pulumi_azuread``,
  ``pulumi_azure_native``, ``pulumi_kubernetes``, ``pulumi_github``, ``pulumi_gitlab``,
  ``pulumi_vault``, any ``pulumi_<package>``) in any style and alias, bound as the program binds
  them (``import pulumi_aws as aws``, ``from pulumi_aws import iam``,
  ``from pulumi_aws.iam import User``);
* a call of an SDK class is a resource: ``pulumi_aws.iam.User`` is the token ``aws:iam:User``
  (the Python package is ``pulumi_`` and the package name with ``-`` as ``_``; the module path is
  the token's module), matched through the token map (:mod:`nhilint.parsers.pulumi.tokens`);
  a Kubernetes module ``rbac.v1`` is the table's group whose first label is ``rbac`` with that
  version (``rbac.authorization.k8s.io/v1``).  The name is the first positional argument or
  ``resource_name=``; inputs are keyword arguments, ``args=XArgs(...)`` and dict literals
  (Python names are snake_case: the table's camelCase renames are applied snake-cased);
  ``opts=pulumi.ResourceOptions(provider=p)`` names the provider configuration;
  ``pulumi_aws.Provider(...)`` is one;
* values: literals, local variables and module constants, f-strings, ``+`` of known text,
  ``json.dumps`` and ``pulumi.Output.json_dumps`` (a structure with Unknowns inside stays the
  structure, as HCL ``jsonencode``), ``for`` loops over a known list or dict (one resource per
  element, named by its own name), ``if`` on a known condition (on an unknown one both branches
  are read), ``aws.iam.get_policy_document(...)`` (the ``aws_iam_policy_document`` data source;
  ``.json`` refers to it), ``aws.iam.ManagedPolicy.<NAME>`` (the AWS managed policy whose name
  is that enum name without its underscores, found in ``nhilint/data/aws_managed_policies.json``:
  pulumi-aws generates the enum from those names; a name not found there is Unknown);
* a resource's output (``user.name``, ``role.arn``, ``sa.metadata["name"]``) is an Unknown
  referring to it, as an HCL reference is (``aws_iam_user.ci.name``); ``.apply(...)``,
  ``Output.all``/``concat`` and lambdas are Unknown with the references they were made from;
* functions and ``pulumi.ComponentResource`` classes of the program and of the project's own
  modules (``from .iam import make_ci_user``, ``from iam import make_ci_user``) are followed
  with their arguments bound, to a bounded depth (:data:`MAX_DEPTH`);
* ``pulumi.Config(ns).get/require/get_bool/get_int/get_object`` read ``Pulumi.<stack>.yaml``
  when the project has exactly one stack file (with several, which one deploys is not known: the
  value is Unknown), then the project's ``config`` defaults; ``*_secret`` and ``secure:`` values
  are Unknown and never decrypted.  With exactly one stack file, a key set nowhere is ``None``
  (``get``) as Pulumi gives it.

Positions: a resource at the line of its constructor call, an input at its keyword's line.
Bad input (a syntax error, an expression nested deeper than :data:`MAX_NESTING`, a program
too large) is an NHI900 diagnostic with file and line.  The nesting is measured on Python's
own parse (``ast``) before libcst sees the text: libcst's native parser overflows its stack on
very deep expressions.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources as package_data
from pathlib import Path

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

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
from nhilint.parsers.pulumi.tokens import PulumiType, function_type, resource_type, snake
from nhilint.parsers.pulumi.urns import Addresses, local_name
from nhilint.parsers.pulumi.values import attributes

PARSE_ERROR = "NHI900"
MAX_BYTES = 4 * 1024 * 1024
#: how deep expressions may nest (Python's own parse) before the program is not read
MAX_NESTING = 100
#: how deep calls of the program's own functions and components are followed
MAX_DEPTH = 4
#: statements interpreted per project, at most (loops and calls included)
MAX_STEPS = 200_000
#: elements of a loop read one by one, at most
MAX_LOOP = 1000
_POLICY_DOCUMENT = "aws:iam/getPolicyDocument:getPolicyDocument"
_CONFIG_READS = re.compile(r"^(get|require)(_secret)?(_bool|_int|_float|_object)?$")


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


# -- values the interpreter holds ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Module:
    """An imported module (``pulumi_aws.iam``) or a name inside one."""

    name: str


@dataclasses.dataclass(frozen=True)
class _Output:
    """A resource, or an output of it (``steps`` from the resource)."""

    address: str
    kind: PulumiType | None
    steps: tuple[str | int, ...] = ()
    quoted: frozenset[int] = frozenset()
    provider: str = ""


@dataclasses.dataclass(frozen=True)
class _Function:
    node: cst.FunctionDef
    file: _File
    scope: _Scope


@dataclasses.dataclass(frozen=True)
class _Class:
    node: cst.ClassDef
    file: _File
    scope: _Scope
    component: bool


@dataclasses.dataclass(frozen=True)
class _Config:
    namespace: str


class _Instance:
    """An instance of a program's class (a component): its attributes as ``self`` set them."""

    def __init__(self, cls: _Class) -> None:
        self.cls = cls
        self.fields: dict[str, object] = {}


@dataclasses.dataclass(frozen=True)
class _Options:
    provider: object = None


class _Scope:
    """Names bound in a module or a call; a call's scope reads its module's."""

    def __init__(self, parent: _Scope | None = None) -> None:
        self.names: dict[str, object] = {}
        self.parent = parent

    def get(self, name: str) -> object:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return _MISSING

    def module(self) -> _Scope:
        return self if self.parent is None else self.parent.module()


_MISSING = object()


@dataclasses.dataclass(frozen=True)
class _File:
    path: Path
    shown: str
    wrapper: MetadataWrapper
    positions: Mapping[cst.CSTNode, CodeRange]
    package: str  # the dotted module name of the file, relative to the project


class _Return(Exception):
    def __init__(self, value: object) -> None:
        self.value = value


class _Budget(Exception):
    pass


# -- bad input -------------------------------------------------------------------------


class _Unreadable(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _check(text: str) -> None:
    """Python's own parse of the text, and the depth it nests to (iteratively measured)."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise _Unreadable(exc.lineno or 1, f"Python syntax error: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise _Unreadable(1, "expressions nested too deep to read") from None
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            line = getattr(node, "lineno", 1)
            raise _Unreadable(int(line), f"expressions nested deeper than {MAX_NESTING}: "
                                         "not read")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _load(path: Path, package: str) -> _File:
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _Unreadable(1, f"larger than {MAX_BYTES} bytes: not read")
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise _Unreadable(1, f"cannot read: {exc.strerror or exc}") from None
    _check(text)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise _Unreadable(exc.raw_line, f"Python syntax error: {exc.message}") from None
    wrapper = MetadataWrapper(module)
    positions = wrapper.resolve(PositionProvider)
    return _File(path, shown, wrapper, positions, package)


# -- the project -----------------------------------------------------------------------


def read_project(project: Path, program: Path | None) -> Model:
    shown = display_path(program or project)
    if program is None:
        return _failed(shown, 1, "the Python project's program (__main__.py) is not found")
    reader = _Project(project, program)
    try:
        return reader.run()
    except _Unreadable as exc:
        return _failed(display_path(program), exc.line, exc.message)
    except RecursionError:
        return _failed(shown, 1, "expressions nested too deep to read")
    except Exception as exc:  # the reader must never stop a scan
        return _failed(shown, 1, f"internal error reading Pulumi Python: {exc!r}")


def _failed(shown: str, line: int, message: str) -> Model:
    return Model(files=(shown,), diagnostics=(Diagnostic(PARSE_ERROR, shown, line, message),))


def _yaml(path: Path) -> object:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, yaml.YAMLError):
        return None


@functools.lru_cache(maxsize=1)
def _managed_policies() -> Mapping[str, str]:
    """Upper-cased AWS managed policy names without punctuation -> their ARN."""
    text = package_data.files("nhilint").joinpath("data").joinpath(
        "aws_managed_policies.json").read_text("utf-8")
    data = json.loads(text)
    names: set[str] = set()
    for section in ("policies", "harmless", "deprecated", "pathless"):
        value = data.get(section, ())
        names |= {str(n) for n in value} if isinstance(value, dict | list) else set()
    found: dict[str, str] = {}
    clashes: set[str] = set()
    for name in names:
        k = re.sub(r"[^A-Za-z0-9]", "", name.rsplit("/", 1)[-1]).upper()
        if k in found and found[k] != name:
            clashes.add(k)
        found[k] = name
    return {k: f"arn:aws:iam::aws:policy/{v}" for k, v in found.items() if k not in clashes}


class _Project:
    def __init__(self, project: Path, program: Path) -> None:
        self.project = project
        self.root = program.parent
        self.program = program
        self.files: dict[Path, _File] = {}
        self.modules: dict[Path, _Scope] = {}
        self.resources: list[Resource] = []
        self.providers: list[Provider] = []
        self.diagnostics: list[Diagnostic] = []
        self.names = Addresses()
        self.steps = 0
        self.depth = 0
        spec = _yaml(project)
        self.spec: Mapping[str, object] = spec if isinstance(spec, dict) else {}
        self.name = str(self.spec.get("name", ""))
        self.stack = self._stack_config()

    def _stack_config(self) -> Mapping[str, object] | None:
        stacks = sorted(p for p in self.project.parent.glob("Pulumi.*.y*ml")
                        if p.name not in ("Pulumi.yaml", "Pulumi.yml"))
        if len(stacks) != 1:
            return None
        data = _yaml(stacks[0])
        config = data.get("config") if isinstance(data, dict) else None
        return config if isinstance(config, dict) else {}

    def run(self) -> Model:
        main = self._file(self.program, "__main__")
        scope = _Scope()
        self.modules[self.program] = scope
        try:
            self._block(main.wrapper.module.body, scope, main)
        except _Budget:
            self._problem(main, 1, f"more than {MAX_STEPS} statements to interpret: the rest "
                                   "is not read")
        except _Return:
            pass
        return Model(resources=tuple(self.resources), providers=tuple(self.providers),
                     files=tuple(f.shown for f in self.files.values()),
                     diagnostics=tuple(self.diagnostics))

    def _file(self, path: Path, package: str) -> _File:
        found = self.files.get(path)
        if found is None:
            found = _load(path, package)
            self.files[path] = found
        return found

    def _problem(self, file: _File, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(PARSE_ERROR, file.shown, line, message))

    def _line(self, file: _File, node: cst.CSTNode) -> Span:
        where = file.positions.get(node)
        if where is None:
            return Span(file.shown, None, None)
        return Span(file.shown, where.start.line, where.end.line)

    # -- statements --------------------------------------------------------------------

    def _block(self, body: Sequence[cst.BaseStatement | cst.BaseSmallStatement], scope: _Scope,
               file: _File) -> None:
        for statement in body:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise _Budget
            self._statement(statement, scope, file)

    def _statement(self, node: cst.CSTNode, scope: _Scope, file: _File) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self._small(small, scope, file)
        elif isinstance(node, cst.FunctionDef):
            scope.names[node.name.value] = _Function(node, file, scope)
        elif isinstance(node, cst.ClassDef):
            bases = [self._eval(b.value, scope, file) for b in node.bases]
            component = any(isinstance(b, _Module) and b.name.endswith("ComponentResource")
                            for b in bases)
            scope.names[node.name.value] = _Class(node, file, scope, component)
        elif isinstance(node, cst.If):
            test = self._eval(node.test, scope, file)
            if is_known(test) and not isinstance(test, _Output):
                chosen = node.body if test else node.orelse
                if isinstance(chosen, cst.If):
                    self._statement(chosen, scope, file)
                elif chosen is not None:
                    self._block(chosen.body.body if isinstance(chosen, cst.Else)
                                else chosen.body, scope, file)
            else:
                self._block(node.body.body, scope, file)
                if isinstance(node.orelse, cst.If):
                    self._statement(node.orelse, scope, file)
                elif node.orelse is not None:
                    self._block(node.orelse.body.body, scope, file)
        elif isinstance(node, cst.For):
            self._for(node, scope, file)
        elif isinstance(node, cst.While | cst.With):
            self._block(node.body.body, scope, file)
        elif isinstance(node, cst.Try | cst.TryStar):
            self._block(node.body.body, scope, file)
            if node.finalbody is not None:
                self._block(node.finalbody.body.body, scope, file)

    def _for(self, node: cst.For, scope: _Scope, file: _File) -> None:
        items = self._eval(node.iter, scope, file)
        if isinstance(items, dict):
            items = list(items)
        if isinstance(items, list) and len(items) <= MAX_LOOP:
            for item in items:
                self._bind(node.target, item, scope, file)
                self._block(node.body.body, scope, file)
            return
        self._bind(node.target, Unknown("an element of a collection not known before deploy",
                                        _code(file, node.iter), _refs(items)), scope, file)
        self._block(node.body.body, scope, file)

    def _small(self, node: cst.BaseSmallStatement, scope: _Scope, file: _File) -> None:
        if isinstance(node, cst.Assign):
            value = self._eval(node.value, scope, file)
            for target in node.targets:
                self._bind(target.target, value, scope, file)
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            self._bind(node.target, self._eval(node.value, scope, file), scope, file)
        elif isinstance(node, cst.AugAssign):
            self._bind(node.target, Unknown("an augmented assignment is not evaluated",
                                            _code(file, node), cause=Cause.NOT_EVALUATED),
                       scope, file)
        elif isinstance(node, cst.Expr):
            self._eval(node.value, scope, file)
        elif isinstance(node, cst.Return):
            raise _Return(self._eval(node.value, scope, file) if node.value else None)
        elif isinstance(node, cst.Import):
            for alias in node.names:
                name = _dotted(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    scope.names[alias.asname.name.value] = self._import(name, file)
                else:
                    head = name.split(".", 1)[0]
                    scope.names[head] = self._import(head, file)
        elif isinstance(node, cst.ImportFrom):
            self._import_from(node, scope, file)

    def _bind(self, target: cst.BaseExpression, value: object, scope: _Scope,
              file: _File) -> None:
        if isinstance(target, cst.Name):
            scope.names[target.value] = value
        elif isinstance(target, cst.Tuple | cst.List):
            elements = [e.value for e in target.elements]
            values = value if isinstance(value, list) and len(value) == len(elements) else None
            for i, element in enumerate(elements):
                self._bind(element, values[i] if values is not None else Unknown(
                    "an element of a value not known", _code(file, element), _refs(value)),
                    scope, file)
        elif isinstance(target, cst.Attribute):
            owner = self._eval(target.value, scope, file)
            if isinstance(owner, _Instance):
                owner.fields[target.attr.value] = value
            elif isinstance(owner, _Scope):  # a module's global, set from outside it
                owner.names[target.attr.value] = value
        elif isinstance(target, cst.Subscript):
            owner = self._eval(target.value, scope, file)
            index = self._index_of(target, scope, file)
            if isinstance(owner, dict) and isinstance(index, str | int):
                owner[index] = value

    # -- imports -----------------------------------------------------------------------

    def _import(self, name: str, file: _File) -> object:
        local = self._local_module(name, 0, file)
        return local if local is not None else _Module(name)

    def _import_from(self, node: cst.ImportFrom, scope: _Scope, file: _File) -> None:
        dots = len(node.relative)
        base = _dotted(node.module) if node.module is not None else ""
        source = self._local_module(base, dots, file) if (base or dots) else None
        if isinstance(node.names, cst.ImportStar):
            if isinstance(source, _Scope):
                scope.names.update(source.names)
            return
        for alias in node.names:
            name = _dotted(alias.name)
            bound = (alias.asname.name.value if alias.asname is not None
                     and isinstance(alias.asname.name, cst.Name) else name)
            if isinstance(source, _Scope):
                value = source.get(name)
                if value is _MISSING:
                    value = self._local_module(f"{base}.{name}" if base else name, dots, file)
                scope.names[bound] = value if value is not None and value is not _MISSING \
                    else Unknown(f"{name} is not found in the project", name,
                                 cause=Cause.NOT_EVALUATED)
            elif dots == 0:
                scope.names[bound] = _Module(f"{base}.{name}")
            else:
                sub = self._local_module(f"{base}.{name}" if base else name, dots, file)
                scope.names[bound] = sub if sub is not None else Unknown(
                    f"{name} is not found in the project", name, cause=Cause.NOT_EVALUATED)

    def _local_module(self, name: str, dots: int, file: _File) -> _Scope | None:
        """The scope of a module of the project (its top level read once), or ``None``."""
        if dots:
            base = file.path.parent
            for _ in range(dots - 1):
                base = base.parent
        else:
            base = self.root
        parts = [p for p in name.split(".") if p]
        candidate = base.joinpath(*parts) if parts else base
        for path in (candidate.with_suffix(".py") if parts else None,
                     candidate / "__init__.py"):
            if path is None or not path.is_file():
                continue
            try:
                path.resolve().relative_to(self.project.parent.resolve())
            except (ValueError, OSError):
                return None
            if path in self.modules:
                return self.modules[path]
            if self.depth >= MAX_DEPTH:
                return None
            scope = _Scope()
            self.modules[path] = scope
            try:
                loaded = self._file(path, name)
            except _Unreadable as exc:
                self.diagnostics.append(Diagnostic(PARSE_ERROR, display_path(path), exc.line,
                                                   exc.message))
                return scope
            self.depth += 1
            try:
                self._block(loaded.wrapper.module.body, scope, loaded)
            except _Return:
                pass
            finally:
                self.depth -= 1
            return scope
        return None

    # -- expressions -------------------------------------------------------------------

    def _eval(self, node: cst.BaseExpression | None, scope: _Scope, file: _File) -> object:
        if node is None:
            return None
        if isinstance(node, cst.Integer | cst.Float):
            return node.evaluated_value
        if isinstance(node, cst.SimpleString):
            text = node.evaluated_value
            return text if isinstance(text, str) else Unknown(
                "a bytes literal", node.value, cause=Cause.NOT_EVALUATED)
        if isinstance(node, cst.ConcatenatedString):
            return _join([self._eval(node.left, scope, file),
                          self._eval(node.right, scope, file)], _code(file, node))
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, scope, file)
        if isinstance(node, cst.Name):
            return self._name(node, scope, file)
        if isinstance(node, cst.Attribute):
            return self._attribute(self._eval(node.value, scope, file), node.attr.value,
                                   node, file)
        if isinstance(node, cst.Subscript):
            return self._subscript(node, scope, file)
        if isinstance(node, cst.Call):
            return self._call(node, scope, file)
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            found: list[object] = []
            for element in node.elements:
                value = self._eval(element.value, scope, file)
                if isinstance(element, cst.StarredElement):
                    if isinstance(value, list):
                        found.extend(value)
                        continue
                    return Unknown("a starred element not known", _code(file, node),
                                   _refs(value))
                found.append(value)
            return found
        if isinstance(node, cst.Dict):
            return self._dict(node, scope, file)
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node, scope, file)
        if isinstance(node, cst.IfExp):
            test = self._eval(node.test, scope, file)
            if is_known(test) and not isinstance(test, _Output):
                return self._eval(node.body if test else node.orelse, scope, file)
            return Unknown("a conditional on a value not known before deploy",
                           _code(file, node), _refs(test), cause=Cause.NOT_EVALUATED)
        if isinstance(node, cst.BooleanOperation):
            left = self._eval(node.left, scope, file)
            if not is_known(left) or isinstance(left, _Output):
                return Unknown("a condition on a value not known", _code(file, node),
                               _refs(left), cause=Cause.NOT_EVALUATED)
            if isinstance(node.operator, cst.Or):
                return left if left else self._eval(node.right, scope, file)
            return self._eval(node.right, scope, file) if left else left
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            negated = self._eval(node.expression, scope, file)
            if is_known(negated) and not isinstance(negated, _Output):
                return not negated
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
            number = self._eval(node.expression, scope, file)
            if isinstance(number, int | float) and not isinstance(number, bool):
                return -number
        if isinstance(node, cst.Comparison):
            return self._compare(node, scope, file)
        return Unknown("an expression nhilint does not evaluate", _code(file, node),
                       cause=Cause.NOT_EVALUATED)

    def _name(self, node: cst.Name, scope: _Scope, file: _File) -> object:
        constants = {"True": True, "False": False, "None": None}
        if node.value in constants:
            return constants[node.value]
        value = scope.get(node.value)
        if value is _MISSING:
            if node.value in _BUILTINS:
                return _Module(f"builtins.{node.value}")
            return Unknown(f"{node.value} is not bound where it is read", node.value,
                           cause=Cause.NOT_EVALUATED)
        return value

    def _attribute(self, owner: object, attr: str, node: cst.CSTNode, file: _File) -> object:
        if isinstance(owner, _Module):
            name = f"{owner.name}.{attr}"
            parts = name.split(".")
            if len(parts) == 4 and parts[:3] == ["pulumi_aws", "iam", "ManagedPolicy"]:
                arn = _managed_policies().get(attr.replace("_", "").upper())
                return arn if arn is not None else Unknown(
                    f"managed policy {attr} is not in nhilint's AWS data", name,
                    cause=Cause.NOT_EVALUATED)
            return _Module(name)
        if isinstance(owner, _Output):
            return dataclasses.replace(owner, steps=(*owner.steps, attr))
        if isinstance(owner, _Instance):
            if attr in owner.fields:
                return owner.fields[attr]
            return Unknown(f"{attr} of a component is not set", _code(file, node),
                           cause=Cause.NOT_EVALUATED)
        if isinstance(owner, _Scope):
            value = owner.get(attr)
            return value if value is not _MISSING else Unknown(
                f"{attr} is not found in the module", attr, cause=Cause.NOT_EVALUATED)
        if isinstance(owner, _Config | dict | str | list):
            return _Method(owner, attr)
        return Unknown(f".{attr} of a value not known", _code(file, node), _refs(owner),
                       cause=Cause.NOT_EVALUATED if not _refs(owner) else None)

    def _index_of(self, node: cst.Subscript, scope: _Scope, file: _File) -> object:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return _MISSING
        return self._eval(node.slice[0].slice.value, scope, file)

    def _subscript(self, node: cst.Subscript, scope: _Scope, file: _File) -> object:
        owner = self._eval(node.value, scope, file)
        index = self._index_of(node, scope, file)
        if isinstance(owner, _Output) and isinstance(index, str | int):
            quoted = owner.quoted | {len(owner.steps)} if isinstance(index, str) else owner.quoted
            return dataclasses.replace(owner, steps=(*owner.steps, index), quoted=quoted)
        if isinstance(owner, dict) and isinstance(index, str | int) and index in owner:
            return owner[index]
        if isinstance(owner, list | str) and isinstance(index, int) \
                and -len(owner) <= index < len(owner):
            return owner[index]
        return Unknown("an index not known before deploy", _code(file, node),
                       _refs(owner) + _refs(index), cause=Cause.NOT_EVALUATED
                       if not (_refs(owner) + _refs(index)) else None)

    def _dict(self, node: cst.Dict, scope: _Scope, file: _File) -> object:
        found: dict[object, object] = {}
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                value = self._eval(element.value, scope, file)
                if isinstance(value, dict):
                    found.update(value)
                    continue
                return Unknown("a ** element not known", _code(file, node), _refs(value))
            assert isinstance(element, cst.DictElement)
            key = self._eval(element.key, scope, file)
            if not isinstance(key, str | int | float | bool):
                return Unknown("a key not known before deploy", _code(file, node), _refs(key),
                               cause=Cause.NOT_EVALUATED)
            found[key] = self._eval(element.value, scope, file)
        return found

    def _fstring(self, node: cst.FormattedString, scope: _Scope, file: _File) -> object:
        parts: list[object] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value.replace("{{", "{").replace("}}", "}"))
            elif isinstance(part, cst.FormattedStringExpression):
                if part.format_spec or part.conversion:
                    parts.append(Unknown("a formatted value", _code(file, part),
                                         cause=Cause.NOT_EVALUATED))
                else:
                    parts.append(self._eval(part.expression, scope, file))
        return _join(parts, _code(file, node))

    def _binary(self, node: cst.BinaryOperation, scope: _Scope, file: _File) -> object:
        left = self._eval(node.left, scope, file)
        right = self._eval(node.right, scope, file)
        if isinstance(node.operator, cst.Add):
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            if isinstance(left, list) and isinstance(right, list):
                return left + right
            if _number(left) and _number(right):
                return left + right  # type: ignore[operator]
            if isinstance(left, str | Unknown | _Output) and isinstance(right,
                                                                        str | Unknown | _Output):
                return _join([left, right], _code(file, node))
        if isinstance(node.operator, cst.Multiply) and _number(left) and _number(right):
            return left * right  # type: ignore[operator]
        return Unknown("an operation nhilint does not evaluate", _code(file, node),
                       _refs(left) + _refs(right),
                       cause=Cause.NOT_EVALUATED if not (_refs(left) + _refs(right)) else None)

    def _compare(self, node: cst.Comparison, scope: _Scope, file: _File) -> object:
        left = self._eval(node.left, scope, file)
        if len(node.comparisons) != 1:
            return Unknown("a chained comparison", _code(file, node), cause=Cause.NOT_EVALUATED)
        target = node.comparisons[0]
        right = self._eval(target.comparator, scope, file)
        if not (is_known(left) and is_known(right)) or isinstance(left, _Output) \
                or isinstance(right, _Output):
            return Unknown("a comparison of values not known", _code(file, node),
                           _refs(left) + _refs(right), cause=Cause.NOT_EVALUATED)
        op = target.operator
        try:
            if isinstance(op, cst.Equal):
                return left == right
            if isinstance(op, cst.NotEqual):
                return left != right
            if isinstance(op, cst.In):
                return left in right  # type: ignore[operator]
            if isinstance(op, cst.NotIn):
                return left not in right  # type: ignore[operator]
            if isinstance(op, cst.Is):
                return left is right
            if isinstance(op, cst.IsNot):
                return left is not right
        except TypeError:
            pass
        return Unknown("a comparison nhilint does not evaluate", _code(file, node),
                       cause=Cause.NOT_EVALUATED)

    # -- calls -------------------------------------------------------------------------

    def _arguments(self, node: cst.Call, scope: _Scope, file: _File
                   ) -> tuple[list[object], dict[str, object], dict[str, cst.Arg]] | None:
        positional: list[object] = []
        named: dict[str, object] = {}
        written: dict[str, cst.Arg] = {}
        for arg in node.args:
            value = self._eval(arg.value, scope, file)
            if arg.star == "**":
                if not isinstance(value, dict):
                    return None
                named.update({str(k): v for k, v in value.items()})
            elif arg.star == "*":
                if not isinstance(value, list):
                    return None
                positional.extend(value)
            elif arg.keyword is not None:
                named[arg.keyword.value] = value
                written[arg.keyword.value] = arg
            else:
                positional.append(value)
        return positional, named, written

    def _call(self, node: cst.Call, scope: _Scope, file: _File) -> object:
        applied = self._apply(node, scope, file)
        if applied is not _MISSING:
            return applied
        func = self._eval(node.func, scope, file)
        arguments = self._arguments(node, scope, file)
        if arguments is None:
            return Unknown("a call with arguments not known", _code(file, node),
                           cause=Cause.NOT_EVALUATED)
        positional, named, written = arguments
        if isinstance(func, _Module):
            return self._library(func.name, node, positional, named, written, file)
        if isinstance(func, _Method):
            return func.call(positional, named, self, _code(file, node))
        if isinstance(func, _Function | _Class):
            if self.depth >= MAX_DEPTH:
                return Unknown(f"a call nested deeper than {MAX_DEPTH} is not followed",
                               _code(file, node), cause=Cause.NOT_EVALUATED)
            self.depth += 1
            try:
                if isinstance(func, _Class):
                    return self._instantiate(func, positional, named)
                return self._invoke(func, positional, named)
            finally:
                self.depth -= 1
        refs = tuple(dict.fromkeys(r for v in [func, *positional, *named.values()]
                                   for r in _refs(v)))
        return Unknown("a call nhilint does not evaluate", _code(file, node), refs,
                       cause=None if refs else Cause.NOT_EVALUATED)

    def _apply(self, node: cst.Call, scope: _Scope, file: _File) -> object:
        """``out.apply(lambda v: <expr>)``: the body read with ``v`` the output itself (its
        result refers to what it was made from); any other ``apply`` is Unknown."""
        if not (isinstance(node.func, cst.Attribute) and node.func.attr.value == "apply"):
            return _MISSING
        owner = self._eval(node.func.value, scope, file)
        if not isinstance(owner, _Output | Unknown):
            return _MISSING
        lam = node.args[0].value if len(node.args) == 1 else None
        if isinstance(lam, cst.Lambda) and len(lam.params.params) == 1 \
                and not lam.params.kwonly_params \
                and lam.params.star_arg is cst.MaybeSentinel.DEFAULT:
            inner = _Scope(scope)
            inner.names[lam.params.params[0].name.value] = owner
            return self._eval(lam.body, inner, file)
        return Unknown("the result of .apply", _code(file, node), _refs(owner))

    def _invoke(self, func: _Function, positional: list[object], named: dict[str, object],
                bound_self: object = _MISSING) -> object:
        scope = _Scope(func.scope.module())
        params = func.node.params
        ordered = [*params.posonly_params, *params.params]
        given = list(positional)
        if bound_self is not _MISSING:
            given.insert(0, bound_self)
        for i, param in enumerate(ordered):
            name = param.name.value
            if i < len(given):
                scope.names[name] = given[i]
            elif name in named:
                scope.names[name] = named.pop(name)
            elif param.default is not None:
                scope.names[name] = self._eval(param.default, func.scope, func.file)
            else:
                scope.names[name] = Unknown(f"argument {name} is not given", name,
                                            cause=Cause.NOT_EVALUATED)
        for param in params.kwonly_params:
            name = param.name.value
            scope.names[name] = named.pop(name) if name in named else (
                self._eval(param.default, func.scope, func.file) if param.default is not None
                else Unknown(f"argument {name} is not given", name, cause=Cause.NOT_EVALUATED))
        if isinstance(params.star_kwarg, cst.Param):
            scope.names[params.star_kwarg.name.value] = dict(named)
        if isinstance(params.star_arg, cst.Param):
            scope.names[params.star_arg.name.value] = given[len(ordered):]
        body = func.node.body
        try:
            if isinstance(body, cst.IndentedBlock):
                self._block(body.body, scope, func.file)
            else:
                self._block(body.body, scope, func.file)
        except _Return as done:
            return done.value
        return None

    def _instantiate(self, cls: _Class, positional: list[object], named: dict[str, object]
                     ) -> object:
        instance = _Instance(cls)
        for statement in cls.node.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
                self._invoke(_Function(statement, cls.file, cls.scope), positional, named,
                             instance)
        return instance

    def _library(self, name: str, node: cst.Call, positional: list[object],
                 named: dict[str, object], written: Mapping[str, cst.Arg], file: _File
                 ) -> object:
        source = _code(file, node)
        if name in ("json.dumps", "pulumi.Output.json_dumps"):
            value = positional[0] if positional else None
            if is_known(value) and not _has_output(value):
                try:
                    return json.dumps(value)
                except (TypeError, ValueError):
                    pass
            model = _plain(value)
            return Unknown(f"{name} of a value not known before deploy", source,
                           _refs(value), partial=model)
        if name in ("pulumi.Output.secret", "pulumi.Output.from_input"):
            return positional[0] if positional else None
        if name == "pulumi.Config":
            namespace = positional[0] if positional else named.get("name", self.name)
            return _Config(str(namespace)) if isinstance(namespace, str) else Unknown(
                "a config namespace not known", source, cause=Cause.NOT_EVALUATED)
        if name == "pulumi.ResourceOptions":
            return _Options(named.get("provider"))
        if name in ("pulumi.get_project",):
            return self.name or Unknown("the project name", source, cause=Cause.NOT_EVALUATED)
        if name.startswith("builtins."):
            return _builtin(name[9:], positional, source)
        parts = name.split(".")
        package = parts[0]
        if not package.startswith("pulumi_") or len(parts) < 2:
            refs = tuple(r for v in [*positional, *named.values()] for r in _refs(v))
            return Unknown(f"{name}(...) is not evaluated", source, refs,
                           cause=None if refs else Cause.NOT_EVALUATED)
        last = parts[-1]
        if last.endswith(("Args", "ArgsDict")) and last[:1].isupper():
            return dict(named)
        if last[:1].isupper():
            return self._resource(parts, node, positional, named, written, file)
        if last.startswith("get_"):
            return self._function(parts, node, named, file)
        return Unknown(f"{name}(...) is not evaluated", source, cause=Cause.NOT_EVALUATED)

    def _function(self, parts: list[str], node: cst.Call, named: dict[str, object],
                  file: _File) -> object:
        package = parts[0].removeprefix("pulumi_").replace("_", "-")
        short = parts[-1].removesuffix("_output")
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), short)
        module = parts[1] if len(parts) > 2 else "index"
        kind = function_type(f"{package}:{module}:{camel}")
        source = _code(file, node)
        if kind is None or kind.token != _POLICY_DOCUMENT:
            return Unknown(f"{'.'.join(parts)}(...) is read when the program runs", source,
                           cause=Cause.DATA_SOURCE)
        snaked = _snake_kind(kind)
        converted = attributes(snaked, {k: _plain(v) for k, v in named.items()}, _no_special)
        span = self._line(file, node)
        address = self.names.address(kind.terraform_type, f"document_l{span.line}", "data")
        self.resources.append(Resource(kind.terraform_type, address.split(".", 2)[2], address,
                                       "data", converted.attributes, span, {(): span}, "",
                                       "aws"))
        return _Output(address, snaked)

    def _resource(self, parts: list[str], node: cst.Call, positional: list[object],
                  named: dict[str, object], written: Mapping[str, cst.Arg], file: _File
                  ) -> object:
        package = parts[0].removeprefix("pulumi_").replace("_", "-")
        name_value = positional[0] if positional else named.pop("resource_name", None)
        named.pop("resource_name", None)
        args = named.pop("args", positional[1] if len(positional) > 1 else None)
        opts = named.pop("opts", positional[2] if len(positional) > 2 else None)
        props: dict[str, object] = dict(args) if isinstance(args, dict) else {}
        props.update(named)
        span = self._line(file, node)
        logical = name_value if isinstance(name_value, str) else \
            local_name(_code(file, node.args[0].value)) if node.args else f"l{span.line}"
        if parts[-1] == "Provider" and len(parts) == 2:
            converted = attributes(None, {k: _plain(v) for k, v in props.items()}, _no_special)
            provider = Provider(package, logical, converted.attributes, span)
            self.providers.append(provider)
            return _Output(provider.address, None, provider=provider.address)
        # a module named after a Python keyword has a trailing _ (pulumi_aws.lambda_)
        modules = [m.removesuffix("_") for m in parts[1:-1]]
        kind = _token_type(package, modules, parts[-1])
        token = kind.token if kind else f"{package}:{'/'.join(modules) or 'index'}:{parts[-1]}"
        snaked = _snake_kind(kind) if kind else None
        converted = attributes(snaked, {k: _plain(v) for k, v in props.items()}, _no_special)
        tf_type = kind.terraform_type if kind else token
        address = self.names.address(tf_type, logical)
        spans: dict[AttrPath, Span] = {(): span}
        for key, arg in written.items():
            spans[(_property(snaked, key),)] = self._line(file, arg)
        arg_node = written.get("args")
        if arg_node is not None and isinstance(arg_node.value, cst.Call):
            for inner in arg_node.value.args:
                if inner.keyword is not None:
                    spans[(_property(snaked, inner.keyword.value),)] = self._line(file, inner)
        chosen = opts.provider if isinstance(opts, _Options) else None
        configured = chosen.provider if isinstance(chosen, _Output) and chosen.provider \
            else package
        self.resources.append(Resource(
            tf_type, address.split(".", 1)[1], address, "managed", converted.attributes, span,
            spans, "", configured, converted.sensitive,
        ))
        return _Output(address, snaked)

    # -- config ------------------------------------------------------------------------

    def config(self, namespace: str, method: str, key: object, default: object,
               source: str) -> object:
        match = _CONFIG_READS.match(method)
        if match is None or not isinstance(key, str):
            return Unknown(f"config.{method} is not evaluated", source,
                           cause=Cause.NOT_EVALUATED)
        full = key if ":" in key else f"{namespace}:{key}"
        if match.group(2):
            return Unknown(f"config {full} is a secret (never decrypted)", f"config.{full}",
                           cause=Cause.VARIABLE_UNSET)
        value: object = _MISSING
        if self.stack is not None:
            value = self.stack.get(full, _MISSING)
            if value is _MISSING and full.startswith(f"{self.name}:"):
                value = self.stack.get(full.split(":", 1)[1], _MISSING)
        if value is _MISSING:
            value = self._project_default(full)
        if isinstance(value, dict) and "secure" in value:
            return Unknown(f"config {full} is a secret (never decrypted)", f"config.{full}",
                           cause=Cause.VARIABLE_UNSET)
        if value is _MISSING:
            if self.stack is None:
                return Unknown(f"config {full} is set per stack", f"config.{full}",
                               cause=Cause.VARIABLE_UNSET)
            if match.group(1) == "require":
                return Unknown(f"config {full} is required and not set", f"config.{full}",
                               cause=Cause.VARIABLE_UNSET)
            return default
        if match.group(3) == "_bool" and isinstance(value, str):
            return value.lower() == "true"
        if match.group(3) == "_int" and isinstance(value, str) and value.isdigit():
            return int(value)
        return value

    def _project_default(self, full: str) -> object:
        section = self.spec.get("config")
        if not isinstance(section, dict):
            return _MISSING
        namespace, _, key = full.partition(":")
        for name in (full, key if namespace == self.name else None):
            if name is None or name not in section:
                continue
            spec = section[name]
            if isinstance(spec, dict):
                if spec.get("secret") is True:
                    return {"secure": ""}
                return spec.get("default", spec.get("value", _MISSING))
            return spec
        return _MISSING


class _Method:
    """A method of a value nhilint knows (``config.require``, ``tags.get``, ``"-".join``)."""

    def __init__(self, owner: object, name: str) -> None:
        self.owner = owner
        self.name = name

    def call(self, positional: list[object], named: dict[str, object], project: _Project,
             source: str) -> object:
        owner, name = self.owner, self.name
        if isinstance(owner, _Config):
            key = positional[0] if positional else named.get("key")
            default = positional[1] if len(positional) > 1 else named.get("default")
            return project.config(owner.namespace, name, key, default, source)
        if isinstance(owner, dict):
            if name == "items":
                return [[k, v] for k, v in owner.items()]
            if name == "keys":
                return list(owner)
            if name == "values":
                return list(owner.values())
            if name == "get" and positional and isinstance(positional[0], str | int):
                return owner.get(positional[0], positional[1] if len(positional) > 1 else None)
        if isinstance(owner, list) and name == "append" and len(positional) == 1:
            owner.append(positional[0])
            return None
        if isinstance(owner, str):
            if name == "join" and positional and isinstance(positional[0], list) \
                    and all(isinstance(p, str) for p in positional[0]):
                return owner.join(positional[0])
            if name in ("lower", "upper", "strip") and not positional:
                return str(getattr(owner, name)())
            if name == "format" and all(isinstance(p, str | int) for p in positional) \
                    and all(isinstance(v, str | int) for v in named.values()):
                try:
                    return owner.format(*positional, **named)
                except (IndexError, KeyError, ValueError):
                    pass
        refs = tuple(r for v in [*positional, *named.values()] for r in _refs(v))
        return Unknown(f".{name}(...) is not evaluated", source, refs,
                       cause=None if refs else Cause.NOT_EVALUATED)


_BUILTINS = frozenset({"range", "enumerate", "str", "len", "list", "dict", "int", "sorted"})


def _builtin(name: str, positional: list[object], source: str) -> object:
    known = all(is_known(p) and not _has_output(p) for p in positional)
    if known:
        if name == "range" and all(isinstance(p, int) for p in positional) \
                and 1 <= len(positional) <= 3:
            numbers = range(*[int(str(p)) for p in positional])
            if len(numbers) <= MAX_LOOP:
                return list(numbers)
        if name == "enumerate" and len(positional) == 1 and isinstance(positional[0], list):
            return [[i, v] for i, v in enumerate(positional[0])]
        if name == "str" and len(positional) == 1 and isinstance(positional[0], str | int):
            return str(positional[0])
        if name == "len" and len(positional) == 1 and isinstance(positional[0], list | dict | str):
            return len(positional[0])
        if name in ("list", "sorted") and len(positional) == 1 \
                and isinstance(positional[0], list | dict):
            items = list(positional[0])
            try:
                return sorted(items) if name == "sorted" else items
            except TypeError:
                pass
    return Unknown(f"{name}(...) is not evaluated", source,
                   tuple(r for p in positional for r in _refs(p)), cause=Cause.NOT_EVALUATED)


# -- helpers ---------------------------------------------------------------------------


def _no_special(value: object, path: AttrPath) -> None:
    return None


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _code(file: _File, node: cst.CSTNode) -> str:
    text = file.wrapper.module.code_for_node(node)
    return text if len(text) <= 200 else text[:197] + "..."


def _has_output(value: object) -> bool:
    if isinstance(value, _Output | _Instance | _Module | _Scope | _Function | _Class):
        return True
    if isinstance(value, list):
        return any(_has_output(v) for v in value)
    if isinstance(value, dict):
        return any(_has_output(v) for v in value.values())
    return False


def _walk(value: object) -> Iterator[object]:
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _refs(value: object) -> tuple[Ref, ...]:
    found: list[Ref] = []
    for item in _walk(value):
        if isinstance(item, _Output):
            found.extend(_to_unknown(item).refs)
        elif isinstance(item, Unknown):
            found.extend(item.refs)
    return tuple(dict.fromkeys(found))


def _join(parts: list[object], source: str) -> object:
    if all(isinstance(p, str) for p in parts):
        return "".join(str(p) for p in parts)
    if any(isinstance(p, int | float) and not isinstance(p, bool) for p in parts) and all(
            isinstance(p, str | int | float) and not isinstance(p, bool) for p in parts):
        return "".join(str(p) for p in parts)
    refs = tuple(dict.fromkeys(r for p in parts for r in _refs(p)))
    return Unknown("text made from values not known before deploy", source, refs,
                   cause=None if refs else Cause.NOT_EVALUATED)


def _plain(value: object) -> object:
    """A value as the model holds it."""
    if isinstance(value, _Output):
        return _to_unknown(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, str | int | float | bool | Unknown) or value is None:
        return value
    if isinstance(value, _Module):
        return Unknown(f"{value.name} is a value of a library nhilint does not read",
                       value.name, cause=Cause.NOT_EVALUATED)
    return Unknown("a value nhilint does not read", type(value).__name__.strip("_"),
                   _refs(value), cause=Cause.NOT_EVALUATED)


def _to_unknown(value: _Output) -> Unknown:
    if value.steps and value.steps[-1] == "apply":
        return Unknown("the result of .apply", value.address, (Ref(value.address, ()),))
    attr = _attribute_path(value.kind, value.steps, value.quoted)
    source = ".".join([value.address, *(str(a) for a in attr)])
    return Unknown(f"an output of {value.address}", source, (Ref(value.address, tuple(attr)),))


def _attribute_path(kind: PulumiType | None, steps: Sequence[str | int],
                    quoted: frozenset[int]) -> list[str | int]:
    """``metadata.name`` of a Kubernetes object -> ``metadata[0].name`` (a block Pulumi gives
    as one object is its one element in the model); a quoted key is data, kept as written."""
    found: list[str | int] = []
    dotted = ""
    for i, step in enumerate(steps):
        if isinstance(step, int) or i in quoted:
            found.append(step)
            continue
        name = _property(kind, step) if i == 0 else (kind.nested.get(step, step) if kind
                                                      else step)
        dotted = f"{dotted}.{name}" if dotted else name
        found.append(name)
        if kind is not None and dotted in kind.max_items_one:
            found.append(0)
    return found


def _property(kind: PulumiType | None, name: str) -> str:
    return kind.properties.get(name, name) if kind else name


def _snake_kind(kind: PulumiType) -> PulumiType:
    """The table's renames keyed by the Python SDK's snake_case names."""
    return kind._replace(properties={snake(k): v for k, v in kind.properties.items()},
                         nested={snake(k): v for k, v in kind.nested.items()})


def _token_type(package: str, modules: list[str], name: str) -> PulumiType | None:
    """The token map's entry of an SDK class (``kubernetes`` ``rbac.v1`` ``ClusterRole``)."""
    if package == "kubernetes" and len(modules) == 2:
        return _kubernetes_types().get((modules[0], modules[1], name.lower()))
    module = modules[0] if modules else "index"
    return resource_type(f"{package}:{module}:{name}")


@functools.lru_cache(maxsize=1)
def _kubernetes_types() -> Mapping[tuple[str, str, str], PulumiType]:
    """The Kubernetes entries of the token map by the Python SDK's module path: the group's
    first label and the version (``rbac.authorization.k8s.io/v1`` is ``rbac.v1``)."""
    text = package_data.files("nhilint").joinpath("data").joinpath(
        "pulumi_types.json").read_text("utf-8")
    found: dict[tuple[str, str, str], PulumiType] = {}
    for token in json.loads(text).get("resources", {}):
        parts = token.split(":")
        if len(parts) != 3 or parts[0] != "kubernetes" or "/" not in parts[1]:
            continue
        group, version = parts[1].split("/", 1)
        kind = resource_type(token)
        if kind is not None:
            found[(group.split(".", 1)[0], version, parts[2].lower())] = kind
    return found
