"""One walk over a module's syntax tree that records its signal facts.

The walk has two depths.  Every file gets the cheap one: imports (with where
they run), classes, function signatures and module-level aliases, which the
project graph needs from all files.  Files the byte prefilter selects also
get the detailed one: connections, sends, signal definitions and, per
function, the body facts the receiver rules read (calls, attribute reads and
comparisons, each with the conditions that guard it).
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from dataclasses import replace

from signal_lint.catalog.loader import MODEL_SIGNAL_CLASSES, RECEIVER_DECORATORS, SIGNAL_CLASSES
from signal_lint.extract import facts as F
from signal_lint.extract.names import LOCAL, NestedDef, Resolver, Scope, chain, dotted_text

APPCONFIG_CLASSES = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig"})
PARTIALS = frozenset({"functools.partial", "functools.partialmethod"})
SEND_METHODS = frozenset({"send", "send_robust", "asend", "asend_robust"})
BULK_WRITES = frozenset({"update", "bulk_create", "bulk_update"})
# asgiref's bridges, which Django re-exports nowhere: the wrapped send runs in a thread or is driven to completion
THREAD_BRIDGES = {
    "asgiref.sync.sync_to_async": "to_async",
    "asgiref.sync.SyncToAsync": "to_async",
    "asgiref.sync.async_to_sync": "to_sync",
    "asgiref.sync.AsyncToSync": "to_sync",
}
DYNAMIC_IMPORTS = frozenset(
    {"importlib.import_module", "django.utils.module_loading.import_string"}
)
AUTODISCOVER = "django.utils.module_loading.autodiscover_modules"
TEST_METHODS = frozenset(
    {
        "setUp",
        "tearDown",
        "setUpClass",
        "tearDownClass",
        "setUpTestData",
        "asyncSetUp",
        "asyncTearDown",
    }
)
# Calls that catch AttributeError for an attribute read inside them count as a None check.
NOTHING: frozenset[str] = (
    frozenset()
)  # one shared empty set: each frozenset() is a new 216-byte object
ATTRIBUTE_GUARD_EXCEPTIONS = frozenset({"AttributeError", "Exception", "BaseException"})
TERMINATORS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


class _Guards:
    """The conditions governing the code being walked (immutable, shared).

    ``names``/``attrs``/``strings`` are everything the governing tests
    mention, whatever their outcome.  ``known`` is what those tests make
    true where the code runs (see ``_conditions``): ``if not created:``
    mentions ``created`` in its body *and* its ``else``, but only the
    ``else`` knows ``("truthy", "created")``.
    """

    __slots__ = ("attrs", "known", "names", "strings")

    def __init__(
        self,
        names: frozenset[str] = frozenset(),
        attrs: frozenset = frozenset(),
        strings: frozenset[str] = frozenset(),
        known: frozenset[tuple[str, ...]] = frozenset(),
    ) -> None:
        self.names = names
        self.attrs = attrs
        self.strings = strings
        self.known = known

    def plus(self, test: ast.AST, var_kw: str | None, positive: bool = True) -> _Guards:
        """The guards where ``test`` was true (``positive``) or false."""
        names: set[str] = set()
        attrs: set[tuple[str, str]] = set()
        strings: set[str] = set()
        for node in ast.walk(test):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                attrs.add((node.value.id, node.attr))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            key = _kwargs_key(node, var_kw)
            if key:
                names.add(key)
        known = _conditions(test, positive, var_kw)
        if not (names or attrs or strings or known):
            return self
        return _Guards(
            self.names | names, self.attrs | attrs, self.strings | strings, self.known | known
        )

    def with_name(self, name: str) -> _Guards:
        return _Guards(self.names | {name}, self.attrs, self.strings, self.known)


def _conditions(test: ast.AST, positive: bool, var_kw: str | None) -> frozenset[tuple[str, ...]]:
    """What is known where ``test`` evaluated true (``positive``) or false.

    ``("truthy", s)``/``("falsy", s)`` (``None`` is falsy), ``("notnone", s)``,
    ``("eq", s)``/``("ne", s)`` (compared equal / unequal with something),
    ``("in", s, "x")``/``("notin", s, "x")`` (``"x" in s``; a falsy ``s``
    holds nothing).  ``s`` is a name, a ``kwargs["name"]`` key or ``base.attr``.
    """
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _conditions(test.operand, not positive, var_kw)
    if isinstance(test, ast.BoolOp):
        parts = [_conditions(value, positive, var_kw) for value in test.values]
        if (
            isinstance(test.op, ast.And) == positive
        ):  # ``a and b`` true, ``a or b`` false: each part holds
            return frozenset().union(*parts)
        return _common(parts)  # one part holds, which is not known: only what they all imply
    subject = _condition_subject(test, var_kw)
    if subject:
        return frozenset({("truthy" if positive else "falsy", subject)})
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id in ("isinstance", "hasattr", "callable")
    ):
        subject = _condition_subject(test.args[0], var_kw) if test.args else None
        return frozenset({("notnone", subject)}) if subject and positive else frozenset()
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return frozenset()
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.In, ast.NotIn)):
        if isinstance(right, ast.BoolOp) and isinstance(right.op, ast.Or):
            right = right.values[0]  # ``"x" in (update_fields or ())``
        container = _condition_subject(right, var_kw)
        if container and isinstance(left, ast.Constant) and isinstance(left.value, str):
            inside = isinstance(op, ast.In) == positive
            return frozenset({("in" if inside else "notin", container, left.value)})
        return frozenset()
    none_side = right if _is_none(right) else left if _is_none(left) else None
    if none_side is not None and isinstance(op, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)):
        subject = _condition_subject(left if none_side is right else right, var_kw)
        if not subject:
            return frozenset()
        is_none = isinstance(op, (ast.Is, ast.Eq)) == positive
        return frozenset({("falsy", subject)} if is_none else {("notnone", subject)})
    if isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
        subject = _condition_subject(left, var_kw) or _condition_subject(right, var_kw)
        if not subject:
            return frozenset()
        equal = isinstance(op, (ast.Eq, ast.Is)) == positive
        return frozenset({("eq" if equal else "ne", subject)})
    return frozenset()


def _common(parts: list[frozenset[tuple[str, ...]]]) -> frozenset[tuple[str, ...]]:
    """Conditions every part implies; a falsy container implies it lacks every item."""

    def implies(part: frozenset[tuple[str, ...]], condition: tuple[str, ...]) -> bool:
        if condition in part:
            return True
        return condition[0] == "notin" and ("falsy", condition[1]) in part

    candidates = frozenset().union(*parts) if parts else frozenset()
    return frozenset(c for c in candidates if all(implies(part, c) for part in parts))


def _condition_subject(node: ast.AST, var_kw: str | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    if isinstance(node, ast.Attribute):
        key = _kwargs_key(node.value, var_kw)
        return f"{key}.{node.attr}" if key else None
    return _kwargs_key(node, var_kw)


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


NO_GUARDS = _Guards()


def _kwargs_key(node: ast.AST, var_kw: str | None) -> str | None:
    """``kwargs["raw"]`` / ``kwargs.get("raw")`` -> "raw" (receivers often read arguments so)."""
    if not var_kw:
        return None
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == var_kw
    ):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("get", "pop")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == var_kw
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


class _Func:
    """Accumulates one function's facts while its body is walked."""

    def __init__(
        self, qualname: str, node: ast.AST, var_kw: str | None, params: set[str], context: str
    ) -> None:
        self.qualname = qualname
        # Only receiver-like functions keep their body facts (calls with guards, attribute
        # uses, comparisons); the rest keep their call sites (callees, arguments passed).
        self.body_facts = bool(var_kw or "sender" in params or node.decorator_list)  # type: ignore[attr-defined]
        self.call_sites: list[
            tuple[tuple[str, ...], str | None, tuple[str, ...], int]
        ] = []  # chain, qualname, keywords, nargs
        self.node = node
        self.var_kw = var_kw
        self.params = params
        self.context = context
        self.is_async = isinstance(node, ast.AsyncFunctionDef)
        self.calls: list[F.CallUse] = []
        self.attrs: list[F.AttrUse] = []
        self.compares: list[F.Compare] = []
        self.names_read: set[str] = set()
        self.attr_assigns: list[tuple[str, str, int]] = []
        self.returns_value = False
        self.is_generator = False
        self.escaping: set[str] = set()
        self.dropped_candidates: list[tuple[str, int, F.Send]] = []  # (name, index in sends, send)
        self.local_values: dict[
            str, str | None
        ] = {}  # local name -> "lambda"/"partial"/... it was last bound to


