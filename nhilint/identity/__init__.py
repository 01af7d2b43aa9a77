"""The identity layer: resources in, NHI graph out, one adapter per platform."""

from __future__ import annotations

from nhilint.identity import aws
from nhilint.identity.graph import Graph
from nhilint.model import Model
from nhilint.settings import Settings


def build_graph(model: Model, settings: Settings) -> Graph:
    """The NHI graph of one module's resources."""
    return aws.build(model, settings)
