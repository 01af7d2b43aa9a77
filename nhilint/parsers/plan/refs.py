"""The ``references`` of a plan's configuration expressions as model :class:`Ref` values.

Terraform lists every reference an expression makes, each with its shorter forms
(``["aws_iam_role.ci.name", "aws_iam_role.ci"]``).  Only references to resources, data sources
and modules become refs (variables, locals, ``each``, ``count`` are already evaluated in the
plan's values); of the forms of one reference the longest is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from nhilint.model import AttrPath, Ref

#: one step of a reference: ``.name``, ``[0]`` or ``["key"]``
_STEP = re.compile(r'\.([A-Za-z_][\w-]*|\*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\[\*\]')
_NAME = re.compile(r"[A-Za-z_][\w-]*")
#: roots that are not objects of the configuration (their values are already in the plan)
_NOT_OBJECTS = frozenset({"var", "local", "each", "count", "path", "terraform", "self"})


def parse_reference(text: str, module: str) -> Ref | None:
    """``aws_iam_role.ci[0].arn`` → ``Ref("aws_iam_role.ci", (0, "arn"), module)``; ``None``
    for what is not a resource, data source or module reference, or cannot be read."""
    head = _NAME.match(text)
    if head is None or head.group() in _NOT_OBJECTS:
        return None
    steps = _steps(text[head.end():])
    if steps is None:
        return None
    root = head.group()
    width = 2 if root == "data" else 1
    names = steps[:width]
    if len(names) < width or not all(isinstance(n, str) and n != "*" for n in names):
        return None
    address = ".".join([root, *(str(n) for n in names)])
    return Ref(address, steps[width:], module)


def _steps(rest: str) -> AttrPath | None:
    steps: list[str | int] = []
    position = 0
    while position < len(rest):
        match = _STEP.match(rest, position)
        if match is None:
            return None
        name, number, key = match.groups()
        if name is not None:
            steps.append(name)
        elif number is not None:
            steps.append(int(number))
        elif key is not None:
            steps.append(str(json.loads(key)))
        else:
            steps.append("*")
        position = match.end()
    return tuple(steps)


def references(texts: Sequence[object], module: str) -> tuple[Ref, ...]:
    """The refs of one expression's ``references``, longest form of each, in order."""
    found = [r for t in texts if isinstance(t, str) and (r := parse_reference(t, module))]
    return tuple(dict.fromkeys(r for r in found if not any(_extends(o, r) for o in found)))


def _extends(longer: Ref, shorter: Ref) -> bool:
    return (
        longer.address == shorter.address
        and len(longer.attr) > len(shorter.attr)
        and longer.attr[: len(shorter.attr)] == shorter.attr
    )
