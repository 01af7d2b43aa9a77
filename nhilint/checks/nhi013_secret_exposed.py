"""NHI013 secret-exposed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import NamedTuple

from nhilint.checks import _detect
from nhilint.checks._common import OWASP
from nhilint.checks._literals import Leaf, decode, dotted, leaves, place_of, unknowns
from nhilint.identity import secret_catalog
from nhilint.identity.secrets import PROVIDER, Place, Secret, SecretCatalog
from nhilint.model import AttrPath, Local, Output, Provider, Ref, Resource, Span, Unknown, Variable
from nhilint.rule import Evidence, Hit, RuleContext, Severity, rule

#: how a detect-secrets kind reads in a message
_SHOWN = {"Secret Keyword": "secret-named value",
          "Base64 High Entropy String": "high-entropy token"}
#: kinds found by a guess (a name, an entropy) rather than a format: medium severity
_GUESSED = frozenset(_SHOWN)
#: the fix where no platform's data gives one
_FIX = ("revoke the secret and take it out of the code: read it at run time from a secret "
        "store, or let the automation take short-lived credentials")


class Holder(NamedTuple):
    """Something that holds values: a resource, a provider, a variable default, a local, an
    output; ``block`` is its key in the platforms' secret data (a resource type,
    ``provider.aws``; ``""`` for the others)."""

    address: str
    block: str
    value: Mapping[str, object]
    span_of: Callable[[AttrPath], Span]
    label: Callable[[AttrPath], str]


@rule("NHI013", "secret-exposed", Severity.HIGH,
      message={
          "literal": "{where} holds a literal {kind}",
          "literal-prefix": "{where} holds a literal {kind} ({prefix})",
          "output": "{output} shows the {kind} {attribute} and is not marked sensitive",
          "embedded": "{where} embeds the {kind} {attribute}",
      },
      references=(OWASP.format(n=2), "CWE-798"))
def secret_exposed(ctx: RuleContext) -> Iterator[Hit]:
    """Secret material is written in the code, or an output or a resource shows a secret.

    ## What it does
    Finds literal secret material in the configuration: AWS access key ids and secret keys,
    private keys, GitHub, Slack, Stripe and other tokens, JWTs (detect-secrets' plugins), values
    named like secrets (`password`, `DB_SECRET`), and high-entropy tokens in free-form text
    (Lambda and ECS environment variables, `user_data`, SSM parameter values, tags). It reads
    provider blocks, resources, locals, variable defaults and outputs; every finding passes
    an entropy guard, so placeholders (`changeme`), ids (AMI ids, UUIDs) and references
    (`var.`, `data.`) are never reported. A literal in an SSM `SecureString` parameter is
    reported too: the parameter is encrypted in AWS, but the literal is readable in the
    repository (a placeholder under `lifecycle { ignore_changes = [value] }` is not). A
    GitHub Actions, environment, organisation or Dependabot secret holding a literal
    (`value`, `plaintext_value`) is reported, and so is a GitLab CI/CD variable whose literal
    value looks like a secret; one that copies a credential made in the same code
    (`aws_iam_access_key.ci.secret`, `gitlab_project_access_token.ci.token`) is reported
    with that credential instead (NHI001, NHI004, NHI012 name the copy), not here.

    A Kubernetes Secret's `data` and `binary_data` (decoded) are free-form text, where settings
    sit beside secrets; the kubernetes provider's `token`, `password` and `client_key` are
    secret whatever they hold.

    Also finds outputs that show a secret attribute (`aws_iam_access_key.secret`,
    `ses_smtp_password_v4`, `aws_iam_user_login_profile.password`,
    `aws_iam_service_specific_credential.service_password`, …) without `sensitive = true`,
    and secret attributes written into free-form text (`user_data`, environment variables,
    a `String` SSM parameter), where whoever can describe the resource reads them. A value
    that comes from a variable default or a local is reported where it is written.
    The value is never printed: messages name the kind and, for an access key id, its
    four-character prefix; the text report leaves out the code line.

    On Vault: a literal provider `token`, a pushed `secret_id`, a literal `oidc_client_secret`,
    the cloud keys given to Vault's AWS and GCP engines and auth methods (`secret_key`,
    `credentials`), secrets in the `data_json` of `vault_generic_secret` and
    `vault_kv_secret(_v2)`, and outputs of a secret id, a wrapping token or a token's
    `client_token`.

    ## Why is this bad?
    A secret in the code is readable by everyone who can read the repository, its forks, its
    CI logs and its history, for as long as the secret lives; a non-sensitive output prints
    the secret on every `terraform apply` and `terraform output`.

    ## Example
    ```hcl
    provider "aws" {
      access_key = "AKIA…"
      secret_key = "…"
    }

    output "deploy_secret" {
      value = aws_iam_access_key.deploy.secret
    }
    ```

    ## Use instead
    Remove the secret from the code and revoke it, then let the automation take short-lived
    credentials (an OIDC role, an instance or task role) or read the secret at run time from a
    secret store; mark an output that must show a secret `sensitive = true`:
    ```hcl
    provider "aws" {
      region = "eu-west-1"  # credentials from the environment or an assumed role
    }

    output "deploy_secret" {
      value     = aws_iam_access_key.deploy.secret
      sensitive = true
    }
    ```

    ## References
    - OWASP Non-Human Identities Top 10 (2025): NHI2 Secret Leakage
    - CWE-798: Use of Hard-coded Credentials
    - https://developer.hashicorp.com/terraform/language/values/outputs#sensitive-suppressing-values-in-cli-output
    """
    catalog = secret_catalog()
    seen: set[str] = set()
    model = ctx.model
    declared = _declared(model.resources)
    first = [_variable(v) for v in model.variables if v.has_text] + [
        _local(v) for v in model.local_values if v.has_text]
    later = [_provider(p) for p in model.providers] + [_resource(r) for r in model.resources]
    origins: dict[str, tuple[Holder, AttrPath]] = {}
    for holder in first:
        for leaf in leaves(holder.value):
            origins.setdefault(leaf.text, (holder, leaf.path))
    for holder in first + later:
        yield from _literals(ctx, holder, catalog, seen, origins)
    stores = {e.store for e in ctx.graph.exposures}  # reported with the credential instead
    for resource in model.resources:
        if resource.address not in stores:
            yield from _embedded(ctx, _resource(resource), catalog, declared)
    yield from _outputs(ctx, model.outputs, declared, catalog, seen)


def _literals(ctx: RuleContext, holder: Holder, catalog: SecretCatalog, seen: set[str],
              origins: Mapping[str, tuple[Holder, AttrPath]]) -> Iterator[Hit]:
    """The literal secrets of ``holder``, each reported once, where it is written: a value
    that comes from a variable default or a local is reported there, as judged where it is
    used (``secret_string = var.flag``)."""
    arguments = _arguments(holder, catalog)
    places = catalog.places(holder.block)
    ignored = _ignored(holder.value)
    for leaf in leaves(holder.value):
        if leaf.text in seen or leaf.path[0] in ignored:
            continue
        found = _judge(leaf, arguments, places, holder)
        if found is None:
            continue
        seen.add(leaf.text)
        kind, prefix, platform = found
        written, path = origins.get(leaf.text, (holder, leaf.path))
        params = {"where": written.label(path), "kind": _SHOWN.get(kind, kind)}
        if prefix:
            params["prefix"] = prefix
        yield Hit(
            written.address, written.span_of(path), params,
            template="literal-prefix" if prefix else "literal",
            key=f"literal:{dotted(path)}",
            severity=Severity.MEDIUM if kind in _GUESSED else None,
            fix=ctx.fix(platform, "secret-literal") if platform else _FIX,
            conceal=True,
        )


def _judge(leaf: Leaf, arguments: Mapping[str, Secret], places: tuple[Place, ...],
           holder: Holder) -> tuple[str, str, str] | None:
    """(kind, prefix, platform) of the secret in ``leaf``, if it holds one."""
    top = leaf.path[0]
    argument = arguments.get(top) if isinstance(top, str) else None
    place = place_of(leaf.path, places)
    text = decode(leaf.text, place.encoding) if place else leaf.text
    if text is None:
        return None
    name = leaf.name
    if place is not None and place.named_by:
        named = holder.value.get(place.named_by)
        name = named if isinstance(named, str) else name
    match = _detect.find(name, text, free=place is not None)
    if argument is not None and (match is not None or _detect.looks_secret(text)):
        return argument.kind, match.prefix if match else "", argument.platform
    return (match.kind, match.prefix, "") if match else None


def _arguments(holder: Holder, catalog: SecretCatalog) -> Mapping[str, Secret]:
    """The holder's secret arguments whose conditions hold."""
    found = catalog.arguments.get(holder.block, {})
    return {name: secret for name, secret in found.items() if _holds(holder.value, secret.when)}


