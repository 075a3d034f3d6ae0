"""SIG001's fix: append ``**kwargs`` to the receiver's parameters."""

from __future__ import annotations

import libcst as cst

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree, all_params, with_param

KIND = "add-kwargs"
NAMES = ("kwargs", "extra_kwargs", "signal_kwargs")  # the first one not taken


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    function = tree.at(fix.line, fix.column, cst.FunctionDef)
    if function is None or function.params.star_kwarg is not None:
        return None
    return [Edit(function, add_kwargs)]


def add_kwargs(function: cst.FunctionDef) -> cst.FunctionDef:
    if function.params.star_kwarg is not None:
        return function
    taken = {param.name.value for param in all_params(function.params)}
    name = next(name for name in NAMES if name not in taken)
    return with_param(function, "star_kwarg", cst.Param(cst.Name(name), star="**"))
