"""SIG003's fix: move a ``connect()`` from ``AppConfig.ready()`` to ``AppConfig.__init__``.

Django creates every ``AppConfig`` before it imports any models, so a receiver
connected in ``__init__`` sees every ``class_prepared``.  Only a plain
``signal.connect(...)`` statement of ``ready()``'s own body moves, and only
when everything it names is a module-level name or a builtin: nothing that
``ready()`` computed or imported, no ``self``, no app registry.  An existing
``__init__`` gets it as its last statement; otherwise one is added before
``ready()``, calling ``super().__init__``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import libcst as cst
from libcst.metadata import BuiltinScope, GlobalScope

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Names, Tree, is_connect

KIND = "connect-in-init"
INIT = """def __init__(self, *args, **kwargs):
    super().__init__(*args, **kwargs)
"""


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    call = tree.at(fix.line, fix.column, cst.Call, is_connect)
    if call is None:
        return None
    chain = [call, *list(tree.ancestors(call))[:5]]
    if not (
        isinstance(chain[1], cst.Expr)
        and chain[1].value is call
        and isinstance(chain[2], cst.SimpleStatementLine)
        and len(chain[2].body) == 1
        and isinstance(chain[3], cst.IndentedBlock)
        and isinstance(chain[4], cst.FunctionDef)
        and chain[4].name.value == "ready"
        and isinstance(chain[5], cst.IndentedBlock)
    ):
        return None
    statement = chain[2]
    owner = tree.parent(chain[5])
    if not isinstance(owner, cst.ClassDef) or not _module_level_names_only(tree, call):
        return None
    init = _method(chain[5].body, "__init__")
    if init is not None and not _ends_plainly(init):
        return None
    moved: list[cst.SimpleStatementLine] = []

    def take(updated: cst.SimpleStatementLine) -> Any:
        moved.append(updated)
        return cst.RemovalSentinel.REMOVE

    return [
        Edit(statement, take, structural=True),
        Edit(owner, lambda updated: _place(updated, moved)),
    ]


def _module_level_names_only(tree: Tree, call: cst.Call) -> bool:
    """Every name the call reads is bound at module level (or a builtin), so it reads no ``self``,
    and its arguments call nothing (``apps.get_model(...)`` needs the app registry)."""
    finder = Names()
    for arg in call.args:
        arg.value.visit(finder)
    if finder.calls:
        return False
    call.func.visit(finder)
    for name in finder.nodes:
        scope = tree.scope(name)
        if scope is None:
            return False
        access = [a for a in scope.accesses[name.value] if a.node is name]
        if not access:
            return False
        referents = access[0].referents
        if not referents or any(
            not isinstance(referent.scope, (GlobalScope, BuiltinScope)) for referent in referents
        ):
            return False
    return True


def _is_def(statement: cst.CSTNode, name: str) -> bool:
    return isinstance(statement, cst.FunctionDef) and statement.name.value == name


def _method(body: Sequence[cst.BaseStatement], name: str) -> cst.FunctionDef | None:
    found = next((s for s in body if _is_def(s, name)), None)
    return found if isinstance(found, cst.FunctionDef) else None


def _ends_plainly(function: cst.FunctionDef) -> bool:
    """An ``__init__`` whose end is reached: no ``return`` in its own block, a block to append to."""
    block = function.body
    return isinstance(block, cst.IndentedBlock) and not any(
        isinstance(small, cst.Return)
        for statement in block.body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
    )


def _place(owner: cst.ClassDef, moved: list[cst.SimpleStatementLine]) -> cst.ClassDef:
    block = owner.body
    assert isinstance(block, cst.IndentedBlock)
    body = list(block.body)
    ready_at = next(i for i, s in enumerate(body) if _is_def(s, "ready"))
    ready = body[ready_at]
    assert isinstance(ready, cst.FunctionDef) and isinstance(ready.body, cst.IndentedBlock)
    if not ready.body.body:  # its only statement moved out
        body[ready_at] = ready.with_changes(
            body=ready.body.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        )
    init_at = next((i for i, s in enumerate(body) if _is_def(s, "__init__")), None)
    if init_at is None:  # a new __init__ before ready(), spaced like ready()
        init = cst.parse_statement(INIT)
        assert isinstance(init, cst.FunctionDef)
        blank = [line for line in ready.leading_lines if line.comment is None]
        body.insert(ready_at, init.with_changes(leading_lines=blank))
        if not blank:
            after = body[ready_at + 1]
            assert isinstance(after, cst.FunctionDef)
            spaced = [cst.EmptyLine(indent=False), *after.leading_lines]
            body[ready_at + 1] = after.with_changes(leading_lines=spaced)
        init_at = ready_at
    target = body[init_at]
    assert isinstance(target, cst.FunctionDef) and isinstance(target.body, cst.IndentedBlock)
    block_of = target.body
    body[init_at] = target.with_changes(body=block_of.with_changes(body=[*block_of.body, *moved]))
    return owner.with_changes(body=block.with_changes(body=body))
