"""SIG102: two receivers of one signal and sender share a ``dispatch_uid``: Django keeps only the first.

https://docs.djangoproject.com/en/stable/topics/signals/#preventing-duplicate-signals
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from signal_lint.findings import ERROR, Finding, Location
from signal_lint.graph import NEVER_IMPORTED, TEST_ONLY, Edge, Graph
from signal_lint.graph.senders import SenderName, Unresolved
from signal_lint.rules._examples import shop_app
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

PHASE_ORDER = {"populate": 0, "ready": 1, "later": 2}

APPS = shop_app(imports_receivers=True)


class DispatchUidCollision(Rule):
    """
    ## What it does
    Flags two different receivers connected to the same signal and sender
    with the same `dispatch_uid`. Within one module the later connection is
    reported, and within one app's migrations the later migration's (the
    migration graph runs them in order); across other modules, where the
    load order is not known statically, every colliding connection is,
    naming the others. Connections made by code that runs later (a view, a
    `RunPython` migration) count too. A model sender is the same sender
    however it is spelled (the class, its lazy `"app_label.ModelName"` in
    any case, `settings.AUTH_USER_MODEL`, `get_user_model()`,
    `apps.get_model()`), since Django's lookup key holds the resolved model.

    ## Why is this bad?
    Django identifies a receiver by its `dispatch_uid` when one is given, so
    the second `connect()` with a taken uid is silently ignored: that
    receiver never runs. Copy-pasted decorators are the usual cause.

    ## Example
    ```python
    @receiver(post_save, sender=Order, dispatch_uid="shop.order_saved")
    def send_receipt(sender, instance, **kwargs):
        ...

    @receiver(post_save, sender=Order, dispatch_uid="shop.order_saved")
    def update_stock(sender, instance, **kwargs):  # never connected
        ...
    ```

    Use instead:
    ```python
    @receiver(post_save, sender=Order, dispatch_uid="shop.send_receipt")
    def send_receipt(sender, instance, **kwargs):
        ...

    @receiver(post_save, sender=Order, dispatch_uid="shop.update_stock")
    def update_stock(sender, instance, **kwargs):
        ...
    ```

    ## Fix safety
    There is no automatic fix: which receiver owns the uid, and what the
    other's should be, is a design decision.

    ## References
    - [Django: Preventing duplicate signals](https://docs.djangoproject.com/en/stable/topics/signals/#preventing-duplicate-signals)
    """

    code = "SIG102"
    name = "dispatch-uid-collision"
    severity = ERROR
    summary = "Two receivers share a `dispatch_uid`: Django keeps the first, ignores the other"
    project = True
    example_path = "shop/receivers.py"
    MESSAGE = (
        "receiver `{receiver}` of `{signal}`{sender} shares `dispatch_uid={uid}` with {others}, "
        "so {outcome}: give each receiver its own `dispatch_uid`"
    )

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_delete, post_save
            from django.dispatch import receiver

            from shop.models import Order

            @receiver(post_save, sender=Order, dispatch_uid="shop.order_saved")
            def send_receipt(sender, instance, **kwargs):
                pass

            @receiver(post_delete, sender=Order, dispatch_uid="shop.order_saved")  # another signal
            def forget_order(sender, instance, **kwargs):
                pass

            @receiver(post_save, dispatch_uid="shop.order_saved")  # another sender: any
            def log_save(sender, instance, **kwargs):
                pass

            def connect_twice():
                post_save.connect(send_receipt, sender=Order, dispatch_uid="shop.order_saved")  # the same receiver
            """,
            files=APPS,
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            from shop.models import Order

            @receiver(post_save, sender=Order, dispatch_uid="shop.order_saved")
            def send_receipt(sender, instance, **kwargs):
                pass

            @receiver(post_save, sender="shop.Order", dispatch_uid="shop.order_saved")
            def update_stock(sender, instance, **kwargs):
                pass
            """,
            [(10, 2)],
            files=APPS,
        ),
        Invalid(
            """
            from django.db.models.signals import post_save

            from shop.models import Order

            def send_receipt(sender, instance, **kwargs):
                pass

            post_save.connect(send_receipt, sender=Order, dispatch_uid="order")
            """,
            [(8, 1), ("shop/audit.py", 8, 1)],
            files={
                **APPS,
                "shop/audit.py": """
                    from django.db.models.signals import post_save

                    from shop.models import Order

                    def audit(sender, instance, **kwargs):
                        pass

                    post_save.connect(audit, sender=Order, dispatch_uid="order")
                    """,
                "shop/models.py": """
                    from django.db import models

                    import shop.audit  # noqa: F401

                    class Order(models.Model):
                        pass
                    """,
            },
        ),
        Invalid(
            """
            def notify_orders(order_ids, sender=None, **kwargs):
                print(order_ids)
            """,
            [("shop/migrations/0003_fix_totals.py", 10, 5)],
            files={
                **APPS,
                "shop/migrations/__init__.py": "",
                "shop/migrations/0002_fix_lines.py": """
                    from functools import partial

                    from django.apps import apps as registry
                    from django.db.models.signals import post_migrate

                    from shop.receivers import notify_orders

                    def fix_lines(apps, schema_editor):
                        sender = registry.get_app_config("shop")
                        post_migrate.connect(
                            partial(notify_orders, [1]), sender=sender, weak=False, dispatch_uid="notify"
                        )
                    """,
                "shop/migrations/0003_fix_totals.py": """
                    from functools import partial

                    from django.apps import apps as registry
                    from django.db.models.signals import post_migrate

                    from shop.receivers import notify_orders

                    def fix_totals(apps, schema_editor):
                        sender = registry.get_app_config("shop")
                        post_migrate.connect(  # ignored: 0002's partial took the uid
                            partial(notify_orders, [2]), sender=sender, weak=False, dispatch_uid="notify"
                        )
                    """,
            },
        ),
    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        assert graph.project is not None
        groups: dict[tuple[str, SenderName, str], list[Edge]] = defaultdict(list)
        for edge in graph.connections:
            if edge.status in (NEVER_IMPORTED, TEST_ONLY) or edge.kind == "disconnect":
                continue  # a module nothing imports connects nothing (SIG101); tests are apart
            connection = graph.connection_of(edge)
            if (
                connection is None
                or connection.dispatch_uid in (None, "<expr>")
                or connection.dispatch_uid_falsy
            ):
                continue  # no uid, a computed one, or a falsy one Django ignores (SIG015)
            groups[(edge.signal, graph.sender_key(edge), connection.dispatch_uid)].append(edge)
        for (signal, sender, uid), edges in sorted(groups.items(), key=lambda item: repr(item[0])):
            if len({edge.receiver for edge in edges}) < 2:
                continue  # the same receiver again: Django's de-duplication at work
            if len({edge.module for edge in edges}) == 1:
                ordered = sorted(
                    edges, key=lambda e: (PHASE_ORDER.get(e.phase, 2), e.line, e.column)
                )
                first = ordered[0]
                for edge in ordered[1:]:
                    if edge.receiver != first.receiver:
                        outcome = f"Django keeps `{_short(first)}`, connected first, and silently ignores this one"
                        yield self._finding(graph, edge, signal, sender, uid, [first], outcome)
                continue
            if len({_migrations_package(edge.module) for edge in edges} - {None}) == 1 and all(
                _migrations_package(edge.module) for edge in edges
            ):  # one app's migrations: the migration graph runs them in order, not imports
                ordered = sorted(edges, key=lambda e: (e.module, e.line, e.column))
                first = ordered[0]
                for edge in ordered[1:]:
                    if edge.receiver != first.receiver:
                        outcome = (
                            f"the migration graph runs `{first.module.rsplit('.', 1)[-1]}` first, "
                            "and when both run in one `migrate` Django silently ignores this one"
                        )
                        yield self._finding(graph, edge, signal, sender, uid, [first], outcome)
                continue
            for edge in edges:
                others = [other for other in edges if other.receiver != edge.receiver]
                outcome = (
                    "whichever is connected later is silently ignored, and the order depends on "
                    "which module Django imports first"
                )
                yield self._finding(graph, edge, signal, sender, uid, others, outcome)

    def _finding(
        self,
        graph: Graph,
        edge: Edge,
        signal: str,
        sender: SenderName,
        uid: str,
        others: list[Edge],
        outcome: str,
    ) -> Finding:
        assert graph.project is not None
        names = []
        related = []
        for other in sorted(others, key=lambda e: (e.path, e.line, e.column)):
            related.append(
                Location(
                    other.path,
                    other.line,
                    other.column,
                    f"`{other.receiver}`, connected with the same `dispatch_uid={uid}`",
                )
            )
            if other.module == edge.module:
                name = f"`{_short(other)}`"
            elif other.package is not None:  # an installed package's: its name says where
                name = f"`{other.receiver}` (installed {other.package})"
            else:
                name = f"`{other.receiver}` ({other.path}:{other.line})"
            if name not in names:
                names.append(name)
        return self.finding(
            graph.project.modules[edge.module],
            edge.line,
            edge.column,
            related=related,
            receiver=_short(edge),
            signal=signal.rsplit(".", 1)[-1],
            sender=f" for sender `{_sender_text(sender)}`" if sender else "",
            uid=uid,
            others=", ".join(names),
            outcome=outcome,
        )


def _migrations_package(module: str) -> str | None:
    """``shop.migrations`` for ``shop.migrations.0002_backfill``; None for other modules."""
    package, _, _ = module.rpartition(".")
    return package if package.rpartition(".")[2] == "migrations" else None


def _sender_text(sender: str | Unresolved) -> str:
    return sender.text if isinstance(sender, Unresolved) else sender.rsplit(".", 1)[-1]


def _short(edge: Edge) -> str:
    """The receiver's name within its module."""
    prefix = edge.module + "."
    return edge.receiver[len(prefix) :] if edge.receiver.startswith(prefix) else edge.receiver
