"""SIG013's fix: return early when fixtures load (``raw=True``), as the receiver's first statement.

``if raw: return`` when ``raw`` is a parameter, ``if kwargs.get("raw"): return``
with the receiver's ``**kwargs``, else a ``raw=False`` parameter and the first.
"""

from __future__ import annotations

import libcst as cst

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree, all_params, statements_after_docstring, with_param

KIND = "guard-raw"


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    function = tree.at(fix.line, fix.column, cst.FunctionDef)
    if function is None or not isinstance(function.body, cst.IndentedBlock):
        return None  # ``def f(**kw): ...`` on one line: no block to put a statement in
    return [Edit(function, guarded)]


def guarded(function: cst.FunctionDef) -> cst.FunctionDef:
    params = function.params
    names = {param.name.value for param in all_params(params) if param not in params.posonly_params}
    if "raw" in names:
        test = "raw"
    elif isinstance(params.star_kwarg, cst.Param):
        test = f'{params.star_kwarg.name.value}.get("raw")'
    else:
        test = "raw"
        group = "kwonly_params" if params.star_arg != cst.MaybeSentinel.DEFAULT else "params"
        function = with_param(
            function,
            group,
            cst.Param(
                cst.Name("raw"),
                default=cst.Name("False"),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            ),
        )
    guard = cst.If(
        test=cst.parse_expression(test),
        body=cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Return()])]),
    )
    block = function.body
    assert isinstance(block, cst.IndentedBlock)
    body = list(block.body)
    body.insert(statements_after_docstring(body), guard)
    return function.with_changes(body=block.with_changes(body=body))
