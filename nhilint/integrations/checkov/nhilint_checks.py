"""One checkov check per nhilint rule, id ``CKV_NHI_<rule id>`` (``CKV_NHI_NHI001``), for
resources and, under the same id, for the data sources a finding can be about (policy
documents, reported where they are written).

checkov imports this file from ``--external-checks-dir "$(nhilint checkov-checks-dir)"`` and
registers each check constructed here.  A check asks nhilint's engine about the resource checkov
hands it (:mod:`nhilint.integrations.lookup`): FAILED, with the finding's message as details,
when the resource is the primary resource of a finding of its rule, PASSED otherwise.  No rule
is implemented twice: checkov's parsed ``conf`` is read for the resource's address only.

checkov gives a check the file path relative to the scanned root (``/main.tf``); the whole path
is read from its graph (the vertex with the resource's address), else the path is taken as
relative to the working directory (``checkov -d .``), else the result is UNKNOWN.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from checkov.common.bridgecrew.severities import (  # type: ignore[import-not-found, unused-ignore]
    Severities,
)
from checkov.common.graph.graph_builder.graph_components.attribute_names import (  # type: ignore[import-not-found, unused-ignore]
    CustomAttributes,
)
from checkov.common.models.enums import (  # type: ignore[import-not-found, unused-ignore]
    CheckCategories,
    CheckResult,
)
from checkov.terraform.checks.data.base_check import (  # type: ignore[import-not-found, unused-ignore]
    BaseDataCheck,
)
from checkov.terraform.checks.resource.base_resource_check import (  # type: ignore[import-not-found, unused-ignore]
    BaseResourceCheck,
)

from nhilint.integrations import lookup
from nhilint.rule import Rule


class NhilintCheck(BaseResourceCheck):  # type: ignore[misc, unused-ignore]
    """One nhilint rule as a checkov resource check."""

    def __init__(self, rule: Rule) -> None:
        super().__init__(
            name=f"nhilint {rule.id} {rule.name}: {rule.summary}",
            id=f"CKV_NHI_{rule.id}",
            categories=(CheckCategories.IAM,),
            supported_resources=lookup.resource_types(rule.id),
        )
        self.rule_id = rule.id
        self.severity = Severities[rule.severity.label.upper()]  # type: ignore[assignment, unused-ignore]

    def scan_resource_conf(self, conf: dict[str, Any]) -> Any:
        return judge(self, conf, "")


class NhilintDataCheck(BaseDataCheck):  # type: ignore[misc, unused-ignore]
    """One nhilint rule as a checkov check of data sources (policy documents)."""

    def __init__(self, rule: Rule) -> None:
        super().__init__(
            name=f"nhilint {rule.id} {rule.name}: {rule.summary}",
            id=f"CKV_NHI_{rule.id}",
            categories=(CheckCategories.IAM,),
            supported_data=lookup.DATA_TYPES,
        )
        self.rule_id = rule.id
        self.severity = Severities[rule.severity.label.upper()]  # type: ignore[assignment, unused-ignore]

    def scan_data_conf(self, conf: dict[str, Any]) -> Any:
        return judge(self, conf, "data.")


def judge(check: Any, conf: Mapping[str, Any], mode: str) -> Any:
    """FAILED with the findings' messages when the resource checkov hands ``check`` is the one
    findings of its rule are about, PASSED when it is not, UNKNOWN when its file is not found.

    checkov names a data source without its ``data.`` (``aws_iam_policy_document.ci``);
    ``mode`` puts it back for nhilint's address."""
    address = str(conf.get(CustomAttributes.TF_RESOURCE_ADDRESS, ""))
    scanned = str(check.entity_path).split(f":{check.entity_type}:", 1)[0]
    path = source_file(check.graph, address, scanned)
    if path is None:
        return CheckResult.UNKNOWN
    found = lookup.findings_for(path, mode + lookup.local_address(address), check.rule_id)
    check.details.extend(f.message for f in found)
    return CheckResult.FAILED if found else CheckResult.PASSED


def source_file(graph: object, address: str, scanned: str) -> str | None:
    """The whole path of the file checkov shows as ``scanned`` that declares ``address``: the
    shortest path ending so, since every path in the graph is under the scanned root."""
    paths = [p for p in _file_index(graph).get(address, ()) if p.endswith(scanned)]
    if paths:
        return min(paths, key=len)
    relative = os.path.join(os.getcwd(), scanned.lstrip(os.sep))
    return relative if os.path.isfile(relative) else None


#: per graph (kept alive here, so its id is not reused): resource address to declaring files
_INDEXES: dict[int, tuple[object, dict[str, list[str]]]] = {}


def _file_index(graph: object) -> Mapping[str, list[str]]:
    if graph is None:
        return {}
    if id(graph) not in _INDEXES:
        index: dict[str, list[str]] = {}
        for attributes in _vertices(graph):
            path = attributes.get(CustomAttributes.FILE_PATH)
            address = attributes.get(CustomAttributes.TF_RESOURCE_ADDRESS)
            if isinstance(path, str) and isinstance(address, str):
                index.setdefault(address, []).append(path)
        _INDEXES[id(graph)] = (graph, index)
    return _INDEXES[id(graph)][1]


def _vertices(graph: Any) -> Iterator[Mapping[str, Any]]:
    """Each vertex's attributes: rustworkx (checkov's default) holds ``(index, attributes)``
    payloads, networkx gives them with ``nodes(data=True)``."""
    try:
        nodes = graph.nodes(data=True)
    except TypeError:
        nodes = graph.nodes()
    for node in nodes:
        attributes = node[1] if isinstance(node, tuple) and len(node) == 2 else node
        if isinstance(attributes, Mapping):
            yield attributes


CHECKS = tuple(NhilintCheck(rule) for rule in lookup.rules())
DATA_CHECKS = tuple(NhilintDataCheck(rule) for rule in lookup.rules())