class FactsVisitor:
    """Walks one module; ``facts()`` returns its ``FileFacts``."""

    def __init__(
        self,
        tree: ast.Module,
        source: bytes,
        path: str,
        module: str,
        is_package: bool,
        is_test: bool,
        detailed: bool,
    ) -> None:
        self.tree = tree
        self.path = path
        self.module = module
        self.is_package = is_package
        self.is_test = is_test
        self.detailed = detailed
        self.source = source
        self.lines = source.split(b"\n")
        self.names = Resolver(module)
        self.imports: list[F.Import] = []
        self.classes: list[F.ClassDef] = []
        self.functions: list[F.Function] = []
        self.signal_defs: list[F.SignalDef] = []
        self.connections: list[F.Connection] = []
        self.sends: list[F.Send] = []
        self.bulk_writes: list[tuple[str | None, str, int, int]] = []
        self.module_calls: list[tuple[str, int]] = []
        self.script_only = (
            0  # inside ``if __name__ == "__main__":`` (runs as a script, not on import)
        )
        self.class_stack: list[
            tuple[str, tuple[str | None, ...]]
        ] = []  # (qualname, resolved bases)
        self.func_stack: list[_Func] = []
        self.conditional_depth = 0
        self.try_guard = 0  # inside try blocks whose handlers catch AttributeError
        self.awaited: set[int] = set()
        self.lambda_depth = 0
        # The cheap pass visits only statements on these lines (and class bodies).
        self.call_arguments: dict[str, tuple[frozenset[str], int]] = {}
        self.import_lines: list[int] | None = None
        if not detailed:
            self.import_lines = _lines_of(source, _IMPORT_TEXT)

    def _import_time_call(self, stmt: ast.stmt) -> bool:
        """A call statement that runs when the module is imported (module level or a class body)."""
        return (
            not self.func_stack
            and isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, (ast.Name, ast.Attribute))
        )

    def _holds_import(self, stmt: ast.stmt) -> bool:
        lines = self.import_lines or []
        index = bisect_left(lines, stmt.lineno)
        return index < len(lines) and lines[index] <= (
            getattr(stmt, "end_lineno", None) or stmt.lineno
        )

    # ------------------------------------------------------------------ public
    def facts(self) -> F.FileFacts:
        self._bind_block(self.tree.body, self.names.module_scope, "")
        self._block(self.tree.body, NO_GUARDS)
        if not self.detailed and (b"bulk_" in self.source or b".update(" in self.source):
            self._cheap_bulk_writes()
        aliases = tuple(
            sorted(
                (name, value)
                for name, value in self.names.module_scope.bindings.items()
                if isinstance(value, str) and value != f"{self.module}.{name}"
            )
        ) + tuple(sorted(self.names.local_aliases.items()))
        return F.FileFacts(
            path=self.path,
            module=self.module,
            is_package=self.is_package,
            is_test=self.is_test,
            imports=tuple(self.imports),
            aliases=aliases,
            classes=tuple(self.classes),
            functions=self._functions_kept(),
            signal_defs=tuple(self.signal_defs),
            connections=tuple(self.connections),
            sends=tuple(self.sends),
            bulk_writes=tuple(sorted(self.bulk_writes, key=lambda write: (write[2], write[3]))),
            settings=_settings(self.tree, self.source),
            call_arguments=tuple(
                sorted(
                    (name, tuple(sorted(kw)), most)
                    for name, (kw, most) in self.call_arguments.items()
                )
            ),
            module_calls=tuple(self.module_calls),
            detailed=self.detailed,
        )

    def _functions_kept(self) -> tuple[F.Function, ...]:
        """The functions, each keeping of its escaping names only those a rule asks about: all of them
        for a function that connects (its frame may keep a receiver alive), and otherwise the
        file's function names and ``self`` (a factory returning a function; ``__init__`` storing
        ``self``).  The rest cost memory on large trees and answer nothing."""
        frames = {connection.function for connection in self.connections if connection.function}
        asked = {function.name for function in self.functions} | {"self"}
        kept = []
        for function in self.functions:
            if function.qualname not in frames and not function.escaping_names <= asked:
                function = replace(
                    function, escaping_names=function.escaping_names & asked or NOTHING
                )
            kept.append(function)
        return tuple(kept)

    # --------------------------------------------------------------- positions
    def _col(self, node: ast.AST) -> int:
        """ast columns count UTF-8 bytes; report characters like every editor."""
        line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text[:col].decode("utf-8", "replace"))
        return col

    # ------------------------------------------------------------------ scopes
    def _bind_block(self, body: list[ast.stmt], scope: Scope, prefix: str) -> None:
        """Pre-bind a scope's names, as Python decides locals before running the body."""
        in_function = scope.kind == "function"
        declared_global: set[str] = set()
        for node in _scope_statements(body):
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                declared_global.update(node.names)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        scope.bindings[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        scope.bindings[top] = top
            elif isinstance(node, ast.ImportFrom):
                base = self._from_module(node)
                for alias in node.names:
                    if alias.name == "*":
                        if not in_function:
                            self.names.star_modules.append(base)
                        continue
                    scope.bindings[alias.asname or alias.name] = (
                        f"{base}.{alias.name}" if base else alias.name
                    )
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
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
                    for name_node in _target_names(target):
                        scope.bindings[name_node] = self._assigned_binding(
                            name_node, value, targets, in_function, prefix
                        )
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                scope.bindings.setdefault(
                    node.target.id,
                    LOCAL if in_function else f"{self.module}.{prefix}{node.target.id}",
                )
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                for name in _target_names(node.target):
                    scope.bindings[name] = LOCAL if in_function else f"{self.module}.{prefix}{name}"
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        for name in _target_names(item.optional_vars):
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
        targets: list[ast.AST],
        in_function: bool,
        prefix: str,
    ):
        simple = len(targets) == 1 and isinstance(targets[0], ast.Name)
        if simple and isinstance(value, (ast.Name, ast.Attribute)):
            resolved = self.names.resolve(value)
            if isinstance(resolved, (str, NestedDef)):
                return resolved  # an alias: ``saved = post_save``
        if in_function:
            return LOCAL
        return f"{self.module}.{prefix}{name}"

    def _from_module(self, node: ast.ImportFrom) -> str:
        from signal_lint.extract.modules import resolve_relative

        return resolve_relative(self.module, self.is_package, node.level or 0, node.module)

    # --------------------------------------------------------------- contexts
    def _context(self) -> tuple[str, str | None]:
        if self.func_stack:
            func = self.func_stack[-1]
            return func.context, func.qualname
        if self.class_stack:
            return F.CLASS_BODY, None
        return F.MODULE, None

    def _in_test(self) -> bool:
        if self.is_test:
            return True
        return any(
            f.node.name.startswith("test") or f.node.name in TEST_METHODS for f in self.func_stack
        )  # type: ignore[attr-defined]

    def _guard(
        self, guards: _Guards, test: ast.AST, var_kw: str | None, positive: bool = True
    ) -> _Guards:
        """Guards are read only from receiver-like function bodies of detailed files: skip the walk elsewhere."""
        if not self.detailed or not self.func_stack or not self.func_stack[-1].body_facts:
            return guards
        return guards.plus(test, var_kw, positive)

    # -------------------------------------------------------------- statements
    def _block(self, body: list[ast.stmt], guards: _Guards) -> None:
        for stmt in body:
            if (
                self.import_lines is not None
                and not isinstance(stmt, ast.ClassDef)
                and not self._holds_import(stmt)
                and not self._import_time_call(stmt)
            ):
                continue  # the cheap pass wants classes and imports only: skip code without either
            self._stmt(stmt, guards)
            if isinstance(stmt, ast.If) and _terminates(stmt.body) and not stmt.orelse:
                guards = self._guard(
                    guards, stmt.test, self._var_kw(), positive=False
                )  # early return guards what follows
            elif isinstance(stmt, ast.Assert):
                guards = self._guard(guards, stmt.test, self._var_kw())

    def _stmt(self, node: ast.stmt, guards: _Guards) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(node, guards)
        elif isinstance(node, ast.ClassDef):
            self._class(node, guards)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node)
        elif isinstance(node, ast.If) and not self.func_stack and _is_main_test(node.test):
            self.script_only += 1
            self._conditional(node.body, guards)
            self.script_only -= 1
            self._conditional(node.orelse, guards)
        elif isinstance(node, ast.If):
            self._expr(node.test, guards)
            self._conditional(node.body, self._guard(guards, node.test, self._var_kw()))
            self._conditional(
                node.orelse, self._guard(guards, node.test, self._var_kw(), positive=False)
            )
        elif isinstance(node, (ast.While,)):
            self._expr(node.test, guards)
            inner = self._guard(guards, node.test, self._var_kw())
            self._conditional(node.body, inner)
            self._conditional(node.orelse, guards)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._expr(node.iter, guards)
            self._conditional(node.body, guards)
            self._conditional(node.orelse, guards)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self._expr(item.context_expr, guards)
            self._block(node.body, guards)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            catches = any(_catches_attribute_error(h) for h in node.handlers)  # type: ignore[attr-defined]
            self.try_guard += catches
            self._conditional(node.body, guards.with_name("<try>") if catches else guards)  # type: ignore[attr-defined]
            self.try_guard -= catches
            for handler in node.handlers:  # type: ignore[attr-defined]
                self._conditional(handler.body, guards)
            self._conditional(node.orelse, guards)  # type: ignore[attr-defined]
            self._block(node.finalbody, guards)  # type: ignore[attr-defined]
        elif type(node).__name__ == "Match":
            self._match(node, guards)
        elif not self.detailed:
            if self._import_time_call(
                node
            ):  # ``register()`` at the bottom of models.py: the graph follows it
                qualname = self.names.qualname(node.value.func)  # type: ignore[attr-defined]
                if qualname is not None and not self.script_only:
                    self.module_calls.append((qualname, node.lineno))
            return
        elif isinstance(node, ast.Expr):
            self._expr(node.value, guards, usage="statement")
        elif isinstance(node, ast.Assign):
            self._assign(node, guards)
        elif (
            isinstance(node, ast.AnnAssign)
            and not self.func_stack
            and self._signal_definition([node.target], node.value)
        ):
            return  # ``order_placed: Signal = Signal()``
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            if node.value is not None:
                self._expr(node.value, guards)
            self._store_target(node.target, guards)
        elif isinstance(node, ast.Return):
            if node.value is not None:
                if self.func_stack:
                    self.func_stack[-1].returns_value = True
                    self._escape(node.value)
                self._expr(node.value, guards)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self._expr(child, guards)

    def _conditional(self, body: list[ast.stmt], guards: _Guards) -> None:
        if not self.func_stack:
            self.conditional_depth += 1
            self._block(body, guards)
            self.conditional_depth -= 1
        else:
            self._block(body, guards)

    def _match(self, node: ast.AST, guards: _Guards) -> None:
        subject = node.subject  # type: ignore[attr-defined]
        self._expr(subject, guards)
        func = self.func_stack[-1] if self.func_stack else None
        name = _subject_name(subject, func.var_kw if func else None)
        inner = self._guard(guards, subject, self._var_kw())
        for case in node.cases:  # type: ignore[attr-defined]
            if func is not None and name and func.body_facts:
                for pattern in ast.walk(case.pattern):
                    value = getattr(pattern, "value", None)
                    if (
                        type(pattern).__name__ == "MatchValue"
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                    ):
                        func.compares.append(
                            F.Compare(name, value.value, value.lineno, self._col(value))
                        )
            self._conditional(case.body, inner)

    def _assign(self, node: ast.Assign, guards: _Guards) -> None:
        value = node.value
        if not self.func_stack and self._signal_definition(node.targets, node.value):
            return
        usage = "other"
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and self.func_stack:
            usage = "assigned:" + node.targets[0].id
        self._expr(value, guards, usage=usage)
        if self.func_stack:
            self._escape(value)
            func = self.func_stack[-1]
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if _kwargs_key(value, func.var_kw) == node.targets[0].id:
                    func.params.add(
                        node.targets[0].id
                    )  # ``request = kwargs.get("request")``: the argument itself
            for target in node.targets:
                for name in _target_names(target):
                    kind = self._temporary_kind(value) if isinstance(target, ast.Name) else None
                    self.func_stack[-1].local_values[name] = kind
        for target in node.targets:
            self._store_target(target, guards)

    def _store_target(self, target: ast.AST, guards: _Guards) -> None:
        if isinstance(target, ast.Attribute):
            if self.func_stack and isinstance(target.value, ast.Name):
                self.func_stack[-1].attr_assigns.append(
                    (target.value.id, target.attr, target.lineno)
                )
            self._expr(target.value, guards)
        elif isinstance(target, ast.Subscript):
            self._expr(target.value, guards)
            self._expr(target.slice, guards)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._store_target(element, guards)

    def _escape(self, value: ast.AST) -> None:
        """Names whose object outlives the frame through a return or a store."""
        func = self.func_stack[-1]
        if isinstance(value, ast.Name):  # the common case, without a walk
            func.escaping.add(value.id)
            return
        stack = [value]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name):
                func.escaping.add(node.id)
            else:
                stack.extend(_subexpressions(node))

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

    # ---------------------------------------------------------------- classes
    def _class(self, node: ast.ClassDef, guards: _Guards) -> None:
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
        self.classes.append(
            F.ClassDef(qualname, node.lineno, self._col(node), bases, tuple(attributes))
        )
        scope = Scope("class", qualname)
        self.names.scopes.append(scope)
        self._bind_block(node.body, scope, f"{qualname}.")
        if self.func_stack:  # a class inside a function: its names are run-time objects
            for key in list(scope.bindings):
                if isinstance(scope.bindings[key], str) and scope.bindings[key].startswith(
                    self.module + "."
                ):
                    scope.bindings[key] = LOCAL
        self.class_stack.append((qualname, bases))
        self._block(node.body, guards if self.func_stack else NO_GUARDS)
        self.class_stack.pop()
        self.names.scopes.pop()

    def _prefix(self) -> str:
        if self.class_stack and self._directly_in_class():  # a class body, even inside a function
            return f"{self.class_stack[-1][0]}."
        if self.func_stack:
            return f"{self.func_stack[-1].qualname}.<locals>."
        return ""

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
            if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in first.elts):
                # ``Signal(["order"])``: providing_args by position (Django < 4.0); now it is ``use_caching``
                providing, positional = F.Span(first.lineno, self._col(first)), True
                names = tuple(e.value for e in first.elts)  # type: ignore[attr-defined]
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
            )
        )
        for arg in value.args:
            self._expr(arg, NO_GUARDS)
        return True

    # -------------------------------------------------------------- functions
    def _function(self, node, guards: _Guards) -> None:  # type: ignore[no-untyped-def]
        prefix = self._prefix()
        qualname = f"{prefix}{node.name}"
        params, var_kw = self._params(node.args)
        decorators = tuple(self._decorator_name(d) for d in node.decorator_list)
        class_name = (
            self.class_stack[-1][0] if self.class_stack and self._directly_in_class() else None
        )
        parent = self.func_stack[-1].qualname if self.func_stack else None
        context = self._function_context(node.name, class_name)
        func = _Func(qualname, node, var_kw, {p.name for p in params}, context)
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
        self._block(node.body, NO_GUARDS)
        self.conditional_depth = saved_depth
        self.func_stack.pop()
        self.names.scopes.pop()
        first_line = min([d.lineno for d in node.decorator_list] + [node.lineno])
        dropped = {name for name, _, _ in func.dropped_candidates if name not in func.names_read}
        for name, index, send in func.dropped_candidates:
            if name in dropped:
                self.sends[index] = _replace_usage(send, "dropped")
        if not self.detailed:
            return  # the cheap pass records no functions: the engine details a file when one is a receiver
        callees = tuple(
            dict.fromkeys(
                qualname or ".".join(parts)
                for parts, qualname, _, _ in func.call_sites
                if qualname or _own_call(parts)
            )
        )
        for (
            parts,
            _,
            keywords_passed,
            nargs,
        ) in (
            func.call_sites
        ):  # what direct calls pass, by callee name (SIG004: defaults they override)
            if parts:
                keywords, most = self.call_arguments.get(parts[-1], (frozenset(), 0))
                self.call_arguments[parts[-1]] = (
                    keywords | frozenset(keywords_passed),
                    max(most, nargs),
                )
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
                escaping_names=frozenset(func.escaping) if func.escaping else NOTHING,
                callees=callees,
            )
        )

    def _directly_in_class(self) -> bool:
        return bool(self.class_stack) and (
            not self.func_stack or self.names.scopes[-1].kind == "class"
        )

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

    def _var_kw(self) -> str | None:
        return self.func_stack[-1].var_kw if self.func_stack else None

    # ------------------------------------------------------------- receivers
    def _decorator(
        self, node: ast.AST, index: int, func_node: ast.AST, qualname: str, guards: _Guards
    ) -> None:
        if not isinstance(node, ast.Call):
            self._expr(node, guards)
            return
        if self.names.qualname(node.func) not in RECEIVER_DECORATORS:
            self._expr(node, guards)
            return
        signal_nodes: list[ast.AST] = []
        if node.args:
            first = node.args[0]
            signal_nodes = list(first.elts) if isinstance(first, (ast.List, ast.Tuple)) else [first]
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if (
            self.class_stack and self._directly_in_class()
        ):  # a class body, even of a class inside a function
            receiver = F.Receiver("method", None, qualname, getattr(func_node, "name", ""))
        elif self.func_stack:
            receiver = F.Receiver("nested-function", None, qualname, getattr(func_node, "name", ""))
        else:
            receiver = F.Receiver(
                "function", f"{self.module}.{qualname}", qualname, getattr(func_node, "name", "")
            )
        self._connection("decorator", signal_nodes, receiver, keywords, node, index)

    def _connect_call(self, node: ast.Call, method: str, guards: _Guards) -> None:
        """``sig.connect(receiver, sender=None, weak=True, dispatch_uid=None)`` and ``disconnect``."""
        target = node.func.value  # type: ignore[attr-defined]
        signal = self._signal_target(target)
        if signal is None:
            return
        names = ("receiver", "sender", "weak", "dispatch_uid")
        arguments: dict[str, ast.AST] = {}
        for position, arg in enumerate(node.args[: len(names)]):
            if isinstance(arg, ast.Starred):
                break
            arguments[names[position]] = arg
        for keyword in node.keywords:
            if keyword.arg in names:
                arguments[keyword.arg] = keyword.value
        receiver_node = arguments.get("receiver")
        receiver = (
            self._receiver(receiver_node) if receiver_node is not None else F.Receiver("none")
        )
        self._connection(method, [target], receiver, arguments, node, 0)

    def _signal_target(self, node: ast.AST) -> str | None:
        """The signal a connect/send/``@receiver`` names; ``self.saved`` in a method of a class
        whose body binds ``saved = post_save`` is that signal."""
        resolved = self.names.qualname(node)
        if resolved is not None:
            return resolved
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls")
            and self.func_stack
            and self.class_stack
        ):
            owner = self.func_stack[-1].qualname.rsplit(".", 1)[0]
            if f"{owner}.{node.attr}" in self.names.local_aliases:
                value = self.names.canonical(f"{self.module}.{owner}.{node.attr}")
                return value if isinstance(value, str) else None
        return None

    def _receiver(self, node: ast.AST) -> F.Receiver:
        text = dotted_text(node)
        if isinstance(node, ast.Lambda):
            return F.Receiver(
                "lambda",
                None,
                None,
                "lambda",
                line=node.lineno,
                column=self._col(node),
                accepts_kwargs=node.args.kwarg is not None,
            )
        if isinstance(node, ast.Constant) and node.value is None:
            return F.Receiver("none", None, None, "None")
        if isinstance(node, ast.Call):
            callee = self.names.qualname(node.func)
            if callee in PARTIALS:
                return F.Receiver("partial", callee, None, text)
            return F.Receiver("call", callee, self._local_name(callee), text)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
            return F.Receiver("temporary-method", None, None, text)
        resolved = self.names.resolve(node)
        if isinstance(resolved, NestedDef):
            return F.Receiver("nested-function", None, resolved.qualname, text)
        if isinstance(resolved, str):
            local = self._local_name(resolved)
            kind = "function" if local is not None else "name"
            return F.Receiver(kind, resolved, local, text)
        if isinstance(node, ast.Attribute):
            return F.Receiver("method", None, None, text)
        if isinstance(node, ast.Name):
            func = self.func_stack[-1] if self.func_stack else None
            value = func.local_values.get(node.id) if func is not None else None
            return F.Receiver("local", None, None, text, local_value=value)
        return F.Receiver("other", None, None, text)

    def _temporary_kind(self, node: ast.AST) -> str | None:
        """What ``_receiver`` calls an object nothing but this expression holds, or None."""
        if isinstance(node, ast.Lambda):
            return "lambda"
        if isinstance(node, ast.Call) and self.names.qualname(node.func) in PARTIALS:
            return "partial"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
            return "temporary-method"
        return None

    def _local_name(self, qualname: str | None) -> str | None:
        if qualname and qualname.startswith(self.module + "."):
            return qualname[len(self.module) + 1 :]
        return None

    def _sender(self, node: ast.AST | None, missing: str = "any") -> F.Sender:
        if node is None:
            return F.Sender(missing)
        line, column = getattr(node, "lineno", 0), self._col(node) if hasattr(node, "lineno") else 0
        if isinstance(node, ast.Constant):
            if node.value is None:
                return F.Sender("any", None, line, column)
            if isinstance(node.value, str):
                return F.Sender("string", node.value, line, column)
            return F.Sender("literal", repr(node.value), line, column)
        if isinstance(
            node, (ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Lambda, ast.BinOp)
        ):
            return F.Sender("literal", dotted_text(node), line, column)
        resolved = self.names.resolve(node)
        if isinstance(resolved, str):
            return F.Sender("name", resolved, line, column)
        return F.Sender("expr", dotted_text(node), line, column)

    def _connection(
        self,
        kind: str,
        signal_nodes: list[ast.AST],
        receiver: F.Receiver,
        arguments: dict[str, ast.AST],
        node: ast.Call,
        index: int,
    ) -> None:
        context, function = self._context()
        weak_node = arguments.get("weak")
        weak: bool | None = True
        if weak_node is not None:
            weak = bool(weak_node.value) if isinstance(weak_node, ast.Constant) else None
        uid_node = arguments.get("dispatch_uid")
        uid: str | None = None
        uid_falsy = False
        if uid_node is not None and not (
            isinstance(uid_node, ast.Constant) and uid_node.value is None
        ):
            if isinstance(uid_node, ast.Constant):
                uid = repr(uid_node.value)
                uid_falsy = not uid_node.value
            elif (isinstance(uid_node, (ast.Tuple, ast.List)) and not uid_node.elts) or (
                isinstance(uid_node, ast.Dict) and not uid_node.keys
            ):
                uid = ast.unparse(uid_node)
                uid_falsy = True  # an empty literal collection
            else:
                uid = "<expr>"
        signals = tuple(self._signal_target(s) for s in signal_nodes)
        self.connections.append(
            F.Connection(
                kind=kind,
                signals=signals,
                signal_text=tuple(dotted_text(s) for s in signal_nodes),
                receiver=receiver,
                sender=self._sender(arguments.get("sender")),
                weak=weak,
                dispatch_uid=uid,
                dispatch_uid_falsy=uid_falsy,
                line=node.lineno,
                column=self._col(node),
                context=context,
                function=function,
                decorator_index=index,
                in_test=self._in_test(),
            )
        )

    # ------------------------------------------------------------------ sends
    def _wrapped_send(self, node: ast.Call, wrapper: ast.Call, usage: str) -> None:
        """``await sync_to_async(sig.send)(sender=..., ...)`` (Django's own ASGI handler sends
        ``request_started`` so) and ``async_to_sync(sig.asend)(...)``: a send with the outer call's
        arguments, run in another thread (sync_to_async) or driven to completion (async_to_sync)."""
        name = (
            self.names.qualname(wrapper.func)
            if isinstance(wrapper.func, (ast.Name, ast.Attribute))
            else None
        )
        sent = wrapper.args[0] if wrapper.args else None
        if (
            name not in THREAD_BRIDGES
            or not isinstance(sent, ast.Attribute)
            or sent.attr not in SEND_METHODS
        ):
            return
        to_sync = THREAD_BRIDGES[name] == "to_sync"
        self._send_call(
            node, sent.attr, "await" if to_sync else usage, target=sent.value, in_thread=not to_sync
        )

    def _send_call(
        self,
        node: ast.Call,
        method: str,
        usage: str,
        target: ast.AST | None = None,
        in_thread: bool = False,
    ) -> None:
        """``in_thread``: the send runs in a worker thread (``sync_to_async``), not in the calling function."""
        if target is None:
            target = node.func.value  # type: ignore[attr-defined]
        signal = self._signal_target(target)
        if signal is None:
            return
        keywords = tuple(k.arg for k in node.keywords if k.arg)
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        sender_node: ast.AST | None = None
        for keyword in node.keywords:
            if keyword.arg == "sender":
                sender_node = keyword.value
        if sender_node is None and positional and node.args[0] is positional[0]:
            sender_node = positional[0]
        func = self.func_stack[-1] if self.func_stack else None
        if id(node) in self.awaited:
            usage = "await"
        context, function = self._context()
        send = F.Send(
            signal=signal,
            signal_text=dotted_text(target),
            method=method,
            keywords=keywords,
            npositional=len(positional),
            has_star_args=len(positional) != len(node.args),
            has_star_kwargs=any(k.arg is None for k in node.keywords),
            sender=self._sender(sender_node, missing="missing"),
            line=node.lineno,
            column=self._col(node),
            function=function,
            in_async=bool(func and func.is_async and not self.lambda_depth and not in_thread),
            usage=usage if usage in ("await", "statement") else "other",
            context=context,
        )
        if usage.startswith("assigned:") and func is not None:
            func.dropped_candidates.append((usage.split(":", 1)[1], len(self.sends), send))
        self.sends.append(send)

    # ------------------------------------------------------------ expressions
    def _expr(self, node: ast.AST, guards: _Guards, usage: str = "other") -> None:
        if not self.detailed:
            return
        func = self.func_stack[-1] if self.func_stack else None
        if isinstance(node, ast.Call):
            self._call(node, guards, usage, func)
            return
        if isinstance(node, ast.Await):
            if isinstance(node.value, ast.Call):
                self.awaited.add(id(node.value))
            self._expr(node.value, guards)
            return
        if isinstance(node, ast.BoolOp):
            inner = guards
            for (
                value
            ) in node.values:  # ``a and b`` runs b where a was true; ``a or b`` where it was false
                self._expr(value, inner)
                inner = self._guard(
                    inner, value, self._var_kw(), positive=isinstance(node.op, ast.And)
                )
            return
        if isinstance(node, ast.IfExp):
            self._expr(node.test, guards)
            self._expr(node.body, self._guard(guards, node.test, self._var_kw()))
            self._expr(node.orelse, self._guard(guards, node.test, self._var_kw(), positive=False))
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = guards
            for generator in node.generators:
                self._expr(generator.iter, inner)
                for condition in generator.ifs:
                    self._expr(condition, inner)
                    inner = self._guard(inner, condition, self._var_kw())
            elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for element in elements:
                self._expr(element, inner)
            return
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            if func is not None:
                func.is_generator = True
                if node.value is not None:
                    self._escape(node.value)
            if node.value is not None:
                self._expr(node.value, guards)
            return
        if func is not None:
            if isinstance(node, ast.Name):
                func.names_read.add(node.id)
                return
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                base = node.value.id
                func.names_read.add(base)
                if base in func.params and func.body_facts:
                    func.attrs.append(
                        F.AttrUse(
                            node.lineno,
                            self._col(node),
                            guards.names,
                            guards.attrs,
                            guards.strings,
                            guards.known,
                            base=base,
                            attr=node.attr,
                        )
                    )
                return
            if isinstance(node, ast.Attribute):
                key = _kwargs_key(node.value, func.var_kw)
                if key:
                    func.names_read.add(key)
                    if func.body_facts:
                        func.attrs.append(
                            F.AttrUse(
                                node.lineno,
                                self._col(node),
                                guards.names,
                                guards.attrs,
                                guards.strings,
                                guards.known,
                                base=key,
                                attr=node.attr,
                            )
                        )
                    return
            if isinstance(node, ast.Subscript):
                key = _kwargs_key(node, func.var_kw)
                if key:
                    func.names_read.add(key)
            if isinstance(node, ast.Compare) and func.body_facts:
                self._compare(node, func)
            if isinstance(node, ast.Lambda):
                self.lambda_depth += (
                    1  # its body runs when something calls it, maybe in another thread
                )
                self._expr(node.body, guards)
                self.lambda_depth -= 1
                return
        for child in _subexpressions(node):
            self._expr(child, guards)

    def _call(self, node: ast.Call, guards: _Guards, usage: str, func: _Func | None) -> None:
        callee = node.func
        if isinstance(callee, ast.Attribute):
            method = callee.attr
            if method in ("connect", "disconnect"):
                self._connect_call(node, method, guards)
            elif method in SEND_METHODS:
                self._send_call(node, method, usage)
            elif method in BULK_WRITES:
                self._bulk_write(node, method)
        elif isinstance(callee, ast.Call):
            self._wrapped_send(node, callee, usage)
        qualname = (
            self.names.qualname(callee) if isinstance(callee, (ast.Name, ast.Attribute)) else None
        )
        if qualname in DYNAMIC_IMPORTS or qualname == AUTODISCOVER:
            self._dynamic_import(node, qualname)
        if func is None and qualname is not None and not self.lambda_depth and not self.script_only:
            self.module_calls.append(
                (qualname, node.lineno)
            )  # runs at import: the graph follows it
        if func is not None:
            key = _kwargs_key(node, func.var_kw)
            if key:
                func.names_read.add(key)
                return
            self._record_call(node, guards, func, qualname)
            if not (isinstance(callee, ast.Attribute) and callee.attr in ("connect", "disconnect")):
                for arg in list(node.args) + [k.value for k in node.keywords]:
                    if isinstance(arg, ast.Name):
                        func.escaping.add(arg.id)  # passed on: may be kept alive elsewhere
        self._expr(callee, guards)
        for arg in node.args:
            self._expr(arg, guards)
        for keyword in node.keywords:
            self._expr(keyword.value, guards)

    def _record_call(
        self, node: ast.Call, guards: _Guards, func: _Func, qualname: str | None
    ) -> None:
        parts = chain(node.func)
        if func.var_kw and isinstance(node.func, ast.Attribute):
            key = _kwargs_key(node.func.value, func.var_kw)
            if key:  # kwargs["instance"].save() reads like instance.save()
                parts = (key, node.func.attr)
        keywords = tuple(k.arg for k in node.keywords if k.arg)
        func.call_sites.append((parts, qualname, keywords, len(node.args)))
        if not func.body_facts:
            return
        update_fields: tuple[str, ...] = ()
        for keyword in node.keywords:
            if keyword.arg == "update_fields" and isinstance(
                keyword.value, (ast.List, ast.Tuple, ast.Set)
            ):
                update_fields = tuple(
                    e.value
                    for e in keyword.value.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                )
        func.calls.append(
            F.CallUse(
                node.lineno,
                self._col(node.func.value if isinstance(node.func, ast.Attribute) else node),
                guards.names,
                guards.attrs,
                guards.strings,
                guards.known,
                chain=parts,
                qualname=qualname,
                keywords=keywords,
                update_fields=update_fields,
                nargs=len(node.args),
            )
        )

    def _compare(self, node: ast.Compare, func: _Func) -> None:
        operands = [node.left] + list(node.comparators)
        for index, op in enumerate(node.ops):
            if not isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)):
                continue
            left, right = operands[index], operands[index + 1]
            membership = isinstance(op, (ast.In, ast.NotIn))
            for subject_node, other in ((left, right), (right, left)):
                subject = _subject_name(subject_node, func.var_kw)
                if not subject:
                    continue
                if membership and subject_node is right:  # ``"add" in action``: a substring test
                    if isinstance(other, ast.Constant) and isinstance(other.value, str):
                        func.compares.append(
                            F.Compare(
                                subject, other.value, other.lineno, self._col(other), "contains"
                            )
                        )
                    continue
                if membership and isinstance(
                    other, ast.Constant
                ):  # ``action in "pre_add post_add"``
                    if isinstance(other.value, str):
                        func.compares.append(
                            F.Compare(subject, other.value, other.lineno, self._col(other), "in")
                        )
                    continue
                values = (
                    other.elts if isinstance(other, (ast.Tuple, ast.List, ast.Set)) else [other]
                )
                for value in values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        func.compares.append(
                            F.Compare(subject, value.value, value.lineno, self._col(value))
                        )

    def _bulk_write(self, node: ast.Call, method: str) -> None:
        """``Order.objects.filter(...).update(...)``: a write that sends no save signals (SIG107)."""
        parts = chain(node.func)
        if len(parts) < 3 or parts[0] in ("self", "cls"):
            return  # ``d.update(x)`` is a dict; the model must be named
        self.bulk_writes.append(
            (self.names.qualname(ast.Name(id=parts[0])), method, node.lineno, self._col(node))
        )

    def _cheap_bulk_writes(self) -> None:
        """Bulk writes in a file the prefilter passed over: walk only the statements on their lines."""
        lines = set(_lines_of(self.source, _BULK_WRITE_TEXT))
        stack: list[ast.AST] = list(self.tree.body)
        while stack:
            stmt = stack.pop()
            first, last = stmt.lineno, getattr(stmt, "end_lineno", None) or stmt.lineno  # type: ignore[attr-defined]
            if not any(first <= line <= last for line in lines):
                continue
            children = [
                c
                for f in ("body", "orelse", "finalbody", "handlers", "cases")
                for c in getattr(stmt, f, None) or ()
            ]
            if children and isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.extend(children)  # the write is in the body, not the signature
                continue
            for node in ast.walk(stmt) if not children else _own_expressions(stmt):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in BULK_WRITES
                ):
                    self._bulk_write(node, node.func.attr)
            stack.extend(children)

    def _dynamic_import(self, node: ast.Call, qualname: str | None) -> None:
        context, function = self._context()
        for arg in node.args[:1] if qualname != AUTODISCOVER else node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                module = arg.value if qualname != AUTODISCOVER else f"*.{arg.value}"
                self.imports.append(F.Import(module, (), node.lineno, context, function, True))


