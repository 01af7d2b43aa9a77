"""nhilint's rules as checkov checks, for ``checkov --external-checks-dir``.

checkov has no plugin entry point: it imports every ``.py`` file of a directory it is given
(``__init__.py`` excepted, and required) and keeps the checks those files construct.  This
package is that directory; ``nhilint checkov-checks-dir`` prints it.  Importing this package
imports nothing of checkov's; only checkov imports :mod:`.nhilint_checks`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

#: the directory to pass to ``checkov --external-checks-dir``
CHECKS_DIR: Final = Path(__file__).resolve().parent
