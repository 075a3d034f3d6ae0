"""Syntax newer than the running Python never hides a finding.

``ast`` knows only the running Python's grammar; libcst's covers newer ones,
and ``extract/downgrade.py`` rewrites what libcst parses into Python 3.10
syntax.  These tests walk libcst's node classes, so a libcst release that
learns new syntax fails here until the rewrite handles it, and check that
every newer construct, rewritten, still yields its file's findings.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

import libcst
import pytest

from signal_lint.catalog import load_catalog
from signal_lint.engine import check_one
from signal_lint.extract import extract_source
from signal_lint.extract.downgrade import REWRITTEN, downgrade
from signal_lint.extract.parse import _parse_newer_syntax

# Every libcst node valid in Python 3.10 syntax (the oldest Python signal-lint runs on).
PYTHON_3_10 = frozenset(
    """
    Add AddAssign And AnnAssign Annotation Arg AsName Assert Assign AssignEqual AssignTarget
    Asynchronous Attribute AugAssign Await BinaryOperation BitAnd BitAndAssign BitInvert BitOr
    BitOrAssign BitXor BitXorAssign BooleanOperation Break Call ClassDef Colon Comma Comment CompFor
    CompIf Comparison ComparisonTarget ConcatenatedString Continue Decorator Del Dict DictComp
    DictElement Divide DivideAssign Dot Element Ellipsis Else EmptyLine Equal ExceptHandler Expr
    Finally Float FloorDivide FloorDivideAssign For FormattedString FormattedStringExpression
    FormattedStringText From FunctionDef GeneratorExp Global GreaterThan GreaterThanEqual If IfExp
    Imaginary Import ImportAlias ImportFrom ImportStar In IndentedBlock Index Integer Is IsNot Lambda
    LeftCurlyBrace LeftParen LeftShift LeftShiftAssign LeftSquareBracket LessThan LessThanEqual List
    ListComp Match MatchAs MatchCase MatchClass MatchKeywordElement MatchList MatchMapping
    MatchMappingElement MatchOr MatchOrElement MatchSequenceElement MatchSingleton MatchStar
    MatchTuple MatchValue MatrixMultiply MatrixMultiplyAssign Minus Module Modulo ModuloAssign
    Multiply MultiplyAssign Name NameItem NamedExpr Newline Nonlocal Not NotEqual NotIn Or Param
    ParamSlash ParamStar Parameters ParenthesizedWhitespace Pass Plus Power PowerAssign Raise Return
    RightCurlyBrace RightParen RightShift RightShiftAssign RightSquareBracket Semicolon Set SetComp
    SimpleStatementLine SimpleStatementSuite SimpleString SimpleWhitespace Slice StarredDictElement
    StarredElement Subscript SubscriptElement Subtract SubtractAssign TrailingWhitespace Try Tuple
    UnaryOperation While With WithItem Yield
    """.split()
)


def libcst_nodes() -> set[str]:
    return {
        name
        for name, value in vars(libcst).items()
        if inspect.isclass(value)
        and issubclass(value, libcst.CSTNode)
        and not inspect.isabstract(value)
        and not name.startswith("Base")
        and name not in ("CSTNode", "MatchPattern", "MatchSequence")
    }


def test_every_libcst_node_is_known_to_the_rewrite():
    """A node neither valid in 3.10 nor rewritten is syntax that would become SIG000."""
    unknown = libcst_nodes() - PYTHON_3_10 - set(REWRITTEN)
    assert not sorted(unknown), (
        f"libcst {getattr(libcst, '__version__', '')} parses nodes signal-lint does not know: "
        "rewrite them in signal_lint/extract/downgrade.py (REWRITTEN), or list them in "
        "PYTHON_3_10 if Python 3.10 accepts them"
    )
    assert not (PYTHON_3_10 & set(REWRITTEN))


# One sample per newer construct: (source, the Python that brought it)
NEWER = {
    "except-star": ("try:\n    pass\nexcept* ValueError:\n    pass\n", (3, 11)),
    "except-star-unparenthesized": ("try:\n    pass\nexcept* ValueError, TypeError:\n    pass\n", (3, 14)),
    "except-unparenthesized": ("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", (3, 14)),
    "star-index": ("x = a[*b]\n", (3, 11)),
    "star-annotation": ("def f(*args: *Ts):\n    pass\n", (3, 11)),
    "type-alias": ("type Pair[T] = tuple[T, T]\n", (3, 12)),
    "type-params": ("def f[T: int, *Ts, **P](x: T) -> T:\n    return x\n\nclass C[T]:\n    pass\n", (3, 12)),
    "nested-fstring": ('name = "x"\nm = f"{"a" + name}"\nn = f"""{\n    name\n}"""\n', (3, 12)),
    "type-param-default": ("def f[T = int]():\n    pass\n", (3, 13)),
    "t-string": ('name = "x"\nt = t"hello {name}"\nu = t"""\n{name}\n"""\n', (3, 14)),
    "lazy-import": ("lazy import os\nlazy from os import path\n", (3, 15)),
    "unpacking-comprehension": (
        "a = [*x for x in y]\nb = {*x for x in y}\nc = (*x for x in y)\nd = {**m for m in ms}\n",
        (3, 15),
    ),
}  # fmt: skip
RECEIVER = (
    "from django.dispatch import receiver\n"
    "from django.db.models.signals import post_save\n\n\n"
    "@receiver(post_save)\n"
    "def on_save(sender, instance):\n"
    "    pass\n"
)


def test_every_rewritten_node_has_a_sample():
    seen: set[str] = set()

    class Collect(libcst.CSTVisitor):
        def on_visit(self, node: libcst.CSTNode) -> bool:
            seen.add(type(node).__name__)
            return True

    for source, _ in NEWER.values():
        libcst.parse_module(source).visit(Collect())
    assert set(REWRITTEN) <= seen


@pytest.mark.parametrize("name", sorted(NEWER))
def test_newer_syntax_is_rewritten_to_python_3_10(name):
    source, _ = NEWER[name]
    code = downgrade(libcst.parse_module(source))
    ast.parse(code, feature_version=(3, 10))
    assert code.count("\n") == source.count("\n")  # lines stay where they were
    left = {type(node).__name__ for node in _walk(libcst.parse_module(code))}
    assert not left & set(REWRITTEN)


@pytest.mark.parametrize("name", sorted(NEWER))
def test_a_file_with_newer_syntax_keeps_its_findings(name):
    source, _ = NEWER[name]
    text = (source + "\n\n" + RECEIVER).encode()
    tree = _parse_newer_syntax(text, "new.py")  # the fallback, whatever Python runs this
    assert tree is not None
    line = text.decode().splitlines().index("def on_save(sender, instance):") + 1
    facts = extract_source(text, "new.py", "new", tree=tree)
    assert [(c.receiver.text, c.line) for c in facts.connections] == [("on_save", line - 1)]
    # and the whole way, through the parser that runs first
    full = extract_source(text, "new.py", "new")
    assert full.parse_error is None
    assert [(f.code, f.line) for f in check_one(full, load_catalog())] == [("SIG001", line)]


def test_genuinely_invalid_code_is_still_sig000():
    for source in ("def f(:\n    pass\n", "x = t'{'\n", "lazy = import os\n"):
        assert _parse_newer_syntax(source.encode(), "bad.py") is None


def _walk(node: libcst.CSTNode):
    yield node
    for child in node.children:
        yield from _walk(child)


def test_the_shipped_reproducers_parse():
    """t-strings and ``except* A, B:`` were SIG000 (issue 9): each hid a receiver bug."""
    for source in (
        'name = "x"\ntmpl = t"hello {name}"\n',
        "try:\n    pass\nexcept* ValueError, TypeError:\n    pass\n",
    ):
        facts = extract_source((textwrap.dedent(source) + RECEIVER).encode(), "new.py", "new")
        assert facts.parse_error is None and len(facts.connections) == 1
