"""nhilint: finds automation identities that can change who has access."""

__version__ = "0.1.0"
