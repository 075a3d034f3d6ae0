"""What the one-pass walk knows at each point, shared by all its concerns.

``FactsVisitor`` (``visitor.py``) is composed of one mixin per concern
(``bindings``, ``definitions``, ``connections``, ``sends``, ``bodies``); each
derives from ``WalkState``, which holds the facts gathered so far, the
scope/class/function stacks, and the position and name helpers they all use.
"""

from __future__ import annotations

import ast

from signal_lint.extract import facts as F
from signal_lint.extract.guards import Guards
from signal_lint.extract.names import Resolver, dotted_text
from signal_lint.extract.syntax import source_text, word_lines

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
# Calls that return a model class the call itself names (see ``WalkState._model_reference``).
USER_MODEL_GETTERS = frozenset({"django.contrib.auth.get_user_model"})
REGISTRY_GET_MODEL = frozenset(
    {"django.apps.apps.get_model", "django.apps.registry.apps.get_model"}
)
# One shared empty set: each frozenset() is a new 216-byte object.
NOTHING: frozenset[str] = frozenset()


class FunctionState:
    """Accumulates one function's facts while its body is walked."""

    def __init__(
        self,
        qualname: str,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        var_kw: str | None,
        params: set[str],
        context: str,
    ) -> None:
        self.qualname = qualname
        # Only receiver-like functions keep their body facts (calls with guards, attribute
        # uses, comparisons); the rest keep their call sites (callees, arguments passed).
        self.body_facts = bool(var_kw or "sender" in params or node.decorator_list)
        # (chain, qualname, keywords, nargs) of each call
        self.call_sites: list[tuple[tuple[str, ...], str | None, tuple[str, ...], int]] = []
        # indexes in ``call_sites`` of reads a ``DoesNotExist`` handler covers (not in orm_calls)
        self.handled_reads: set[int] = set()
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
        # local name -> "lambda"/"partial"/... it was last bound to
        self.local_values: dict[str, str | None] = {}
        # local name -> the call it was last bound to (``audit = Audit()``), resolved only when
        # the name is connected as a receiver (Receiver.local_value ``call:<callee>``)
        self.local_calls: dict[str, ast.Call] = {}
        # local name -> the model it was bound to (``User = get_user_model()``; see model_refs)
        self.local_models: dict[str, str] = {}
        self.returns: set[str] = set()  # Function.returns
        # local name -> what it holds for SIG013 (``rows.local_kind``)
        self.local_kinds: dict[str, str] = {}


