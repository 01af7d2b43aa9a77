"""What the GCP adapter needs while it reads one model: lookups and member resolution.

An IAM member is a string (``serviceAccount:ci@p.iam.gserviceaccount.com``, ``user:…``,
``group:…``, ``principal://…``, ``principalSet://…``) or a reference to a service account's
``member``/``email`` attribute.  A member naming a service account declared here resolves to
it; every other member is a principal declared elsewhere, named as written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import NamedTuple

from nhilint.identity.gcp.catalog import GcpCatalog
from nhilint.identity.graph import Automation, PrincipalId, PrincipalKind, Reason, Text
from nhilint.identity.values import Index
from nhilint.model import Model, Provider, Resource, Unknown
from nhilint.settings import Settings

PLATFORM = "gcp"
SERVICE_ACCOUNT = "google_service_account"
REASONING_ENGINE = "google_vertex_ai_reasoning_engine"
#: a member declared elsewhere, by its prefix: the id type, kind and automation verdict
_MEMBER_KINDS: Mapping[str, tuple[str, PrincipalKind, Automation, str]] = {
    "serviceAccount": (SERVICE_ACCOUNT, "service-account", Automation.YES,
                       "is a GCP service account"),
    "principal": ("gcp_federated_principal", "federated-identity", Automation.YES,
                  "is a workload identity federation principal (an external workload)"),
    "principalSet": ("gcp_federated_principal", "federated-identity", Automation.YES,
                     "is a set of workload identity federation principals (external workloads)"),
    "user": ("gcp_user", "user", Automation.NO, "is a Google account (a person)"),
    "group": ("gcp_group", "group", Automation.NO,
              "is a Google group: its members hold its roles"),
    "domain": ("gcp_group", "group", Automation.NO,
               "is every account of a Google Workspace domain"),
    "deleted": ("gcp_user", "user", Automation.UNKNOWN, "is a deleted principal"),
    "allUsers": ("gcp_public", "group", Automation.UNKNOWN, "is anyone on the internet"),
    "allAuthenticatedUsers": ("gcp_public", "group", Automation.UNKNOWN,
                              "is anyone signed in to a Google account"),
}
_EXTERNAL: tuple[str, PrincipalKind, Automation] = ("gcp_member", "unknown", Automation.UNKNOWN)
_SA_EMAIL = re.compile(
    r"^(?P<id>[a-z][a-z0-9-]{4,28}[a-z0-9])@(?P<project>[^.]+)\.iam\.gserviceaccount\.com$")


#: Google-managed service agents (``service-<project number>@gcp-sa-<service>.iam…``,
#: ``service-org-<n>@…``, ``<n>@cloudservices.gserviceaccount.com``): Google's identities,
#: acting for a service in the customer's project
#: (https://cloud.google.com/iam/docs/service-agents)
_AGENT_EMAIL = re.compile(
    r"^serviceAccount:(?:service-(?:org-|folder-)?(?:\d+|\$\{[^}]*\})@[^\s\"]+"
    r"|[^@\s\"]+@cloudservices\.gserviceaccount\.com)$")
#: resources and data sources whose email is a service agent's
_AGENT_SOURCES = (
    "google_project_service_identity", "google_storage_project_service_account",
    "google_bigquery_default_service_account", "google_kms_project_service_account",
)
#: predefined roles made for service agents only (``roles/<service>.serviceAgent``)
_AGENT_ROLE = re.compile(r"^roles/[A-Za-z0-9.]+\.serviceAgent$")


def service_agent_role(role: object) -> bool:
    """A role Google documents as granted to its service agents only."""
    return isinstance(role, str) and bool(_AGENT_ROLE.match(role))


class Who(NamedTuple):
    """A principal named by a binding, key or trust: declared here or not."""

    id: PrincipalId
    kind: PrincipalKind
    name: Text | None
    declared: bool
    automation: Automation
    why: tuple[Reason, ...]


@dataclasses.dataclass(frozen=True)
class Context:
    model: Model
    index: Index
    catalog: GcpCatalog
    settings: Settings
    #: declared service accounts by address
    accounts: Mapping[str, Resource]
    #: declared service accounts by their literal ``account_id``
    by_account_id: Mapping[str, Resource]

    @classmethod
    def build(cls, model: Model, catalog: GcpCatalog, settings: Settings) -> Context:
        accounts = {r.address: r for r in model.of_type(SERVICE_ACCOUNT) if r.mode == "managed"}
        by_id = {a: r for r in accounts.values() if isinstance(a := r.get("account_id"), str)}
        return cls(model, Index(model.resources), catalog, settings, accounts, by_id)

    def provider(self, resource: Resource) -> Provider | None:
        return next((p for p in self.model.providers if p.address == resource.provider), None)

    def account(self, resource: Resource) -> Who:
        """A service account declared here."""
        name = resource.get("account_id")
        return Who(PrincipalId(PLATFORM, SERVICE_ACCOUNT, resource.address), "service-account",
                   name if isinstance(name, str | Unknown) else None, True, Automation.YES,
                   (Reason("is a GCP service account"),))

    def service_account(self, value: object) -> Who:
        """The service account a key, an SA-level binding or an engine names:
        ``google_service_account.ci.name`` / ``.email`` / ``.id``, an email, or
        ``projects/p/serviceAccounts/<email>``."""
        target = self.index.referenced(value, SERVICE_ACCOUNT)
        if target is not None and target.address in self.accounts:
            return self.account(target)
        if target is not None:  # a data source: declared elsewhere
            value = target.get("email", target.get("account_id", value))
        if isinstance(value, str):
            email = value.rsplit("/", 1)[-1].removeprefix("serviceAccount:")
            return self.member(f"serviceAccount:{email}")
        return self.member(value)

    def service_agent(self, value: object) -> bool:
        """The member is a Google-managed service agent (Google's identity, not the
        configuration's: its grants are what the service needs to run)."""
        if self.index.referenced(value, *_AGENT_SOURCES) is not None:
            return True
        text = value if isinstance(value, str) else (
            value.source.strip().strip('"') if isinstance(value, Unknown) else "")
        return bool(_AGENT_EMAIL.match(text))

    def member(self, value: object) -> Who:
        """The principal an IAM member names."""
        target = self.index.referenced(value, SERVICE_ACCOUNT)
        if target is not None and target.address in self.accounts:
            return self.account(target)
        if isinstance(value, str):
            prefix, _, rest = value.partition(":")
            if prefix == "serviceAccount":
                found = _SA_EMAIL.match(rest)
                declared = self.by_account_id.get(found.group("id")) if found else None
                if declared is not None:
                    return self.account(declared)
            type_, kind, automation, says = _MEMBER_KINDS.get(
                prefix, (*_EXTERNAL, "is a member nhilint does not recognise"))
            return Who(PrincipalId(PLATFORM, type_, value), kind, rest or value, False,
                       automation, (Reason(says),))
        ref: Text = value if isinstance(value, Unknown) else Unknown(
            f"is a {type(value).__name__}, not a member")
        prefix = _written_prefix(ref)
        if prefix in _MEMBER_KINDS:  # "serviceAccount:${var.email}": the kind is written
            type_, kind, automation, says = _MEMBER_KINDS[prefix]
            return Who(PrincipalId(PLATFORM, type_, ref), kind, None, False, automation,
                       (Reason(says), Reason("its name is not known before apply", ref)))
        return Who(PrincipalId(PLATFORM, "gcp_member", ref), "unknown", None, False,
                   Automation.UNKNOWN,
                   (Reason("the member is not known before apply", ref),))


def _written_prefix(value: Text) -> str:
    """The member type written literally before a computed part: ``"user:${var.x}"``."""
    if not isinstance(value, Unknown):
        return ""
    found = re.match(r'^"([A-Za-z]+):', value.source.strip())
    return found.group(1) if found else ""