_IMPORT_TEXT = re.compile(rb"\bimport\b")
GRAPH_SETTINGS = ("INSTALLED_APPS", "ROOT_URLCONF")
_BULK_WRITE_TEXT = re.compile(rb"\.(?:update|bulk_create|bulk_update)\s*\(")


# Fields that hold no expression (``ctx=Load()``, ``op=Add()``, ``ops=[Eq()]``): not walked.
_NOT_EXPRESSIONS = frozenset(
    {"ctx", "op", "ops", "type_comment", "is_async", "conversion", "level", "kind"}
)
_EXPRESSION_FIELDS: dict[type, tuple[str, ...]] = {}


def _subexpressions(node: ast.AST) -> list[ast.AST]:
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


def _lines_of(source: bytes, pattern: re.Pattern[bytes]) -> list[int]:
    """The 1-based line of each match, counting newlines once (not from the top per match)."""
    lines: list[int] = []
    line, counted = 1, 0
    for match in pattern.finditer(source):
        line += source.count(b"\n", counted, match.start())
        counted = match.start()
        lines.append(line)
    return lines


def _own_expressions(stmt: ast.AST):  # type: ignore[no-untyped-def]
    """Every node of a compound statement's header (``if``/``for``/``with`` tests), not its bodies."""
    for name, value in ast.iter_fields(stmt):
        if name in ("body", "orelse", "finalbody", "handlers", "cases"):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                yield from ast.walk(item)


