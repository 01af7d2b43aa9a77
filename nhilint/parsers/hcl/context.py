"""What expressions of one module may ask: ``var.*``, ``local.*``, ``module.*`` and ``file()``.

Values are computed on first use and memoised (outputs of a called module too).  Before a
local is computed, the locals it names are computed first (in dependency order), so a long
chain of locals never recurses deeply; a cycle of locals is an Unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import NamedTuple

from nhilint.model import Ref, Unknown
from nhilint.parsers.files import display_path
from nhilint.parsers.hcl.evaluator import Budget, Evaluator
from nhilint.parsers.hcl.expanded import Expanded
from nhilint.parsers.hcl.source import read_bytes
from nhilint.parsers.hcl.syntax import Attribute, Block, Body
from nhilint.parsers.hcl.types import convert, read_type
from nhilint.parsers.hcl.values import bounded

_LOCAL_NAME = re.compile(rb"\blocal\.([A-Za-z_][A-Za-z0-9_-]*)")
_VAR_NAME = re.compile(rb"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")


#: ``file()`` reads at most this much.
MAX_READ_FILE = 1024 * 1024


class Declarations(NamedTuple):
    """The top-level blocks of a module, each with the file it is written in."""

    variables: dict[str, Block]
    locals: dict[str, Attribute]
    objects: list[tuple[Block, str]]
    #: the file each variable and local is written in (``var.x``, ``local.x``)
    files: dict[str, str]
    outputs: dict[str, Block]


#: a module call's instances when first asked for, or why the module is not known
CallFactory = Callable[[], "Expanded | Unknown"]


class ModuleContext:
    """Answers ``var.*``, ``local.*`` and ``file()`` for one module, lazily and memoised."""

    def __init__(
        self, module: str, directory: Path, declarations: Declarations,
        values: Mapping[str, object],
    ) -> None:
        self.module = module
        self.directory = directory
        self.path_module = display_path(directory)
        self.declarations = declarations
        self._values = values
        self._memo: dict[str, object] = {}
        self._active: set[str] = set()
        self._budget = Budget()
        self._calls: dict[str, CallFactory] = {}
        self._expanded: dict[str, Expanded | Unknown] = {}

    def with_values(self, values: Mapping[str, object]) -> ModuleContext:
        """The same module with some variables set otherwise (its module calls are shared)."""
        other = ModuleContext(self.module, self.directory, self.declarations,
                              {**self._values, **values})
        other._calls = self._calls
        other._expanded = self._expanded
        return other

    def defaulted_inputs(self, source: bytes) -> list[str]:
        """The variables the expression text ``source`` uses (directly or through locals) that
        take their value from their ``default``: nobody set them (no tfvars, no caller)."""
        return [n for n in self.inputs_used(source) if self.defaulted(n)]

    def inputs_used(self, source: bytes) -> list[str]:
        """The variables the expression text ``source`` uses, directly or through locals."""
        names: list[str] = []
        seen: set[str] = set()
        pending = [source]
        while pending:
            text = pending.pop()
            names += (m.decode() for m in _VAR_NAME.findall(text))
            for local in (m.decode() for m in _LOCAL_NAME.findall(text)):
                attribute = self.declarations.locals.get(local)
                if local not in seen and attribute is not None:
                    seen.add(local)
                    pending.append(attribute.expr.text or b"")
        return list(dict.fromkeys(names))

    def defaulted(self, name: str) -> bool:
        """Whether ``var.<name>`` is declared with a default and nobody set it."""
        block = self.declarations.variables.get(name)
        return (block is not None and name not in self._values
                and block.body.attribute("default") is not None)

    def add_call(self, name: str, factory: CallFactory) -> None:
        """Make ``module.<name>`` answerable: ``factory`` expands the call when first asked."""
        self._calls.setdefault(name, factory)

    def module_call(self, name: str) -> Expanded | Unknown | None:
        """The instances of ``module.<name>``; an Unknown when the module cannot be read or is
        being expanded (a cycle), ``None`` when there is no such call."""
        if name in self._expanded:
            return self._expanded[name]
        factory = self._calls.get(name)
        if factory is None:
            return None
        key = f"module.{name}"
        if key in self._active:
            return Unknown(f"{key} refers to itself", key, (Ref(key, (), self.module),))
        self._active.add(key)
        try:
            found = factory()
        finally:
            self._active.discard(key)
        self._expanded[name] = found
        return found

    def output(self, name: str) -> object:
        """The value of ``output "<name>"`` of this module (``KeyError`` when none)."""
        block = self.declarations.outputs[name]
        value = block.body.attribute("value")
        if value is None:
            return None
        return self._cached(f"output.{name}", lambda: self.evaluator().value(value.expr))

    def outputs(self) -> dict[str, object]:
        """Every output of this module: the module's value as its caller sees it."""
        return {name: self.output(name) for name in self.declarations.outputs}

    def evaluator(self) -> Evaluator:
        return Evaluator(self, None, self._budget)

    def variable(self, name: str) -> object:
        return self._cached(f"var.{name}", partial(self._variable, name))

    def local(self, name: str) -> object:
        key = f"local.{name}"
        if key not in self._memo and key not in self._active:
            for dependency in self._dependencies_first(name):
                self._cached(f"local.{dependency}", partial(self._local, dependency))
        return self._cached(key, partial(self._local, name))

    def read_file(self, path: str) -> str | None:
        candidate = self._inside(path)
        if candidate is None:
            return None
        data, _, _ = read_bytes(candidate, MAX_READ_FILE)
        return data.decode("utf-8") if data is not None else None

    def file_exists(self, path: str) -> bool | None:
        """Whether ``path`` is a regular file; ``None`` outside the module or when unsure."""
        candidate = self._inside(path)
        if candidate is None:
            return None
        try:
            return candidate.is_file() or (None if candidate.exists() else False)
        except OSError:
            return None

    def _inside(self, path: str) -> Path | None:
        """``path`` (relative to the module, or starting with ``path.module``) inside the module."""
        candidate = Path(path)
        if candidate.is_absolute():
            return None
        prefix = self.path_module.rstrip("/") + "/"
        if self.path_module == "." or not path.startswith(prefix):
            candidate = self.directory / candidate
        try:
            if not candidate.resolve().is_relative_to(self.directory.resolve()):
                return None
        except (OSError, RuntimeError, ValueError):
            return None
        return candidate

    def _cached(self, key: str, compute: Callable[[], object]) -> object:
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return Unknown(f"{key} refers to itself", key, (Ref(key, (), self.module),))
        self._active.add(key)
        budget = self._budget
        saved = budget.strict, budget.depth
        budget.strict = budget.depth = 0  # the same value whoever asks first
        try:
            value = bounded(compute(), key)
        finally:
            self._active.discard(key)
            budget.strict, budget.depth = saved
        self._memo[key] = value
        return value

    def _variable(self, name: str) -> object:
        block = self.declarations.variables.get(name)
        ref = (Ref(f"var.{name}", (), self.module),)
        if block is None:
            return Unknown(f"var.{name} is not declared", f"var.{name}", ref)
        body = block.body
        default = body.attribute("default")
        given = name in self._values
        value = self._values[name] if given else None
        if given and value is None and self._non_nullable(body):
            given = False  # null given to a variable with nullable = false: its default
        if not given and default is not None:
            value = self.evaluator().value(default.expr)
        elif not given:
            return Unknown(f"var.{name} has no value", f"var.{name}", ref)
        declared = body.attribute("type")
        if declared is None:
            return value
        try:
            return convert(value, read_type(declared.expr), self.evaluator().value)
        except Exception as exc:  # a value that does not fit its type
            return Unknown(f"var.{name} does not match its type: {exc}", f"var.{name}", ref)

    def _non_nullable(self, body: Body) -> bool:
        nullable = body.attribute("nullable")
        return nullable is not None and self.evaluator().value(nullable.expr) is False

    def _local(self, name: str) -> object:
        attribute = self.declarations.locals.get(name)
        if attribute is None:
            return Unknown(f"local.{name} is not defined", f"local.{name}")
        return self.evaluator().value(attribute.expr)

    def _dependencies_first(self, name: str) -> list[str]:
        """The locals ``name`` needs that are not computed yet, dependencies before dependents."""
        order: list[str] = []
        seen: set[str] = set()
        stack: list[tuple[str, bool]] = [(name, False)]
        while stack:
            current, finished = stack.pop()
            if finished:
                order.append(current)
                continue
            if current in seen or f"local.{current}" in self._memo:
                continue
            seen.add(current)
            stack.append((current, True))
            stack.extend((d, False) for d in self._names_used(current))
        return order[:-1]

    def _names_used(self, name: str) -> list[str]:
        attribute = self.declarations.locals.get(name)
        if attribute is None:
            return []
        source = attribute.expr.text or b""
        return [m.decode() for m in _LOCAL_NAME.findall(source)]
