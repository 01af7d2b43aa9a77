"""Where nhilint runs inside other tools: checkov (:mod:`nhilint.integrations.checkov`) and
Pulumi CrossGuard (:mod:`nhilint.integrations.pulumi_policy`, a stack policy; the pack that
``nhilint pulumi-policy-pack`` writes, :mod:`nhilint.integrations.pulumi_pack`).

The pre-commit hook (``.pre-commit-hooks.yaml``) and the GitHub Action (``action.yml``) are
files at the repository root that run ``nhilint check``; only checkov needs code, because it
asks one resource at a time (:mod:`nhilint.integrations.lookup`).
"""