def _holds(attributes: Mapping[str, object], when: Mapping[str, str]) -> bool:
    return all(attributes.get(key) == value for key, value in when.items())


def _ignored(attributes: Mapping[str, object]) -> frozenset[str]:
    """The arguments whose changes Terraform ignores: a placeholder set once, the real value
    managed elsewhere."""
    blocks = attributes.get("lifecycle")
    names: set[str] = set()
    for block in blocks if isinstance(blocks, list) else ():
        ignored = block.get("ignore_changes") if isinstance(block, dict) else None
        names.update(i for i in (ignored if isinstance(ignored, list) else [ignored])
                     if isinstance(i, str))
    return frozenset(names)


def _declared(resources: tuple[Resource, ...]) -> Mapping[str, list[Resource]]:
    """The module's resources by address without instance key (as references name them)."""
    by_address: dict[str, list[Resource]] = {}
    for resource in resources:
        by_address.setdefault(resource.base_address, []).append(resource)
    return by_address


def _embedded(ctx: RuleContext, holder: Holder, catalog: SecretCatalog,
              declared: Mapping[str, list[Resource]]) -> Iterator[Hit]:
    """Secret attributes written into free-form text (user data, environment variables,
    tags, a plain parameter): readable by whoever can describe the resource."""
    places = catalog.places(holder.block)
    stores = _arguments(holder, catalog)
    for path, value in unknowns(holder.value):
        if place_of(path, places) is None or (path and path[0] in stores):
            continue
        for ref in dict.fromkeys(value.refs):
            found = _exported(ref, declared, catalog)
            if found is not None:
                name, secret = found
                yield Hit(
                    holder.address, holder.span_of(path),
                    {"where": holder.label(path), "kind": secret.kind,
                     "attribute": _attribute(ref, name)},
                    _exported_evidence(declared[ref.qualified], found),
                    template="embedded", key=f"embedded:{dotted(path)}:{ref.address}.{name}",
                    fix=ctx.fix(secret.platform, "secret-embedded") or _FIX,
                )


