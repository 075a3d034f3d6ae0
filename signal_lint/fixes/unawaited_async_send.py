"""SIG017's fix: ``await`` the ``asend()`` coroutine."""

from __future__ import annotations

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree, awaited, binds_tighter, send_call

KIND = "await-send"


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    call = send_call(tree, fix, ("asend", "asend_robust"))
    if call is None:
        return None
    parenthesised = binds_tighter(tree, call)
    return [Edit(call, lambda updated: awaited(updated, parenthesised))]
