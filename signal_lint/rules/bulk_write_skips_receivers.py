"""SIG107: ``QuerySet.update()``/``bulk_create()``/``bulk_update()`` on a model with save receivers.

https://docs.djangoproject.com/en/stable/ref/models/querysets/#update
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.findings import INFO, Finding
from signal_lint.graph import Graph
from signal_lint.model import LIVE
from signal_lint.rules._examples import shop_app
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

SAVE_SIGNALS = ("django.db.models.signals.pre_save", "django.db.models.signals.post_save")

SHOP = {
    **shop_app(
        "class Order(models.Model):\n    status = models.CharField(max_length=10)\n\n"
        "class Tag(models.Model):\n    name = models.CharField(max_length=10)\n",
        imports_receivers=True,
    ),
    "shop/receivers.py": """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        from shop.models import Order

        @receiver(post_save, sender=Order)
        def on_order_saved(sender, instance, **kwargs):
            pass
        """,
}


class BulkWriteSkipsReceivers(Rule):
    """
    ## What it does
    Reports a `QuerySet.update()`, `bulk_create()` or `bulk_update()` of a
    model that has live `pre_save`/`post_save` receivers connected for it at
    start-up (with that model, or its lazy `"app_label.ModelName"`, as
    sender). Test modules are not reported.

    ## Why is this bad?
    These methods write straight to the database and send no save signals,
    so the model's save receivers — cache invalidation, search indexing,
    audit trails — do not run for those rows. (`QuerySet.delete()` does
    send `pre_delete`/`post_delete`.) Often intended, hence `info`; when it
    is not, the data behind the receivers silently goes stale.

    ## Example
    ```python
    Order.objects.filter(pk__in=ids).update(status="shipped")  # on_order_saved does not run
    ```

    Use instead:
    ```python
    for order in Order.objects.filter(pk__in=ids):
        order.status = "shipped"
        order.save(update_fields=["status"])
    ```
    or do the receivers' work for those rows right after the bulk write.

    ## References
    - [Django: QuerySet.update()](https://docs.djangoproject.com/en/stable/ref/models/querysets/#update)
    - [Django: bulk_create() caveats](https://docs.djangoproject.com/en/stable/ref/models/querysets/#bulk-create)
    """

    code = "SIG107"
    name = "bulk-write-skips-receivers"
    severity = INFO
    project = True
    example_path = "shop/views.py"
    MESSAGE = "`{method}()` writes `{model}` rows without sending `pre_save`/`post_save`, so its receivers {receivers} do not run for them: save the instances one by one, or do the receivers' work here too"

    VALID = (
        Valid(
            """
            from shop.models import Order, Tag

            def ship(ids):
                Tag.objects.filter(pk__in=ids).update(name="shipped")  # no save receivers
                Order.objects.filter(pk__in=ids).delete()  # sends pre_delete/post_delete
                for order in Order.objects.filter(pk__in=ids):
                    order.status = "shipped"
                    order.save(update_fields=["status"])
            """,
            files=SHOP,
        ),
    )
    INVALID = (
        Invalid(
            """
            from shop.models import Order

            def ship(ids):
                Order.objects.filter(pk__in=ids).update(status="shipped")

            def restore(rows):
                Order.objects.bulk_create([Order(status=row) for row in rows])
            """,
            [(4, 5), (7, 5)],
            files=SHOP,
        ),
    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        project = graph.project
        assert project is not None
        receivers: dict[str, list[str]] = {}
        for edge in graph.connections:
            node = graph.receivers.get(edge.receiver)
            if (
                edge.signal in SAVE_SIGNALS
                and edge.status == LIVE
                and not edge.conditional
                and (node is None or node.kind != "call")
            ):
                model = graph.sender_key(edge)
                if model is not None and project.is_model(model):
                    names = receivers.setdefault(model, [])
                    if edge.receiver not in names:
                        names.append(edge.receiver)
        if not receivers:
            return
        for module, facts in sorted(project.modules.items()):
            if facts.is_test:
                continue  # tests bulk-load fixtures on purpose
            for model, method, line, column in facts.bulk_writes:
                resolved = project.resolve(model)
                if resolved in receivers:
                    names = ", ".join(
                        f"`{name.rsplit('.', 1)[-1]}`" for name in receivers[resolved]
                    )
                    yield self.finding(
                        facts,
                        line,
                        column,
                        method=method,
                        model=resolved.rsplit(".", 1)[-1],
                        receivers=names,
                    )
