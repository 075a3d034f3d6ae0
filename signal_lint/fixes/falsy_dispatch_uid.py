"""SIG015's fix: drop the falsy ``dispatch_uid``, which Django ignores anyway."""

from __future__ import annotations

import libcst as cst

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree, connection_call, is_connect, without_args

KIND = "drop-dispatch-uid"
UID_POSITION = 3  # Signal.connect(receiver, sender=None, weak=True, dispatch_uid=None)


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    call = connection_call(tree, fix)
    if call is None or any(arg.star for arg in call.args):
        return None
    return [Edit(call, without_uid)]


def without_uid(call: cst.Call) -> cst.Call:
    positional = [index for index, arg in enumerate(call.args) if arg.keyword is None]
    uid = positional[UID_POSITION] if is_connect(call) and len(positional) > UID_POSITION else -1

    def drop(index: int, arg: cst.Arg) -> bool:
        return index == uid or (arg.keyword is not None and arg.keyword.value == "dispatch_uid")

    return without_args(call, drop)
