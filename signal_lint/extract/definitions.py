"""Definitions: classes, functions (with their signatures) and signal definitions.

A ``def`` is pre-bound, walked with its own scope and frame, and recorded as
a ``Function``; its decorators may connect it (``@receiver``).  A class body
binds names the methods do not see.  ``x = Signal()`` defines a signal.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import replace

from signal_lint.catalog.loader import MODEL_SIGNAL_CLASSES, SIGNAL_CLASSES
from signal_lint.extract import facts as F
from signal_lint.extract.bindings import Bindings
from signal_lint.extract.connections import Connections
from signal_lint.extract.guards import NO_GUARDS, Guards
from signal_lint.extract.names import LOCAL, Scope
from signal_lint.extract.rows import orm_like
from signal_lint.extract.state import NOTHING, FunctionState

APPCONFIG_CLASSES = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig"})


class Definitions(Bindings, Connections):
    """Records classes, functions and signal definitions; a ``def``'s decorators may connect it."""

    def _class(self, node: ast.ClassDef, guards: Guards) -> None:
        prefix = self._prefix()
        qualname = f"{prefix}{node.name}"
        bases = tuple(self.names.qualname(base) for base in node.bases)
        if self.detailed:
            for expression in node.bases + [k.value for k in node.keywords] + node.decorator_list:
                self._expr(expression, guards)
        attributes: list[tuple[str, str]] = []
        for stmt in node.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                value = stmt.value
                if isinstance(value, ast.Constant) and isinstance(value.value, (str, bool)):
                    attributes.append((stmt.targets[0].id, str(value.value)))
                elif isinstance(value, (ast.Name, ast.Attribute)) and not self.func_stack:
                    target = self.names.qualname(value)
                    if target:  # class attribute bound to a signal: ``saved = post_save``
                        self.names.local_aliases[f"{qualname}.{stmt.targets[0].id}"] = target
        methods = tuple(
            stmt.name
            for stmt in node.body
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        )
        self.classes.append(
            F.ClassDef(qualname, node.lineno, self._col(node), bases, tuple(attributes), methods)
        )
        scope = Scope("class", qualname)
        self.names.scopes.append(scope)
        if self.detailed or not all(self._binds_nothing_read(stmt) for stmt in node.body):
            self._bind_block(node.body, scope, f"{qualname}.")
        if self.func_stack:  # a class inside a function: its names are run-time objects
            for key, bound in list(scope.bindings.items()):
                if isinstance(bound, str) and bound.startswith(self.module + "."):
                    scope.bindings[key] = LOCAL
        self.class_stack.append((qualname, bases))
        self._block(node.body, guards if self.func_stack else NO_GUARDS)
        self.class_stack.pop()
        self.names.scopes.pop()

    def _binds_nothing_read(self, stmt: ast.stmt) -> bool:
        """In the cheap pass, a class body statement whose binding nobody reads: the pass skips it
        (``_skipped``), and no call's value makes it a model reference (``model_refs``)."""
        return self._skipped(stmt) and (
            isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Pass, ast.Expr))
            or (
                isinstance(stmt, (ast.Assign, ast.AnnAssign))
                and not isinstance(stmt.value, ast.Call)
            )
        )

    def _signal_class_kind(self, callee: str | None, depth: int = 0) -> str | None:
        """ "Signal"/"ModelSignal" for Django's classes and this file's subclasses of them."""
        if callee in SIGNAL_CLASSES:
            return "Signal"
        if callee in MODEL_SIGNAL_CLASSES:
            return "ModelSignal"
        local = self._local_name(callee)
        if local is None or depth > 8:
            return None
        for cls in self.classes:
            if cls.qualname == local:  # ``class DeprecatedSignal(Signal)`` (django-cms)
                kinds = {self._signal_class_kind(base, depth + 1) for base in cls.bases}
                return (
                    "ModelSignal"
                    if "ModelSignal" in kinds
                    else "Signal"
                    if "Signal" in kinds
                    else None
                )
        return None

    def _signal_definition(self, targets: list[ast.expr], value: ast.AST | None) -> bool:
        if (
            not isinstance(value, ast.Call)
            or len(targets) != 1
            or not isinstance(targets[0], ast.Name)
        ):
            return False
        callee = self.names.qualname(value.func)
        kind = self._signal_class_kind(callee)
        if kind is None:
            return False
        djangos = (
            callee in SIGNAL_CLASSES or callee in MODEL_SIGNAL_CLASSES
        )  # a subclass may take other arguments
        providing: F.Span | None = None
        names: tuple[str, ...] = ()
        caching = False
        for keyword in value.keywords:
            if keyword.arg == "providing_args" and djangos:
                providing = F.Span(keyword.value.lineno, self._col(keyword.value))
                if isinstance(keyword.value, (ast.List, ast.Tuple, ast.Set)):
                    names = tuple(
                        e.value
                        for e in keyword.value.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    )
            elif keyword.arg == "use_caching" and isinstance(keyword.value, ast.Constant):
                caching = bool(keyword.value.value)
        positional = False
        first = value.args[0] if value.args else None
        if (
            djangos
            and providing is None
            and isinstance(first, (ast.List, ast.Tuple))
            and first.elts
        ):
            strings = [
                e.value
                for e in first.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
            if len(strings) == len(first.elts):
                # ``Signal(["order"])``: providing_args by position (Django < 4.0); now it is ``use_caching``
                providing, positional = F.Span(first.lineno, self._col(first)), True
                names = tuple(strings)
        prefix = self._prefix()
        self.signal_defs.append(
            F.SignalDef(
                f"{prefix}{targets[0].id}",
                kind,
                value.lineno,
                self._col(value),
                providing,
                names,
                caching,
                positional,
                None if djangos else callee,
            )
        )
        for arg in value.args:
            self._expr(arg, NO_GUARDS)
        return True

    # -------------------------------------------------------------- functions
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, guards: Guards) -> None:
        prefix = self._prefix()
        qualname = f"{prefix}{node.name}"
        params, var_kw = self._params(node.args)
        decorators = tuple(self._decorator_name(d) for d in node.decorator_list)
        class_name = (
            self.class_stack[-1][0] if self.class_stack and self._directly_in_class() else None
        )
        parent = self.func_stack[-1].qualname if self.func_stack else None
        context = self._function_context(node.name, class_name)
        func = FunctionState(qualname, node, var_kw, {p.name for p in params}, context)
        if self.detailed:
            for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                self._expr(default, guards)
            for index, decorator in enumerate(node.decorator_list):
                self._decorator(decorator, index, node, qualname, guards)
        scope = Scope("function", qualname)
        for param in params:
            scope.bindings[param.name] = LOCAL
        self.names.scopes.append(scope)
        if self.detailed:  # the cheap pass resolves nothing inside function bodies
            self._bind_block(node.body, scope, f"{qualname}.<locals>.")
        self.func_stack.append(func)
        saved_depth, self.conditional_depth = self.conditional_depth, 0
        saved_conditions, self.conditions = self.conditions, []  # a body runs when called
        self._block(node.body, NO_GUARDS)
        self.conditional_depth, self.conditions = saved_depth, saved_conditions
        self.func_stack.pop()
        self.names.scopes.pop()
        first_line = min([d.lineno for d in node.decorator_list] + [node.lineno])
        dropped = {name for name, _, _ in func.dropped_candidates if name not in func.names_read}
        for name, index, send in func.dropped_candidates:
            if name in dropped:
                self.sends[index] = replace(send, usage="dropped")
        if not self.detailed:
            return  # the cheap pass records no functions: the engine details a file when one is a receiver
        callees = tuple(
            dict.fromkeys(
                sys.intern(qualname or ".".join(parts))  # one object per name: memory
                for parts, qualname, _, _ in func.call_sites
                if qualname or _own_call(parts)
            )
        )
        # what direct calls pass, by callee name (SIG004: defaults they override)
        for parts, _, keywords_passed, nargs in func.call_sites:
            if parts:
                known = self.call_arguments.get(parts[-1])
                if known is None:
                    self.call_arguments[parts[-1]] = (set(keywords_passed), nargs)
                else:
                    known[0].update(keywords_passed)
                    if nargs > known[1]:
                        self.call_arguments[parts[-1]] = (known[0], nargs)
        if not func.body_facts:
            func.names_read, func.attr_assigns = set(), []  # not receiver-like: memory
        self.functions.append(
            F.Function(
                qualname=qualname,
                name=node.name,
                line=node.lineno,
                column=self._col(node),
                first_line=first_line,
                is_async=isinstance(node, ast.AsyncFunctionDef),
                params=tuple(params),
                decorators=decorators,
                decorator_lines=tuple(d.lineno for d in node.decorator_list),
                class_name=class_name,
                parent=parent,
                is_staticmethod="builtins.staticmethod" in decorators
                or "staticmethod" in decorators,
                is_classmethod="builtins.classmethod" in decorators or "classmethod" in decorators,
                is_generator=func.is_generator,
                calls=tuple(func.calls),
                attrs=tuple(func.attrs),
                compares=tuple(func.compares),
                names_read=frozenset(func.names_read) if func.names_read else NOTHING,
                attr_assigns=tuple(func.attr_assigns),
                returns_value=func.returns_value,
                returns=tuple(sorted(func.returns)),
                escaping_names=frozenset(func.escaping) if func.escaping else NOTHING,
                callees=callees,
                local_kinds=tuple(sorted(func.local_kinds.items())),
                orm_calls=()
                if func.body_facts
                else tuple(
                    dict.fromkeys(
                        p
                        for index, (p, _, k, n) in enumerate(func.call_sites)
                        if orm_like(p, k, n) and index not in func.handled_reads
                    )
                ),
            )
        )

    def _functions_kept(self) -> tuple[F.Function, ...]:
        """The functions, each keeping of its escaping names only those a rule asks about: all of them
        for a function that connects (its frame may keep a receiver alive), and otherwise the
        file's function names, ``self`` and its ``**kwargs`` (a factory returning a function;
        ``__init__`` storing ``self``; a wrapper forwarding ``**kwargs``).  The rest cost memory
        on large trees and answer nothing."""
        frames = {connection.function for connection in self.connections if connection.function}
        asked = {function.name for function in self.functions} | {"self"}
        kept = []
        for function in self.functions:
            if function.qualname not in frames and function.escaping_names:
                # and its own ``**kwargs``: a wrapper that hands them on (``func(**kwargs)``)
                var_kw = {p.name for p in function.params if p.kind == "varkw"}
                wanted = {n for n in function.escaping_names if n in asked or n in var_kw}
                if len(wanted) != len(function.escaping_names):
                    function = replace(function, escaping_names=frozenset(wanted) or NOTHING)
            kept.append(function)
        return tuple(kept)

    def _function_context(self, name: str, class_name: str | None) -> str:
        if class_name is None:
            return F.FUNCTION
        bases = self.class_stack[-1][1]
        if self._is_appconfig(bases):
            if name == "ready":
                return F.READY
            if name == "__init__":
                return F.APPCONFIG_INIT
        return F.METHOD

    def _is_appconfig(self, bases: tuple[str | None, ...]) -> bool:
        for base in bases:
            if base in APPCONFIG_CLASSES:
                return True
            if (
                base
                and base.rsplit(".", 1)[-1].endswith("Config")
                and self.path.replace("\\", "/").endswith("apps.py")
            ):
                return True  # a project's own AppConfig base class
        return False

    def _decorator_name(self, node: ast.AST) -> str | None:
        target = node.func if isinstance(node, ast.Call) else node
        name = self.names.qualname(target)
        if (
            name is None
            and isinstance(target, ast.Name)
            and target.id in ("staticmethod", "classmethod", "property")
        ):
            return f"builtins.{target.id}"
        return name

    def _params(self, args: ast.arguments) -> tuple[list[F.Param], str | None]:
        params: list[F.Param] = []
        positional = list(args.posonlyargs) + list(args.args)
        first_default = len(positional) - len(args.defaults)
        for index, arg in enumerate(positional):
            kind = "posonly" if index < len(args.posonlyargs) else "normal"
            params.append(
                F.Param(arg.arg, kind, index >= first_default, arg.lineno, self._col(arg))
            )
        if args.vararg:
            params.append(
                F.Param(
                    args.vararg.arg, "varargs", False, args.vararg.lineno, self._col(args.vararg)
                )
            )
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=False):
            params.append(
                F.Param(arg.arg, "kwonly", default is not None, arg.lineno, self._col(arg))
            )
        var_kw = None
        if args.kwarg:
            var_kw = args.kwarg.arg
            params.append(F.Param(var_kw, "varkw", False, args.kwarg.lineno, self._col(args.kwarg)))
        return params, var_kw


def _own_call(parts: tuple[str, ...]) -> bool:
    """An unresolved call the graph may still follow: ``self.x()``, ``cls.x()``, a nested ``x()``."""
    return (len(parts) == 1 and parts[0] != "()") or (
        len(parts) == 2 and parts[0] in ("self", "cls")
    )
