"""Rewrite syntax newer than the running Python into older equivalents.

Used only when ``ast.parse`` refuses a file that libcst accepts.  Every
rewrite keeps the file's lines where they were, so positions reported from
the rewritten tree still point at the user's code.  The rewrites drop only
what signal rules never read: type parameters, f-string and t-string
contents, ``lazy`` before an import, stars that unpack.

``REWRITTEN`` names every libcst node that only exists in syntax newer than
Python 3.10 (the oldest Python signal-lint runs on); the test suite checks
that every node class libcst has is either one of those or valid in 3.10,
so a libcst release that learns new syntax fails a test until it is handled
here.  Newer syntax made of old nodes (``except A, B:``, ``a[*b]``,
``def f(*args: *Ts)``, ``[*a for a in b]``) is rewritten too.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import libcst as cst

Node = TypeVar("Node", bound=cst.CSTNode)

# node -> the Python version whose syntax brought it
REWRITTEN = {
    "TryStar": (3, 11),  # PEP 654: except*
    "ExceptStarHandler": (3, 11),
    "TypeAlias": (3, 12),  # PEP 695
    "TypeParameters": (3, 12),
    "TypeParam": (3, 12),
    "TypeVar": (3, 12),
    "TypeVarTuple": (3, 12),
    "ParamSpec": (3, 12),
    "TemplatedString": (3, 14),  # PEP 750: t-strings
    "TemplatedStringExpression": (3, 14),
    "TemplatedStringText": (3, 14),
    "LazyImport": (3, 15),  # PEP 810: lazy imports
    "LazyImportFrom": (3, 15),
    "StarredDictComp": (3, 15),  # PEP 798: {**d for d in ds}
}


def downgrade(module: cst.Module) -> str:
    return module.visit(_Downgrade(module)).code


class _Downgrade(cst.CSTTransformer):
    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self.module = module

    # PEP 695: ``def f[T]()``, ``class C[T]:`` and ``type X = ...`` (defaults, PEP 696, go with them)
    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        if updated.type_parameters is not None:
            return updated.with_changes(type_parameters=None)
        return updated

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        if updated.type_parameters is not None:
            return updated.with_changes(type_parameters=None)
        return updated

    def leave_TypeAlias(self, original: cst.TypeAlias, updated: cst.TypeAlias) -> cst.Assign:
        return cst.Assign(
            targets=[cst.AssignTarget(target=updated.name)],
            value=updated.value,
            semicolon=updated.semicolon,
        )

    # PEP 654 (3.11): ``try: ... except* E:`` -> ``try: ... except E:``
    def leave_TryStar(self, original: cst.TryStar, updated: cst.TryStar) -> cst.Try:
        return _as(cst.Try, updated)  # its handlers were made ExceptHandlers below

    def leave_ExceptStarHandler(  # type: ignore[override]  # a handler of the Try made above
        self, original: cst.ExceptStarHandler, updated: cst.ExceptStarHandler
    ) -> cst.ExceptHandler:
        return _as(
            cst.ExceptHandler,
            updated,
            type=_parenthesized(updated.type),
            whitespace_after_except=cst.SimpleWhitespace(" "),
        )

    # PEP 758 (3.14): ``except A, B:`` -> ``except (A, B):``
    def leave_ExceptHandler(
        self, original: cst.ExceptHandler, updated: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        if updated.type is not None:
            return updated.with_changes(type=_parenthesized(updated.type))
        return updated

    # PEP 701 (3.12): f-strings may nest quotes the older tokenizer rejects; PEP 750 (3.14): t-strings
    def leave_FormattedString(
        self, original: cst.FormattedString, updated: cst.FormattedString
    ) -> cst.BaseExpression:
        return self._blank_string(original)

    def leave_TemplatedString(
        self, original: cst.TemplatedString, updated: cst.TemplatedString
    ) -> cst.BaseExpression:
        return self._blank_string(original)

    def _blank_string(self, original: cst.CSTNode) -> cst.SimpleString:
        """An empty string literal spanning as many lines as ``original``."""
        newlines = self.module.code_for_node(original).count("\n")
        if newlines:
            return cst.SimpleString('"""' + "\n" * newlines + '"""')
        return cst.SimpleString('""')

    # PEP 810 (3.15): ``lazy import x`` / ``lazy from x import y`` are imports
    def leave_LazyImport(self, original: cst.LazyImport, updated: cst.LazyImport) -> cst.Import:
        return _as(cst.Import, updated)

    def leave_LazyImportFrom(
        self, original: cst.LazyImportFrom, updated: cst.LazyImportFrom
    ) -> cst.ImportFrom:
        return _as(cst.ImportFrom, updated)

    # PEP 798 (3.15): ``[*a for a in b]`` and ``{**d for d in ds}`` unpack; the element stays
    def leave_ListComp(self, original: cst.ListComp, updated: cst.ListComp) -> cst.ListComp:
        return updated.with_changes(elt=_unstarred(updated.elt))

    def leave_SetComp(self, original: cst.SetComp, updated: cst.SetComp) -> cst.SetComp:
        return updated.with_changes(elt=_unstarred(updated.elt))

    def leave_GeneratorExp(
        self, original: cst.GeneratorExp, updated: cst.GeneratorExp
    ) -> cst.GeneratorExp:
        return updated.with_changes(elt=_unstarred(updated.elt))

    def leave_StarredDictComp(
        self, original: cst.StarredDictComp, updated: cst.StarredDictComp
    ) -> cst.SetComp:
        return _as(cst.SetComp, updated, elt=updated.value)

    # PEP 646 (3.11): ``a[*b]`` and ``def f(*args: *Ts)``
    def leave_Index(self, original: cst.Index, updated: cst.Index) -> cst.Index:
        if updated.star is not None:
            return updated.with_changes(star=None, whitespace_after_star=None)
        return updated

    def leave_Annotation(self, original: cst.Annotation, updated: cst.Annotation) -> cst.Annotation:
        return updated.with_changes(annotation=_unstarred(updated.annotation))


def _as(kind: type[Node], node: cst.CSTNode, **changes: Any) -> Node:
    """``node`` made a ``kind`` node: the fields they share by name, and ``changes``."""
    wanted = {field.name for field in dataclasses.fields(kind)}
    values = {
        field.name: getattr(node, field.name)
        for field in dataclasses.fields(node)
        if field.name in wanted
    }
    return kind(**{**values, **changes})


def _parenthesized(kind: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """A tuple of exception types gets the parentheses Pythons before 3.14 require."""
    if isinstance(kind, cst.Tuple) and not kind.lpar:
        return kind.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return kind


def _unstarred(node: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(node, cst.StarredElement):
        return node.value.with_changes(
            lpar=[*node.lpar, *node.value.lpar], rpar=[*node.value.rpar, *node.rpar]
        )
    return node
