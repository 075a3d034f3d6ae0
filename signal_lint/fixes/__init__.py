"""Fixes: one module per fixable rule, named like the rule's module, each a libcst transformation.

A fixer module has a ``KIND`` (the ``Fix.kind`` its rule puts on a finding)
and ``edits(tree, fix)``.  It is given the parsed file (a ``Tree``: the libcst
module and its metadata, computed once and shared by every fix of the file)
and returns ``Edit``s: original nodes of the module, each with a function
from that node *as updated so far* to what replaces it, or ``None`` when it
cannot repair this instance soundly.

Edits of many fixes compose in one pass: an inner node is rewritten before
the node around it, whose edit then works on the updated inner node, so two
fixes on one function (a renamed parameter and an added ``**kwargs``) both
land.  An edit that removes its node or turns it into several is
``structural``: no other edit may share that node in the same pass.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from types import ModuleType
from typing import Any, TypeVar

import libcst as cst
from libcst.metadata import (
    CodeRange,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedName,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

from signal_lint.findings import Fix

NodeT = TypeVar("NodeT", bound=cst.CSTNode)


@dataclass(frozen=True)
class Edit:
    """Replace ``node`` (a node of the original module) by ``apply(node as updated so far)``."""

    node: cst.CSTNode
    apply: Callable[[Any], Any]
    structural: bool = False  # may return a RemovalSentinel or FlattenSentinel


class Tree:
    """One parsed file and the libcst metadata its fixers read (each provider resolved once)."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.wrapper = MetadataWrapper(module, unsafe_skip_copy=True)

    @cached_property
    def positions(self) -> Mapping[cst.CSTNode, CodeRange]:
        return self.wrapper.resolve(PositionProvider)

    @cached_property
    def _starts(self) -> dict[tuple[int, int], list[cst.CSTNode]]:
        index: dict[tuple[int, int], list[cst.CSTNode]] = {}
        for node, span in self.positions.items():
            index.setdefault((span.start.line, span.start.column), []).append(node)
        return index

    def at(
        self,
        line: int,
        column: int,
        kind: type[NodeT] | tuple[type[NodeT], ...],
        where: Callable[[NodeT], bool] | None = None,
    ) -> NodeT | None:
        """The outermost node of ``kind`` starting at (line, 0-based column) for which ``where`` holds."""
        found = [
            node
            for node in self._starts.get((line, column), ())
            if isinstance(node, kind) and (where is None or where(node))
        ]
        if not found:
            return None
        return max(found, key=lambda node: _extent(self.positions[node]))

    def span(self, node: cst.CSTNode) -> CodeRange:
        return self.positions[node]

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.wrapper.resolve(ParentNodeProvider).get(node)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)

    def scope(self, node: cst.CSTNode) -> Scope | None:
        return self.wrapper.resolve(ScopeProvider).get(node)

    def qualified_names(self, node: cst.CSTNode) -> Collection[QualifiedName]:
        return self.wrapper.resolve(QualifiedNameProvider).get(node, set())

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


class Names(cst.CSTVisitor):
    """The names a piece of code binds or reads (not attribute names, not call keywords), the
    names it declares ``global``/``nonlocal``, and how many calls it makes."""

    def __init__(self) -> None:
        self.nodes: list[cst.Name] = []
        self.declared: set[str] = set()
        self.calls = 0

    @property
    def names(self) -> set[str]:
        return {node.value for node in self.nodes}

    def visit_Name(self, node: cst.Name) -> None:
        self.nodes.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Call(self, node: cst.Call) -> None:
        self.calls += 1

    def visit_Global(self, node: cst.Global) -> None:
        self.declared.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.declared.update(item.name.value for item in node.names)


def _extent(span: CodeRange) -> tuple[int, int]:
    return (span.end.line - span.start.line, span.end.column - span.start.column)


@cache
def fixers() -> dict[str, ModuleType]:
    """Every fixer module of this package, by the ``Fix.kind`` it repairs."""
    import signal_lint.fixes as package

    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found[module.KIND] = module
    return found


def edits_for(tree: Tree, fix: Fix) -> list[Edit] | None:
    module = fixers().get(fix.kind)
    return module.edits(tree, fix) if module is not None else None


