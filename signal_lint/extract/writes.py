"""Where the project writes a model's instances: saves, creates, deletes, admin registrations.

SIG108 asks whether the project ever writes a proxy or multi-table subclass:
a receiver restricted to the parent misses those writes, but only if they
happen. A write is a call on the model class itself (``RushOrder.objects.create()``,
``RushOrder.objects.get(pk=1).delete()``, ``GiftOrder(note=n).save()``), a
``save()``/``delete()`` on a local bound to one (``order = GiftOrder(); order.save()``),
or an admin registration (``@admin.register(RushOrder)``, ``admin.site.register(...)``:
the admin saves and deletes them). Forms and serializers are read by the graph from
their ``Meta.model`` (``FileFacts.aliases``).

Every file gets this scan, signal words or not (writes live in services and views),
but only the statements on lines that hold one of the words below are walked.
https://docs.djangoproject.com/en/stable/topics/db/models/#proxy-models
"""

from __future__ import annotations

import ast
from bisect import bisect_left

from signal_lint.extract.names import chain
from signal_lint.extract.state import WalkState
from signal_lint.extract.syntax import literal_lines, subexpressions

# Methods that write the model they are called on (QuerySet.delete() sends delete signals too).
WRITE_METHODS = frozenset({"save", "create", "get_or_create", "update_or_create", "delete"})
# What a local bound by ``x = Model.objects.<getter>(...)`` (or ``Model(...)``) holds: an instance.
INSTANCE_GETTERS = frozenset(
    {"get", "create", "first", "last", "latest", "earliest", "get_or_create", "update_or_create"}
)
ADMIN_REGISTER = frozenset(
    {
        "django.contrib.admin.register",
        "django.contrib.admin.decorators.register",
        "django.contrib.admin.site.register",
        "django.contrib.admin.sites.site.register",
    }
)
_WORDS = (b".save(", b".create(", b"_or_create(", b".delete(", b"register(")
# where a write may be: a call of a write method, or an admin registration
_WRITE_TEXT = (
    b".save(",
    b".create(",
    b".get_or_create(",
    b".update_or_create(",
    b".delete(",
    b"register(",
)


class Writes(WalkState):
    """Records ``FileFacts.model_writes``: (model name as resolved, method, line, column)."""

    def _model_writes(self) -> tuple[tuple[str, str, int, int], ...]:
        if not _mentions_writes(self.source):
            return ()
        ordered = literal_lines(self.source, _WRITE_TEXT)
        lines = set(ordered)
        found: list[tuple[str, str, int, int]] = []
        # (statement, the function it is in): a function's locals are read only when a write needs them
        stack: list[tuple[ast.AST, _Locals]] = [(stmt, _Locals(None)) for stmt in self.tree.body]
        while stack:
            stmt, instances = stack.pop()
            if not _holds(stmt, ordered):
                continue  # no write on its lines
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                function = _Locals(stmt)
                stack.extend((child, function) for child in stmt.body)
                continue
            if isinstance(stmt, ast.ClassDef):
                for decorator in stmt.decorator_list:
                    self._admin_registration(decorator, found)
                stack.extend((child, instances) for child in stmt.body)
                continue
            nodes: list[ast.AST] = [stmt]
            while nodes:  # the statement's nodes on a write's lines, not the whole tree
                node = nodes.pop()
                if isinstance(node, ast.Call) and node.lineno in lines:
                    self._write_call(node, instances, found)
                nodes.extend(c for c in subexpressions(node) if _holds(c, ordered))
        return tuple(sorted(set(found), key=lambda write: (write[2], write[3], write[1])))

    def _instances(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
        """Locals of ``function`` bound to an instance of a named class: ``order = GiftOrder()``,
        ``order = GiftOrder.objects.get(...)`` (the last binding wins; anything else unbinds)."""
        bound: dict[str, str] = {}
        statements: list[ast.AST] = list(reversed(function.body))
        while statements:  # statements only, in order: assignments are never inside expressions
            node = statements.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    model = self._instance_of(node.value)
                    if model is None:
                        bound.pop(target.id, None)
                    else:
                        bound[target.id] = model
                continue
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                children = getattr(node, field, None)
                if isinstance(children, list):
                    statements.extend(reversed(children))
        return bound

    def _instance_of(self, value: ast.AST) -> str | None:
        if not isinstance(value, ast.Call):
            return None
        parts = chain(value.func)
        if not parts or parts[0] in ("self", "cls") or "()" in parts:
            return None
        if len(parts) == 1 or (
            len(parts) == 3
            and parts[1] in ("objects", "_default_manager")
            and parts[2] in INSTANCE_GETTERS
        ):
            return self.names.qualname(ast.Name(id=parts[0]))
        return None

    def _write_call(
        self, node: ast.Call, locals_: _Locals, found: list[tuple[str, str, int, int]]
    ) -> None:
        if self._admin_registration(node, found):
            return
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in WRITE_METHODS:
            return
        parts = chain(func)
        if len(parts) < 2 or parts[0] in ("self", "cls"):
            return
        instances = locals_.read(self) if parts[0] not in self.names.module_scope.bindings else {}
        if len(parts) == 2 and parts[0] in instances and func.attr in ("save", "delete"):
            model: str | None = instances[parts[0]]  # ``order.save()``
        elif parts[0] in instances:
            return
        elif parts[1] == "()" and len(parts) == 3 and func.attr in ("save", "delete"):
            model = self.names.qualname(ast.Name(id=parts[0]))  # ``GiftOrder(...).save()``
        elif parts[1] in ("objects", "_default_manager") and func.attr != "save":
            model = self.names.qualname(ast.Name(id=parts[0]))  # ``RushOrder.objects.create()``
        else:
            return
        if model is not None:
            found.append((model, func.attr, node.lineno, self._col(node)))

    def _admin_registration(self, node: ast.AST, found: list[tuple[str, str, int, int]]) -> bool:
        """``@admin.register(Model, ...)`` or ``admin.site.register(Model, ...)``."""
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Name, ast.Attribute)):
            return False
        if self.names.qualname(node.func) not in ADMIN_REGISTER:
            return False
        models = node.args[:1] if "site" in chain(node.func) else node.args
        for argument in models:
            elements = argument.elts if isinstance(argument, (ast.List, ast.Tuple)) else [argument]
            for element in elements:
                name = self.names.qualname(element) if isinstance(element, ast.Name) else None
                if name is not None:
                    found.append((name, "admin", node.lineno, self._col(node)))
        return True


def _mentions_writes(source: bytes) -> bool:
    for word in _WORDS:  # a loop: ``any()`` over a generator costs more than the searches
        if word in source:
            return True
    return False


def _holds(node: ast.AST, ordered: list[int]) -> bool:
    """Whether one of the sorted ``ordered`` lines falls within ``node`` (decorators included)."""
    first = getattr(node, "lineno", None)
    if first is None:
        return True  # no position (an operator, a context): look inside
    for decorator in getattr(node, "decorator_list", None) or ():
        first = min(first, decorator.lineno)
    last = getattr(node, "end_lineno", None) or first
    index = bisect_left(ordered, first)
    return index < len(ordered) and ordered[index] <= last


class _Locals:
    """A function's locals bound to instances (``Writes._instances``), read once, when needed."""

    __slots__ = ("bound", "function")

    def __init__(self, function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> None:
        self.function = function
        self.bound: dict[str, str] | None = None

    def read(self, writes: Writes) -> dict[str, str]:
        if self.bound is None:
            self.bound = writes._instances(self.function) if self.function is not None else {}
        return self.bound
