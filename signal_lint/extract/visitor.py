"""One walk over a module's syntax tree that records its signal facts.

The walk has two depths.  Every file gets the cheap one: imports (with where
they run), classes, function signatures and module-level aliases, which the
project graph needs from all files.  Files the byte prefilter selects also
get the detailed one: connections, sends, signal definitions and, per
function, the body facts the receiver rules read (calls, attribute reads and
comparisons, each with the conditions that guard it).

This module is the walk itself: statements and expressions, in one pass.
What it records is done by one mixin per concern, each in its own module:
``bindings`` (names and imports), ``definitions`` (classes, functions,
signals), ``connections`` (receivers), ``sends``, ``bodies`` (calls and
comparisons in receiver bodies, with their ``guards``).
"""

from __future__ import annotations

import ast
import sys
from bisect import bisect_left

from signal_lint.extract import facts as F
from signal_lint.extract.bindings import AUTODISCOVER, DYNAMIC_IMPORTS, module_exports
from signal_lint.extract.bodies import Bodies
from signal_lint.extract.definitions import Definitions
from signal_lint.extract.guards import (
    NO_GUARDS,
    Guards,
    catches_attribute_error,
    kwargs_key,
    subject_name,
    terminates,
)
from signal_lint.extract.rows import (
    catches_does_not_exist,
    local_kind,
    saved_row_names,
    suppresses_does_not_exist,
)
from signal_lint.extract.sends import BULK_WRITES, SEND_METHODS, Sends
from signal_lint.extract.settings import module_settings
from signal_lint.extract.state import FunctionState
from signal_lint.extract.syntax import (
    is_main_test,
    is_type_checking,
    subexpressions,
    target_names,
)
from signal_lint.extract.writes import Writes

# ``try``, and ``try``/``except*`` from Python 3.11 on.
if sys.version_info >= (3, 11):
    TRY_STATEMENTS: tuple[type[ast.Try | ast.TryStar], ...] = (ast.Try, ast.TryStar)
else:
    TRY_STATEMENTS = (ast.Try,)


