"""SIG013: a save receiver that touches other records and ignores ``raw``.

https://docs.djangoproject.com/en/stable/ref/signals/#pre-save
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import CallUse, FileFacts
from signal_lint.findings import UNSAFE, WARNING, Finding, Fix
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext, receivers

SAVE_SIGNALS = frozenset(
    {"django.db.models.signals.pre_save", "django.db.models.signals.post_save"}
)
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
# QuerySet / related-manager methods that hit the database and that no dict, list, set or
# str has: ``instance.<name>.<method>(...)`` with one of these is a related manager.
QUERY_METHODS = frozenset(
    {
        "all", "filter", "exclude", "create", "get_or_create", "update_or_create", "exists", "first", "last",
        "bulk_create", "bulk_update", "aggregate", "annotate", "values_list", "in_bulk", "iterator",
        "select_for_update", "select_related", "prefetch_related", "order_by", "latest", "earliest", "only",
        "defer", "none", "set", "add", "remove", "clear",
    }
)  # fmt: skip
# Also dict/str methods: a manager's only when called as a manager calls them
# (``get(pk=1)``/``update(x=1)`` keywords only, ``count()`` no argument).
KEYWORD_ONLY_QUERY_METHODS = frozenset({"get", "update", "count"})


class UnguardedRawSave(Rule):
    """
    ## What it does
    Flags a `pre_save`/`post_save` receiver that queries or writes other
    records through the ORM — a model manager (`Model.objects…`,
    `_default_manager`), a related manager (`instance.items.all()`),
    `.save()`/`.delete()` on model instances other than the received one —
    and never reads `raw`. Non-ORM calls such as `cache.delete()` do not
    count; saving the received instance itself is SIG008.

    ## Why is this bad?
    When fixtures load (`loaddata`), Django saves each object "raw", exactly
    as serialized, and sends the save signals with `raw=True`. The database
    may be inconsistent at that point (related rows not loaded yet), so a
    receiver that queries or writes other records fails or writes duplicates.

    ## Example
    ```python
    @receiver(post_save, sender=Order)
    def update_stats(sender, instance, **kwargs):
        Stats.objects.filter(customer=instance.customer).update(...)
    ```

    Use instead:
    ```python
    @receiver(post_save, sender=Order)
    def update_stats(sender, instance, raw, **kwargs):
        if raw:
            return
        Stats.objects.filter(customer=instance.customer).update(...)
    ```

    ## Fix safety
    Unsafe. The fix makes the receiver's first statement (after its
    docstring) `if raw: return` when `raw` is a parameter, `if
    kwargs.get("raw"): return` with the receiver's own `**kwargs` name, or
    else adds a `raw=False` parameter and the first. Loading fixtures then
    skips the receiver's work: that is the repair, and a change for code
    that relied on it. Not fixed when the body is on the `def` line.

    ## References
    - [Django: pre_save `raw`](https://docs.djangoproject.com/en/stable/ref/signals/#pre-save)
    """

    code = "SIG013"
    name = "unguarded-raw-save"
    severity = WARNING
    MESSAGE = (
        "receiver `{receiver}` of `{signal}` {what} but never reads `raw`: when fixtures load "
        "(`raw=True`) the database may be inconsistent; return early `if raw:`"
    )
    fix_title = "return early when `raw` (fixtures loading)"

    VALID = (
        Valid(
            """
            from django.core.cache import cache
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def update_stats(sender, instance, raw, **kwargs):
                if raw:
                    return
                Stats.objects.filter(owner=instance.owner).update(count=1)

            @receiver(post_save)
            def invalidate(sender, instance, **kwargs):
                cache.delete(f"order:{instance.pk}")
                instance.image.delete(save=False)

            @receiver(post_save)
            def via_kwargs(sender, instance, **kwargs):
                if kwargs.get("raw"):
                    return
                instance.items.all().delete()
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save, pre_save
            from django.dispatch import receiver

            @receiver(post_save)
            def update_stats(sender, instance, **kwargs):
                Stats.objects.filter(owner=instance.owner).update(count=1)

            @receiver(pre_save)
            def touch_customer(sender, instance, raw=False, **kwargs):
                instance.customer.save()
            """,
            [(5, 1), (9, 1)],
            fixed="""
            from django.db.models.signals import post_save, pre_save
            from django.dispatch import receiver

            @receiver(post_save)
            def update_stats(sender, instance, **kwargs):
                if kwargs.get("raw"):
                    return
                Stats.objects.filter(owner=instance.owner).update(count=1)

            @receiver(pre_save)
            def touch_customer(sender, instance, raw=False, **kwargs):
                if raw:
                    return
                instance.customer.save()
            """,
        ),
        Invalid(
            """
            from django.db.models.signals import post_save

            def sync_items(sender, instance, created, **kwargs):
                for item in instance.items.all():
                    item.save()

            post_save.connect(sync_items)
            """,
            [(3, 1)],
            fixed="""
            from django.db.models.signals import post_save

            def sync_items(sender, instance, created, **kwargs):
                if kwargs.get("raw"):
                    return
                for item in instance.items.all():
                    item.save()

            post_save.connect(sync_items)
            """,
        ),
        Invalid(
            """
            from django.db.models.signals import post_save, pre_save
            from django.dispatch import receiver

            @receiver(post_save)
            def update_stats(sender, instance, created, **options):
                Stats.objects.filter(owner=instance.owner).update(count=1)

            @receiver(pre_save)
            def touch_customer(sender, instance, *args):
                '''Keep the customer fresh.'''
                instance.customer.save()
            """,
            [(5, 1), (9, 1)],
            fixed="""
            from django.db.models.signals import post_save, pre_save
            from django.dispatch import receiver

            @receiver(post_save)
            def update_stats(sender, instance, created, **options):
                if options.get("raw"):
                    return
                Stats.objects.filter(owner=instance.owner).update(count=1)

            @receiver(pre_save)
            def touch_customer(sender, instance, *args, raw=False):
                '''Keep the customer fresh.'''
                if raw:
                    return
                instance.customer.save()
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for use in receivers(facts, ctx):
            specs = [ctx.builtin(s) for s in use.signals()]
            names = [
                spec.name for spec in specs if spec is not None and spec.qualname in SAVE_SIGNALS
            ]
            function = use.function
            if not names or "raw" in function.names_read:
                continue
            for call in function.calls:
                what = _orm_use(call)
                if what:
                    yield self.finding(
                        facts,
                        function.line,
                        function.column,
                        fix=Fix("guard-raw", function.line, function.column, UNSAFE),
                        receiver=function.name,
                        signal=names[0],
                        what=what,
                    )
                    break


def _orm_use(call: CallUse) -> str | None:
    parts = call.chain
    if len(parts) < 2:
        return None
    if any(part in MANAGERS for part in parts[1:]):
        return f"queries `{parts[0]}` through its manager"
    method = parts[-1]
    if method in ("save", "delete") and not (
        parts[0] == "instance" and len(parts) >= 3 and parts[2] in QUERY_METHODS
    ):
        if (
            "save" in call.keywords
            or parts == ("instance", method)
            or call.qualname is not None
            or call.nargs
        ):
            # FieldFile.delete(save=False), PIL's image.save(buffer); the instance itself is
            # SIG008's; cache is not the ORM
            return None
        return f"calls `.{method}()` on another record"
    if parts[0] == "instance" and len(parts) >= 3 and parts[1] != "()":
        if parts[2] in QUERY_METHODS or (
            len(parts) == 3 and parts[2] in KEYWORD_ONLY_QUERY_METHODS and not call.nargs
        ):
            return f"uses the related manager `instance.{parts[1]}`"
    return None
