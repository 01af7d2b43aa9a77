#!/usr/bin/env python3
"""Write real Terraform plans (``terraform show -json``) of the AWS fixture cases beside them.

For every fixture case (a directory under ``fixtures/<RULE_ID>/`` holding ``*.tf`` or
``*.tf.json``) that uses only the AWS provider (and Terraform's built-in one), the case is
copied to a temporary directory, made plannable offline and planned:

* the AWS provider comes from a local filesystem mirror (``--mirror``, default
  ``/opt/tf-plugins``) through a CLI configuration file (``TF_CLI_CONFIG_FILE``); nothing is
  downloaded;
* mock credentials come from the environment (``AWS_ACCESS_KEY_ID`` …) and a temporary
  shared-credentials file holding every ``profile`` a provider block names, so no provider
  block of the case changes and the plan's ``configuration`` is the case's own;
* the settings that stop the provider from calling AWS (``skip_credentials_validation`` …)
  are added: to each provider block the case declares through an override file
  (``zz_nhilint_override.tf``, merged into the block with the same alias), and as a provider
  block of their own (``zz_nhilint_provider.tf``) when the case declares no default ``aws``
  provider.

``terraform init``, ``terraform plan -out`` and ``terraform show -json`` run there; the plan
(its ``timestamp`` removed, ``relevant_attributes`` sorted, everything else as Terraform
writes it) is written to
``<case>/.terraform-plan.json``.  A hidden file: a scan of the fixture directory does not read
it (hidden files are skipped as Terraform skips them), naming it does.  No state and no
``.terraform`` directory is ever written into the repository.

Cases that cannot be planned offline are skipped, with the reason: a provider that is not in
the mirror, no AWS resource at all, or what Terraform said when it failed (a data source that
calls an AWS API, a role to assume).  ``fixtures/terraform-plans.toml`` lists the Terraform and
provider versions, the planned cases and the skipped ones with their reasons.

Usage::

    python scripts/gen_terraform_plans.py            # rewrite the plans and the manifest
    python scripts/gen_terraform_plans.py --check    # exit 1 if a committed plan is stale
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nhilint.model import Model  # noqa: E402
from nhilint.parsers.hcl import parse_module  # noqa: E402
from nhilint.parsers.hcl.discover import config_files  # noqa: E402

FIXTURES = ROOT / "fixtures"
PLAN_NAME = ".terraform-plan.json"
MANIFEST_NAME = "terraform-plans.toml"
MIRROR = Path("/opt/tf-plugins")
AWS_SOURCE = "registry.terraform.io/hashicorp/aws"
#: plan fields that change from run to run (``relevant_attributes`` changes order only: sorted)
VOLATILE = ("timestamp",)
#: resource type prefixes the offline setup can plan (``terraform_data`` is built in)
PLANNABLE = frozenset({"aws", "terraform"})
SKIPS = (
    "skip_credentials_validation",
    "skip_requesting_account_id",
    "skip_metadata_api_check",
    "skip_region_validation",
)
TIMEOUT = 300


class Outcome(NamedTuple):
    """A case's plan text, or why there is none."""

    case: str
    plan: str | None
    reason: str | None


class Versions(NamedTuple):
    terraform: str
    aws: str


def cases(root: Path) -> list[Path]:
    """The fixture cases: ``<root>/<RULE>/<case>`` directories holding configuration files."""
    return sorted(d for d in root.glob("*/*") if d.is_dir() and config_files(d))


def cli_config(mirror: Path) -> str:
    return (
        "provider_installation {\n"
        f"  filesystem_mirror {{\n    path    = {json.dumps(str(mirror))}\n"
        f"    include = [{json.dumps(AWS_SOURCE)}]\n  }}\n"
        f"  direct {{\n    exclude = [{json.dumps(AWS_SOURCE)}]\n  }}\n"
        "}\n"
    )


def _skip_settings() -> str:
    return "".join(f"  {name} = true\n" for name in SKIPS)


def provider_files(model: Model) -> dict[str, str]:
    """The files that add the offline settings: an override merged into each declared ``aws``
    provider block, and a default ``aws`` block when the case declares none."""
    aliases = sorted({p.alias for p in model.providers if p.name == "aws" and not p.module})
    files = {}
    declared = [a for a in aliases if a]
    blocks = [
        "provider \"aws\" {\n" + (f"  alias = {json.dumps(a)}\n" if a else "") + _skip_settings()
        + "}\n"
        for a in ([""] if "" in aliases else []) + declared
    ]
    if blocks:
        files["zz_nhilint_override.tf"] = "\n".join(blocks)
    if "" not in aliases:
        files["zz_nhilint_provider.tf"] = "provider \"aws\" {\n" + _skip_settings() + "}\n"
    return files


