"""Connections and receivers: ``@receiver``, ``sig.connect()`` and ``sig.disconnect()``.

Each becomes a ``Connection`` with the receiver it names (a function, a
method, a lambda, a ``partial``...), its sender, ``weak`` and
``dispatch_uid``, and where it runs.
https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from signal_lint.catalog.loader import RECEIVER_DECORATORS
from signal_lint.extract import facts as F
from signal_lint.extract.guards import Guards
from signal_lint.extract.names import NestedDef, dotted_text
from signal_lint.extract.state import WalkState
from signal_lint.extract.syntax import condition_text

PARTIALS = frozenset({"functools.partial", "functools.partialmethod"})


class Connections(WalkState):
    """Records ``@receiver`` decorators and ``connect``/``disconnect`` calls as ``Connection``s."""

    def _decorator(
        self, node: ast.AST, index: int, func_node: ast.AST, qualname: str, guards: Guards
    ) -> None:
        if not isinstance(node, ast.Call):
            self._expr(node, guards)
            return
        if self.names.qualname(node.func) not in RECEIVER_DECORATORS:
            self._factory_call(node, qualname)  # ``@on(post_save, sender=Order)``: a factory
            self.factory_decorators.add(id(node))
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

    def _connect_call(self, node: ast.Call, target: ast.expr, method: str) -> None:
        """``sig.connect(receiver, sender=None, weak=True, dispatch_uid=None)`` and ``disconnect``;
        ``signal.connect(...)`` on a parameter (a decorator factory's ``signal``) is a template
        the graph fills in from the factory's call sites."""
        looped = self.loop_signals.get(target.id) if isinstance(target, ast.Name) else None
        signal_nodes: list[ast.AST] = [*looped] if looped else [target]
        parameters: list[tuple[str, str]] = []
        if not any(self._signal_target(s) is not None for s in signal_nodes):
            parameter = self._parameter(target) if method == "connect" and not looped else None
            if parameter is None:
                return
            parameters.append(("signal", parameter))
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
        if parameters:
            for role in ("receiver", "sender"):
                parameter = self._parameter(arguments[role]) if role in arguments else None
                if parameter is not None:
                    parameters.append((role, parameter))
            for keyword in node.keywords:  # ``**kwargs`` handed on: the call site's keywords
                parameter = self._parameter(keyword.value) if keyword.arg is None else None
                if parameter is not None:
                    parameters.append(("kwargs", parameter))
        self._connection(method, signal_nodes, receiver, arguments, node, 0, tuple(parameters))

    def _parameter(self, node: ast.AST) -> str | None:
        """``"<function qualname>:<name>:<position>"`` when ``node`` names a parameter of the
        function being walked or of one enclosing it (position -1: keyword-only or ``**``)."""
        if not isinstance(node, ast.Name):
            return None
        for frame in reversed(self.func_stack):
            arguments = frame.node.args
            positional = [a.arg for a in arguments.posonlyargs + arguments.args]
            if node.id in positional:
                return f"{frame.qualname}:{node.id}:{positional.index(node.id)}"
            others = [a.arg for a in arguments.kwonlyargs]
            others += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
            if node.id in others:
                return f"{frame.qualname}:{node.id}:-1"
            if node.id in frame.local_values:
                return None  # rebound in that frame: not the argument any more
        return None

    def _factory_call(self, node: ast.Call, decorated: str | None = None) -> None:
        """A call that hands a signal to a function of the project (``@on(post_save)``,
        ``connect_all(request_started, handler)``): the graph binds that function's templates."""
        if not isinstance(node.func, (ast.Name, ast.Attribute)):
            return
        arguments: list[str | None] = []
        signal_given = False
        for value in [*node.args, *(k.value for k in node.keywords if k.arg)]:
            name = self._argument_name(value)
            signal_given = signal_given or (name is not None and _looks_like_signal(name))
            arguments.append(name)
        callee = self.names.qualname(node.func)
        if not signal_given or callee is None or callee in RECEIVER_DECORATORS:
            return
        context, function = self._context()
        keywords = tuple(k.arg for k in node.keywords if k.arg)
        self.factory_calls.append(
            F.FactoryCall(
                callee,
                tuple(arguments[: len(node.args)]),
                tuple(zip(keywords, arguments[len(node.args) :], strict=True)),
                decorated,
                node.lineno,
                self._col(node),
                context,
                function,
            )
        )

    def _argument_name(self, node: ast.AST) -> str | None:
        """An argument as the graph reads it: a resolved dotted name, a string as ``'...'``."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return repr(node.value)
        if isinstance(node, ast.Constant) and node.value is None:
            return "None"
        if isinstance(node, (ast.Name, ast.Attribute)):
            return self._signal_target(node)
        return None

    def _connection(
        self,
        kind: str,
        signal_nodes: list[ast.AST],
        receiver: F.Receiver,
        arguments: Mapping[str, ast.AST],
        node: ast.Call,
        index: int,
        parameters: tuple[tuple[str, str], ...] = (),
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
                condition=" and ".join(
                    condition_text(test, negated) for test, negated in self.conditions
                )
                or None,
                parameters=parameters,
            )
        )

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
            call = func.local_calls.get(node.id) if func is not None else None
            if call is not None and isinstance(call.func, (ast.Name, ast.Attribute)):
                callee = self.names.qualname(call.func)
                value = f"call:{callee}" if callee else None
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

    def _return_kind(self, value: ast.AST) -> str:
        """What a ``return`` hands back, for ``Function.returns``."""
        kind = self._temporary_kind(value)
        if kind in ("lambda", "partial"):
            return kind
        if isinstance(value, ast.Name):
            resolved = self.names.resolve(value)
            if isinstance(resolved, NestedDef):
                return f"nested:{resolved.qualname}"
            if value.id in self.func_stack[-1].params:
                return f"param:{value.id}"
            return "other"
        if isinstance(value, (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set)):
            return "literal"
        return "other"


def _looks_like_signal(name: str) -> bool:
    """A dotted name that is one of Django's signals, or lives in a ``signals`` module."""
    from signal_lint.catalog import load_catalog

    if load_catalog().get(name) is not None:
        return True
    module = name.rsplit(".", 1)[0]
    return not module.startswith("django.") and any(
        part.endswith("signals") for part in module.split(".")
    )
