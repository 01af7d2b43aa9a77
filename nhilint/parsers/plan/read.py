"""One plan file to a :class:`~nhilint.model.Model`; never raises.

Values come from the plan; where the plan sits beside its configuration, positions come from
the ``.tf`` (:mod:`nhilint.parsers.plan.located`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

from nhilint.model import AttrPath, Diagnostic, Model, Output, Provider, Ref, Resource, Span
from nhilint.parsers.files import display_path, unread
from nhilint.parsers.plan.changes import Where, merge, provider_address, resource_of
from nhilint.parsers.plan.detect import MAX_PLAN_BYTES, is_plan_document
from nhilint.parsers.plan.documents import as_document_references
from nhilint.parsers.plan.expressions import Config, read_config, value_of
from nhilint.parsers.plan.located import configuration_beside, is_configuration, locate


def read_plan(path: Path) -> Model:
    shown = display_path(path)
    try:
        document = _load(path)
        if isinstance(document, str):
            return unread(shown, 1, document)
        config = read_config(document.get("configuration"))
        model = _model(document, config, shown)
        source = configuration_beside(path)
        if source is None or not is_configuration(config, source):
            return model
        return locate(model, source)
    except Exception as exc:  # the reader must never stop a scan
        return unread(shown, 1, f"internal error reading plan: {exc!r}")


def _load(path: Path) -> dict[str, object] | str:
    """The plan document, or why it cannot be read."""
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            return f"plan is larger than {MAX_PLAN_BYTES} bytes: not read"
        document = json.loads(path.read_bytes())
    except OSError as exc:
        return f"cannot read plan: {exc.strerror or exc}"
    except (ValueError, RecursionError) as exc:
        return f"not valid JSON: {exc}"
    if not is_plan_document(document):
        return "not a Terraform plan (no format_version with resource_changes or planned_values)"
    assert isinstance(document, dict)
    version = str(document.get("format_version", ""))
    if version.split(".", 1)[0] != "1":
        return f"plan format_version {version} is not supported (1.x is)"
    return document


def _model(document: Mapping[str, object], config: Config, shown: str) -> Model:
    where = Where(shown, config)
    resources: list[Resource] = []
    diagnostics: list[Diagnostic] = []
    changes = document.get("resource_changes")
    for change in changes if isinstance(changes, list) else []:
        if not isinstance(change, dict):
            continue
        read = resource_of(change, where)
        if isinstance(read, Resource):
            resources.append(read)
        elif isinstance(read, Diagnostic):
            diagnostics.append(read)
    resources += _prior_data(document.get("prior_state"), {r.address for r in resources}, where)
    return Model(
        resources=tuple(as_document_references(resources, config)),
        providers=_providers(config, shown),
        files=(shown,),
        diagnostics=tuple(diagnostics),
        outputs=_outputs(document.get("output_changes"), shown),
    )


def _prior_data(state: object, planned: set[str], where: Where) -> list[Resource]:
    """Data sources read while planning: they are in ``prior_state``, not in
    ``resource_changes`` (``after`` is their value, nothing of it unknown)."""
    values = state.get("values") if isinstance(state, dict) else None
    found = []
    for entry in _state_resources(values.get("root_module") if isinstance(values, dict) else None):
        if entry.get("mode") != "data" or entry.get("address") in planned:
            continue
        change = {**entry, "change": {"actions": ["read"], "after": entry.get("values"),
                                      "after_sensitive": entry.get("sensitive_values")}}
        read = resource_of(change, where)
        if isinstance(read, Resource):
            found.append(read)
    return found


def _state_resources(module: object) -> list[dict[str, object]]:
    if not isinstance(module, dict):
        return []
    module_address = module.get("address")
    own = [
        {**r, "module_address": module_address} if isinstance(module_address, str) else r
        for r in module.get("resources") or [] if isinstance(r, dict)
    ]
    children = module.get("child_modules")
    return own + [r for c in children if isinstance(children, list) for r in _state_resources(c)] \
        if isinstance(children, list) else own


def _providers(config: Config, shown: str) -> tuple[Provider, ...]:
    found = []
    for key, entry in sorted(config.providers.items()):
        name = entry.get("name")
        if not isinstance(name, str):
            continue
        alias = entry.get("alias")
        address = provider_address(key, entry)
        local = f"{name}.{alias}" if isinstance(alias, str) and alias else name
        module = address[: -len(local) - 1] if address != local else ""
        expressions = entry.get("expressions")
        written = expressions if isinstance(expressions, dict) else {}
        attributes = {str(k): value_of(v, module) for k, v in written.items()}
        found.append(Provider(name, alias if isinstance(alias, str) else "", attributes,
                              Span(shown, None, None), module))
    return tuple(found)


def _outputs(changes: object, shown: str) -> tuple[Output, ...]:
    """Root module outputs (``output_changes``): their planned values and sensitivity."""
    found = []
    for name, change in sorted(changes.items()) if isinstance(changes, dict) else []:
        if not isinstance(change, dict) or change.get("actions") == ["delete"]:
            continue
        value = merge(change.get("after"), change.get("after_unknown"), _no_refs)
        found.append(Output(str(name), _constant(value),
                            change.get("after_sensitive") is True, Span(shown, None, None)))
    return tuple(found)


def _no_refs(path: AttrPath) -> tuple[Ref, ...]:
    return ()


def _constant(value: object) -> Callable[[], object]:
    return lambda: value
