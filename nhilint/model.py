"""The resource model: the one shape every parser produces and every later layer reads.

Parsers own every quirk of their input format; what leaves a parser is a :class:`Model` of
:class:`Resource` values whose attributes are plain Python values (``str``, ``int``, ``float``,
``bool``, ``None``, ``list``, ``dict``) or :class:`Unknown` where a value cannot be known
before deploy.  Nested blocks (``statement { ... }``) are lists of dicts under the block's name.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Literal, NamedTuple

#: A path into a resource's attributes: ``("statement", 0, "actions")``.
AttrPath = tuple[str | int, ...]


class Span(NamedTuple):
    """Where something is in a source file (1-based, inclusive lines).

    ``line`` and ``end_line`` are ``None`` for an input without lines to point at (a value read
    from plan JSON names its file only).
    """

    path: str
    line: int | None
    end_line: int | None


class Ref(NamedTuple):
    """A reference to another object of the configuration.

    ``address`` is the referenced object's address in its module (``aws_iam_user.ci``,
    ``data.aws_iam_policy_document.ci``, ``var.name``, ``module.x``); ``attr`` the attribute
    path read from it (``("arn",)``).  ``module`` is the address of the module the reference was
    written in (``""`` for the root module).
    """

    address: str
    attr: AttrPath = ()
    module: str = ""

    @property
    def qualified(self) -> str:
        """The referenced object's address in the whole model (``module.x.aws_iam_user.ci``)."""
        return f"{self.module}.{self.address}" if self.module else self.address


class Cause(enum.Enum):
    """Why a value is not known before deploy: a fixed vocabulary, the same for every input.

    The values are the words reports and benchmarks use (NHI901's ``cause``).
    """

    #: a called module that was not read (a registry or git source not downloaded, a source
    #: outside the scanned tree, a cycle)
    MODULE_NOT_READ = "module-not-read"
    #: an output of a module the scanned code does not call
    MODULE_OUTPUT = "module-output"
    #: an attribute of a data source, read when the plan is made (or at apply)
    DATA_SOURCE = "data-source"
    #: a variable without a default and without a value in the scanned tfvars
    VARIABLE_UNSET = "variable-unset"
    #: an attribute of a resource that the provider computes at apply (an ARN, an id)
    COMPUTED_ATTRIBUTE = "computed-attribute"
    #: a ``count`` or ``for_each`` whose value is not known, so which instance is meant is not
    INSTANCE_KEY = "instance-key"
    #: a value Terraform itself knows only at apply: a plan's "known after apply"
    #: (``after_unknown``), ``timestamp()``
    AFTER_APPLY = "after-apply"
    #: an expression nhilint does not evaluate (a function it does not implement, a template
    #: file it does not read, a value of the wrong type, a value the input does not record)
    NOT_EVALUATED = "not-evaluated"
    #: a value that lives outside the scanned code (a principal or policy declared elsewhere)
    EXTERNAL = "external"
    #: nothing is unknown, but nothing in the scanned code decides the question either (a
    #: declared user with neither a key nor a console login)
    NO_EVIDENCE = "no-evidence"


_MODULE_NOT_READ = "module not read: "

#: how the reasons the parsers write begin and what they say, by the cause they tell (checked
#: before the references: the reason is nearer the cause than the values it was computed from)
_REASON_CAUSES = (
    (_MODULE_NOT_READ, "", Cause.MODULE_NOT_READ),
    ("count is not known", "", Cause.INSTANCE_KEY),
    ("for_each is not known", "", Cause.INSTANCE_KEY),
    ("function ", " is not evaluated", Cause.NOT_EVALUATED),
    ("", " is known only at apply time", Cause.AFTER_APPLY),  # timestamp()
    ("var.", " does not match its type", Cause.NOT_EVALUATED),  # it has a value
)

#: reference address prefixes, by the cause they tell
_REF_CAUSES = (
    ("var.", Cause.VARIABLE_UNSET),
    ("data.", Cause.DATA_SOURCE),
    ("module.", Cause.MODULE_OUTPUT),
    ("each.", Cause.INSTANCE_KEY),
    ("count.", Cause.INSTANCE_KEY),
    ("local.", Cause.NOT_EVALUATED),  # a local value that refers to itself
)


