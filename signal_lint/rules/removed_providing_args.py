"""SIG011: ``Signal(providing_args=...)``, removed in Django 4.0.

https://docs.djangoproject.com/en/stable/releases/4.0/#features-removed-in-4-0
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import ERROR, SAFE, Finding, Fix
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext


class RemovedProvidingArgs(Rule):
    """
    ## What it does
    Flags `Signal(providing_args=[...])`.

    A list of names passed positionally (`Signal(["order", "user"])`, the
    same argument in Django < 4.0) is flagged too.

    ## Why is this bad?
    The argument was purely documentational, deprecated in Django 3.1 and
    removed in 4.0: `Signal(providing_args=...)` raises `TypeError` when the
    module is imported, so every receiver of every signal in it is lost.

    Since Django 4.0 the positional list is taken for `use_caching`: the
    signal then caches receivers per sender in a `WeakKeyDictionary`, and
    `send(sender=None)` raises `TypeError`.

    ## Example
    ```python
    order_placed = Signal(providing_args=["order", "user"])
    ```

    Use instead:
    ```python
    order_placed = Signal()  # sends: order, user
    ```

    ## Fix safety
    Safe. The fix removes the argument (Django ignored it before 4.0 and
    rejects it since) and keeps its names in the line's comment, appended to
    an existing comment after `;` rather than as a second `#`. A list passed
    positionally (`use_caching` since 4.0) is not fixed: which was meant
    needs a human.

    ## References
    - [Django 4.0 release notes](https://docs.djangoproject.com/en/stable/releases/4.0/#features-removed-in-4-0)
    """

    code = "SIG011"
    name = "removed-providing-args"
    severity = ERROR
    reads = frozenset({"signal_defs"})
    summary = "`Signal(providing_args=...)`, removed in Django 4.0: `TypeError` at import"
    MESSAGE = "`{signal}` {problem}: drop the argument and document the names in a comment"
    fix_title = "drop `providing_args`, keeping its names in a comment"

    VALID = (
        Valid(
            """
            from django.dispatch import Signal

            order_placed = Signal()  # sends: order, user
            cached = Signal(use_caching=True)
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.dispatch import Signal

            order_placed = Signal(providing_args=["order", "user"])
            """,
            [(3, 16)],
            fixed="""
            from django.dispatch import Signal

            order_placed = Signal()  # sends: order, user
            """,
        ),
        Invalid(
            """
            import django.dispatch

            class Events:
                paid = django.dispatch.Signal(use_caching=True, providing_args=("invoice",))
            """,
            [(4, 12)],
            fixed="""
            import django.dispatch

            class Events:
                paid = django.dispatch.Signal(use_caching=True)  # sends: invoice
            """,
        ),
        Invalid(
            """
            from django.dispatch import Signal

            order_placed = Signal(
                providing_args=["order"],
            )  # public API
            """,
            [(3, 16)],
            fixed="""
            from django.dispatch import Signal

            order_placed = Signal()  # public API; sends: order
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for definition in facts.signal_defs:
            if definition.providing_args is None:
                continue
            if definition.providing_args_positional:
                problem = (
                    "passes a `providing_args` list positionally: since Django 4.0 that list is `use_caching`, "
                    "so sending with `sender=None` raises `TypeError`"
                )
                yield self.finding(
                    facts,
                    definition.line,
                    definition.column,
                    signal=definition.qualname,
                    problem=problem,
                )
                continue
            yield self.finding(
                facts,
                definition.line,
                definition.column,
                fix=Fix("drop-providing-args", definition.line, definition.column, SAFE),
                signal=definition.qualname,
                problem="is defined with `providing_args`, removed in Django 4.0 (`TypeError` at import)",
            )
