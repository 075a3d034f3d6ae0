"""SIG015: a falsy ``dispatch_uid`` that Django silently ignores.

https://docs.djangoproject.com/en/stable/topics/signals/#preventing-duplicate-signals
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import SAFE, WARNING, Finding, Fix
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext


class FalsyDispatchUid(Rule):
    """
    ## What it does
    Flags `dispatch_uid=""`, `0`, `False` or another falsy literal such as
    `b""` or an empty tuple (not `None`, the documented "no uid").

    ## Why is this bad?
    `Signal.connect()` tests the uid for truth (`if dispatch_uid:`), so a
    falsy uid is ignored: the lookup key falls back to the receiver's
    identity and duplicates are not prevented the way the code intends.

    ## Example
    ```python
    post_save.connect(on_save, dispatch_uid="")
    ```

    Use instead:
    ```python
    post_save.connect(on_save, dispatch_uid="shop.on_save")
    ```

    ## Fix safety
    Safe. The fix drops the falsy `dispatch_uid` (the keyword, or the fourth
    positional argument of `connect()`): Django ignored it, so nothing
    changes. Give the receiver a real uid by hand if it needs
    de-duplication.

    ## References
    - [Django: Preventing duplicate signals](https://docs.djangoproject.com/en/stable/topics/signals/#preventing-duplicate-signals)
    """

    code = "SIG015"
    name = "falsy-dispatch-uid"
    severity = WARNING
    reads = frozenset({"connections"})
    summary = "A falsy `dispatch_uid` that Django ignores: duplicates are not prevented"
    MESSAGE = (
        "`dispatch_uid={uid}` for receiver `{receiver}` is falsy, so Django ignores it and does "
        "not de-duplicate: use a unique non-empty string"
    )
    fix_title = "drop the falsy `dispatch_uid`"

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save, dispatch_uid="shop.on_save")
            def on_save(sender, **kwargs):
                pass

            post_save.connect(on_save, dispatch_uid=None)
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save, dispatch_uid="")
            def on_save(sender, **kwargs):
                pass

            post_save.connect(on_save, None, True, 0)
            """,
            [(4, 2), (8, 1)],
            fixed="""
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(sender, **kwargs):
                pass

            post_save.connect(on_save, None, True)
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for connection in facts.connections:
            if connection.dispatch_uid_falsy and connection.kind != "disconnect":
                yield self.finding(
                    facts,
                    connection.line,
                    connection.column,
                    fix=Fix("drop-dispatch-uid", connection.line, connection.column, SAFE),
                    uid=connection.dispatch_uid,
                    receiver=connection.receiver.text,
                )
