"""AI-agent identities: the roles Bedrock agents act as are automation of kind ai-agent, and
messages and the inventory say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nhilint.cli import main
from nhilint.identity.data import read_data

CASE = "fixtures/NHI003/ai_agent_role"


def test_the_data_names_each_resource_s_role_argument_and_its_docs() -> None:
    data = read_data("aws_ai_agents.json")
    assert isinstance(data, dict)
    for name, body in data["resources"].items():
        assert name.startswith("aws_bedrock")
        assert body["role"].endswith("role_arn")
        assert body["doc"] == f"website/docs/r/{name.removeprefix('aws_')}.html.markdown"
    assert set(data["trust_services"]) == {
        "bedrock.amazonaws.com", "bedrock-agentcore.amazonaws.com"}


def test_agent_roles_are_ai_agents_in_the_inventory(
    in_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["inventory", CASE, "--format", "json"])
    (module,) = json.loads(capsys.readouterr().out)["modules"]
    kinds = {p["address"]: (p["kind"], p["automation"]["why"][0]) for p in module["principals"]}
    assert kinds["aws_iam_role.support_agent"] == ("ai-agent", {
        "says": "is the role of the Bedrock agent", "value": "aws_bedrockagent_agent.support",
        "then": ""})
    assert kinds["aws_iam_role.faq_agent"][0] == "ai-agent"


def test_messages_name_the_agent(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", CASE, "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    nhi003 = next(f for f in findings if f["rule"] == "NHI003")
    assert nhi003["message"].startswith(
        "automation principal aws_iam_role.support_agent (AI agent) holds an unbounded")
    assert any("aws_bedrockagent_agent.support" in e["detail"] for e in nhi003["evidence"])
