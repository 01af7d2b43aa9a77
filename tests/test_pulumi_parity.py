"""The same scenarios written as Terraform and as Pulumi (preview JSON, Pulumi YAML) give the
same findings about the same principals (issue 11): an AWS CI user with a static key and
AdministratorAccess, a GCP service account with a key and roles/owner, an Entra service
principal with a password without end date and Graph's RoleManagement.ReadWrite.Directory, a
Kubernetes service account with a token Secret bound to a ClusterRole that can ``bind``."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhilint.engine import Options, scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "NHI001"
#: (the Terraform case, the Pulumi case)
SCENARIOS = [
    ("pulumi_aws_ci_user", "pulumi_aws_ci_user"),
    ("gcp_ci_key_owner", "pulumi_gcp_ci_key_owner"),
    ("azure_sp_password_graph_role", "pulumi_entra_sp_password"),
    ("k8s_token_secret_bind", "pulumi_k8s_token_secret_bind"),
]
#: Pulumi YAML names every resource uniquely (one ``resources`` mapping), where Terraform may
#: give a user and its key one name: the Pulumi programs' names that differ from the .tf's
NAMES = {
    "aws_iam_access_key.ciKey": "aws_iam_access_key.ci",
    "google_service_account_key.jenkinsDeployerKey": "google_service_account_key.jenkins_deployer",
    "azuread_service_principal_password.provisionerSecret":
        "azuread_service_principal_password.provisioner",
    "kubernetes_cluster_role_v1.argocdManagerRole": "kubernetes_cluster_role_v1.argocd_manager",
}


def _findings(path: Path, kind: str) -> set[tuple[str, str]]:
    result = scan([path], Options(input_type=kind))
    assert not result.diagnostics, result.diagnostics
    return {(f.rule, NAMES.get(f.resource, f.resource)) for f in result.findings}


@pytest.mark.parametrize(("terraform", "pulumi"), SCENARIOS)
def test_preview_json_gives_the_terraform_findings(terraform: str, pulumi: str) -> None:
    expected = _findings(FIXTURES / terraform, "terraform")
    assert expected
    assert _findings(FIXTURES / pulumi / "preview.json", "pulumi-json") == expected


@pytest.mark.parametrize(("terraform", "pulumi"), SCENARIOS)
def test_pulumi_yaml_gives_the_terraform_findings(terraform: str, pulumi: str) -> None:
    expected = _findings(FIXTURES / terraform, "terraform")
    assert _findings(FIXTURES / pulumi / "Pulumi.yaml", "pulumi-yaml") == expected


#: the Pulumi Python version of each scenario (a project of its own: one Pulumi.yaml a project)
PYTHON = {
    "pulumi_aws_ci_user": "pulumi_py_aws_ci_user",
    "pulumi_gcp_ci_key_owner": "pulumi_py_gcp_ci_key_owner",
    "pulumi_entra_sp_password": "pulumi_py_entra_sp_password",
    "pulumi_k8s_token_secret_bind": "pulumi_py_k8s_token_secret_bind",
}


@pytest.mark.parametrize(("terraform", "pulumi"), SCENARIOS)
def test_pulumi_python_gives_the_terraform_findings(terraform: str, pulumi: str) -> None:
    expected = _findings(FIXTURES / terraform, "terraform")
    assert expected
    assert _findings(FIXTURES / PYTHON[pulumi], "pulumi-python") == expected


def _lines(path: Path, kind: str) -> set[tuple[str, str, int]]:
    result = scan([path], Options(input_type=kind))
    return {(f.rule, Path(f.span.path).name, f.span.line or 0) for f in result.findings}


def _marked(case: Path, suffix: str) -> set[tuple[str, str, int]]:
    found = set()
    for path in case.rglob(f"*{suffix}"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            _, _, marks = line.partition("# expect:")
            marks = marks.split("#", 1)[0]
            found |= {(m.strip(), path.name, number) for m in marks.split(",") if m.strip()}
    return found


@pytest.mark.parametrize(("terraform", "pulumi"), SCENARIOS)
def test_each_input_reports_at_its_own_lines(terraform: str, pulumi: str) -> None:
    """The same findings land on the annotated lines of each input's own file."""
    python = FIXTURES / PYTHON[pulumi]
    assert _lines(python, "pulumi-python") == _marked(python, ".py")
    yaml_case = FIXTURES / pulumi
    assert _lines(yaml_case / "Pulumi.yaml", "pulumi-yaml") == _marked(yaml_case, ".yaml")
    tf = FIXTURES / terraform
    assert _lines(tf, "terraform") == _marked(tf, ".tf")
