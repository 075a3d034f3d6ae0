"""What a process that leaves with ``os._exit`` need not free: the command's (``cli.run``).

A run over a large project holds hundreds of thousands of facts; freeing them one by one when a
run returns costs tens of milliseconds that nobody waits for in a library call, but that the
command pays just before it exits anyway.  The command says it will leave without teardown, and
the engine then hands what it made to ``keep()``: the process drops it whole at exit.  Library
callers (tests, editors, the flake8 plugin) never set it, so nothing of theirs is kept.
"""

from __future__ import annotations

_leaves_without_teardown = False
_kept: dict[str, object] = {}


def leave_without_teardown() -> None:
    """Called by the command: the process ends with ``os._exit`` once its output is written."""
    global _leaves_without_teardown
    _leaves_without_teardown = True


def keep(name: str, value: object) -> None:
    """Keep ``value`` until the process exits, when it will exit without teardown; the last value
    kept under ``name`` replaces the one before (a ``--fix`` loop checks several times)."""
    if _leaves_without_teardown:
        _kept[name] = value
