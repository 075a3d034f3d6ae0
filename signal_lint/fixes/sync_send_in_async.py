"""SIG016's fix: ``sig.send(...)`` -> ``await sig.asend(...)`` inside ``async def`` (Django >= 5.0)."""

from __future__ import annotations

import libcst as cst

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree, awaited, binds_tighter, send_call

KIND = "await-asend"


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    call = send_call(tree, fix, ("send", "send_robust"))
    if call is None:
        return None
    parenthesised = binds_tighter(tree, call)

    def to_asend(updated: cst.Call) -> cst.Await:
        method = updated.func
        assert isinstance(method, cst.Attribute)
        renamed = method.with_changes(attr=method.attr.with_changes(value="a" + method.attr.value))
        return awaited(updated.with_changes(func=renamed), parenthesised)

    return [Edit(call, to_asend)]
