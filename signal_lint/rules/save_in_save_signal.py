"""SIG008: a save receiver that saves the instance it received.

https://docs.djangoproject.com/en/stable/ref/signals/#post-save
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import CallUse, FileFacts, Function
from signal_lint.findings import WARNING, Finding
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext, function_in, receivers

SAVE_SIGNALS = frozenset(
    {"django.db.models.signals.pre_save", "django.db.models.signals.post_save"}
)


# a decorator of the project that calls the receiver only while ``instance.skip_signal`` is unset
SKIP_SIGNAL = """
            from functools import wraps

            from django.db.models.signals import post_save
            from django.dispatch import receiver

            def skip_signal(func):
                @wraps(func)
                def wrapper(sender, instance, **kwargs):
                    if hasattr(instance, "skip_signal"):
                        return None  # the receiver's own re-save stops here
                    return func(sender, instance, **kwargs)

                return wrapper
"""


class SaveInSaveSignal(Rule):
    """
    ## What it does
    Flags `instance.save()` inside a `pre_save`/`post_save` receiver when no
    guard that breaks the cycle is visible.

    Guards that count: the save runs only when `created` is true (the re-save
    sends `created=False`); only when `update_fields` lacks a field while the
    save itself passes `update_fields=` with that field; only when an
    attribute the receiver sets before saving had another value (or was
    unset: `hasattr`/`getattr`), in the receiver or in a decorator of the
    project below `@receiver` whose wrapper calls it only then; or the
    receiver disconnects itself around the save. `if raw: return` alone is no
    such guard, nor is `update_fields=` alone.

    ## Why is this bad?
    `save()` sends `pre_save` and `post_save` again, which calls the receiver
    again: infinite recursion (`RecursionError`), or at best every save does
    the work twice.

    ## Example
    ```python
    @receiver(post_save, sender=Order)
    def set_number(sender, instance, **kwargs):
        instance.number = f"ORD-{instance.pk}"
        instance.save()
    ```

    Use instead:
    ```python
    @receiver(post_save, sender=Order)
    def set_number(sender, instance, created, **kwargs):
        if created:
            instance.number = f"ORD-{instance.pk}"
            instance.save(update_fields=["number"])
    ```
    or `Order.objects.filter(pk=instance.pk).update(number=...)`, which sends
    no signal.

    ## Fix safety
    There is no automatic fix: how to break the cycle (a `created` check,
    `update_fields`, `QuerySet.update()`, disconnecting around the save)
    depends on what the receiver is for.

    ## References
    - [Django: post_save](https://docs.djangoproject.com/en/stable/ref/signals/#post-save)
    """

    code = "SIG008"
    name = "save-in-save-signal"
    severity = WARNING
    reads = frozenset({"receivers"})
    summary = "A save receiver saves its own instance: the signal fires again, without end"
    MESSAGE = (
        "receiver `{receiver}` of `{signal}` saves the instance it received, which sends "
        "`{signal}` again: guard the save (e.g. `if created:`) or use `QuerySet.update()`"
    )

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save, pre_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_created(sender, instance, created, **kwargs):
                if created:
                    instance.number = instance.pk
                    instance.save(update_fields=["number"])

            @receiver(post_save)
            def on_any(sender, instance, update_fields=None, **kwargs):
                if update_fields and "slug" in update_fields:
                    return
                instance.slug = str(instance.pk)
                instance.save(update_fields=["slug"])

            @receiver(post_save)
            def on_change(sender, instance, **kwargs):
                if instance.status != "done":
                    instance.status = "done"
                    instance.save()

            @receiver(pre_save)
            def related(sender, instance, raw, **kwargs):
                if not raw:
                    instance.customer.save()
            """
        ),
        Valid(
            """
            from django.db.models.signals import post_save

            def touch(sender, instance, **kwargs):
                post_save.disconnect(touch, sender=sender)
                try:
                    instance.save()
                finally:
                    post_save.connect(touch, sender=sender)

            post_save.connect(touch)
            """
        ),
        Valid(
            SKIP_SIGNAL
            + """
            @receiver(post_save)
            @skip_signal
            def update_search_vector(sender, instance, **kwargs):
                instance.search_vector = instance.name.lower()
                try:
                    instance.skip_signal = True
                    instance.save()
                finally:
                    del instance.skip_signal
            """
        ),
    )
    INVALID = (
        Invalid(
            SKIP_SIGNAL
            + """
            @receiver(post_save)
            @skip_signal
            def update_search_vector(sender, instance, **kwargs):
                instance.search_vector = instance.name.lower()
                instance.save()  # never sets skip_signal: the re-save runs it again
            """,
            [(19, 5)],
        ),
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def set_number(sender, instance, raw, **kwargs):
                if raw:
                    return
                instance.number = instance.pk
                instance.save(update_fields=["number"])
            """,
            [(9, 5)],
        ),
        Invalid(
            """
            from django.db.models.signals import pre_save

            def stamp(sender, **kwargs):
                kwargs["instance"].save()

            pre_save.connect(stamp)
            """,
            [(4, 5)],
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for use in receivers(facts, ctx):
            signals = [ctx.builtin(s) for s in use.signals()]
            names = [
                spec.name for spec in signals if spec is not None and spec.qualname in SAVE_SIGNALS
            ]
            if not names:
                continue
            function = use.function
            for call in function.calls:
                if call.chain == ("instance", "save") and not _guarded(call, function, facts, ctx):
                    yield self.finding(
                        facts, call.line, call.column, receiver=function.name, signal=names[0]
                    )


def _guarded(call: CallUse, function: Function, facts: FileFacts, ctx: RuleContext) -> bool:
    """A condition visible at the save that the re-save cannot meet (in the receiver, or in a
    decorator of it that calls it only while an attribute the receiver sets is unset), or a
    disconnect of itself."""
    known = call.known
    if ("truthy", "created") in known:
        return True  # the re-save sends created=False
    if call.update_fields and (
        ("falsy", "update_fields") in known
        or any(("notin", "update_fields", field) in known for field in call.update_fields)
    ):
        return True  # saves a field only when update_fields lacks it; the re-save sends it
    assigned = {
        f"instance.{attr}"
        for base, attr, line in function.attr_assigns
        if base == "instance" and line <= call.line
    }
    if any(condition[0] in ("ne", "falsy") and condition[1] in assigned for condition in known):
        return True  # saves only when the attribute it sets had another value
    attrs = {name.split(".", 1)[1] for name in assigned}
    if attrs and any(_wrapper_skips(facts, ctx, name, attrs) for name in function.decorators):
        return True  # ``@skip_signal``: its wrapper returns while ``instance.skip_signal`` is set
    return any(
        connection.kind == "disconnect"
        and connection.function == function.qualname
        and connection.receiver.local == function.qualname
        and connection.line < call.line
        for connection in facts.connections
    )  # disconnects itself before saving


def _wrapper_skips(
    facts: FileFacts, ctx: RuleContext, decorator: str | None, attrs: set[str]
) -> bool:
    """``decorator`` (a function of the project) returns a wrapper that calls the function it
    wraps only while one of ``attrs`` is unset or falsy on an argument (``if hasattr(instance,
    "skip_signal"): return``)."""
    found = function_in(facts, ctx, decorator)
    if found is None or not found[1].params:
        return False
    home, outer = found
    wrapped = outer.params[0].name
    for inner in home.functions:
        if inner.parent != outer.qualname:
            continue
        names = {param.name for param in inner.params}
        calls = [c for c in inner.calls if c.chain == (wrapped,)]
        if calls and all(
            any(
                kind == "falsy" and base in names and attr in attrs
                for kind, subject, *_ in c.known
                for base, _, attr in [subject.partition(".")]
            )
            for c in calls
        ):
            return True
    return False
