"""nhilint's findings looked up one resource at a time, for tools that judge resource by resource.

checkov hands a check one resource: the file that declares it and its address.  The answer
comes from nhilint's engine run on that file's whole module directory, since a principal, its
key and its policy are often in three files.  Each directory is scanned once in a process, with
the configuration ``nhilint check`` would use on it (the nearest to that directory, else to the
working directory: :func:`nhilint.config.discover`), its inline and config suppressions
applied as ``nhilint check`` applies them.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
from collections.abc import Mapping
from pathlib import Path

from nhilint.config import discover, find, load
from nhilint.engine import Options, collect_rules, scan, select_rules
from nhilint.model import in_module
from nhilint.parsers.registry import detect
from nhilint.rule import Finding, Rule

#: the resource types (fnmatch patterns) a finding can be about: every resource the identity
#: rules judge is an AWS IAM or IAM Identity Center one, a GCP service account, binding, key,
#: workload identity pool or agent engine, an Entra application, service principal, credential
#: or role assignment, or an Azure role assignment, definition or managed identity, or any
#: azurerm resource whose system-assigned identity is a principal, a Kubernetes service
#: account, Role, ClusterRole, binding, token Secret or token request, a Vault policy,
#: AppRole role or secret id, JWT/OIDC role or token, a GitHub deploy key, or a GitLab
#: access or deploy token, deploy key, user, service account or membership
#: (tests/integrations/test_lookup.py holds the fixtures to it)
RESOURCE_TYPES = (
    "aws_iam_*", "aws_ssoadmin_*",
    "google_service_account*", "google_project_iam_*", "google_folder_iam_*",
    "google_organization_iam_*", "google_storage_hmac_key", "google_iam_workload_identity_*",
    "google_vertex_ai_reasoning_engine",
    "azuread_*", "azurerm_*",
    "kubernetes_service_account*", "kubernetes_default_service_account*", "kubernetes_role*",
    "kubernetes_cluster_role*", "kubernetes_secret*", "kubernetes_token_request_v1",
    "vault_policy", "vault_approle_auth_backend_role*", "vault_jwt_auth_backend_role",
    "vault_token",
    "github_repository_deploy_key",
    "gitlab_*_access_token", "gitlab_deploy_key", "gitlab_*deploy_token", "gitlab_user",
    "gitlab_*_service_account", "gitlab_*_membership",
)
#: the data source types a finding can be about: a policy document is reported where it is
#: written
DATA_TYPES = ("aws_iam_policy_document", "google_iam_policy", "vault_policy_document")
#: rules whose findings can be about other resource types: a literal secret can be written in
#: any resource (its tags, its environment, its user data)
RULE_RESOURCE_TYPES: Mapping[str, tuple[str, ...]] = {"NHI013": ("*",)}
#: findings about these are no resource's (``provider.aws``, ``var.x``, ``local.x``,
#: ``output.x``, a module call not read ``module.x``): checkov hands its resource checks none
#: of them, so only ``nhilint check`` reports them
NOT_RESOURCES = ("provider", "var", "local", "output", "module")


def resource_types(rule_id: str) -> tuple[str, ...]:
    """The resource types (fnmatch patterns) findings of ``rule_id`` can be about."""
    return RULE_RESOURCE_TYPES.get(rule_id, RESOURCE_TYPES)

Index = Mapping[tuple[str, str], tuple[Finding, ...]]


@functools.cache
def options(directory: str | None = None) -> Options:
    """The options ``nhilint check DIRECTORY`` would take from its configuration (``None``:
    the working directory's)."""
    config = load(discover([Path(directory)]) if directory else find(Path.cwd()))
    return Options(
        select=config.select, ignore=config.ignore,
        settings=dataclasses.replace(config.settings, today=datetime.date.today()),
        suppress=config.suppress,
    )


def rules() -> tuple[Rule, ...]:
    """The rules the working directory's configuration selects (checkov registers a check per
    rule before it hands over any resource)."""
    return select_rules(collect_rules(), options().select, options().ignore)


def local_address(address: str) -> str:
    """The address inside its module: ``module.bots["a"].aws_iam_user.bot`` is
    ``aws_iam_user.bot`` (nhilint judges a module's source once, for all its instances)."""
    return in_module(address)


@functools.cache
def module_findings(directory: str) -> Index:
    """The findings of the module in ``directory``, by (absolute file, resource address)."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return {}
    paths = (Path(directory, name) for name in names)
    files = [p for p in paths if p.is_file() and detect(p) is not None]
    if not files:
        return {}
    index: dict[tuple[str, str], list[Finding]] = {}
    for found in scan(files, options(directory)).findings:
        for path in _declared_in(found):
            index.setdefault((path, found.resource), []).append(found)
    return {key: tuple(value) for key, value in index.items()}


def _declared_in(found: Finding) -> tuple[str, ...]:
    """The files a finding is looked up by: where it is reported, and where its resource is
    declared when that is another file (a role whose trust policy document is elsewhere)."""
    paths = [found.span.path] + [e.span.path for e in found.evidence
                                 if e.resource == found.resource]
    return tuple(dict.fromkeys(os.path.abspath(p) for p in paths))


def findings_for(path: str, address: str, rule_id: str) -> tuple[Finding, ...]:
    """The findings of rule ``rule_id`` about the resource at ``address`` declared in ``path``."""
    path = os.path.abspath(path)
    found = module_findings(os.path.dirname(path)).get((path, local_address(address)), ())
    return tuple(f for f in found if f.rule == rule_id)
