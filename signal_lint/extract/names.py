"""Scopes and qualified names: what a name in this file refers to.

A small model of Python's scoping, enough to resolve the names signal code
uses: module globals from imports, definitions and aliases; function locals
(parameters, assignments, local imports, nested ``def``s) that shadow them;
class bodies that are not visible from the methods inside them.  Names that
refer to objects the file creates at run time resolve to ``LOCAL``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


class _Local:
    """A run-time value of a local variable or parameter: no static name."""

    def __repr__(self) -> str:
        return "LOCAL"


LOCAL = _Local()


@dataclass(frozen=True)
class NestedDef:
    """A ``def`` inside a function body: a new function object per call."""

    qualname: str  # Python's __qualname__ within the module, e.g. "ready.<locals>.handler"


Binding = str | _Local | NestedDef


class Scope:
    def __init__(self, kind: str, qualname: str = "") -> None:
        self.kind = kind  # "module", "class", "function"
        self.qualname = qualname
        self.bindings: dict[str, Binding] = {}


class Resolver:
    """Resolves names and attribute chains against the current scope stack."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.scopes: list[Scope] = [Scope("module")]
        self.star_modules: list[str] = []
        # dotted local name -> target, for class attributes bound to signals ("Events.saved")
        self.local_aliases: dict[str, str] = {}

    @property
    def module_scope(self) -> Scope:
        return self.scopes[0]

    def lookup(self, name: str) -> Binding | None:
        innermost = len(self.scopes) - 1
        for index in range(innermost, -1, -1):
            scope = self.scopes[index]
            if scope.kind == "class" and index != innermost:
                continue  # class bodies are not enclosing scopes for their methods
            if name in scope.bindings:
                return scope.bindings[name]
        if self.star_modules:
            return f"{self.star_modules[-1]}.{name}"
        return None

    def resolve(self, node: ast.AST) -> Binding | None:
        """Qualified name of a Name/Attribute chain, LOCAL, a NestedDef, or None."""
        if isinstance(node, ast.Name):
            return self.canonical(self.lookup(node.id))
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            if isinstance(base, str):
                return self.canonical(f"{base}.{node.attr}")
            return None
        return None

    def qualname(self, node: ast.AST) -> str | None:
        value = self.resolve(node)
        return value if isinstance(value, str) else None

    def canonical(self, value: Binding | None) -> Binding | None:
        """Follow this module's own aliases (``saved = post_save``; ``Events.saved``)."""
        for _ in range(8):  # alias chains are short; a cycle must not hang
            if not isinstance(value, str) or not value.startswith(self.module + "."):
                return value
            target = self.local_aliases.get(value[len(self.module) + 1 :])
            if target is None or target == value:
                return value
            value = target
        return value


def dotted_text(node: ast.AST) -> str:
    """Source-like spelling of a name/attribute/call chain, for messages."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted_text(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{dotted_text(node.func)}()"
    if isinstance(node, ast.Lambda):
        return "lambda"
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, ast.Subscript):
        return f"{dotted_text(node.value)}[...]"
    return type(node).__name__.lower()


def chain(node: ast.AST) -> tuple[str, ...]:
    """``a.b.c`` -> ("a", "b", "c"); ``a.b().c`` -> ("a", "b", "()", "c"); else ()."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            parts.append("()")
            node = node.func
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            return tuple(reversed(parts))
        else:
            return ()
