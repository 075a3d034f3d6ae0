"""SIG107: ``QuerySet.update()``/``bulk_create()``/``bulk_update()`` on a model with save receivers.

https://docs.djangoproject.com/en/stable/ref/models/querysets/#update
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.findings import INFO, Finding, Location
from signal_lint.graph import Graph
from signal_lint.graph.project import Project
from signal_lint.model import LIVE
from signal_lint.rules._examples import shop_app
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

POST_SAVE = "django.db.models.signals.post_save"
SAVE_SIGNALS = ("django.db.models.signals.pre_save", POST_SAVE)

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


# Tag's only receiver acts on new rows only: update()/bulk_update() skip nothing it would do.
SHOP_CREATED_ONLY = {
    **SHOP,
    "shop/receivers.py": """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        from shop.models import Tag

        @receiver(post_save, sender=Tag)
        def index_new_tag(sender, instance, created, **kwargs):
            if not created:
                return
            print("index", instance.pk)
        """,
}


class BulkWriteSkipsReceivers(Rule):
    """
    ## What it does
    Reports a `QuerySet.update()`, `bulk_create()` or `bulk_update()` of a
    model that has live `pre_save`/`post_save` receivers connected for it at
    start-up (with that model as sender, however it is spelled: the class,
    its lazy `"app_label.ModelName"`, `settings.AUTH_USER_MODEL`,
    `get_user_model()`; written through `get_user_model().objects` or the
    class alike). Test modules are not reported. `update()` and `bulk_update()`
    never create rows, so a `post_save` receiver that does nothing unless
    `created` is true (`if not created: return`) does not count for them.
    An `update()` of one row chosen by primary key
    (`Order.objects.filter(pk=order.pk).update(...)`, with or without other
    conditions that narrow it further) is not reported: it is
    the idiom for writing a field without sending signals, chosen over
    `save()` on purpose. A write of a many-to-many table
    (`Order.tags.through.objects.bulk_create()`) writes that table's rows,
    not the model's.

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

    ## Fix safety
    There is no automatic fix: saving instances one by one or repeating the
    receivers' work where the bulk write is is a design decision.

    ## References
    - [Django: QuerySet.update()](https://docs.djangoproject.com/en/stable/ref/models/querysets/#update)
    - [Django: bulk_create() caveats](https://docs.djangoproject.com/en/stable/ref/models/querysets/#bulk-create)
    """

    code = "SIG107"
    name = "bulk-write-skips-receivers"
    severity = INFO
    summary = "Bulk writes (`update()`, `bulk_create()`) skip the model's save receivers"
    project = True
    example_path = "shop/views.py"
    MESSAGE = (
        "`{method}()` writes `{model}` rows without sending `pre_save`/`post_save`, so its "
        "receivers {receivers} do not run for them: save the instances one by one, or do the "
        "receivers' work here too"
    )

    VALID = (
        Valid(
            """
            from shop.models import Order, Tag

            def ship(ids, rows):
                Tag.objects.filter(pk__in=ids).update(name="shipped")  # no save receivers
                Order.objects.filter(pk__in=ids).delete()  # sends pre_delete/post_delete
                Order.tags.through.objects.bulk_create(rows)  # the m2m table's rows, not orders
                Order.objects.filter(pk=ids[0]).update(status="seen")  # one row: no signal, on purpose
                Order.objects.filter(id=ids[1], placed__gt=rows).update(placed=rows)  # still one row
                for order in Order.objects.filter(pk__in=ids):
                    order.status = "shipped"
                    order.save(update_fields=["status"])
            """,
            files=SHOP,
        ),
        Valid(
            """
            from shop.models import Tag

            def rename(ids):
                Tag.objects.filter(pk__in=ids).update(name="renamed")  # creates no row
            """,
            files=SHOP_CREATED_ONLY,
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
        Invalid(
            """
            from shop.models import Tag

            def restore(names):
                Tag.objects.bulk_create([Tag(name=name) for name in names])  # new rows, no signal
            """,
            [(4, 5)],
            files=SHOP_CREATED_ONLY,
        ),
    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        project = graph.project
        assert project is not None
        receivers: dict[str, list[str]] = {}
        created_only: set[str] = set()  # post_save receivers that do nothing unless ``created``
        where: dict[tuple[str, str], Location] = {}  # (model, receiver) -> its first connection
        for edge in graph.connections:
            node = graph.receivers.get(edge.receiver)
            if (
                edge.signal in SAVE_SIGNALS
                and edge.status == LIVE
                and not edge.conditional
                and (node is None or node.kind != "call")
            ):
                model = graph.sender_key(edge)
                if isinstance(model, str) and graph.is_model(model):
                    names = receivers.setdefault(model, [])
                    if edge.receiver not in names:
                        names.append(edge.receiver)
                        where[(model, edge.receiver)] = Location(
                            edge.path,
                            edge.line,
                            edge.column,
                            f"`{edge.receiver}`, a {edge.signal.rsplit('.', 1)[-1]} receiver of "
                            f"`{model.rsplit('.', 1)[-1]}` that this write skips",
                        )
                    if edge.signal == POST_SAVE and _created_only(project, edge.receiver):
                        created_only.add(edge.receiver)
                    else:
                        created_only.discard(edge.receiver)  # also a pre_save receiver
        if not receivers:
            return
        for _module, facts in sorted(project.modules.items()):
            if facts.is_test:
                continue  # tests bulk-load fixtures on purpose
            one_row = set(facts.row_updates)
            for model, method, line, column in facts.bulk_writes:
                if (line, column) in one_row:
                    continue  # ``filter(pk=x.pk).update()``: chosen over save() to send no signal
                resolved = graph.model_class(project.resolve(model))
                if resolved is None:
                    continue
                skipped = [
                    name
                    for name in receivers.get(resolved, ())
                    if method == "bulk_create" or name not in created_only
                ]  # update()/bulk_update() never create: a created-only receiver would do nothing
                if skipped:
                    short = [name.rsplit(".", 1)[-1] for name in skipped]
                    listed = ", ".join(
                        f"`{name if short.count(name.rsplit('.', 1)[-1]) > 1 else name.rsplit('.', 1)[-1]}`"
                        for name in skipped
                    )  # two receivers of one name (in two modules) are named in full
                    yield self.finding(
                        facts,
                        line,
                        column,
                        related=[where[(resolved or "", name)] for name in skipped],
                        method=method,
                        model=resolved.rsplit(".", 1)[-1],
                        receivers=listed,
                    )


def _created_only(project: Project, receiver: str) -> bool:
    """A ``post_save`` receiver all of whose work runs only when ``created`` is true (``if not
    created: return`` first, or everything under ``if created:``)."""
    found = project.functions.get(receiver)
    if found is None:
        return False
    function = found[1]
    return (
        "created" in function.names_read
        and bool(function.calls)
        and all(("truthy", "created") in call.known for call in function.calls)
    )