def replaced(edits: list[Edit], module: cst.Module, tree: Tree) -> cst.Module:
    """The module with ``edits`` applied, in one pass (edits sharing a node: in their order)."""
    return module.visit(_Apply(edits, tree))


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: list[Edit], tree: Tree) -> None:
        super().__init__()
        self.edits: dict[int, list[Edit]] = {}
        self.on_path: set[int] = set()  # the edited nodes and their ancestors: the rest is skipped
        for edit in edits:
            self.edits.setdefault(id(edit.node), []).append(edit)
            self.on_path.add(id(edit.node))
            self.on_path.update(id(node) for node in tree.ancestors(edit.node))

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self.on_path

    def on_leave(self, original_node: Any, updated_node: Any) -> Any:
        result = updated_node
        for edit in self.edits.get(id(original_node), ()):
            result = edit.apply(result)
        return result


# Helpers the fixers share.


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def without_args(call: cst.Call, drop: Callable[[int, cst.Arg], bool]) -> cst.Call:
    """``call`` without the arguments ``drop(index, arg)`` selects; the last one kept takes the
    old last argument's comma (a trailing comma stays, ``f(a, b=x)`` becomes ``f(a)``)."""
    kept = [arg for index, arg in enumerate(call.args) if not drop(index, arg)]
    if len(kept) == len(call.args):
        return call
    last = call.args[-1]
    if kept and kept[-1] is not last:
        kept[-1] = kept[-1].with_changes(comma=last.comma)
    opening = call.whitespace_before_args
    if not kept and not (
        isinstance(opening, cst.ParenthesizedWhitespace) and opening.first_line.comment
    ):
        opening = cst.SimpleWhitespace(
            ""
        )  # ``Signal(\n    providing_args=[...],\n)`` -> ``Signal()``
    return call.with_changes(args=kept, whitespace_before_args=opening)


def with_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """``call`` with ``name=value`` set: replaced where it is, else appended after the last argument."""
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == name:
            args = list(call.args)
            args[index] = arg.with_changes(value=value)
            return call.with_changes(args=args)
    new = cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    return call.with_changes(args=appended(list(call.args), new, call.whitespace_before_args))


def appended(items: list[Any], new: Any, opening: cst.BaseParenthesizableWhitespace) -> list[Any]:
    """Call arguments or parameters with ``new`` after the last one, in the list's own layout.

    One per line stays one per line (a comment after the old last item stays
    on its line); a trailing comma stays trailing.  ``opening`` is the
    whitespace after the opening bracket, the layout of a one-item list.
    """
    if not items:
        return [new]
    last = items[-1]
    trailing = _trailing(last)
    previous = items[-2].comma if len(items) >= 2 else None
    between = previous.whitespace_after if isinstance(previous, cst.Comma) else opening
    if isinstance(
        last.comma, cst.Comma
    ):  # a trailing comma: the new item goes where a next one would
        return [
            *items[:-1],
            last.with_changes(comma=last.comma.with_changes(whitespace_after=between)),
            new.with_changes(comma=last.comma),
        ]
    tail = getattr(last, trailing)  # between the last item and the closing bracket
    if isinstance(tail, cst.ParenthesizedWhitespace) and isinstance(
        between, cst.ParenthesizedWhitespace
    ):  # one per line, no trailing comma
        comma = cst.Comma(
            whitespace_after=between.with_changes(
                first_line=tail.first_line, empty_lines=tail.empty_lines
            )
        )
        closing = tail.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
        return [
            *items[:-1],
            last.with_changes(comma=comma, **{trailing: cst.SimpleWhitespace("")}),
            new.with_changes(**{_trailing(new): closing}),
        ]
    return [
        *items[:-1],
        last.with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
            **{trailing: cst.SimpleWhitespace("")},
        ),
        new.with_changes(**{_trailing(new): tail}),
    ]


def _trailing(node: cst.CSTNode) -> str:
    """The field holding the whitespace between an argument or parameter and what follows it."""
    if isinstance(node, cst.Arg):
        return "whitespace_after_arg"
    return "whitespace_after" if isinstance(node, cst.ParamSlash) else "whitespace_after_param"


PARAM_GROUPS = (
    "posonly_params",
    "posonly_ind",
    "params",
    "star_arg",
    "kwonly_params",
    "star_kwarg",
)


def param_elements(params: cst.Parameters) -> list[tuple[str, Any]]:
    """(field, node) of every parameter, ``/`` and ``*`` in source order."""
    found: list[tuple[str, Any]] = []
    for group in PARAM_GROUPS:
        value = getattr(params, group)
        if isinstance(value, (list, tuple)):
            found.extend((group, node) for node in value)
        elif isinstance(value, (cst.Param, cst.ParamStar, cst.ParamSlash)):
            found.append((group, value))
    return found


