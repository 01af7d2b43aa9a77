"""What the Pulumi readers share: type tokens, URNs and engine property values to the model.

The readers themselves are :mod:`nhilint.parsers.pulumi_json` (``pulumi preview --json`` and
``pulumi stack export``) and :mod:`nhilint.parsers.pulumi_yaml` (Pulumi YAML programs).
"""
