"""Where tests and ``.ci/run`` keep what they download or build between runs, outside the
repository: ``$SIGNAL_LINT_CI_CACHE``, else ``$XDG_CACHE_HOME/signal-lint-ci``, else
``~/.cache/signal-lint-ci`` (the same default ``.ci/run`` uses)."""

from __future__ import annotations

import os
from pathlib import Path

CACHE = Path(
    os.environ.get("SIGNAL_LINT_CI_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "signal-lint-ci"
)
