"""AI-agent identities: IAM roles that Bedrock agents and AgentCore runtimes act as.

A role is an AI agent's (kind ``ai-agent``, automation) when an agent resource names it
(``aws_bedrockagent_agent.agent_resource_role_arn``, ``aws_bedrockagentcore_agent_runtime
.role_arn`` …) or when its trust policy lets a Bedrock service assume it.  Which resources and
services those are is data (``nhilint/data/aws_ai_agents.json``, from the provider's docs).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from nhilint.identity.aws.context import ROLE, Context
from nhilint.identity.data import DataFileError, read_data
from nhilint.identity.graph import Automation, Principal, PrincipalId, Reason, Trust, TrustKind

_DATA_FILE = "aws_ai_agents.json"


class AgentData(NamedTuple):
    #: resource type -> (the argument naming its role, what it is in words)
    resources: Mapping[str, tuple[str, str]]
    services: frozenset[str]


@functools.cache
def agent_data() -> AgentData:
    data = read_data(_DATA_FILE)
    resources = data.get("resources") if isinstance(data, dict) else None
    services = data.get("trust_services") if isinstance(data, dict) else None
    if not isinstance(resources, dict) or not isinstance(services, dict):
        raise DataFileError(f"data/{_DATA_FILE}: 'resources' and 'trust_services' are objects")
    table: dict[str, tuple[str, str]] = {}
    for name, body in resources.items():
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) and body[k] for k in ("role", "what")
        ):
            raise DataFileError(f"data/{_DATA_FILE}: {name} needs 'role' and 'what'")
        table[name] = (body["role"], body["what"])
    return AgentData(MappingProxyType(table), frozenset(services))


def agent_roles(ctx: Context) -> dict[PrincipalId, Reason]:
    """The roles an agent resource of the module acts as, with the agent named."""
    found: dict[PrincipalId, Reason] = {}
    for resource in ctx.model.resources:
        spec = agent_data().resources.get(resource.type)
        if spec is None or resource.mode != "managed":
            continue
        attribute, what = spec
        role = ctx.principal(ROLE, resource.get(attribute))
        found.setdefault(role.id, Reason(f"is the role of the {what}", resource.address))
    return found


def trusted_by_agents(trusts: Iterable[Trust]) -> dict[PrincipalId, Reason]:
    """The roles a Bedrock service may assume."""
    services = agent_data().services
    return {
        t.principal: Reason("is trusted by the AI agent service", t.issuer)
        for t in trusts
        if t.kind is TrustKind.SERVICE and isinstance(t.issuer, str) and t.issuer in services
    }


def as_agent(principal: Principal, reason: Reason) -> Principal:
    """The principal as an AI agent: automation, with the agent first among the reasons."""
    why = (reason, *(r for r in principal.why if r != reason))
    return dataclasses.replace(principal, kind="ai-agent", automation=Automation.YES, why=why)
