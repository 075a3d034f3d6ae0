"""Sends: ``sig.send()``/``send_robust()``/``asend()``/``asend_robust()``, and bulk writes.

A send records its signal, the arguments it passes and how its result is
used (awaited, dropped...).  Bulk writes (``QuerySet.update()``,
``bulk_create()``) are recorded too: they send no save signals.
https://docs.djangoproject.com/en/stable/topics/signals/#sending-signals
"""

from __future__ import annotations

import ast
import re

from signal_lint.extract import facts as F
from signal_lint.extract.names import chain, dotted_text
from signal_lint.extract.rows import ROW_KEYS
from signal_lint.extract.state import USER_MODEL_GETTERS, WalkState
from signal_lint.extract.syntax import lines_of, own_expressions

SEND_METHODS = frozenset({"send", "send_robust", "asend", "asend_robust"})
BULK_WRITES = frozenset({"update", "bulk_create", "bulk_update"})
# asgiref's bridges, which Django re-exports nowhere: the wrapped send runs in a thread or is driven to completion
THREAD_BRIDGES = {
    "asgiref.sync.sync_to_async": "to_async",
    "asgiref.sync.SyncToAsync": "to_async",
    "asgiref.sync.async_to_sync": "to_sync",
    "asgiref.sync.AsyncToSync": "to_sync",
}
_BULK_WRITE_TEXT = re.compile(rb"\.(?:update|bulk_create|bulk_update)\s*\(")


class Sends(WalkState):
    """Records ``send*()`` calls (direct or through asgiref's bridges) and bulk writes."""

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
            node, sent.value, sent.attr, "await" if to_sync else usage, in_thread=not to_sync
        )

    def _send_call(
        self,
        node: ast.Call,
        target: ast.expr,
        method: str,
        usage: str,
        in_thread: bool = False,
    ) -> None:
        """``target.method(...)``; ``in_thread``: the send runs in a worker thread (``sync_to_async``),
        not in the calling function."""
        signal = self._signal_target(target) or self._signal_slot(target)
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

    def _signal_slot(self, target: ast.expr) -> str | None:
        """``self.post_signal.send()`` in a method of a class whose subclasses bind
        ``post_signal = order_moved``: the class attribute (``shop.mixins.MoveMixin.post_signal``),
        which the project resolves per subclass (SIG105). Only names that say "signal"."""
        if not (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id in ("self", "cls")
            and "signal" in target.attr.lower()
            and self.func_stack
            and self.class_stack
        ):
            return None
        owner = self.func_stack[-1].qualname.rsplit(".", 1)[0]
        return f"{self.module}.{owner}.{target.attr}" if "." not in owner else None

    def _bulk_write(self, node: ast.Call, method: str) -> None:
        """``Order.objects.filter(...).update(...)``: a write that sends no save signals (SIG107)."""
        parts = chain(node.func)
        if len(parts) < 3 or parts[0] in ("self", "cls"):
            return  # ``d.update(x)`` is a dict; the model must be named
        model = self.names.qualname(ast.Name(id=parts[0]))
        if parts[1] == "()" and model in USER_MODEL_GETTERS:
            model = "@AUTH_USER_MODEL"  # ``get_user_model().objects.update(...)``
        elif model and len(parts) > 3 and parts[2] == "through":
            model = f"{model}.{parts[1]}.through"  # ``Step.tags.through``: the m2m table's rows
        self.bulk_writes.append((model, method, node.lineno, self._col(node)))
        if method == "update" and _one_row(node):
            self.row_updates.append((node.lineno, self._col(node)))

    def _cheap_bulk_writes(self) -> None:
        """Bulk writes in a file the prefilter passed over: walk only the statements on their lines."""
        lines = set(lines_of(self.source, _BULK_WRITE_TEXT))
        stack: list[ast.stmt | ast.excepthandler] = list(self.tree.body)
        while stack:
            stmt = stack.pop()
            first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
            if not any(first <= line <= last for line in lines):
                continue
            children: list[ast.stmt | ast.excepthandler] = [
                c for f in ("body", "orelse", "finalbody", "handlers") for c in getattr(stmt, f, ())
            ]
            if isinstance(stmt, ast.Match):  # a case has no position of its own: walk its body
                children += [child for case in stmt.cases for child in case.body]
            if children and isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.extend(children)  # the write is in the body, not the signature
                continue
            for node in ast.walk(stmt) if not children else own_expressions(stmt):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in BULK_WRITES
                ):
                    self._bulk_write(node, node.func.attr)
            stack.extend(children)


def _one_row(node: ast.Call) -> bool:
    """``X.objects.filter(pk=...).update(...)``: one row, chosen by its primary key (other
    conditions, ``filter(pk=..., created__gt=...)``, only narrow it to none)."""
    queryset = node.func.value if isinstance(node.func, ast.Attribute) else None
    return (
        isinstance(queryset, ast.Call)
        and isinstance(queryset.func, ast.Attribute)
        and queryset.func.attr == "filter"
        and not queryset.args
        and any(keyword.arg in ROW_KEYS for keyword in queryset.keywords)
    )
