"""Run flake8 exactly as its console script does, optionally without the signal-lint plugin.

flake8 runs every installed ``flake8.extension`` plugin on every file: ``--extend-ignore SIG``
only hides the plugin's results, it still pays for running it.  So the "without the plugin"
measurement of ``benchmarks/run.py`` unloads the plugin instead: with
``BENCH_FLAKE8_DROP_SIGNAL_LINT=1`` the plugins that signal-lint registers are removed from
flake8's plugin discovery, as if signal-lint were not installed.  Both variants (with and
without) go through this wrapper, so they pay the same start-up cost and differ only in the
plugin.

The patch is applied at import time (not under ``__main__``) so that flake8's worker
processes see it with any multiprocessing start method: ``fork`` inherits it, ``spawn`` and
``forkserver`` re-import this module as ``__mp_main__``.
"""

from __future__ import annotations

import os
import sys

from flake8.plugins import finder

DROP_VARIABLE = "BENCH_FLAKE8_DROP_SIGNAL_LINT"
_PACKAGES = {"signal-lint", "signal_lint"}


def is_signal_lint(plugin: finder.Plugin) -> bool:
    """A plugin registered by signal-lint: by distribution name, or by its ``SIG`` entry point."""
    package = plugin.package.lower().replace("_", "-")
    return package in _PACKAGES or plugin.entry_point.name.startswith("SIG")


if os.environ.get(DROP_VARIABLE) == "1":
    _find_plugins = finder.find_plugins

    def _find_plugins_without_signal_lint(cfg, opts):  # type: ignore[no-untyped-def]
        return [plugin for plugin in _find_plugins(cfg, opts) if not is_signal_lint(plugin)]

    finder.find_plugins = _find_plugins_without_signal_lint  # type: ignore[assignment]


if __name__ == "__main__":
    from flake8.main.cli import main

    sys.exit(main())
