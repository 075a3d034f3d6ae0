"""Bindings and imports: what each name of a scope refers to, and what the module imports.

Python decides a scope's local names before running its body, so each scope
is pre-bound (``_bind_block``) when the walk enters it; names then resolve
through ``names.Resolver``.  Imports are recorded with where they run
(module level, ``ready()``, a function) because that decides what Django loads.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Sequence

from signal_lint.extract import facts as F
from signal_lint.extract.names import LOCAL, Binding, NestedDef, Scope
from signal_lint.extract.state import WalkState
from signal_lint.extract.syntax import scope_statements, target_names

DYNAMIC_IMPORTS = frozenset(
    {"importlib.import_module", "django.utils.module_loading.import_string"}
)
AUTODISCOVER = "django.utils.module_loading.autodiscover_modules"


def module_exports(tree: ast.Module, source: bytes) -> tuple[str, ...] | None:
    """The names of the module's ``__all__`` (what ``from module import *`` binds), when it is a
    literal list or tuple of strings (``+=`` and ``.extend()`` of literals add to it); None when
    the module has none, or builds it in a way the analysis cannot read."""
    if b"__all__" not in source:
        return None
    names: list[str] | None = None
    for node in tree.body:
        target, value, extend = None, None, False
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            target, value, extend = node.target, node.value, isinstance(node, ast.AugAssign)
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in ("extend", "append")
            and len(node.value.args) == 1
        ):
            target, extend = node.value.func.value, True
            arg = node.value.args[0]
            value = ast.List([arg], ast.Load()) if node.value.func.attr == "append" else arg
        if not (isinstance(target, ast.Name) and target.id == "__all__"):
            continue
        strings = _literal_strings(value)
        if strings is None:
            return None  # computed: unknown
        names = (names or []) + strings if extend else strings
    return tuple(names) if names is not None else None


def _literal_strings(node: ast.AST | None) -> list[str] | None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    strings = [
        e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
    ]
    return strings if len(strings) == len(node.elts) else None


# Statements that bind no name themselves (``scope_statements`` yields the ones in their bodies):
# most of a scope's statements, passed over before the chain of tests below.
_BINDS_NOTHING = frozenset(
    {ast.Expr, ast.Return, ast.If, ast.Pass, ast.Raise, ast.Try, ast.While, ast.Assert}
    | {ast.Break, ast.Continue, ast.Delete, ast.Match}
)


class Bindings(WalkState):
    """Pre-binds each scope's names and records the module's imports."""

    def _bind_block(self, body: list[ast.stmt], scope: Scope, prefix: str) -> None:
        """Pre-bind a scope's names, as Python decides locals before running the body."""
        in_function = scope.kind == "function"
        declared_global: set[str] = set()
        for node in scope_statements(body):
            if type(node) in _BINDS_NOTHING:
                continue
            # the commonest kinds first (the kinds are disjoint: the order is only speed)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if in_function:
                    scope.bindings[node.name] = (
                        NestedDef(f"{prefix}{node.name}")
                        if not isinstance(node, ast.ClassDef)
                        else LOCAL
                    )
                else:
                    scope.bindings[node.name] = f"{self.module}.{prefix}{node.name}"
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = node.value
                for target in targets:
                    for name_node in target_names(target):
                        scope.bindings[name_node] = self._assigned_binding(
                            name_node, value, targets, in_function, prefix
                        )
            elif isinstance(node, ast.ImportFrom):
                base = self._from_module(node)
                for alias in node.names:
                    if alias.name == "*":
                        if not in_function:
                            self.names.star_modules.append(base)
                        continue
                    scope.bindings[alias.asname or alias.name] = (
                        # interned: one object per name in a worker's results (memory)
                        sys.intern(f"{base}.{alias.name}") if base else alias.name
                    )
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        scope.bindings[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        scope.bindings[top] = top
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                declared_global.update(node.names)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                scope.bindings.setdefault(
                    node.target.id,
                    LOCAL if in_function else f"{self.module}.{prefix}{node.target.id}",
                )
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                for name in target_names(node.target):
                    scope.bindings[name] = LOCAL if in_function else f"{self.module}.{prefix}{name}"
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        for name in target_names(item.optional_vars):
                            scope.bindings[name] = (
                                LOCAL if in_function else f"{self.module}.{prefix}{name}"
                            )
            elif isinstance(node, ast.ExceptHandler) and node.name:
                scope.bindings[node.name] = LOCAL if in_function else f"{self.module}.{node.name}"
            elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                scope.bindings[node.target.id] = (
                    LOCAL if in_function else f"{self.module}.{node.target.id}"
                )
        for name in declared_global:
            scope.bindings.pop(name, None)

    def _assigned_binding(
        self,
        name: str,
        value: ast.AST | None,
        targets: Sequence[ast.AST],
        in_function: bool,
        prefix: str,
    ) -> Binding:
        simple = len(targets) == 1 and isinstance(targets[0], ast.Name)
        if simple and isinstance(value, (ast.Name, ast.Attribute)):
            resolved = self.names.resolve(value)
            if isinstance(resolved, (str, NestedDef)):
                return resolved  # an alias: ``saved = post_save``
        if in_function:
            return LOCAL
        if simple and value is not None:
            reference = self._model_reference(value)
            if reference is not None:  # ``User = get_user_model()``: a name for a model
                self.model_refs[f"{prefix}{name}"] = reference
            elif (
                not prefix
                and isinstance(value, ast.Call)
                and isinstance(value.func, (ast.Name, ast.Attribute))
            ):
                callee = self.names.qualname(value.func)
                if callee and callee.rsplit(".", 1)[-1][:1].isupper():  # ``audit = Audit()``
                    self.instances[name] = callee
        return f"{self.module}.{prefix}{name}"

    def _from_module(self, node: ast.ImportFrom) -> str:
        from signal_lint.extract.modules import resolve_relative

        module = resolve_relative(self.module, self.is_package, node.level or 0, node.module)
        return sys.intern(module)  # one object per module name in a worker's results (memory)

    # ---------------------------------------------------------------- imports
    def _import(self, node: ast.stmt) -> None:
        context, function = self._context()
        conditional = self.conditional_depth > 0
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.imports.append(
                    F.Import(alias.name, (), node.lineno, context, function, conditional)
                )
        else:
            assert isinstance(node, ast.ImportFrom)
            base = self._from_module(node)
            names = tuple(alias.name for alias in node.names)
            self.imports.append(F.Import(base, names, node.lineno, context, function, conditional))

    def _dynamic_import(self, node: ast.Call, qualname: str | None) -> None:
        """``import_module("shop.handlers")``, ``import_string(...)``, ``__import__(...)`` and
        ``autodiscover_modules("signals")`` (``*.signals``: that module of every app). In an
        AppConfig's method the module may be built from the app's name: ``f"{self.name}.signals"``,
        ``self.name + ".signals"``, ``"%s.signals" % self.name``, ``"{}.signals".format(self.name)``
        are recorded as ``{self.name}.signals`` (the graph puts in the config's ``name``)."""
        context, function = self._context()
        for arg in node.args[:1] if qualname != AUTODISCOVER else node.args:
            text = _module_text(arg)
            if text is not None:
                module = text if qualname != AUTODISCOVER else f"*.{text}"
                self.imports.append(F.Import(module, (), node.lineno, context, function, True))


SELF_NAME = "{self.name}"  # an AppConfig's ``self.name`` in a module name built from it


def _module_text(node: ast.AST) -> str | None:
    """A module name given as a string, or built from ``self.name`` and strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if _is_self_name(node):
        return SELF_NAME
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue) and _is_self_name(value.value):
                parts.append(SELF_NAME)
            else:
                return None
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _module_text(node.left), _module_text(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):  # "%s.signals" % self.name
        template = _module_text(node.left)
        if template is not None and template.count("%s") == 1 and _is_self_name(node.right):
            return template.replace("%s", SELF_NAME)
        return None
    if (  # "{}.signals".format(self.name)
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and len(node.args) == 1
        and not node.keywords
        and _is_self_name(node.args[0])
    ):
        template = _module_text(node.func.value)
        if template is not None and template.count("{}") == 1:
            return template.replace("{}", SELF_NAME)
    return None


def _is_self_name(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "name"
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )
