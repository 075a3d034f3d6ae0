"""SIG004's fix: rename a misspelt parameter to the one name the signal sends, and its uses.

Scope-aware (libcst's scope analysis): the uses renamed are those that read
this parameter, in the body and in nested functions, not a nested function's
own parameter of the same name.  No fix when the new name already means
something in the function, or the function reads its locals dynamically.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Names, Tree
from signal_lint.rules.unknown_receiver_argument import DYNAMIC

KIND = "rename-parameter"


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    new = fix.value
    name = tree.at(
        fix.line, fix.column, cst.Name, lambda node: isinstance(tree.parent(node), cst.Param)
    )
    if name is None or not new or not new.isidentifier():
        return None
    param = tree.parent(name)
    function = next((n for n in tree.ancestors(name) if isinstance(n, cst.FunctionDef)), None)
    if function is None or not isinstance(param, cst.Param):
        return None
    old = name.value
    seen = Names()
    function.params.visit(seen)
    function.body.visit(seen)
    if new in seen.names or seen.names & DYNAMIC or old in seen.declared:
        return None
    scope = tree.scope(name)
    if scope is None:
        return None
    bindings = [a for a in scope.assignments[old] if isinstance(a, Assignment)]
    if not any(binding.node is param for binding in bindings):
        return None
    renamed: dict[int, cst.Name] = {id(name): name}
    for binding in bindings:
        if isinstance(binding.node, cst.Name):
            renamed[id(binding.node)] = binding.node
        for access in binding.references:
            if isinstance(access.node, cst.Name) and access.node.value == old:
                renamed[id(access.node)] = access.node
    return [
        Edit(node, lambda updated: updated.with_changes(value=new)) for node in renamed.values()
    ]
