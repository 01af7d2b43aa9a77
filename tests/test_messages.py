"""Every message template of every rule, as a reviewer reads it, at least once."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhilint.engine import Options, collect_rules, scan
from nhilint.testing import case_options

#: (rule, template) -> (case, path, line, the exact message)
MESSAGES = {
    ("NHI001", "default"): (
        "examples/aws-ci", "examples/aws-ci/main.tf", 8,
        "automation principal aws_iam_user.ci can alter identity (iam:* on *) and holds a "
        "static access key aws_iam_access_key.ci",
    ),
    ("NHI002", "default"): (
        "examples/aws-ci", "examples/aws-ci/main.tf", 8,
        "automation principal aws_iam_user.ci can alter identity (iam:* on *) and has no "
        "owner: no owner tag (owner, Owner, team, Team) on the principal or its provider's "
        "default_tags",
    ),
    ("NHI003", "default"): (
        "examples/aws-ci", "examples/aws-ci/main.tf", 8,
        "automation principal aws_iam_user.ci holds an unbounded identity-altering grant "
        "(iam:* on *)",
    ),
    ("NHI003", "top"): (
        "fixtures/NHI003/org_scope", "fixtures/NHI003/org_scope/main.tf", 21,
        "automation principal aws_iam_role.landing_zone holds an unbounded identity-altering "
        "grant (organizations:* on *) reaching organisation-wide identity",
    ),
    ("NHI004", "default"): (
        "examples/aws-ci", "examples/aws-ci/main.tf", 8,
        "automation principal aws_iam_user.ci can alter identity with no expiry: grant "
        "without expiry (iam:* on *); access key aws_iam_access_key.ci is never rotated and "
        "never expires",
    ),
    ("NHI010", "anyone"): (
        "fixtures/NHI010/any_principal", "fixtures/NHI010/any_principal/main.tf", 23,
        "anyone can assume aws_iam_role.anyone: it trusts every principal (*) with no condition "
        "narrowing who calls",
    ),
    ("NHI010", "subject"): (
        "fixtures/NHI010/github_actions", "fixtures/NHI010/github_actions/main.tf", 39,
        "aws_iam_role.preview trusts GitHub Actions tokens from every repository of acme: sub "
        "repo:acme/*",
    ),
    ("NHI010", "audience"): (
        "fixtures/NHI010/github_actions", "fixtures/NHI010/github_actions/main.tf", 156,
        "aws_iam_role.any_audience trusts GitHub Actions tokens meant for any audience: it "
        "requires no particular aud (the issuer documents sts.amazonaws.com)",
    ),
    ("NHI010", "third-party"): (
        "fixtures/NHI010/third_party", "fixtures/NHI010/third_party/main.tf", 28,
        "aws_iam_role.cost_tool is trusted by arn:aws:iam::222222222222:root, an account that is "
        "not the configuration's own, without an external id (confused deputy)",
    ),
    ("NHI011", "default"): (
        "fixtures/NHI011/unattached_policy", "fixtures/NHI011/unattached_policy/main.tf", 2,
        "policy aws_iam_policy.break_glass grants identity-altering actions on every resource "
        "(iam:CreateAccessKey on arn:aws:iam::123456789012:user/*)",
    ),
    ("NHI011", "used"): (
        "examples/aws-ci", "examples/aws-ci/policy.tf", 1,
        "policy data.aws_iam_policy_document.ci grants identity-altering actions on every "
        "resource (iam:* on *); it is used by aws_iam_user_policy.ci",
    ),
    ("NHI011", "managed"): (
        "fixtures/NHI002/role_no_tags", "fixtures/NHI002/role_no_tags/main.tf", 16,
        "aws_iam_role_policy_attachment.codebuild attaches AdministratorAccess, which grants "
        "identity-altering actions on every resource (* on *)",
    ),
    ("NHI015", "one"): (
        "fixtures/NHI015/split_across_two_policies",
        "fixtures/NHI015/split_across_two_policies/main.tf", 15,
        "automation principal aws_iam_role.deploy holds a known privilege-escalation "
        "combination: PassExistingRoleToNewLambdaThenInvoke (iam:PassRole, "
        "lambda:CreateFunction, lambda:InvokeFunction)",
    ),
    ("NHI015", "many"): (
        "examples/aws-ci", "examples/aws-ci/main.tf", 8,
        "automation principal aws_iam_user.ci holds a known privilege-escalation combination: "
        "AttachRolePolicyThenUpdateAssumeRolePolicy (iam:AttachRolePolicy, "
        "iam:UpdateAssumeRolePolicy) and 18 more",
    ),
    ("NHI012", "default"): (
        "fixtures/NHI012/keys", "fixtures/NHI012/keys/main.tf", 15,
        "aws_iam_access_key.backup_pgp is a long-lived access key of aws_iam_user.backup: never "
        "rotated and never expires",
    ),
    ("NHI012", "state"): (
        "fixtures/NHI012/keys", "fixtures/NHI012/keys/main.tf", 10,
        "aws_iam_access_key.backup is a long-lived access key of aws_iam_user.backup: never "
        "rotated and never expires, and its secret is written to the deployment state in plain "
        "text",
    ),
    ("NHI014", "login"): (
        "fixtures/NHI014/login_profile", "fixtures/NHI014/login_profile/main.tf", 14,
        "automation principal aws_iam_user.reporting also has a console login profile "
        "aws_iam_user_login_profile.reporting: people can sign in as it (holds a static access "
        "key aws_iam_access_key.reporting)",
    ),
    ("NHI014", "trust"): (
        "fixtures/NHI014/shared_role", "fixtures/NHI014/shared_role/main.tf", 17,
        "automation principal aws_iam_role.build (trusted by service codebuild.amazonaws.com) "
        "can also be assumed by people signing in through SAML provider "
        "aws_iam_saml_provider.okta",
    ),
    ("NHI014", "people"): (
        "fixtures/NHI014/gcp_people_impersonate", "fixtures/NHI014/gcp_people_impersonate/main.tf",
        36,
        "automation principal google_service_account.alice_sandbox (is a GCP service account) "
        "can also be used by people: user:alice@example.com may act as it",
    ),
    ("NHI901", "automation"): (
        "fixtures/NHI901/human_user_without_login_profile",
        "fixtures/NHI901/human_user_without_login_profile/main.tf", 10,
        "cannot tell whether aws_iam_user.alice is an automation principal (nothing in the "
        "scanned code shows it is automation); it can alter identity (iam:CreateUser, "
        "iam:AddUserToGroup, iam:GetUser on arn:aws:iam::123456789012:user/people/*, "
        "arn:aws:iam::123456789012:group/staff) (cause: no-evidence)",
    ),
    ("NHI901", "owner"): (
        "fixtures/NHI002/tags_unknown", "fixtures/NHI002/tags_unknown/main.tf", 5,
        "owner of automation principal aws_iam_role.pipeline is unknown: tags are computed: "
        "${var.tags} (cause: variable-unset var.tags)",
    ),
    ("NHI901", "policy"): (
        "fixtures/NHI901/unknown_policy", "fixtures/NHI901/unknown_policy/main.tf", 12,
        "automation principal aws_iam_role.worker holds aws_iam_role_policy.worker, which is "
        "not fully known: the policy ${var.policy_json} is not known before apply "
        "(cause: variable-unset var.policy_json)",
    ),
    ("NHI901", "policy-automation"): (
        "fixtures/NHI901/unknown_trust_and_policy",
        "fixtures/NHI901/unknown_trust_and_policy/main.tf", 14,
        "cannot tell whether aws_iam_role.this is an automation principal (nothing in the "
        "scanned code shows it is automation; its trust policy: the policy "
        "${var.trust_policy_json} is not known before apply), and it holds "
        "aws_iam_role_policy.this, which is not fully known: the policy "
        "${var.permissions_json} is not known before apply "
        "(cause: variable-unset var.permissions_json)",
    ),
    ("NHI901", "expiry"): (
        "fixtures/NHI901/expiry_unknown", "fixtures/NHI901/expiry_unknown/main.tf", 9,
        "automation principal aws_iam_role.migration can alter identity until "
        "${var.migration_ends}, which is not known before apply "
        "(cause: variable-unset var.migration_ends)",
    ),
    ("NHI013", "literal"): (
        "fixtures/NHI013/provider_keys", "fixtures/NHI013/provider_keys/main.tf", 11,
        "provider.aws secret_key holds a literal AWS secret access key",
    ),
    ("NHI013", "literal-prefix"): (
        "fixtures/NHI013/provider_keys", "fixtures/NHI013/provider_keys/main.tf", 10,
        "provider.aws access_key holds a literal AWS access key id (AKIA…)",
    ),
    ("NHI013", "embedded"): (
        "fixtures/NHI013/embedded_key", "fixtures/NHI013/embedded_key/main.tf", 29,
        "aws_lambda_function.resize environment.variables.UPLOADER_SECRET embeds the AWS secret "
        "access key aws_iam_access_key.uploader.secret",
    ),
    ("NHI013", "output"): (
        "fixtures/NHI013/outputs", "fixtures/NHI013/outputs/main.tf", 45,
        "output.mailer_secret shows the AWS secret access key aws_iam_access_key.mailer.secret "
        "and is not marked sensitive",
    ),
    ("NHI901", "trust"): (
        "fixtures/NHI901/unknown_trust_subject", "fixtures/NHI901/unknown_trust_subject/main.tf",
        9,
        "cannot tell how far the trust of aws_iam_role.deploy by GitHub Actions reaches: its sub "
        "requirement ${var.allowed_subjects} is not known before apply "
        "(cause: variable-unset var.allowed_subjects)",
    ),
    ("NHI901", "module"): (
        "fixtures/NHI901/registry_module_not_downloaded",
        "fixtures/NHI901/registry_module_not_downloaded/main.tf", 24,
        "module.break_glass is not read: git source "
        "git::https://git.example.com/platform/iam-break-glass.git?ref=v1.4.0 is not downloaded "
        "(run terraform init to read it); the principals, grants and secrets it may declare are "
        "not judged (cause: module-not-read)",
    ),
    ("NHI901", "module-known"): (
        "fixtures/NHI901/registry_module_not_downloaded",
        "fixtures/NHI901/registry_module_not_downloaded/main.tf", 13,
        "module.ci_user is not read: registry source "
        "terraform-aws-modules/iam/aws//modules/iam-user is not downloaded (run terraform init "
        "to read it); it creates aws_iam_access_key, aws_iam_user, aws_iam_user_login_profile, "
        "aws_iam_user_policy, aws_iam_user_policy_attachment and aws_iam_user_ssh_key (as of "
        "v6.5.0): its users, the SSH public keys, access keys and console login profiles it "
        "issues and the policies it writes or attaches are not judged until the module is "
        "downloaded (terraform init) (cause: module-not-read)",
    ),
    ("NHI901", "credential-expiry"): (
        "fixtures/NHI901/unknown_key_lifetime", "fixtures/NHI901/unknown_key_lifetime/main.tf", 11,
        "cannot tell whether aws_iam_service_specific_credential.assistant of "
        "aws_iam_user.assistant is long-lived: its lifetime ${var.api_key_days} is not known "
        "before apply (cause: variable-unset var.api_key_days)",
    ),
    # the organisation's policy ([policy] in the case's .nhilint.toml)
    ("NHI002", "pattern"): (
        "fixtures/NHI002/policy_owner_pattern", "fixtures/NHI002/policy_owner_pattern/main.tf", 21,
        "automation principal aws_iam_role.provisioner can alter identity (iam:CreateRole on "
        "arn:aws:iam::123456789012:role/workload-*) and its owner value bob does not match the "
        "policy pattern team-[a-z-]+: tag owner",
    ),
    ("NHI004", "lifetime"): (
        "fixtures/NHI004/policy_max_credential_days",
        "fixtures/NHI004/policy_max_credential_days/main.tf", 5,
        "automation principal aws_iam_user.ci can alter identity with a credential that lives "
        "longer than the policy allows: access key aws_iam_access_key.ci lives longer than the "
        "policy's 90 days (rotated every 180 days)",
    ),
    ("NHI010", "policy-issuer"): (
        "fixtures/NHI010/policy_oidc_issuers", "fixtures/NHI010/policy_oidc_issuers/main.tf", 39,
        "aws_iam_role.storefront trusts tokens of the OIDC issuer "
        "token.actions.githubusercontent.com, which the policy does not allow (allowed: "
        "gitlab.acme.example)",
    ),
    ("NHI010", "policy-subject"): (
        "fixtures/NHI010/policy_oidc_subjects", "fixtures/NHI010/policy_oidc_subjects/main.tf", 33,
        "aws_iam_role.preview trusts token.actions.githubusercontent.com tokens for the subject "
        "repo:acme/storefront:ref:refs/heads/feature-preview, outside the policy's subject "
        "patterns (repo:acme/*:ref:refs/heads/main)",
    ),
    ("NHI012", "lifetime"): (
        "fixtures/NHI012/policy_max_credential_days",
        "fixtures/NHI012/policy_max_credential_days/main.tf", 22,
        "aws_iam_access_key.uploader (access key of aws_iam_user.uploader) lives longer than the "
        "policy's maximum of 90 days: rotated every 180 days",
    ),
    ("NHI016", "forbidden"): (
        "fixtures/NHI016/policy_forbidden_permissions",
        "fixtures/NHI016/policy_forbidden_permissions/main.tf", 15,
        "automation principal aws_iam_role.bootstrap holds iam:*, iam:CreateUser, which the "
        "policy forbids automation principals (iam:CreateUser, roles/owner)",
    ),
    ("NHI016", "allowed"): (
        "fixtures/NHI016/policy_allowed_permissions",
        "fixtures/NHI016/policy_allowed_permissions/main.tf", 32,
        "automation principal aws_iam_role.cleanup holds s3:DeleteObject, sqs:ReceiveMessage, "
        "outside the policy's allowed permissions (s3:GetObject, s3:PutObject, iam:PassRole)",
    ),
}


def test_every_template_is_covered() -> None:
    templates = {(r.id, t) for r in collect_rules() for t in r.messages}
    assert templates == set(MESSAGES)


@pytest.mark.parametrize("key", sorted(MESSAGES), ids=lambda k: f"{k[0]}-{k[1]}")
def test_message(key: tuple[str, str], in_repo: Path) -> None:
    case, path, line, message = MESSAGES[key]
    policy = (Path(case) / ".nhilint.toml").is_file()  # a policy case: with its own config
    result = scan([Path(case)], case_options(Path(case)) if policy else Options())
    found = [f.message for f in result.findings
             if (f.rule, f.span.path, f.span.line) == (key[0], path, line)]
    assert message in found


def test_messages_are_one_line_and_fixes_fit(in_repo: Path) -> None:
    result = scan([Path("fixtures"), Path("examples")], Options())
    for finding in result.findings:
        assert "\n" not in finding.message
        assert finding.fix, f"{finding.rule} at {finding.span} has no fix"
    fixes = {f.fix for f in result.findings if f.rule == "NHI901"}
    assert len(fixes) >= 3, "NHI901's fix must fit the cause"