class FactsVisitor(Definitions, Sends, Bodies, Writes):
    """Walks one module; ``facts()`` returns its ``FileFacts``."""

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
            model_refs=tuple(sorted(self.model_refs.items())),
            instances=tuple(sorted(self.instances.items())),
            factory_calls=tuple(self.factory_calls),
            bulk_writes=tuple(sorted(self.bulk_writes, key=lambda write: (write[2], write[3]))),
            row_updates=tuple(sorted(self.row_updates)),
            model_writes=self._model_writes(),
            settings=module_settings(self.tree, self.source),
            call_arguments=tuple(
                sorted(
                    (name, tuple(sorted(kw)), most)
                    for name, (kw, most) in self.call_arguments.items()
                )
            ),
            module_calls=tuple(self.module_calls),
            exports=module_exports(self.tree, self.source),
            detailed=self.detailed,
        )

    def _import_time_callee(self, stmt: ast.stmt) -> ast.expr | None:
        """What a call statement that runs when the module is imported (module level or a class
        body) calls, by name: ``register(...)``, ``admin.site.register(...)``."""
        if (
            not self.func_stack
            and isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, (ast.Name, ast.Attribute))
        ):
            return stmt.value.func
        return None

    def _in_detailed_function(self) -> bool:
        """In a function of a detailed file: receivers keep their calls' guards, helpers (which a
        save receiver may call, see ``orm_calls``) which reads a ``DoesNotExist`` handler covers."""
        return self.detailed and bool(self.func_stack)

    def _receiver_body(self) -> bool:
        return self.detailed and bool(self.func_stack) and self.func_stack[-1].body_facts

    def _row_found(
        self, node: ast.Try | ast.With | ast.AsyncWith, every_handler_leaves: bool = False
    ) -> frozenset[tuple[str, ...]]:
        """What a ``try``/``with suppress(...)`` that reads the saved row into locals makes known
        where the read succeeded: those locals are truthy.  ``every_handler_leaves``: for the code
        after the ``try``, which runs on success only when every ``DoesNotExist`` handler leaves."""
        if not self._receiver_body():
            return frozenset()
        kinds = self.func_stack[-1].local_kinds
        names = saved_row_names(node.body, kinds)
        if not names:
            return frozenset()
        if every_handler_leaves:
            handlers = [h for h in getattr(node, "handlers", ()) if catches_does_not_exist(h)]
            if not handlers or not all(terminates(h.body) for h in handlers):
                return frozenset()
        return frozenset(("truthy", name) for name in names)

    def _holds_import(self, stmt: ast.stmt) -> bool:
        lines = self.import_lines or []
        index = bisect_left(lines, stmt.lineno)
        return index < len(lines) and lines[index] <= (
            getattr(stmt, "end_lineno", None) or stmt.lineno
        )

    def _skipped(self, stmt: ast.stmt) -> bool:
        """The cheap pass wants classes, imports and import-time calls only: it skips the rest."""
        return (
            self.import_lines is not None
            and not isinstance(stmt, ast.ClassDef)
            and not self._holds_import(stmt)
            and self._import_time_callee(stmt) is None
        )

    # -------------------------------------------------------------- statements
    def _block(self, body: list[ast.stmt], guards: Guards) -> None:
        depth = len(self.conditions)
        self._statements(body, guards)
        del self.conditions[depth:]  # early returns govern the rest of their block only

    def _statements(self, body: list[ast.stmt], guards: Guards) -> None:
        for stmt in body:
            if self._skipped(stmt):
                continue
            self._stmt(stmt, guards)
            if isinstance(stmt, ast.If) and terminates(stmt.body) and not stmt.orelse:
                # an early return guards what follows
                guards = self._guard(guards, stmt.test, self._var_kw(), positive=False)
                if self.detailed:
                    self.conditions.append((stmt.test, True))
            elif isinstance(stmt, ast.Assert):
                guards = self._guard(guards, stmt.test, self._var_kw())
            elif isinstance(stmt, TRY_STATEMENTS):
                # ``try: old = sender.objects.get(pk=instance.pk) except DoesNotExist: return``:
                # what follows runs only when the saved row already existed
                guards = guards.with_known(self._row_found(stmt, every_handler_leaves=True))

    def _stmt(self, node: ast.stmt, guards: Guards) -> None:
        if self.detailed:  # the commonest statements, here only, before the chain of tests below
            kind = type(node)
            if kind is ast.Expr:
                self._expr(node.value, guards, usage="statement")  # type: ignore[attr-defined]
                return
            if kind is ast.Assign:
                self._assign(node, guards)  # type: ignore[arg-type]
                return
            if kind is ast.Return:
                self._return(node, guards)  # type: ignore[arg-type]
                return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(node, guards)
        elif isinstance(node, ast.ClassDef):
            self._class(node, guards)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node)
        elif isinstance(node, ast.If) and is_type_checking(node.test):
            # ``if TYPE_CHECKING:`` never runs: its imports load nothing and its classes (a model
            # subclass written for the type checker) do not exist; the ``else`` always runs
            self._block(node.orelse, guards)
        elif isinstance(node, ast.If) and not self.func_stack and is_main_test(node.test):
            self.script_only += 1
            self._conditional(node.body, guards)
            self.script_only -= 1
            self._conditional(node.orelse, guards)
        elif isinstance(node, ast.If):
            self._expr(node.test, guards)
            self.conditions.append((node.test, False))  # text made only if a connection needs it
            self._conditional(node.body, self._guard(guards, node.test, self._var_kw()))
            self.conditions[-1] = (node.test, True)
            self._conditional(
                node.orelse, self._guard(guards, node.test, self._var_kw(), positive=False)
            )
            self.conditions.pop()
        elif isinstance(node, (ast.While,)):
            self._expr(node.test, guards)
            inner = self._guard(guards, node.test, self._var_kw())
            self._conditional(node.body, inner)
            self._conditional(node.orelse, guards)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._expr(node.iter, guards)
            looped = _literal_loop(node)
            saved = self.loop_signals.get(looped[0]) if looped else None
            if looped:
                self.loop_signals[looped[0]] = looped[1]
            self._conditional(node.body, guards)
            if looped:
                if saved is None:
                    del self.loop_signals[looped[0]]
                else:
                    self.loop_signals[looped[0]] = saved
            self._conditional(node.orelse, guards)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self._expr(item.context_expr, guards)
            if self._in_detailed_function() and any(
                suppresses_does_not_exist(i) for i in node.items
            ):
                guards = guards.with_name("<dne>").with_known(self._row_found(node))
            self._block(node.body, guards)
        elif isinstance(node, TRY_STATEMENTS):
            catches = any(catches_attribute_error(h) for h in node.handlers)
            inner = guards.with_name("<try>") if catches else guards
            found = self._row_found(node)
            if self._in_detailed_function() and any(
                catches_does_not_exist(h) for h in node.handlers
            ):
                inner = inner.with_name("<dne>")  # a failed .get() in here is handled
            self._conditional(node.body, inner.with_known(found))
            for handler in node.handlers:
                self._conditional(handler.body, guards)
            self._conditional(node.orelse, guards.with_known(found))
            self._block(node.finalbody, guards)
        elif isinstance(node, ast.Match):
            self._match(node, guards)
        elif not self.detailed:
            # ``register()`` at the bottom of models.py: the graph follows it
            callee = self._import_time_callee(node)
            if callee is not None:
                qualname = self.names.qualname(callee)
                if qualname is not None and not self.script_only:
                    self.module_calls.append((qualname, node.lineno))
            return
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
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self._expr(child, guards)

    def _return(self, node: ast.Return, guards: Guards) -> None:
        if node.value is not None:
            if self.func_stack:
                self.func_stack[-1].returns_value = True
                self.func_stack[-1].returns.add(self._return_kind(node.value))
                self._escape(node.value)
            self._expr(node.value, guards)

    def _conditional(self, body: list[ast.stmt], guards: Guards) -> None:
        if not self.func_stack:
            self.conditional_depth += 1
            self._block(body, guards)
            self.conditional_depth -= 1
        else:
            self._block(body, guards)

    def _match(self, node: ast.Match, guards: Guards) -> None:
        subject = node.subject
        self._expr(subject, guards)
        func = self.func_stack[-1] if self.func_stack else None
        name = subject_name(subject, func.var_kw if func else None)
        inner = self._guard(guards, subject, self._var_kw())
        for case in node.cases:
            if func is not None and name and func.body_facts:
                self._case_compares(case, name, func)
            self._conditional(case.body, inner)

    def _assign(self, node: ast.Assign, guards: Guards) -> None:
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
                if kwargs_key(value, func.var_kw) == node.targets[0].id:
                    # ``request = kwargs.get("request")``: the argument itself
                    func.params.add(node.targets[0].id)
            for target in node.targets:
                for name in target_names(target):
                    kind = self._temporary_kind(value) if isinstance(target, ast.Name) else None
                    func.local_values[name] = kind
                    if (
                        kind is None
                        and isinstance(value, ast.Call)
                        and isinstance(target, ast.Name)
                    ):
                        func.local_calls[name] = value
                    else:
                        func.local_calls.pop(name, None)
                    reference = self._model_reference(value) if kind is None else None
                    if reference is not None and isinstance(target, ast.Name):
                        func.local_models[name] = reference
                    else:
                        func.local_models.pop(name, None)
            if func.body_facts and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                held = local_kind(value, func.local_kinds, func.var_kw)
                if held:
                    func.local_kinds[node.targets[0].id] = held
                else:
                    func.local_kinds.pop(node.targets[0].id, None)
        for target in node.targets:
            self._store_target(target, guards)

    def _store_target(self, target: ast.AST, guards: Guards) -> None:
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

    # ------------------------------------------------------------ expressions
    def _expr(self, node: ast.AST, guards: Guards, usage: str = "other") -> None:
        if not self.detailed:
            return
        func = self.func_stack[-1] if self.func_stack else None
        kind = type(node)
        if kind is ast.Constant:  # most nodes are names and constants: no chain of tests for them
            return
        if kind is ast.Name:
            if func is not None:
                func.names_read.add(node.id)  # type: ignore[attr-defined]
            return
        if kind is ast.Attribute:  # the next most common: before the chain of tests below
            self._attribute(node, guards, func)  # type: ignore[arg-type]
            return
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
            # ``a and b`` runs b where a was true; ``a or b`` where it was false
            for value in node.values:
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
            if isinstance(node, ast.Subscript):
                key = kwargs_key(node, func.var_kw)
                if key:
                    func.names_read.add(key)
            if isinstance(node, ast.Compare) and func.body_facts:
                self._compare(node, func)
            if isinstance(node, ast.Lambda):
                # its body runs when something calls it, maybe in another thread
                self.lambda_depth += 1
                self._expr(node.body, guards)
                self.lambda_depth -= 1
                return
        for child in subexpressions(node):
            self._expr(child, guards)

    def _attribute(self, node: ast.Attribute, guards: Guards, func: FunctionState | None) -> None:
        """``instance.pk``: in a function, an argument's attribute read (``kwargs["instance"].pk``
        too); anywhere, what it is read from is walked."""
        if func is not None:
            value = node.value
            if isinstance(value, ast.Name):
                base = value.id
                func.names_read.add(base)
                if base in func.params and func.body_facts:
                    self._attr_use(node, base, guards, func)
                return
            key = kwargs_key(value, func.var_kw)
            if key:
                func.names_read.add(key)
                if func.body_facts:
                    self._attr_use(node, key, guards, func)
                return
        self._expr(node.value, guards)

    def _call(self, node: ast.Call, guards: Guards, usage: str, func: FunctionState | None) -> None:
        callee = node.func
        if isinstance(callee, ast.Attribute):
            method = callee.attr
            if method in ("connect", "disconnect"):
                self._connect_call(node, callee.value, method)
            elif method in SEND_METHODS:
                self._send_call(node, callee.value, method, usage)
            elif method in BULK_WRITES:
                self._bulk_write(node, method)
        elif isinstance(callee, ast.Call):
            self._wrapped_send(node, callee, usage)
        qualname = (
            self.names.qualname(callee) if isinstance(callee, (ast.Name, ast.Attribute)) else None
        )
        if node.args and qualname is not None and id(node) not in self.factory_decorators:
            self._factory_call(node)  # ``connect_all(request_started, handler)``
        if (
            qualname in DYNAMIC_IMPORTS
            or qualname == AUTODISCOVER
            or (isinstance(callee, ast.Name) and callee.id == "__import__" and qualname is None)
        ):
            self._dynamic_import(node, qualname)
        if func is None and qualname is not None and not self.lambda_depth and not self.script_only:
            self.module_calls.append(
                (qualname, node.lineno)
            )  # runs at import: the graph follows it
        if func is not None:
            key = kwargs_key(node, func.var_kw)
            if key:
                func.names_read.add(key)
                return
            self._record_call(node, guards, func, qualname)
            if not (isinstance(callee, ast.Attribute) and callee.attr in ("connect", "disconnect")):
                for arg in node.args:
                    if isinstance(arg, ast.Name):
                        func.escaping.add(arg.id)  # passed on: may be kept alive elsewhere
                for keyword in node.keywords:
                    if isinstance(keyword.value, ast.Name):
                        func.escaping.add(keyword.value.id)
        self._expr(callee, guards)
        for arg in node.args:
            self._expr(arg, guards)
        for keyword in node.keywords:
            self._expr(keyword.value, guards)


def _literal_loop(node: ast.For | ast.AsyncFor) -> tuple[str, list[ast.expr]] | None:
    """``for sig in (a, b):``: the loop variable and the elements of the literal it runs over."""
    elements = node.iter.elts if isinstance(node.iter, (ast.List, ast.Tuple)) else None
    if (
        not isinstance(node.target, ast.Name)
        or not elements
        or any(isinstance(element, ast.Starred) for element in elements)
    ):
        return None
    return node.target.id, list(elements)
