"""SIG018's fix: drop the dead codes of a ``# noqa`` directive, or the directive itself.

``Fix.value`` holds the codes that stay, comma-separated (empty: none).  With
none left the directive goes, with any free text after it (its reason, as
ruff reads it) and the space before it; a further ``# ...`` comment after it
stays; a line that held only the directive goes.
"""

from __future__ import annotations

import re

import libcst as cst

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree
from signal_lint.rules.unused_noqa import NOQA_DIRECTIVE

KIND = "unused-noqa"
DIRECTIVE = re.compile(NOQA_DIRECTIVE, re.IGNORECASE)


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    comment = _comment_at(tree, fix.line, fix.column)
    if comment is None:
        return None
    start = tree.span(comment).start.column
    text = without_dead_codes(comment.value, fix.column - start, (fix.value or "").split(", "))
    if text is None:
        return None
    if text:
        return [Edit(comment, lambda updated: updated.with_changes(value=text))]
    owner = tree.parent(comment)
    if isinstance(owner, cst.EmptyLine):  # the line held only the directive
        return [Edit(owner, lambda updated: cst.RemoveFromParent(), structural=True)]
    if isinstance(owner, cst.TrailingWhitespace):  # after code: its leading spaces go too
        return [
            Edit(
                owner,
                lambda updated: updated.with_changes(
                    whitespace=cst.SimpleWhitespace(""), comment=None
                ),
            )
        ]
    return None


def _comment_at(tree: Tree, line: int, column: int) -> cst.Comment | None:
    """The comment on ``line`` that holds ``column`` (a directive may follow another comment)."""
    for node, span in tree.positions.items():
        if (
            isinstance(node, cst.Comment)
            and span.start.line == line
            and span.start.column <= column < span.start.column + len(node.value)
        ):
            return node
    return None


def without_dead_codes(comment: str, offset: int, kept: list[str]) -> str | None:
    """``comment`` with its ``noqa`` directive (at ``offset``) keeping only ``kept``; "" when
    nothing of the comment is left; None when there is no directive there."""
    match = DIRECTIVE.match(comment, offset)
    if match is None:
        return None
    before, after = comment[:offset], comment[match.end() :]
    kept = [code for code in kept if code]
    if kept:
        return f"{before}# noqa: {', '.join(kept)}{after}"
    rest = after.lstrip()
    parts = [part for part in (before.rstrip(), rest if rest.startswith("#") else "") if part]
    return "  ".join(part for part in parts if part != "#")
