"""ARNs as the configuration writes them: literal, or templates with unknown parts."""

from __future__ import annotations

import re

from nhilint.model import Unknown

#: an ARN whose resource part is ``*`` or ``<kind>/*``: every identity of a kind
_UNBOUNDED_ARN = re.compile(r"^arn:[^:]*:[^:]*:[^:]*:[^:]*:(\*|[A-Za-z-]+/\*)$")


def template_shape(value: object, placeholder: str = "X") -> str:
    """A string, or a string template with its unknown interpolations as ``placeholder``.

    ``"arn:aws:iam::${var.account}:role/*"`` -> ``arn:aws:iam::X:role/*``; anything else
    unknown -> ``""``.  The template is the expression's source text, as the parser kept it.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, Unknown) and _is_template(value.source):
        return re.sub(r"\$\{[^}]*\}", placeholder, value.source[1:-1])
    return ""


def _is_template(source: str) -> bool:
    return len(source) >= 2 and source[0] == source[-1] == '"' and "\n" not in source


def service_of(value: object) -> str:
    """The service of an ARN (``iam`` of ``arn:aws:iam::1:role/x``), ``""`` when not known."""
    shape = template_shape(value, "\0")
    if not shape.startswith("arn:") or shape.count(":") < 5:
        return ""
    service = shape.split(":")[2]
    return "" if not service or any(c in service for c in "*?\0") else service.lower()


def unbounded_resource(value: object) -> bool:
    """``*``, or an ARN covering every identity of a kind (``arn:aws:iam::*:role/*``)."""
    resource = template_shape(value)
    return resource == "*" or bool(_UNBOUNDED_ARN.match(resource))


def last_segment(value: object) -> str | None:
    """``deploy-bot`` of a name or of ``arn:aws:iam::1:user/ci/deploy-bot``; ``None`` when not
    known."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("arn:"):
        return value.rsplit("/", 1)[-1]
    return value


#: a bare traversal: ``aws_iam_role.deploy.arn``, ``data.aws_iam_role.x.arn``, ``x[0].arn``
_TRAVERSAL = re.compile(r'^[A-Za-z_][\w-]*(?:\.[\w*-]+|\[[^\[\]]*\])*$')
_NOT_RESOURCES = ("var.", "local.", "module.", "each.", "count.", "path.", "terraform.", "self.")


def names_resources(value: object) -> bool:
    """Is ``value``, though not known before apply, the ``arn`` of resources the configuration
    names (``aws_iam_role.deploy.arn``, ``data.aws_iam_role.ci.arn``, ``aws_iam_role.x[*].arn``)?
    Such a value is those resources' own ARNs: never ``*``, never a pattern."""
    if not isinstance(value, Unknown) or value.ref is None:
        return False
    ref = value.ref
    return (
        ref.attr[-1:] == ("arn",)
        and not ref.address.startswith(_NOT_RESOURCES)
        and bool(_TRAVERSAL.match(value.source))
    )


#: the account of AWS managed policies: ``arn:aws:iam::aws:policy/...``.  Nothing there can be
#: written by a customer ("You cannot change the permissions defined in AWS managed policies",
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html)
AWS_MANAGED_ACCOUNT = "aws"
_WILD = frozenset("*?")


def acts_on(resource: object, types: tuple[str, ...]) -> bool:
    """Can an action whose resource types are ``types`` (``iam:role/*``, the catalog's form;
    empty: the action takes ``Resource: "*"`` only) act on something ``resource`` covers?

    ``*`` and anything not known (an unknown value, a template's unknown parts, what is not an
    ARN) may cover anything; an ARN of the ``aws`` account names AWS managed policies, which no
    action can change.
    """
    shape = template_shape(resource, "\0").replace("\0", "*")
    if not shape or set(shape) <= _WILD:
        return True
    parts = shape.split(":", 5)
    if parts[0] != "arn" or len(parts) < 6:
        return True
    if parts[4] == AWS_MANAGED_ACCOUNT:
        return False
    service, rest = parts[2].lower(), parts[5].lower()
    return any(
        globs_meet(service, kind) and globs_meet(rest, glob.lower())
        for kind, _, glob in (t.partition(":") for t in types)
    )


def globs_meet(left: str, right: str) -> bool:
    """Is there a string both IAM globs match (``*`` any run, ``?`` one character)?"""
    seen: set[tuple[int, int]] = set()
    todo = [(0, 0)]
    while todo:
        i, j = todo.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(left) and j == len(right):
            return True
        todo.extend(_steps(left, right, i, j))
    return False


def _steps(left: str, right: str, i: int, j: int) -> list[tuple[int, int]]:
    steps = []
    a = left[i] if i < len(left) else ""
    b = right[j] if j < len(right) else ""
    if a == "*":
        steps.append((i + 1, j))  # the star matches nothing more
        if b:
            steps.append((i, j + 1))  # the star takes what the other side matches next
    if b == "*":
        steps.append((i, j + 1))
        if a:
            steps.append((i + 1, j))
    if a and b and a != "*" and b != "*" and (a == b or "?" in (a, b)):
        steps.append((i + 1, j + 1))
    return steps
