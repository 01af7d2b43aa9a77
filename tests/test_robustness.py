"""Whatever a policy document holds, the scan finishes and says what it could not read."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nhilint.engine import Options, scan

leaves = st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.sampled_from(
    ["*", "iam:*", "iam:Put*", "arn:aws:iam::*:role/*", "Allow", "Deny"]
)
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
statements = st.dictionaries(
    st.sampled_from(
        ["Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal"]
    ),
    json_values,
    max_size=6,
)
documents = (
    st.fixed_dictionaries({"Statement": st.lists(statements, max_size=3) | json_values})
    | json_values
)

TEMPLATE = """
resource "aws_iam_user" "ci" {
  name = "ci"
}
resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
resource "aws_iam_user_policy" "ci" {
  user   = aws_iam_user.ci.name
  policy = <<EOT
%s
EOT
}
resource "aws_iam_role" "r" {
  assume_role_policy = <<EOT
%s
EOT
}
"""


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(policy=documents, trust=documents)
def test_any_policy_document_is_survived(tmp_path: Path, policy: object, trust: object) -> None:
    (tmp_path / "main.tf").write_text(TEMPLATE % (json.dumps(policy), json.dumps(trust)))
    result = scan([tmp_path], Options())
    assert not [d for d in result.diagnostics if "internal error" in d.message]
