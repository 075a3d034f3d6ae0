"""Receiver bodies: the conditions that govern each statement of a function.

A receiver's body facts (calls, attribute reads, comparisons) carry the tests
that guard them, so the rules can tell ``instance.pk`` under ``if instance:``
from an unguarded one.  Pure functions of the syntax tree; the walk calls
``Guards.plus`` as it enters each ``if``/``while``/``and``/ternary branch.
"""

from __future__ import annotations

import ast

# Calls that catch AttributeError for an attribute read inside them count as a None check.
ATTRIBUTE_GUARD_EXCEPTIONS = frozenset({"AttributeError", "Exception", "BaseException"})
TERMINATORS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


class Guards:
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
        attrs: frozenset[tuple[str, str]] = frozenset(),
        strings: frozenset[str] = frozenset(),
        known: frozenset[tuple[str, ...]] = frozenset(),
    ) -> None:
        self.names = names
        self.attrs = attrs
        self.strings = strings
        self.known = known

    def plus(self, test: ast.AST, var_kw: str | None, positive: bool = True) -> Guards:
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
            key = kwargs_key(node, var_kw)
            if key:
                names.add(key)
        known = _conditions(test, positive, var_kw)
        if not (names or attrs or strings or known):
            return self
        return Guards(
            self.names | names, self.attrs | attrs, self.strings | strings, self.known | known
        )

    def with_name(self, name: str) -> Guards:
        return Guards(self.names | {name}, self.attrs, self.strings, self.known)

    def with_known(self, known: frozenset[tuple[str, ...]]) -> Guards:
        """These guards, with ``known`` also holding (what a statement before made sure of)."""
        return Guards(self.names, self.attrs, self.strings, self.known | known) if known else self


def _conditions(test: ast.AST, positive: bool, var_kw: str | None) -> frozenset[tuple[str, ...]]:
    """What is known where ``test`` evaluated true (``positive``) or false.

    ``("truthy", s)``/``("falsy", s)`` (``None`` is falsy), ``("notnone", s)``,
    ``("eq", s)``/``("ne", s)`` (compared equal / unequal with something),
    ``("oneof", s, "a", "b")``/``("noneof", s, "a", "b")`` (``s`` is / is not one of these
    strings: ``s == "a"``, ``s in ("a", "b")``), ``("set", "obj.attr")`` (the attribute exists:
    ``hasattr(obj, "attr")``, or ``getattr(obj, "attr", False)`` true),
    ``("in", s, "x")``/``("notin", s, "x")`` (``"x" in s``; a falsy ``s``
    holds nothing), ``("changed", obj)`` (``obj.f != obj._old_f``: a field differs from the
    private copy the object keeps of it).  ``s`` is a name, a ``kwargs["name"]`` key or ``base.attr``.
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
        if positive and _falsy_default(test):  # ``getattr(obj, "_x", False)`` true: it is set
            return frozenset({("truthy", subject), ("set", subject)})
        return frozenset({("truthy" if positive else "falsy", subject)})
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id in ("isinstance", "hasattr", "callable")
    ):
        subject = _condition_subject(test.args[0], var_kw) if test.args else None
        attribute = _named_attribute(test, var_kw)
        if attribute and not positive:  # ``not hasattr(instance, "_skip")``: unset, as if falsy
            return frozenset({("falsy", attribute)})
        found = {("notnone", subject)} if subject and positive else set()
        if attribute and test.func.id == "hasattr":  # positive: ``hasattr(obj, "_x")`` holds
            found.add(("set", attribute))
        return frozenset(found | ({("notnone", attribute)} if attribute else set()))
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return frozenset()
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.In, ast.NotIn)):
        options = _strings(right)
        subject = _condition_subject(left, var_kw)
        if subject and options:  # ``action in ("post_add", "post_remove")``
            inside = isinstance(op, ast.In) == positive
            return frozenset({("oneof" if inside else "noneof", subject, *options)})
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
        snapshot = _snapshot_of(left, right)
        if snapshot and not equal:
            return frozenset({("ne", subject), ("changed", snapshot)})
        value = _strings(right if _condition_subject(left, var_kw) else left, alone=True)
        if value:  # ``action == "pre_remove"``: which string it is, or is not
            return frozenset(
                {
                    ("eq" if equal else "ne", subject),
                    ("oneof" if equal else "noneof", subject, *value),
                }
            )
        return frozenset({("eq" if equal else "ne", subject)})
    return frozenset()


def _falsy_default(test: ast.AST) -> bool:
    """``getattr(obj, "name", <falsy constant>)``: true only when the attribute is there."""
    return (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == "getattr"
        and len(test.args) == 3
        and isinstance(test.args[2], ast.Constant)
        and not test.args[2].value
    )


def _strings(node: ast.AST, alone: bool = False) -> tuple[str, ...]:
    """The strings of a literal tuple, list or set of strings (sorted), or of one string constant
    (``alone``); () for anything else."""
    if alone:
        elements = [node]
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        elements = list(node.elts)
    else:
        return ()
    if not elements or not all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elements
    ):
        return ()
    return tuple(sorted({e.value for e in elements}))  # type: ignore[attr-defined]


def _snapshot_of(left: ast.AST, right: ast.AST) -> str | None:
    """``obj`` in ``obj.status != obj._old_status``: a field of an object compared with a private
    attribute of the same object, the copy of it that ``__init__`` or ``post_init`` keeps."""
    if not (isinstance(left, ast.Attribute) and isinstance(right, ast.Attribute)):
        return None
    if not (isinstance(left.value, ast.Name) and isinstance(right.value, ast.Name)):
        return None
    if left.value.id != right.value.id:
        return None
    private = [attr.startswith("_") for attr in (left.attr, right.attr)]
    return left.value.id if private.count(True) == 1 else None


def _common(parts: list[frozenset[tuple[str, ...]]]) -> frozenset[tuple[str, ...]]:
    """Conditions every part implies; a falsy container implies it lacks every item."""

    def implies(part: frozenset[tuple[str, ...]], condition: tuple[str, ...]) -> bool:
        if condition in part:
            return True
        return condition[0] == "notin" and ("falsy", condition[1]) in part

    candidates = frozenset().union(*parts) if parts else frozenset()
    return frozenset(c for c in candidates if all(implies(part, c) for part in parts))


def _named_attribute(call: ast.Call, var_kw: str | None) -> str | None:
    """``instance._skip`` for ``hasattr(instance, "_skip")``/``getattr(instance, "_skip", None)``."""
    if not (
        isinstance(call.func, ast.Name)
        and call.func.id in ("hasattr", "getattr")
        and len(call.args) in (2, 3)
        and isinstance(call.args[1], ast.Constant)
        and isinstance(call.args[1].value, str)
    ):
        return None
    base = _condition_subject(call.args[0], var_kw)
    return f"{base}.{call.args[1].value}" if base else None


def _condition_subject(node: ast.AST, var_kw: str | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr":
        return _named_attribute(node, var_kw)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    if isinstance(node, ast.Attribute):
        key = kwargs_key(node.value, var_kw)
        return f"{key}.{node.attr}" if key else None
    return kwargs_key(node, var_kw)


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


NO_GUARDS = Guards()


def kwargs_key(node: ast.AST, var_kw: str | None) -> str | None:
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


def subject_name(node: ast.AST, var_kw: str | None) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return kwargs_key(node, var_kw)


def terminates(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], TERMINATORS)


def catches_attribute_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id in ATTRIBUTE_GUARD_EXCEPTIONS for n in names)
