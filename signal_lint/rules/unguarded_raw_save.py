"""SIG013: a save receiver that does harm when fixtures load, and ignores ``raw``.

https://docs.djangoproject.com/en/stable/ref/signals/#pre-save
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from signal_lint.extract.facts import CallUse, FileFacts, Function
from signal_lint.extract.rows import (
    HANDLED_READS,
    INSTANCE,
    MANAGERS,
    MODEL,
    REQUEST,
    ROW,
    SENDER,
)
from signal_lint.findings import UNSAFE, WARNING, Finding, Fix
from signal_lint.rules._examples import shop_app
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import ReceiverUse, RuleContext, function_in, receivers

SAVE_SIGNALS = frozenset(
    {"django.db.models.signals.pre_save", "django.db.models.signals.post_save"}
)
CREATES = frozenset({"create", "get_or_create", "update_or_create", "bulk_create", "add", "set"})
WRITES = frozenset({"update", "bulk_update", "delete", "remove", "clear"})
# QuerySet / related-manager methods that hit the database and that no dict, list, set or
# str has: ``instance.<name>.<method>(...)`` with one of these is a related manager.
QUERY_METHODS = frozenset(
    {
        "all", "filter", "exclude", "create", "get_or_create", "update_or_create", "exists", "first", "last",
        "bulk_create", "bulk_update", "aggregate", "annotate", "values_list", "in_bulk", "iterator",
        "select_for_update", "select_related", "prefetch_related", "order_by", "latest", "earliest", "only",
        "defer", "none", "set", "add", "remove", "clear", "values", "distinct", "using",
    }
)  # fmt: skip
# Also dict/str methods: a manager's only when called as a manager calls them
# (``get(pk=1)``/``update(x=1)`` keywords only, ``count()`` no argument).
KEYWORD_ONLY_QUERY_METHODS = frozenset({"get", "update", "count"})
TASK_METHODS = frozenset({"delay", "apply_async", "send_task"})
SIDE_EFFECT_CALLS = frozenset(
    {
        "django.core.mail.send_mail", "django.core.mail.send_mass_mail", "django.core.mail.mail_admins",
        "django.core.mail.mail_managers", "requests.get", "requests.post", "requests.put",
        "requests.patch", "requests.delete", "requests.request", "shutil.move", "shutil.copy",
        "shutil.copyfile", "shutil.rmtree", "os.remove", "os.unlink", "os.rename", "os.replace",
    }
)  # fmt: skip
# What goes wrong when the receiver runs for rows ``loaddata`` saves.
HARMS = {
    "missing": "a row it reads may not be loaded yet, and the query raises `DoesNotExist`",
    "missing-self": "the row is not in the database yet, and the query raises `DoesNotExist`",
    "duplicated": "rows the fixture holds too come in twice or conflict (`IntegrityError`)",
    "changed": "it overwrites rows the fixture loads",
    "outside": "it acts outside the database (tasks, mail, webhooks, files) for every loaded row",
}


class UnguardedRawSave(Rule):
    """
    ## What it does
    Flags a `pre_save`/`post_save` receiver that never reads `raw` and does
    harm when fixtures load: it creates or changes other rows through the
    ORM (a model manager such as `Token.objects.create()`, a related
    manager such as `instance.items.add()`, `.save()`/`.delete()` of other
    records), reads a row that may not be loaded yet with `.get()` outside
    a `try` that catches `DoesNotExist`, or acts outside the database
    (queues a task, sends mail or a web request, moves or removes files;
    what a `transaction.on_commit(lambda: ...)` defers counts as done).
    It follows the receiver one call deep into the project's own functions.
    The message names the model and the harm.

    Not flagged: reads that cannot fail (`filter()`, `exists()`, `count()`),
    cache calls, saving the received instance itself (SIG008), and work that
    a fresh `loaddata` never reaches: under `if not created` (Django sends
    `created=True` when no existing row was updated), after a read of the
    saved row's own previous version in a `try` that returns on
    `DoesNotExist` (or `if old:`), under a check that a request is being
    served (`current_request.get()` is `None` in `loaddata`), that
    `update_fields` was given, or that a field differs from the private copy
    the instance keeps of it (`instance.shop_id != instance._initial_shop_id`:
    `loaddata` builds the instance from the fixture, so the copy matches),
    that the instance has no primary key yet (`if not instance.pk:`: a
    fixture row comes with its own; natural-key fixtures without one are
    the exception), or that a private attribute the receiver reads as maybe
    missing is set (`getattr(instance, "_sync", False)`,
    `hasattr(instance, "_sync")`: the deserializer sets fields only, and
    saves with `Model.save_base()`, so the model's `save()` never ran).
    Nor is a receiver registered through a decorator of the project whose
    wrapper reads `raw` (`@disable_for_loaddata`), when that decorator is
    below `@receiver` or the decorated name is what `connect()` is given.

    ## Why is this bad?
    When fixtures load (`loaddata`), Django saves each object "raw", exactly
    as serialized, and sends the save signals with `raw=True`. The rows
    arrive in the fixture's order, with constraint checks off: a receiver
    that reads other rows finds them missing, one that creates rows
    duplicates what the fixture holds (a profile, a token, a counter), and
    one that queues tasks or calls webhooks does so for every loaded row.

    ## Example
    ```python
    @receiver(post_save, sender=User)
    def create_token(sender, instance, created, **kwargs):
        if created:
            Token.objects.create(user=instance)
    ```

    Use instead:
    ```python
    @receiver(post_save, sender=User)
    def create_token(sender, instance, created, raw, **kwargs):
        if created and not raw:
            Token.objects.create(user=instance)
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
    - [Django: loaddata](https://docs.djangoproject.com/en/stable/ref/django-admin/#loaddata)
    """

    code = "SIG013"
    name = "unguarded-raw-save"
    severity = WARNING
    reads = frozenset({"receivers"})
    summary = "A save receiver that uses the ORM without checking `raw` (fixture loading)"
    MESSAGE = (
        "receiver `{receiver}` of `{signal}` {what} but never reads `raw`: "
        "when fixtures load (`raw=True`) {harm}; return early `if raw:`"
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
        Valid(
            """
            from django.db.models.signals import post_save, pre_save
            from django.dispatch import receiver

            from shop.models import Order, OrderLine, Product

            @receiver(post_save, sender=Order)
            def reprice_lines(sender, instance, created, **kwargs):
                if created:
                    return  # a fresh fixture load sends created=True: this never runs then
                OrderLine.objects.filter(order=instance).update(total=0)

            @receiver(pre_save, sender=Order)
            def remember_status(sender, instance, **kwargs):
                try:  # the saved row's previous version, if any: a harmless read
                    instance._old_status = sender.objects.get(pk=instance.pk).status
                except sender.DoesNotExist:
                    instance._old_status = None

            @receiver(pre_save, sender=Order)
            def audit_status_change(sender, instance, **kwargs):
                try:
                    old = sender.objects.get(pk=instance.pk)
                except sender.DoesNotExist:
                    return  # a fresh fixture load: the row is not there yet
                if old.status != instance.status:
                    OrderLine.objects.filter(order=instance).update(status=instance.status)

            @receiver(post_save, sender=Order)
            def record_change(sender, instance, **kwargs):
                request = current_request.get()
                if request is None:
                    return  # loaddata serves no request
                Change.objects.create(order=instance, user=request.user)

            @receiver(post_save, sender=Product)
            def bump_shop_caches(sender, instance, **kwargs):
                for shop_id in instance.shops.values_list("pk", flat=True):  # a read
                    bump_cache(shop_id)

            @receiver(post_save, sender=Order)
            def move_lines(sender, instance, **kwargs):
                if instance.shop_id != instance._initial_shop_id:  # the copy __init__ keeps
                    OrderLine.objects.filter(order=instance).update(shop_id=instance.shop_id)

            @receiver(post_save, sender=Order)
            def fill_owner(sender, **kwargs):
                order = kwargs["instance"]  # the received instance, not another record
                post_save.disconnect(fill_owner, sender=Order)
                order.save()
                post_save.connect(fill_owner, sender=Order)
            """,
        ),
        Valid(
            """
            from functools import wraps

            from django.db.models.signals import post_save, pre_save
            from django.dispatch import receiver

            from shop.models import Folder, Order, Profile, Shop, User

            def not_for_fixtures(handler):
                @wraps(handler)
                def wrapper(*args, **kwargs):
                    if kwargs["raw"]:  # the decorator reads raw for the receivers it wraps
                        return
                    handler(*args, **kwargs)

                return wrapper

            @receiver(post_save, sender=User)
            @not_for_fixtures
            def create_profile(sender, instance, created, **kwargs):
                if created:
                    Profile.objects.create(user=instance)

            @not_for_fixtures
            def open_shop(sender, instance, created, **kwargs):
                Shop.objects.get_or_create(owner=instance)

            post_save.connect(open_shop, sender=User)

            @receiver(pre_save, sender=Order)
            def touch_shop(sender, instance, **kwargs):
                if not instance.pk:  # a fixture row comes with its primary key
                    instance.shop.save(update_fields=["modified"])

            @receiver(post_save, sender=Folder)
            def inherit_groups(sender, instance, **kwargs):
                # set by Folder.save(), which loaddata does not call (it uses Model.save_base())
                if not getattr(instance, "_inherit_groups", False):
                    return
                instance.groups.set(instance.parent.groups.all())

            @receiver(post_save, sender=Shop)
            def link_owner(sender, instance, **kwargs):
                find_or_make_owner(instance.owner_email)

            def find_or_make_owner(email):
                try:  # a missing row is handled: no DoesNotExist escapes
                    return User.objects.get(email=email)
                except User.DoesNotExist:
                    return None
            """,
            files=shop_app(),  # run as a project too: the helper is followed then
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
        Invalid(
            """
            from django.apps import apps
            from django.db.models.signals import post_save, pre_save
            from django.dispatch import receiver

            from shop import models
            from shop.models import Issue, Token, User

            @receiver(post_save, sender=User)
            def create_token(sender, instance, created, **kwargs):
                if created:
                    Token.objects.create(user=instance)  # the fixture's Token then conflicts

            @receiver(post_save, sender=Issue)
            def create_values(sender, instance, created, **kwargs):
                if created:
                    models.IssueValues.objects.get_or_create(issue=instance)

            @receiver(post_save, sender=Issue)
            def renumber(sender, instance, **kwargs):
                membership = apps.get_model("shop", "Membership")
                membership.objects.filter(user=instance.owner).update(order=0)

            @receiver(pre_save, sender=Issue)
            def cache_previous(sender, instance, **kwargs):
                if instance.id:
                    instance.prev = sender.objects.get(id=instance.id)  # not there yet

            @receiver(post_save, sender=Issue)
            def notify_watchers(sender, instance, **kwargs):
                send_webhooks.delay(instance.pk)

            @receiver(post_save, sender=Issue)
            def add_to_board(sender, instance, **kwargs):
                instance.get_project().columns.create(issue=instance)
            """,
            [(9, 1), (14, 1), (19, 1), (24, 1), (29, 1), (33, 1)],
            fixed="""
            from django.apps import apps
            from django.db.models.signals import post_save, pre_save
            from django.dispatch import receiver

            from shop import models
            from shop.models import Issue, Token, User

            @receiver(post_save, sender=User)
            def create_token(sender, instance, created, **kwargs):
                if kwargs.get("raw"):
                    return
                if created:
                    Token.objects.create(user=instance)  # the fixture's Token then conflicts

            @receiver(post_save, sender=Issue)
            def create_values(sender, instance, created, **kwargs):
                if kwargs.get("raw"):
                    return
                if created:
                    models.IssueValues.objects.get_or_create(issue=instance)

            @receiver(post_save, sender=Issue)
            def renumber(sender, instance, **kwargs):
                if kwargs.get("raw"):
                    return
                membership = apps.get_model("shop", "Membership")
                membership.objects.filter(user=instance.owner).update(order=0)

            @receiver(pre_save, sender=Issue)
            def cache_previous(sender, instance, **kwargs):
                if kwargs.get("raw"):
                    return
                if instance.id:
                    instance.prev = sender.objects.get(id=instance.id)  # not there yet

            @receiver(post_save, sender=Issue)
            def notify_watchers(sender, instance, **kwargs):
                if kwargs.get("raw"):
                    return
                send_webhooks.delay(instance.pk)

            @receiver(post_save, sender=Issue)
            def add_to_board(sender, instance, **kwargs):
                if kwargs.get("raw"):
                    return
                instance.get_project().columns.create(issue=instance)
            """,
        ),
        Invalid(
            # the guard wraps what @receiver returns, not what it registered
            """
            from functools import wraps

            from django.db.models.signals import post_save
            from django.dispatch import receiver

            from shop.models import Profile, User

            def not_for_fixtures(handler):
                @wraps(handler)
                def wrapper(*args, **kwargs):
                    if kwargs["raw"]:
                        return
                    handler(*args, **kwargs)

                return wrapper

            @not_for_fixtures
            @receiver(post_save, sender=User)
            def create_profile(sender, instance, created, **kwargs):
                if created:
                    Profile.objects.create(user=instance)

            @receiver(post_save, sender=User)
            def link_profile(sender, instance, **kwargs):
                if getattr(instance, "_link", True):  # unset counts as set: runs for fixtures
                    instance.profile = Profile.objects.get(email=instance.email)
            """,
            [(19, 1), (24, 1)],
            fixed="""
            from functools import wraps

            from django.db.models.signals import post_save
            from django.dispatch import receiver

            from shop.models import Profile, User

            def not_for_fixtures(handler):
                @wraps(handler)
                def wrapper(*args, **kwargs):
                    if kwargs["raw"]:
                        return
                    handler(*args, **kwargs)

                return wrapper

            @not_for_fixtures
            @receiver(post_save, sender=User)
            def create_profile(sender, instance, created, **kwargs):
                if kwargs.get("raw"):
                    return
                if created:
                    Profile.objects.create(user=instance)

            @receiver(post_save, sender=User)
            def link_profile(sender, instance, **kwargs):
                if kwargs.get("raw"):
                    return
                if getattr(instance, "_link", True):  # unset counts as set: runs for fixtures
                    instance.profile = Profile.objects.get(email=instance.email)
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
            if not names or "raw" in function.names_read or _wrapped_reads_raw(facts, use, ctx):
                continue
            effect = _first_effect(function, _senders(use, ctx), "pre_save" in names, ctx)
            if effect is not None:
                yield self.finding(
                    facts,
                    function.line,
                    function.column,
                    fix=Fix("guard-raw", function.line, function.column, UNSAFE),
                    receiver=function.name,
                    signal=names[0],
                    what=effect.what,
                    harm=HARMS[effect.harm],
                )


def _wrapped_reads_raw(facts: FileFacts, use: ReceiverUse, ctx: RuleContext) -> bool:
    """Every connection registers the function through a decorator of the project whose wrapper
    reads ``raw`` (``@disable_for_loaddata``: ``if kwargs["raw"]: return`` before calling it).
    For ``@receiver``, only the decorators below it wrap what it registers."""

    def guarded(decorators: tuple[str | None, ...]) -> bool:
        for decorator in decorators:
            found = function_in(facts, ctx, decorator)
            if found is None:
                continue
            owner, definition = found
            for returned in definition.returns:
                if returned.startswith("nested:"):
                    wrapper = owner.function(returned[len("nested:") :])
                    if wrapper is not None and "raw" in wrapper.names_read:
                        return True
        return False

    decorators = use.function.decorators
    return bool(use.connections) and all(
        guarded(
            decorators[connection.decorator_index + 1 :]
            if connection.kind == "decorator"
            else decorators
        )
        for connection in use.connections
    )


@dataclass(frozen=True)
class Effect:
    """What a call does to the world when a fixture row is saved, and which harm that is."""

    what: str  # "creates `Token` rows"
    harm: str  # a key of HARMS


def _first_effect(
    function: Function, senders: list[str], pre_save: bool, ctx: RuleContext
) -> Effect | None:
    """The first harmful thing the receiver does when fixtures load, or None."""
    kinds = dict(function.local_kinds)
    for call in sorted(function.calls, key=lambda c: (c.line, c.column)):
        if _not_on_a_fresh_load(call, kinds):
            continue
        effect = _effect(call, kinds, senders, pre_save)
        if effect is None and call.qualname:
            effect = _through_helper(call.qualname, function, ctx)
        if effect is not None:
            return effect
    return None


def _not_on_a_fresh_load(call: CallUse, kinds: dict[str, str]) -> bool:
    """Code that ``loaddata`` of fresh rows never reaches: under ``if not created`` (Django sends
    ``created=True`` when no row was updated), under a check that the saved row already existed
    or that a request is being served, or that ``update_fields`` was given (``loaddata``
    passes none), or that a field differs from the private copy the instance took of it when it
    was built (the deserializer builds it from the fixture's values), or that the instance has
    no primary key yet (a fixture gives it one), or that a private attribute the receiver reads
    as maybe missing (``getattr(instance, "_sync", False)``, ``hasattr(instance, "_sync")``)
    is set: the deserializer builds the instance from its fields alone and saves it with
    ``Model.save_base()``, so the model's ``save()`` or a view never set it."""
    for fact in call.known:
        if fact == ("falsy", "created") or (fact[0] == "in" and fact[1] == "update_fields"):
            return True
        if fact[0] == "falsy" and _of_instance(fact[1], kinds) in ("pk", "id"):
            return True  # ``if not instance.pk:``: a fixture row comes with its primary key
        if fact[0] == "set" and _private(_of_instance(fact[1], kinds)):
            return True  # ``getattr(instance, "_sync", False)`` true: set by code loaddata skips
        if fact[0] == "changed" and (fact[1] == "instance" or kinds.get(fact[1]) == INSTANCE):
            return True  # the deserializer builds the instance with Model(**data): its copy matches
        if fact[0] in ("truthy", "notnone") and (
            fact[1] == "update_fields" or kinds.get(fact[1]) in (ROW, REQUEST)
        ):
            return True
    return False


def _private(attr: str) -> bool:
    return attr.startswith("_") and not attr.startswith("__")


def _of_instance(subject: str, kinds: dict[str, str]) -> str:
    """``pk`` for ``instance.pk`` (or a local holding the instance); "" for anything else."""
    base, _, attr = subject.partition(".")
    if attr and "." not in attr and (base == "instance" or kinds.get(base) == INSTANCE):
        return attr
    return ""


def _effect(
    call: CallUse, kinds: dict[str, str], senders: list[str], pre_save: bool
) -> Effect | None:
    """The harmful effect of one call of a receiver (None: harmless or not the ORM)."""
    parts = call.chain
    side = _side_effect(parts, call.qualname)
    if side is not None or len(parts) < 2:
        return side
    method = parts[-1]
    handled = "<dne>" in call.guard_names
    manager = next((i for i in range(1, len(parts)) if parts[i] in MANAGERS), None)
    if manager is not None:
        model = _model(parts, manager, call.qualname, kinds, senders)
        if call.same_row:  # the saved row's own previous version
            if method in HANDLED_READS and pre_save and not handled:
                return Effect(f"reads its own row with `.{method}()`", "missing-self")
            return None
        return _manager_effect(method, model, handled)
    base = parts[0] == "instance" or kinds.get(parts[0]) == INSTANCE
    if base and len(parts) >= 3:
        relation = _relation(parts, call.nargs, call.keywords)
        if relation is not None:
            return _manager_effect(method, f"the instance's related `{relation}` rows", handled)
    if method in ("save", "delete") and len(parts) >= 2:
        if "save" in call.keywords or call.nargs or call.qualname is not None:
            return None  # FieldFile.delete(save=False), PIL's image.save(buffer), cache.delete()
        if base and len(parts) == 2:
            return None  # the received instance itself: SIG008's business
        owner = f"the instance's related `{parts[1]}`" if base else "other rows"
        verb = "saves" if method == "save" else "deletes"
        return Effect(f"{verb} {owner}", "changed")
    return None


def _manager_effect(method: str, rows: str, handled: bool) -> Effect | None:
    """``rows``: what the manager holds (```Token` rows``, ``the instance's related `tags` rows``)."""
    if method in CREATES:
        return Effect(f"creates {rows}", "duplicated")
    if method in WRITES:
        return Effect(f"changes {rows}", "changed")
    if method in HANDLED_READS and not handled:
        return Effect(f"reads {rows} with `.{method}()`", "missing")
    return None  # a read: harmless, whatever is loaded yet


def _side_effect(parts: tuple[str, ...], qualname: str | None) -> Effect | None:
    """Work outside the database: a task queued, mail sent, a web request, files moved."""
    if qualname is not None and qualname in SIDE_EFFECT_CALLS:
        return Effect(f"calls `{qualname.rsplit('.', 1)[-1]}()`", "outside")
    if len(parts) >= 2 and parts[-1] in TASK_METHODS:
        task = parts[-2] if parts[-2] != "()" else "a task"
        return Effect(f"queues `{task}`", "outside")
    return None  # ``on_commit(lambda: ...)`` itself defers: its lambda's calls are judged as calls


def _through_helper(qualname: str, caller: Function, ctx: RuleContext) -> Effect | None:
    """One call deep: a function of the project the receiver calls, and what it does."""
    helper = ctx.callee(qualname)
    if helper is None or helper is caller:
        return None
    calls = helper.calls or tuple(CallUse(0, 0, chain=parts) for parts in helper.orm_calls)
    for call in calls:
        effect = _effect(call, dict(helper.local_kinds), [], False)
        if effect is not None:
            return Effect(f"calls `{helper.name}()`, which {effect.what}", effect.harm)
    return None


def _model(
    parts: tuple[str, ...],
    manager: int,
    qualname: str | None,
    kinds: dict[str, str],
    senders: list[str],
) -> str:
    """The rows a manager chain queries, named by the model's class (never a module alias such
    as ``models``, a local variable or ``sender``): ```Token` rows``, or described without one."""
    holder = parts[manager - 1]
    kind = kinds.get(holder, "")
    if kind.startswith(MODEL):
        return f"`{kind[len(MODEL) :]}` rows"
    if holder == "sender" or kind == SENDER or (holder == "()" and parts[0] == "type"):
        return f"`{senders[0]}` rows" if len(senders) == 1 else "rows of the sender's model"
    if holder != "()" and (qualname is not None or holder[:1].isupper()):
        return f"`{holder}` rows"  # a class the file names (``Token``, ``models.Token``)
    return "rows of a model looked up at run time"


def _relation(parts: tuple[str, ...], nargs: int, keywords: tuple[str, ...]) -> str | None:
    """``instance.items.all()``, ``instance.project.members.create()``,
    ``instance.get_project().members.filter()``: the related manager's name, or None."""
    for index in range(2, len(parts)):
        method, relation = parts[index], parts[index - 1]
        if relation == "()":
            continue
        if method in QUERY_METHODS:
            return relation
        if method in KEYWORD_ONLY_QUERY_METHODS and index == len(parts) - 1 and not nargs:
            return relation  # ``get(pk=1)``/``update(x=1)``/``count()``, not ``dict.get("x")``
    return None


def _senders(use: ReceiverUse, ctx: RuleContext) -> list[str]:
    """The class names of the models the receiver is connected for."""
    names = []
    for connection in use.connections:
        sender = connection.sender
        if sender.kind == "name" and sender.value:
            name = (ctx.canonical(sender.value) or sender.value).rsplit(".", 1)[-1]
        elif sender.kind == "string" and sender.value and "." in sender.value:
            name = sender.value.rsplit(".", 1)[-1]
        else:
            return []  # any sender, or one the file does not name
        if name not in names:
            names.append(name)
    return names
