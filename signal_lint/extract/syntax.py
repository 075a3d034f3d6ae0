"""Small ``ast`` helpers the walk's concerns share: child expressions, bound names, line finding."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

# Fields that hold no expression (``ctx=Load()``, ``op=Add()``, ``ops=[Eq()]``): not walked.
_NOT_EXPRESSIONS = frozenset(
    {"ctx", "op", "ops", "type_comment", "is_async", "conversion", "level", "kind"}
)
_EXPRESSION_FIELDS: dict[type, tuple[str, ...]] = {}


def subexpressions(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes`` without its generators and without the context/operator
    nodes that hold nothing: the detailed pass calls it for most nodes of a file."""
    kind = type(node)
    fields = _EXPRESSION_FIELDS.get(kind)
    if fields is None:
        fields = _EXPRESSION_FIELDS[kind] = tuple(
            f for f in kind._fields if f not in _NOT_EXPRESSIONS
        )
    children: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            children.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            children.append(value)
    return children


def lines_of(source: bytes, pattern: re.Pattern[bytes]) -> list[int]:
    """The 1-based line of each match, counting newlines once (not from the top per match)."""
    lines: list[int] = []
    line, counted = 1, 0
    for match in pattern.finditer(source):
        line += source.count(b"\n", counted, match.start())
        counted = match.start()
        lines.append(line)
    return lines


def word_lines(source: bytes, word: bytes) -> list[int]:
    """The 1-based line of each whole-word occurrence of ``word`` (ASCII letters, digits and ``_``
    make a word, as ``\\b`` does in a bytes pattern).  ``bytes.find`` instead of ``\\bword\\b``:
    a pattern that starts with ``\\b`` is tried at every byte, seven times slower on a project."""
    lines: list[int] = []
    line, counted, start = 1, 0, 0
    size = len(word)
    while (found := source.find(word, start)) >= 0:
        start = found + size
        if (found and source[found - 1] in _WORD_BYTES) or (
            start < len(source) and source[start] in _WORD_BYTES
        ):
            continue
        line += source.count(b"\n", counted, found)
        counted = found
        lines.append(line)
    return lines


def literal_lines(source: bytes, words: tuple[bytes, ...]) -> list[int]:
    """The sorted 1-based lines holding any of ``words`` (none of which can overlap another's
    occurrence), each once: ``bytes.find`` per word, several times faster than one pattern
    alternating them, which is tried at every byte."""
    offsets: list[int] = []
    for word in words:
        start = 0
        while (found := source.find(word, start)) >= 0:
            offsets.append(found)
            start = found + len(word)
    offsets.sort()
    lines: list[int] = []
    line, counted = 1, 0
    for offset in offsets:
        line += source.count(b"\n", counted, offset)
        counted = offset
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def own_expressions(stmt: ast.AST) -> Iterator[ast.AST]:
    """Every node of a compound statement's header (``if``/``for``/``with`` tests), not its bodies."""
    for name, value in ast.iter_fields(stmt):
        if name in ("body", "orelse", "finalbody", "handlers", "cases"):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                yield from ast.walk(item)


def target_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in target_names(element)]
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    return []


def scope_statements(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Statements (and binding expressions) that bind names in this scope, not nested scopes."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If) and is_type_checking(node.test):
            stack.extend(reversed(node.orelse))  # the body binds nothing at run time
            continue
        fields = _BLOCK_FIELDS.get(type(node))
        if fields is None:
            fields = _BLOCK_FIELDS[type(node)] = tuple(
                field for field in _BLOCKS if field in type(node)._fields
            )
        for field in fields:  # most statements have none: no getattr for them
            children = getattr(node, field, None)
            if isinstance(children, list):
                stack.extend(reversed(children))


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_BLOCK_FIELDS: dict[type, tuple[str, ...]] = {}  # node class -> which of ``_BLOCKS`` it has


def is_type_checking(test: ast.AST) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``: false when the code runs, so the block it
    guards (type checkers' imports and classes) never binds anything at run time."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute)
        and test.attr == "TYPE_CHECKING"
        and isinstance(test.value, ast.Name)
        and test.value.id in ("typing", "typing_extensions", "t")
    )


def is_main_test(test: ast.AST) -> bool:
    """``__name__ == "__main__"``, either way round."""
    if (
        not isinstance(test, ast.Compare)
        or len(test.ops) != 1
        or not isinstance(test.ops[0], ast.Eq)
    ):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


SOURCE_TEXT_LIMIT = 200


def source_text(node: ast.AST) -> str:
    """An expression's source text as ``ast.unparse`` prints it, on one line, cut at
    ``SOURCE_TEXT_LIMIT`` characters (an expression in a report, not a file's worth of it)."""
    try:
        text = " ".join(ast.unparse(node).split())
    except (ValueError, TypeError, AttributeError, RecursionError):
        return type(node).__name__.lower()
    return text if len(text) <= SOURCE_TEXT_LIMIT else text[: SOURCE_TEXT_LIMIT - 3] + "..."


def condition_text(test: ast.expr, negate: bool = False) -> str:
    """An ``if`` test as source text (``settings.FEATURE_X``), or its negation (an ``else``, or
    the code after ``if not settings.FEATURE_X: return``)."""
    if negate and isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, negate = test.operand, False
    text = source_text(test)
    if negate:
        simple = isinstance(test, (ast.Name, ast.Attribute, ast.Call, ast.Subscript))
        text = f"not {text}" if simple else f"not ({text})"
    return text