def profiles(model: Model) -> list[str]:
    found = {p.attributes.get("profile") for p in model.providers if p.name == "aws"}
    return sorted(p for p in found if isinstance(p, str) and p)


def credentials(names: Iterable[str]) -> str:
    return "".join(
        f"[{name}]\naws_access_key_id = mock\naws_secret_access_key = mock\n\n"
        for name in ["default", *names]
    )


def not_plannable(model: Model) -> str | None:
    """Why a case cannot be planned offline before trying, or ``None``."""
    prefixes = {r.type.split("_", 1)[0] for r in model.resources}
    missing = sorted(prefixes - PLANNABLE)
    if missing:
        names = ", ".join(f"hashicorp/{m}" for m in missing)
        return f"uses provider {names}, which is not in the offline provider mirror"
    if "aws" not in prefixes:
        return "no AWS resource or data source"
    return None


def environment(work: Path, cli: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TMPDIR")}
    return {
        **keep,
        "HOME": str(work),
        "TF_CLI_CONFIG_FILE": str(cli),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "AWS_ACCESS_KEY_ID": "mock",
        "AWS_SECRET_ACCESS_KEY": "mock",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_SHARED_CREDENTIALS_FILE": str(work / "credentials"),
        "AWS_CONFIG_FILE": str(work / "config"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
    }


#: Terraform's errors in the words of the manifest
_REASONS = (
    (re.compile(r'No value for required variable.*?input variable "([^"]+)"'),
     "root variable {0} has no default and no value: Terraform cannot plan the case without one"),
    (re.compile(r"Error: (reading [^:]+?):? operation error ([^,]+),.*request send failed"),
     "a data source calls the AWS API ({1}), which is not reachable offline"),
    (re.compile(r"STS: GetCallerIdentity"),
     "a data source calls the AWS API (STS: GetCallerIdentity), which is not reachable offline"),
    (re.compile(r'remote module registry.*?module "([^"]+)"'),
     "module {0} comes from the module registry, which is not reachable offline"),
)


def _reason(message: str) -> str:
    for pattern, words in _REASONS:
        match = pattern.search(message)
        if match:
            return words.format(*match.groups())
    return message


#: the frame Terraform draws around a diagnostic (box-drawing characters)
_FRAME = re.compile("[\u2500-\u257f]+")
#: the lines of a diagnostic that show where it is and the values around, not what it is
_WHERE = re.compile(r"^(with |on |while calling |\d+:|[\w.\[\]\"]+ is )")


def _first_error(text: str) -> str:
    """The first ``Error:`` line of Terraform's output and its detail, on one line."""
    lines = [_FRAME.sub("", line).strip() for line in text.splitlines()]
    for index, line in enumerate(lines):
        if line.startswith("Error:"):
            detail = [t for t in lines[index + 1: index + 12] if t and not _WHERE.match(t)]
            message = " ".join([line, *detail[:2]])
            return re.sub(r"\s+", " ", message)[:300]
    return re.sub(r"\s+", " ", text.strip())[-300:] or "no output"


def _run(args: Sequence[str], cwd: Path, env: Mapping[str, str]) -> str:
    done = subprocess.run(
        ["terraform", *args], cwd=cwd, env=dict(env), capture_output=True, text=True,
        timeout=TIMEOUT, check=False,
    )
    if done.returncode != 0:
        message = _first_error(done.stderr + done.stdout)
        raise PlanError(_reason(message) if _reason(message) != message
                        else f"terraform {args[0]} failed: {message}")
    return done.stdout


class PlanError(Exception):
    pass


def _copy(case: Path, into: Path) -> None:
    """The case without its hidden files (the generated plan, any ``.terraform``)."""
    shutil.copytree(case, into, ignore=lambda _d, names: [n for n in names if n.startswith(".")])


def plan_case(case: Path, root: Path, mirror: Path) -> Outcome:
    name = case.relative_to(root).as_posix()
    model = parse_module(case)
    reason = not_plannable(model)
    if reason is not None:
        return Outcome(name, None, reason)
    with tempfile.TemporaryDirectory(prefix="nhilint-plan-") as temp:
        work = Path(temp)
        module = work / "case"
        _copy(case, module)
        for file, text in provider_files(model).items():
            (module / file).write_text(text, encoding="utf-8")
        (work / "credentials").write_text(credentials(profiles(model)), encoding="utf-8")
        (work / "config").write_text("", encoding="utf-8")
        (work / "cli.tfrc").write_text(cli_config(mirror), encoding="utf-8")
        env = environment(work, work / "cli.tfrc")
        try:
            _run(["init", "-no-color", "-input=false", "-backend=false"], module, env)
            _run(["plan", "-no-color", "-input=false", "-refresh=false", "-lock=false",
                  "-out=plan.out"], module, env)
            shown = _run(["show", "-no-color", "-json", "plan.out"], module, env)
        except PlanError as exc:
            return Outcome(name, None, str(exc))
        except subprocess.TimeoutExpired:
            return Outcome(name, None, f"terraform did not finish in {TIMEOUT} s")
    return Outcome(name, plan_text(json.loads(shown)), None)


def plan_text(document: Mapping[str, object]) -> str:
    """The plan as committed: Terraform's order, the volatile fields removed, and
    ``relevant_attributes`` (which Terraform lists in no stable order) sorted."""
    kept = {k: v for k, v in document.items() if k not in VOLATILE}
    relevant = kept.get("relevant_attributes")
    if isinstance(relevant, list):
        kept["relevant_attributes"] = sorted(relevant, key=lambda r: json.dumps(r, sort_keys=True))
    return json.dumps(kept, indent=2, ensure_ascii=False) + "\n"


def versions(mirror: Path) -> Versions:
    done = subprocess.run(["terraform", "version", "-json"], capture_output=True, text=True,
                          check=True, timeout=60)
    terraform = str(json.loads(done.stdout).get("terraform_version", ""))
    found = sorted((mirror / AWS_SOURCE).glob("*/linux_amd64"))
    return Versions(terraform, found[-1].parent.name if found else "")


def manifest(outcomes: Sequence[Outcome], found: Versions) -> str:
    planned = [o.case for o in outcomes if o.plan is not None]
    skipped = [o for o in outcomes if o.plan is None]
    lines = [
        "# Written by scripts/gen_terraform_plans.py: which fixture cases hold a real Terraform",
        f"# plan ({PLAN_NAME}, `terraform show -json`) and why the others do not.",
        f"terraform_version = {json.dumps(found.terraform)}",
        f"provider_versions = {{ {json.dumps(AWS_SOURCE)} = {json.dumps(found.aws)} }}",
        "",
        "planned = [",
        *[f"  {json.dumps(c)}," for c in planned],
        "]",
        "",
        "[skipped]",
        *[f"{json.dumps(o.case)} = {json.dumps(o.reason)}" for o in skipped],
    ]
    return "\n".join(lines) + "\n"


def generate(root: Path, mirror: Path, jobs: int) -> list[Outcome]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda c: plan_case(c, root, mirror), cases(root)))


def write(root: Path, outcomes: Sequence[Outcome], found: Versions) -> None:
    for outcome in outcomes:
        target = root / outcome.case / PLAN_NAME
        if outcome.plan is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(outcome.plan, encoding="utf-8")
    (root / MANIFEST_NAME).write_text(manifest(outcomes, found), encoding="utf-8")


def stale(root: Path, outcomes: Sequence[Outcome], found: Versions) -> list[str]:
    """What differs between the committed plans and manifest and freshly made ones."""
    problems = []
    for outcome in outcomes:
        target = root / outcome.case / PLAN_NAME
        committed = target.read_text(encoding="utf-8") if target.is_file() else None
        if committed != outcome.plan:
            state = "missing" if committed is None else (
                "should not exist" if outcome.plan is None else "differs")
            problems.append(f"{outcome.case}/{PLAN_NAME}: {state}")
    written = root / MANIFEST_NAME
    if not written.is_file() or written.read_text(encoding="utf-8") != manifest(outcomes, found):
        problems.append(f"{MANIFEST_NAME}: differs")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("fixtures", nargs="?", type=Path, default=FIXTURES)
    parser.add_argument("--check", action="store_true",
                        help="fail if the committed plans or the manifest are stale")
    parser.add_argument("--mirror", type=Path, default=MIRROR)
    parser.add_argument("--jobs", type=int, default=min(8, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    root = args.fixtures.resolve()
    outcomes = generate(root, args.mirror, args.jobs)
    found = versions(args.mirror)
    planned = sum(o.plan is not None for o in outcomes)
    print(f"{planned} case(s) planned, {len(outcomes) - planned} skipped "
          f"(terraform {found.terraform}, {AWS_SOURCE} {found.aws})")
    for outcome in outcomes:
        if outcome.plan is None:
            print(f"  skipped {outcome.case}: {outcome.reason}")
    if args.check:
        problems = stale(root, outcomes, found)
        for problem in problems:
            print(f"stale: {problem}", file=sys.stderr)
        return 1 if problems else 0
    write(root, outcomes, found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