class WalkState:
    """The walk's state and the helpers every concern reads it through."""

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
        # an ASCII file's byte columns are its character columns: no line list to make
        self.lines: list[bytes] | None = None if source.isascii() else source.split(b"\n")
        self.names = Resolver(module)
        self.imports: list[F.Import] = []
        self.classes: list[F.ClassDef] = []
        self.functions: list[F.Function] = []
        self.signal_defs: list[F.SignalDef] = []
        self.connections: list[F.Connection] = []
        self.sends: list[F.Send] = []
        self.bulk_writes: list[tuple[str | None, str, int, int]] = []
        self.row_updates: list[tuple[int, int]] = []  # FileFacts.row_updates
        # module- or class-level name -> the model a call bound it to (``FileFacts.model_refs``)
        self.model_refs: dict[str, str] = {}
        self.instances: dict[str, str] = {}  # FileFacts.instances
        self.factory_calls: list[F.FactoryCall] = []
        self.factory_decorators: set[int] = set()  # decorator calls already recorded as such
        self.module_calls: list[tuple[str, int]] = []
        # What direct calls pass, by callee name: keywords, most positional arguments.
        self.call_arguments: dict[str, tuple[set[str], int]] = {}
        # Inside ``if __name__ == "__main__":`` (runs as a script, not on import).
        self.script_only = 0
        self.class_stack: list[
            tuple[str, tuple[str | None, ...]]
        ] = []  # (qualname, resolved bases)
        self.func_stack: list[FunctionState] = []
        # source text of the ``if`` tests governing the code being walked (Connection.condition)
        self.conditions: list[tuple[ast.expr, bool]] = []  # (test, negated)
        self.conditional_depth = 0  # module-level ``if``/``try``/loop bodies around the code
        self.awaited: set[int] = set()  # id() of each awaited call
        self.lambda_depth = 0
        # ``for sig in (password_set, password_changed): sig.connect(r)``: the loop variable ->
        # the signals of the literal list or tuple it runs over (innermost loop wins)
        self.loop_signals: dict[str, list[ast.expr]] = {}
        # The cheap pass visits only statements on these lines (and class bodies).
        self.import_lines: list[int] | None = None
        if not detailed:
            self.import_lines = word_lines(source, b"import")

    # --------------------------------------------------------------- positions
    def _col(self, node: ast.AST) -> int:
        """ast columns count UTF-8 bytes; report characters like every editor."""
        line: int = node.lineno  # type: ignore[attr-defined]
        col: int = node.col_offset  # type: ignore[attr-defined]
        if self.lines is not None and 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text[:col].decode("utf-8", "replace"))
        return col

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
        )

    def _guard(
        self, guards: Guards, test: ast.AST, var_kw: str | None, positive: bool = True
    ) -> Guards:
        """Guards are read only from receiver-like function bodies of detailed files: skip the walk elsewhere."""
        if not self.detailed or not self.func_stack or not self.func_stack[-1].body_facts:
            return guards
        return guards.plus(test, var_kw, positive)

    def _prefix(self) -> str:
        if self.class_stack and self._directly_in_class():  # a class body, even inside a function
            return f"{self.class_stack[-1][0]}."
        if self.func_stack:
            return f"{self.func_stack[-1].qualname}.<locals>."
        return ""

    def _directly_in_class(self) -> bool:
        return bool(self.class_stack) and (
            not self.func_stack or self.names.scopes[-1].kind == "class"
        )

    def _var_kw(self) -> str | None:
        return self.func_stack[-1].var_kw if self.func_stack else None

    def _local_name(self, qualname: str | None) -> str | None:
        if qualname and qualname.startswith(self.module + "."):
            return qualname[len(self.module) + 1 :]
        return None

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

    def _sender(self, node: ast.AST | None, missing: str = "any") -> F.Sender:
        if node is None:
            return F.Sender(missing)
        line, column = getattr(node, "lineno", 0), self._col(node) if hasattr(node, "lineno") else 0
        if isinstance(node, ast.Constant):
            if node.value is None:
                return F.Sender("any", None, line, column)
            if isinstance(node.value, str):
                return F.Sender("string", node.value, line, column, source_text(node))
            return F.Sender("literal", repr(node.value), line, column, source_text(node))
        text = source_text(node)
        if isinstance(
            node, (ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Lambda, ast.BinOp)
        ):
            return F.Sender("literal", dotted_text(node), line, column, text)
        reference = self._model_reference(node)
        if reference is None and isinstance(node, ast.Name) and self.func_stack:
            reference = self.func_stack[-1].local_models.get(node.id)
        if reference is not None:
            return F.Sender("model", reference, line, column, text)
        resolved = self.names.resolve(node)
        if isinstance(resolved, str):
            return F.Sender("name", resolved, line, column, text)
        return F.Sender("expr", dotted_text(node), line, column, text)

    def _model_reference(self, node: ast.AST) -> str | None:
        """The model a call returns, when the call says which (``FileFacts.model_refs`` format):
        ``get_user_model()`` is ``"@AUTH_USER_MODEL"``, ``apps.get_model("shop", "Order")`` is
        ``"shop.Order"``, ``self.get_model("Order")`` in an AppConfig is ``":Order"``."""
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Name, ast.Attribute)):
            return None
        callee = self.names.qualname(node.func)
        if callee in USER_MODEL_GETTERS and not node.args and not node.keywords:
            return "@AUTH_USER_MODEL"
        strings = [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if node.keywords or not strings or len(strings) != len(node.args):
            return None
        if callee in REGISTRY_GET_MODEL:
            if len(strings) == 2:
                return f"{strings[0]}.{strings[1]}"
            return strings[0] if len(strings) == 1 and strings[0].count(".") == 1 else None
        in_config = self.func_stack and self.func_stack[-1].context in (F.READY, F.APPCONFIG_INIT)
        if (
            in_config
            and len(strings) == 1
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self"
        ):
            return f":{strings[0]}"  # a model of the app this AppConfig configures
        return None

    # The walk itself (``visitor.py``); the concerns call back into it for nested code.
    def _block(self, body: list[ast.stmt], guards: Guards) -> None:
        raise NotImplementedError

    def _expr(self, node: ast.AST, guards: Guards, usage: str = "other") -> None:
        raise NotImplementedError

    def _skipped(self, stmt: ast.stmt) -> bool:
        raise NotImplementedError
