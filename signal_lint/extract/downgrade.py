"""Rewrite syntax newer than the running Python into older equivalents.

Used only when ``ast.parse`` refuses a file that libcst accepts.  Every
rewrite keeps the file's lines where they were, so positions reported from
the rewritten tree still point at the user's code.  The rewrites drop only
what signal rules never read: type parameters, f-string contents.
"""

from __future__ import annotations

import libcst as cst


def downgrade(module: cst.Module) -> str:
    return module.visit(_Downgrade(module)).code


class _Downgrade(cst.CSTTransformer):
    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self.module = module

    # PEP 695: ``def f[T]()``, ``class C[T]:`` and ``type X = ...``
    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        if getattr(updated, "type_parameters", None) is not None:
            return updated.with_changes(type_parameters=None)
        return updated

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        if getattr(updated, "type_parameters", None) is not None:
            return updated.with_changes(type_parameters=None)
        return updated

    def leave_TypeAlias(self, original, updated):  # type: ignore[no-untyped-def]
        return cst.Assign(targets=[cst.AssignTarget(target=updated.name)], value=updated.value)

    # PEP 758 (3.14): ``except A, B:`` -> ``except (A, B):``
    def leave_ExceptHandler(
        self, original: cst.ExceptHandler, updated: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        kind = updated.type
        if isinstance(kind, cst.Tuple) and not kind.lpar:
            return updated.with_changes(
                type=kind.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            )
        return updated

    # PEP 701 (3.12): f-strings may nest quotes the older tokenizer rejects
    def leave_FormattedString(
        self, original: cst.FormattedString, updated: cst.FormattedString
    ) -> cst.BaseExpression:
        newlines = self.module.code_for_node(original).count("\n")
        if newlines:
            return cst.SimpleString('"""' + "\n" * newlines + '"""')
        return cst.SimpleString('""')
