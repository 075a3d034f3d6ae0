"""SIG009's fix: pass the model class instead of the lazy ``"app_label.Model"`` string.

``Fix.value`` is the model's qualified name (``shop.models.Order``), which
only the project graph knows.  The class is imported where the connection is
made: at the top of the function that connects (``ready()`` must not import
models at module level), else after the module's imports.  No fix when the
name is already taken by something else, or when the connection runs before
a class of the same module is defined.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ScopeProvider

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree, enclosing, statements_after_docstring, string_at

KIND = "model-sender"


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    literal = string_at(tree, fix)
    if literal is None or not fix.value:
        return None
    module, _, name = fix.value.rpartition(".")
    scope = tree.scope(literal)
    if scope is None or not name.isidentifier():
        return None
    bound = {q.name for q in scope.get_qualified_names_for(name)}
    replace = Edit(literal, lambda updated: cst.Name(name))
    if not module:  # a class of this very module
        if bound != {name} or _defined_later(tree, literal, name):
            return None
        return [replace]
    if bound == {fix.value}:
        return [replace]  # imported already
    if bound or _assigned_anywhere(tree, name):
        return None  # the name means something else here
    function = enclosing(tree, literal, cst.FunctionDef)
    statement = cst.parse_statement(f"from {module} import {name}")
    if function is not None:
        if not isinstance(function.body, cst.IndentedBlock):
            return None
        return [replace, Edit(function, lambda updated: _import_first(updated, statement))]
    return [replace, Edit(tree.module, lambda updated: _import_at_top(updated, statement))]


def _assigned_anywhere(tree: Tree, name: str) -> bool:
    """Bound in any scope of the module: importing it at the top would shadow or be shadowed."""
    scopes = {id(scope): scope for scope in tree.wrapper.resolve(ScopeProvider).values() if scope}
    return any(name in scope.assignments for scope in scopes.values())


def _defined_later(tree: Tree, literal: cst.CSTNode, name: str) -> bool:
    """The class is defined below a module-level use: the name does not exist yet when it runs."""
    if enclosing(tree, literal, cst.FunctionDef) is not None:
        return False
    for statement in tree.module.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == name:
            return tree.span(statement).start.line > tree.span(literal).start.line
    return True  # not a module-level class at all


def _import_first(function: cst.FunctionDef, statement: cst.BaseStatement) -> cst.FunctionDef:
    block = function.body
    assert isinstance(block, cst.IndentedBlock)
    body = list(block.body)
    if not any(_same(existing, statement) for existing in body):
        body.insert(statements_after_docstring(body), statement)
    return function.with_changes(body=block.with_changes(body=body))


def _import_at_top(module: cst.Module, statement: cst.BaseStatement) -> cst.Module:
    body: list[cst.BaseStatement] = list(module.body)
    if any(_same(existing, statement) for existing in body):
        return module
    index = statements_after_docstring(body)
    for position, existing in enumerate(body):
        if position >= index and _is_import(existing):
            index = position + 1
        elif position >= index:
            break
    body.insert(index, statement)
    return module.with_changes(body=body)


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _same(one: cst.BaseStatement, other: cst.BaseStatement) -> bool:
    return one.deep_equals(other)
