"""An example nhilint rule pack: the platform team's rules for automation principals.

nhilint collects every rule defined in this package's modules (the ``nhilint.rules`` entry
point in ``pyproject.toml`` names it): :mod:`.boundary` (EXA001) and :mod:`.naming` (EXA002).
"""