def _outputs(ctx: RuleContext, outputs: tuple[Output, ...],
             by_address: Mapping[str, list[Resource]], catalog: SecretCatalog,
             seen: set[str]) -> Iterator[Hit]:
    for output in outputs:
        if output.sensitive:
            continue
        yield from _literals(ctx, _output(output), catalog, seen, {})
        for written, source in dict.fromkeys(_sourced_refs(output.value)):
            ref = _read_past_key(written, source)
            found = _exported(ref, by_address, catalog)
            if found is not None:
                yield _shown(ctx, output, ref, found, by_address[ref.address])


def _exported(ref: Ref, by_address: Mapping[str, list[Resource]],
              catalog: SecretCatalog) -> tuple[str, Secret] | None:
    """(attribute, secret) when ``ref`` reads a secret attribute of a declared resource."""
    declared = by_address.get(ref.qualified)
    if not declared:
        return None
    exported = catalog.exported.get(declared[0].type, {})
    keyed = any(r.address != ref.qualified for r in declared)  # count / for_each instances
    steps = ref.attr[1:] if keyed and ref.attr and ref.attr[0] != "*" else ref.attr
    names = [step for step in steps if isinstance(step, str) and step != "*"]
    wanted = names[:1] or list(exported)
    return next(
        ((name, exported[name]) for name in wanted if name in exported
         and any(_holds(r.attributes, exported[name].when) for r in declared)),
        None,
    )


def _shown(ctx: RuleContext, output: Output, ref: Ref, found: tuple[str, Secret],
           declared: list[Resource]) -> Hit:
    name, secret = found
    return Hit(
        output.address, output.span,
        {"output": output.address, "kind": secret.kind, "attribute": _attribute(ref, name)},
        _exported_evidence(declared, found),
        template="output", key=f"output:{ref.address}.{name}",
        fix=ctx.fix(secret.platform, "secret-output") or _FIX,
    )


def _attribute(ref: Ref, name: str) -> str:
    """``aws_iam_access_key.ci.secret``, or the resource when the whole of it is read."""
    return f"{ref.address}.{name}" if name in ref.attr else ref.address


def _exported_evidence(declared: list[Resource], found: tuple[str, Secret]) -> tuple[Evidence, ...]:
    name, secret = found
    return (Evidence(declared[0].address, declared[0].span, f"{secret.kind} ({name})"),)


def _sourced_refs(value: object) -> Iterator[tuple[Ref, str]]:
    """Each reference in ``value`` with the source text of the expression it was read in."""
    if isinstance(value, Unknown):
        yield from ((ref, value.source) for ref in value.refs)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _sourced_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _sourced_refs(item)


def _read_past_key(ref: Ref, source: str) -> Ref:
    """The reference with the attribute it reads after an instance key that is not known
    (``azurerm_key_vault_secret.s[local.os].id`` reads ``id``, not the whole resource): the
    parser stops the path at such a key, the source text still shows what follows it."""
    if ref.attr:
        return ref
    key = rf"(?<![\w.-]){re.escape(ref.address)}\s*\[[^\]]*\]\s*\.\s*([A-Za-z_][\w-]*)"
    found = re.search(key, source)
    return ref._replace(attr=("*", found.group(1))) if found else ref


def _resource(resource: Resource) -> Holder:
    return Holder(resource.address, resource.type, resource.attributes, resource.span_of,
                  lambda path: f"{resource.address} {dotted(path)}")


def _provider(provider: Provider) -> Holder:
    address = f"provider.{provider.address}"
    return Holder(address, PROVIDER.format(name=provider.name), provider.attributes,
                  provider.span_of, lambda path: f"{address} {dotted(path)}")


def _variable(variable: Variable) -> Holder:
    return Holder(variable.address, "", {variable.name: variable.default},
                  lambda path: variable.span_of(path[1:]),
                  lambda path: " ".join((variable.address, "default", dotted(path[1:]))).strip())


def _local(local: Local) -> Holder:
    return Holder(local.address, "", {local.name: local.value},
                  lambda path: local.span_of(path[1:]),
                  lambda path: " ".join((local.address, dotted(path[1:]))).strip())


def _output(output: Output) -> Holder:
    return Holder(output.address, "", {output.name: output.value},
                  lambda path: output.span, lambda path: output.address)
