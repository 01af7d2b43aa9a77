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
