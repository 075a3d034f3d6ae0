"""SIG012's fix: ``connect(handler())`` -> ``connect(handler)``."""

from __future__ import annotations

import libcst as cst

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree, keyword

KIND = "pass-receiver"


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    call = tree.at(
        fix.line,
        fix.column,
        cst.Call,
        lambda node: isinstance(node.func, cst.Attribute) and node.func.attr.value == "connect",
    )
    if call is None:
        return None
    argument = keyword(call, "receiver") or next(
        (arg for arg in call.args if arg.keyword is None and not arg.star), None
    )
    inner = argument.value if argument is not None else None
    if not isinstance(inner, cst.Call) or inner.args or inner.lpar:
        return None  # only ``f()``: a call with arguments may be a factory after all
    return [Edit(inner, lambda updated: updated.func)]
