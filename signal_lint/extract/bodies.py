"""Receiver bodies: the calls, comparisons and escaping names of each function.

Only receiver-like functions keep their body facts (see ``FunctionState``);
each call and comparison carries the ``Guards`` in force where it runs.
"""

from __future__ import annotations

import ast

from signal_lint.extract import facts as F
from signal_lint.extract.guards import Guards, kwargs_key, subject_name
from signal_lint.extract.names import chain
from signal_lint.extract.rows import HANDLED_READS, is_saved_row_lookup
from signal_lint.extract.state import FunctionState, WalkState
from signal_lint.extract.syntax import subexpressions


class Bodies(WalkState):
    """Records what a receiver-like function's body does, with the guards in force."""

    def _attr_use(
        self, node: ast.Attribute, base: str, guards: Guards, func: FunctionState
    ) -> None:
        """``instance.pk`` (or ``kwargs["instance"].pk``) read from an argument, with its guards."""
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

    def _record_call(
        self, node: ast.Call, guards: Guards, func: FunctionState, qualname: str | None
    ) -> None:
        parts = chain(node.func)
        if func.var_kw and isinstance(node.func, ast.Attribute):
            key = kwargs_key(node.func.value, func.var_kw)
            if key:  # kwargs["instance"].save() reads like instance.save()
                parts = (key, node.func.attr)
        keywords = tuple(k.arg for k in node.keywords if k.arg)
        func.call_sites.append((parts, qualname, keywords, len(node.args)))
        if not func.body_facts:
            # ``try: X.objects.get(...) except DoesNotExist``: not ORM work a fixture load risks
            if "<dne>" in guards.names and parts and parts[-1] in HANDLED_READS:
                func.handled_reads.add(len(func.call_sites) - 1)
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
                same_row=is_saved_row_lookup(node, func.local_kinds),
            )
        )

    def _compare(self, node: ast.Compare, func: FunctionState) -> None:
        operands = [node.left] + list(node.comparators)
        for index, op in enumerate(node.ops):
            if not isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)):
                continue
            left, right = operands[index], operands[index + 1]
            membership = isinstance(op, (ast.In, ast.NotIn))
            for subject_node, other in ((left, right), (right, left)):
                subject = subject_name(subject_node, func.var_kw)
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

    def _case_compares(self, case: ast.match_case, name: str, func: FunctionState) -> None:
        """``match action: case "post_add":`` compares ``action`` with each string pattern."""
        for pattern in ast.walk(case.pattern):
            value = getattr(pattern, "value", None)
            if (
                type(pattern).__name__ == "MatchValue"
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                func.compares.append(F.Compare(name, value.value, value.lineno, self._col(value)))

    def _escape(self, value: ast.AST) -> None:
        """Names whose object outlives the frame through a return or a store."""
        func = self.func_stack[-1]
        if isinstance(value, ast.Name):  # the common case, without a walk
            func.escaping.add(value.id)
            return
        stack = [value]
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is ast.Name:
                func.escaping.add(node.id)  # type: ignore[attr-defined]
            elif kind is ast.Attribute:  # the commonest: its one child without the general walk
                stack.append(node.value)  # type: ignore[attr-defined]
            elif kind is not ast.Constant:  # a constant holds no name
                stack.extend(subexpressions(node))