def all_params(params: cst.Parameters) -> list[cst.Param]:
    return [node for _, node in param_elements(params) if isinstance(node, cst.Param)]


def with_param(function: cst.FunctionDef, group: str, new: cst.Param) -> cst.FunctionDef:
    """``function`` with ``new`` added at the end of its parameters, into ``group``
    (``params``, ``kwonly_params`` or ``star_kwarg``), which must be the last group used."""
    params = function.params
    elements = param_elements(params)
    nodes = appended([node for _, node in elements], new, function.whitespace_before_params)
    changes: dict[str, Any] = {}
    if elements:
        last_group, last = elements[-1]
        value = getattr(params, last_group)
        if isinstance(value, (list, tuple)):
            changes[last_group] = [nodes[-2] if node is last else node for node in value]
        else:
            changes[last_group] = nodes[-2]
    if group == "star_kwarg":
        changes[group] = nodes[-1]
    else:
        changes[group] = [*changes.get(group, getattr(params, group)), nodes[-1]]
    return function.with_changes(params=params.with_changes(**changes))


def is_connect(call: cst.Call) -> bool:
    return isinstance(call.func, cst.Attribute) and call.func.attr.value == "connect"


def connection_call(tree: Tree, fix: Fix) -> cst.Call | None:
    """The ``sig.connect(...)`` call, or the ``@receiver(...)`` decorator's, that a fix's position names."""
    return tree.at(
        fix.line,
        fix.column,
        cst.Call,
        lambda call: is_connect(call) or isinstance(tree.parent(call), cst.Decorator),
    )


def string_at(tree: Tree, fix: Fix) -> cst.SimpleString | None:
    """The string literal a fix's position names: a whole literal, not part of an implicit concatenation."""
    return tree.at(
        fix.line,
        fix.column,
        cst.SimpleString,
        lambda node: (
            not isinstance(tree.parent(node), cst.ConcatenatedString)
            and "b" not in node.prefix.lower()
        ),
    )


def string(value: str, like: cst.SimpleString | None = None) -> cst.SimpleString:
    """A string literal of ``value``, in the quotes (and ``u``/``r`` prefix) of ``like``."""
    prefix, quote = (like.prefix, like.quote) if like is not None else ("", '"')
    if any(char in value for char in (quote[0], "\\", "\n", "\r")) or not value.isprintable():
        return cst.SimpleString(repr(value))
    return cst.SimpleString(f"{prefix}{quote}{value}{quote}")


def enclosing(tree: Tree, node: cst.CSTNode, kind: type[NodeT]) -> NodeT | None:
    """The nearest ancestor of ``node`` of ``kind``."""
    return next((n for n in tree.ancestors(node) if isinstance(n, kind)), None)


def statements_after_docstring(body: Sequence[cst.BaseStatement]) -> int:
    """Where a new first statement of a body goes: after its docstring, if any."""
    first = body[0] if body else None
    if (
        isinstance(first, cst.SimpleStatementLine)
        and len(first.body) == 1
        and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    ):
        return 1
    return 0


def send_call(tree: Tree, fix: Fix, methods: Collection[str]) -> cst.Call | None:
    """The ``sig.<method>(...)`` call a fix names, where ``await`` may go: not already awaited,
    not in a generator expression or lambda (``await`` would change what they are)."""
    call = tree.at(
        fix.line,
        fix.column,
        cst.Call,
        lambda node: isinstance(node.func, cst.Attribute) and node.func.attr.value in methods,
    )
    if call is None or in_generator(tree, call) or isinstance(tree.parent(call), cst.Await):
        return None
    return call


def awaited(call: cst.Call, parenthesised: bool) -> cst.Await:
    """``await call``, in parentheses where the context binds tighter than ``await`` does."""
    node = cst.Await(expression=call)
    if parenthesised:
        node = node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def binds_tighter(tree: Tree, node: cst.BaseExpression) -> bool:
    """``node`` is what an attribute, a subscript or a call applies to: ``(await x).y``."""
    parent = tree.parent(node)
    return (
        (isinstance(parent, cst.Attribute) and parent.value is node)
        or (isinstance(parent, cst.Subscript) and parent.value is node)
        or (isinstance(parent, cst.Call) and parent.func is node)
    )


def in_generator(tree: Tree, node: cst.CSTNode) -> bool:
    """Inside a generator expression or lambda of its function, where ``await`` changes what it is."""
    for ancestor in tree.ancestors(node):
        if isinstance(ancestor, (cst.GeneratorExp, cst.Lambda)):
            return True
        if isinstance(ancestor, cst.FunctionDef):
            return False
    return False