@dataclasses.dataclass(frozen=True)
class Unknown:
    """A value that cannot be known before deploy, and why.

    ``refs`` lists the references the value was computed from, so the identity layer can follow
    ``aws_iam_role.r.arn`` to the role even though the ARN is not known yet.  ``source`` is the
    expression's source text, for messages.  Never a guess: anything we cannot evaluate exactly
    is an ``Unknown``.  ``partial`` keeps the known structure of an encoded value.
    """

    reason: str
    source: str = ""
    refs: tuple[Ref, ...] = ()
    #: for an encoded value (``jsonencode``), the structure as far as it is known, with
    #: ``Unknown`` inside; ``None`` otherwise.
    partial: object = dataclasses.field(default=None, hash=False)
    #: the cause, when the reader that made the value knows it better than its references
    #: tell (a plan's ``after_unknown``); ``None``: :func:`cause_of` derives it
    cause: Cause | None = None

    @property
    def ref(self) -> Ref | None:
        """The single reference this value is, if it is exactly one reference."""
        return self.refs[0] if len(self.refs) == 1 else None

    def __str__(self) -> str:
        return f"<unknown: {self.source or self.reason}>"


def cause_of(value: Unknown) -> Cause:
    """Why ``value`` is not known: the cause its reader stored, else the one its reason tells
    (a module not read, an instance key, a function not evaluated), else the one its first
    reference tells (a resource read at an unknown key is an instance key), else
    :attr:`Cause.NOT_EVALUATED` (nothing it refers to explains it)."""
    if value.cause is not None:
        return value.cause
    for prefix, words, cause in _REASON_CAUSES:
        if value.reason.startswith(prefix) and words in value.reason:
            return cause
    if not value.refs:
        return Cause.NOT_EVALUATED
    first = value.refs[0]
    cause = ref_cause(first)
    if cause is Cause.COMPUTED_ATTRIBUTE and not first.attr and len(value.refs) > 1:
        return Cause.INSTANCE_KEY  # aws_iam_role.r[each.key].name: the path ends at the key
    return cause


def ref_cause(ref: Ref) -> Cause:
    """Why the object a reference names is not known before deploy."""
    return next((c for prefix, c in _REF_CAUSES if ref.address.startswith(prefix)),
                Cause.COMPUTED_ATTRIBUTE)


class Because(NamedTuple):
    """Why something a rule needed is not known: the cause, and what it is about (the
    reference that decides it, ``data.aws_caller_identity.current.account_id``, or the reason)."""

    cause: Cause
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.cause.value} {self.detail}" if self.detail else self.cause.value


def because(value: Unknown) -> Because:
    """The cause of ``value`` and what it is about."""
    cause = cause_of(value)
    if cause is Cause.MODULE_NOT_READ:
        why = value.reason.removeprefix(_MODULE_NOT_READ)
        return Because(cause, f"{value.refs[0].address}: {why}" if value.refs else why)
    if value.refs and cause is not Cause.NOT_EVALUATED:
        ref = value.refs[0]
        written = ".".join([ref.address, *(str(step) for step in ref.attr)])
        return Because(cause, f"{written} in {ref.module}" if ref.module else written)
    return Because(cause, value.reason)


