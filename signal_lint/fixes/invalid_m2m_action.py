"""SIG006's fix: replace the action string with the value Django sends."""

from __future__ import annotations

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree, string, string_at

KIND = "replace-action"


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    literal = string_at(tree, fix)
    if literal is None or not fix.value:
        return None
    new = string(fix.value, literal)
    return [Edit(literal, lambda updated: new)]