def _settings(tree: ast.Module, source: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The module-level string settings the graph reads (what the project installs and routes),
    and ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)`` anywhere (``manage.py``'s ``main()``)."""
    found: list[tuple[str, tuple[str, ...]]] = []
    wanted = {name for name in GRAPH_SETTINGS if name.encode() in source}
    for node in _scope_statements(tree.body) if wanted else ():
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            strings = _strings(node.value) if node.value is not None else None
            for target in targets:
                if isinstance(target, ast.Name) and target.id in wanted and strings is not None:
                    found.append((target.id, strings))
    if b"DJANGO_SETTINGS_MODULE" in source:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "setdefault"
                and len(node.args) == 2
            ):
                key, value = _strings(node.args[0]), _strings(node.args[1])
                if key == ("DJANGO_SETTINGS_MODULE",) and value:
                    found.append(("DJANGO_SETTINGS_MODULE", value))
    return tuple(found)


def _strings(node: ast.AST) -> tuple[str, ...] | None:
    """A string, or a list/tuple of strings, or a sum of those; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
        return tuple(values) if len(values) == len(node.elts) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _strings(node.left), _strings(node.right)
        return left + right if left is not None and right is not None else left or right
    return None


def _own_call(parts: tuple[str, ...]) -> bool:
    """An unresolved call the graph may still follow: ``self.x()``, ``cls.x()``, a nested ``x()``."""
    return (len(parts) == 1 and parts[0] != "()") or (
        len(parts) == 2 and parts[0] in ("self", "cls")
    )


def _is_main_test(test: ast.AST) -> bool:
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


def _replace_usage(send: F.Send, usage: str) -> F.Send:
    return replace(send, usage=usage)


def _subject_name(node: ast.AST, var_kw: str | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return _kwargs_key(node, var_kw)


def _terminates(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], TERMINATORS)


def _catches_attribute_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id in ATTRIBUTE_GUARD_EXCEPTIONS for n in names)


def _target_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _scope_statements(body: list[ast.stmt]):  # type: ignore[no-untyped-def]
    """Statements (and binding expressions) that bind names in this scope, not nested scopes."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, field, None)
            if isinstance(children, list):
                stack.extend(reversed(children))