def is_known(value: object) -> bool:
    """True when ``value`` holds no :class:`Unknown` anywhere inside it."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    return True


class Diagnostic(NamedTuple):
    """A problem reading an input (NHI900) or a value a rule needed (NHI901)."""

    code: str
    path: str
    line: int
    message: str


class Comment(NamedTuple):
    path: str
    line: int
    text: str


Mode = Literal["managed", "data"]


@dataclasses.dataclass(frozen=True)
class Resource:
    """One resource or data source of the configuration.

    ``type`` is canonical (the Terraform resource type); ``address`` is unique in the model
    (``module.ci.aws_iam_role.deploy["prod"]``; data sources start with ``data.``).
    ``attribute_spans`` maps attribute paths (top-level names and nested block paths such as
    ``("statement", 0)`` or ``("statement", 0, "actions")``) to where they are written.
    ``provider`` is the provider configuration address the resource uses (``aws``,
    ``aws.east``), qualified with its module like the resource address.  ``sensitive`` marks
    the attribute paths whose values the input declares sensitive (plan JSON
    ``sensitive_values``, Pulumi secrets); it is a marker only, the values stay in
    ``attributes``, and the HCL reader leaves it empty.  ``condition`` marks a possible
    instance (see the field).
    """

    type: str
    name: str
    address: str
    mode: Mode
    attributes: Mapping[str, object]
    span: Span
    attribute_spans: Mapping[AttrPath, Span] = dataclasses.field(default_factory=dict)
    module: str = ""
    provider: str = ""
    sensitive: frozenset[AttrPath] = frozenset()
    #: ``""`` for a resource the configuration declares as it stands; for a possible instance
    #: (one that exists only when an input left at its default is set otherwise) the input
    #: that makes it exist: ``when var.enable_user = true``
    condition: str = ""
    #: the input's own name for the resource where it has one besides the address (a Pulumi
    #: URN, ``urn:pulumi:dev::ci::aws:iam/user:User::ci``); ``""`` for Terraform
    origin: str = ""

    def get(self, name: str, default: object = None) -> object:
        return self.attributes.get(name, default)

    def span_of(self, path: AttrPath) -> Span:
        """The span of the attribute at ``path``, or of its nearest written parent."""
        return _span_of(self.attribute_spans, path, self.span)

    @property
    def base_address(self) -> str:
        """The address without this resource's own instance key (as references name it)."""
        return without_key(self.address)

    @property
    def local_address(self) -> str:
        """The address inside its module (``aws_iam_role.deploy["prod"]``)."""
        if self.module and self.address.startswith(self.module + "."):
            return self.address[len(self.module) + 1 :]
        return self.address


_LAST_KEY = re.compile(r'\[(?:\d+|"(?:[^"\\]|\\.)*")\]$')


#: one ``module.NAME`` or ``module.NAME[KEY]`` step of an address, with its trailing dot
_MODULE_STEP = re.compile(r'module\.[A-Za-z_][\w-]*(?:\["(?:[^"\\]|\\.)*"\]|\[\d+\])?\.')


def in_module(address: str) -> str:
    """The address inside its module: ``module.bots["a"].aws_iam_user.bot`` is
    ``aws_iam_user.bot``, ``module.a["x"].module.label`` is ``module.label`` (the object as
    written, whichever module instance reaches it)."""
    while match := _MODULE_STEP.match(address):
        address = address[match.end() :]
    return address


def without_key(address: str) -> str:
    """An address without its last instance key: ``module.m["a"].aws_iam_role.r[0]`` ->
    ``module.m["a"].aws_iam_role.r`` (the module instance keys stay)."""
    return _LAST_KEY.sub("", address)


def _qualified(module: str, local: str) -> str:
    return f"{module}.{local}" if module else local


@dataclasses.dataclass(frozen=True)
class Provider:
    """A provider configuration block (``provider "aws" { alias = "east" ... }``)."""

    name: str
    alias: str
    attributes: Mapping[str, object]
    span: Span
    module: str = ""
    #: where each attribute is written, as :attr:`Resource.attribute_spans`
    attribute_spans: Mapping[AttrPath, Span] = dataclasses.field(default_factory=dict)

    @property
    def address(self) -> str:
        local = f"{self.name}.{self.alias}" if self.alias else self.name
        return _qualified(self.module, local)

    def span_of(self, path: AttrPath) -> Span:
        """The span of the attribute at ``path``, or of its nearest written parent."""
        return _span_of(self.attribute_spans, path, self.span)


@dataclasses.dataclass(frozen=True)
class Variable:
    """A ``variable`` block with a ``default``: the default as written (evaluated when first
    read) and where its parts are written (``spans``, found when first read: ``()`` is the
    ``default`` attribute, then the paths of its elements written on their own lines)."""

    name: str
    evaluate: Callable[[], object] = dataclasses.field(compare=False, repr=False)
    sensitive: bool
    span: Span
    locate: Callable[[], Mapping[AttrPath, Span]] = dataclasses.field(
        default=dict, compare=False, repr=False,
    )
    module: str = ""
    #: the default's source holds a string literal or heredoc (a default without one cannot
    #: hold literal text: rules looking for literals pass it by without evaluating it)
    has_text: bool = True

    @functools.cached_property
    def default(self) -> object:
        return self.evaluate()

    @functools.cached_property
    def spans(self) -> Mapping[AttrPath, Span]:
        """Where the default's parts are written (found when first asked)."""
        return self.locate()

    @property
    def address(self) -> str:
        """``var.<name>``, qualified with its module like resource addresses."""
        return _qualified(self.module, f"var.{self.name}")

    def span_of(self, path: AttrPath) -> Span:
        return _span_of(self.spans, path, self.span)


