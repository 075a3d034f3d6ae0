"""SIG002's fix: connect with ``weak=False`` (and a ``dispatch_uid`` for a temporary's method)."""

from __future__ import annotations

import libcst as cst

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree, connection_call, is_connect, keyword, string, with_keyword

KIND = "weak-false"

# Signal.connect(receiver, sender=None, weak=True, dispatch_uid=None)
WEAK_POSITION, UID_POSITION = 2, 3


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    call = connection_call(tree, fix)
    if call is None or any(arg.star for arg in call.args):
        return None
    return [Edit(call, lambda updated: strong(updated, fix.value))]


def strong(call: cst.Call, uid: str | None) -> cst.Call:
    """``call`` with ``weak=False``; with ``uid``, also ``dispatch_uid=uid`` unless it has one."""
    positional = [i for i, arg in enumerate(call.args) if arg.keyword is None]
    false = cst.Name("False")
    if is_connect(call) and len(positional) > WEAK_POSITION:
        args = list(call.args)
        index = positional[WEAK_POSITION]
        args[index] = args[index].with_changes(value=false)
        call = call.with_changes(args=args)
    else:
        call = with_keyword(call, "weak", false)
    has_uid = keyword(call, "dispatch_uid") is not None or (
        is_connect(call) and len(positional) > UID_POSITION
    )
    if uid is not None and not has_uid:
        call = with_keyword(call, "dispatch_uid", string(uid))
    return call