@dataclasses.dataclass(frozen=True)
class Local:
    """A local value (``locals { name = ... }``), evaluated when first read; ``spans`` as for
    :class:`Variable` (``()`` is the local's own line)."""

    name: str
    evaluate: Callable[[], object] = dataclasses.field(compare=False, repr=False)
    span: Span
    locate: Callable[[], Mapping[AttrPath, Span]] = dataclasses.field(
        default=dict, compare=False, repr=False,
    )
    module: str = ""
    #: the value's source holds a string literal or heredoc (see :class:`Variable`)
    has_text: bool = True

    @functools.cached_property
    def value(self) -> object:
        return self.evaluate()

    @functools.cached_property
    def spans(self) -> Mapping[AttrPath, Span]:
        """Where the value's parts are written (found when first asked)."""
        return self.locate()

    @property
    def address(self) -> str:
        """``local.<name>``, qualified with its module like resource addresses."""
        return _qualified(self.module, f"local.{self.name}")

    def span_of(self, path: AttrPath) -> Span:
        return _span_of(self.spans, path, self.span)


def _span_of(spans: Mapping[AttrPath, Span], path: AttrPath, default: Span) -> Span:
    while path:
        span = spans.get(path)
        if span is not None:
            return span
        path = path[:-1]
    return spans.get((), default)


@dataclasses.dataclass(frozen=True)
class Output:
    """An ``output`` block: its value (``Unknown`` where not known) and whether it is sensitive.

    The value is evaluated when first read (``evaluate``): no rule reads outputs yet, and
    evaluating every output is a tenth of a large scan.  A reader whose inputs carry values
    already (plan JSON) passes ``lambda: value``.
    """

    name: str
    evaluate: Callable[[], object] = dataclasses.field(compare=False, repr=False)
    sensitive: bool
    span: Span
    module: str = ""

    @functools.cached_property
    def value(self) -> object:
        return self.evaluate()

    @property
    def address(self) -> str:
        """``output.<name>``, qualified with its module like resource addresses."""
        return _qualified(self.module, f"output.{self.name}")


@dataclasses.dataclass(frozen=True)
class ModuleCall:
    """A ``module`` block: its ``source`` (``str``, ``Unknown``, or ``None`` when missing).

    ``module`` is the address of the calling module instance (``""`` for a root module).
    ``directory`` is the module directory that was read for it (a local source, or the copy
    ``terraform init`` downloaded), ``instances`` the addresses of the instances expanded
    from it (``module.ci``, ``module.bots["a"]``); ``unread`` says why the module was not
    read (a registry source not downloaded, a cycle, a source outside the scanned tree), and
    is ``""`` when it was.
    """

    name: str
    source: object
    span: Span
    module: str = ""
    directory: str = ""
    instances: tuple[str, ...] = ()
    unread: str = ""
    #: the source is remote (registry, git, bucket, URL): ``terraform init`` downloads it
    remote: bool = False
    #: the ``version`` constraint of a registry source, as written
    version: str | None = None

    @property
    def address(self) -> str:
        """``module.<name>``, qualified with the calling module."""
        return _qualified(self.module, f"module.{self.name}")


@dataclasses.dataclass(frozen=True)
class Model:
    """Everything read from the inputs of one scan."""

    resources: tuple[Resource, ...] = ()
    providers: tuple[Provider, ...] = ()
    files: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    outputs: tuple[Output, ...] = ()
    module_calls: tuple[ModuleCall, ...] = ()
    #: the variables that have a default, and the local values (read by rules that look for
    #: literal secrets; evaluated only when read)
    variables: tuple[Variable, ...] = ()
    local_values: tuple[Local, ...] = ()
    #: the same configuration read with the inputs that choose a branch of a conditional
    #: left at their default set otherwise (``var.admin`` defaults to false: read with it
    #: true); its resources that depend on them say so in their ``condition``
    variants: tuple[Model, ...] = ()

    def of_type(self, *types: str) -> Iterator[Resource]:
        return (r for r in self.resources if r.type in types)
