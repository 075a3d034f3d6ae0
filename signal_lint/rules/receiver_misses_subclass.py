"""SIG108: a receiver restricted to a model misses the writes of its proxy or multi-table subclass.

https://docs.djangoproject.com/en/stable/topics/db/models/#proxy-models
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import WARNING, Finding
from signal_lint.graph import Edge, Graph
from signal_lint.graph.loading import is_test_suite
from signal_lint.graph.project import Project
from signal_lint.model import LIVE
from signal_lint.rules._examples import shop_app
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

SAVE_SIGNALS = ("django.db.models.signals.pre_save", "django.db.models.signals.post_save")
DELETE_SIGNALS = ("django.db.models.signals.pre_delete", "django.db.models.signals.post_delete")
# What writes send each kind of signal (admin: the admin's add, change and delete views).
SAVES = frozenset({"save", "create", "get_or_create", "update_or_create", "admin", "form"})
DELETES = frozenset({"delete", "admin"})
# Classes whose ``Meta.model`` they save: model forms and REST framework model serializers.
SAVING_BASES = frozenset(
    {
        "django.forms.ModelForm",
        "django.forms.models.ModelForm",
        "rest_framework.serializers.ModelSerializer",
        "rest_framework.serializers.HyperlinkedModelSerializer",
    }
)

SHOP = shop_app(
    "class Order(models.Model):\n    pass\n\n"
    "class RushOrder(Order):\n    class Meta:\n        proxy = True\n\n"
    "class GiftOrder(Order):\n    note = models.CharField(max_length=50)\n",
    imports_receivers=True,
)


class ReceiverMissesSubclass(Rule):
    """
    ## What it does
    Flags a receiver of `pre_save`/`post_save` (or `pre_delete`/`post_delete`)
    restricted to a model (`sender=Order`) when the project defines a proxy
    or multi-table subclass of that model (`class RushOrder(Order)`) that no
    connection of the same receiver covers, *and* writes it somewhere: a
    `.save()`, `.objects.create()`/`get_or_create()`/`update_or_create()`,
    `.delete()` on it, a model form or serializer for it, or an admin
    registration. A subclass nothing writes is not reported. Delete
    receivers are reported for proxies only: deleting a multi-table child
    also deletes its parent row, and Django sends the delete signals for
    that row with the parent as sender.

    ## Why is this bad?
    Django sends model signals with the class being saved or deleted as
    sender. Saving a `RushOrder` sends `post_save` with `sender=RushOrder`,
    not `Order`, so a receiver connected for `Order` does not run — for
    proxies as for multi-table children (a long-standing Django surprise;
    its ticket is still open). The writes through the subclass silently skip
    the receiver.

    ## Example
    ```python
    class RushOrder(Order):
        class Meta:
            proxy = True

    @receiver(post_save, sender=Order)
    def on_order_saved(sender, instance, **kwargs):  # not run by RushOrder.objects.create()
        ...
    ```

    Use instead:
    ```python
    @receiver(post_save, sender=Order)
    @receiver(post_save, sender=RushOrder)
    def on_order_saved(sender, instance, **kwargs):
        ...
    ```
    or connect with no sender and check `isinstance(instance, Order)`.

    ## Fix safety
    There is no automatic fix: whether the receiver should run for the
    subclass (another `@receiver` line) or not (a comment saying so) is the
    author's choice.

    ## References
    - [Django: Proxy models](https://docs.djangoproject.com/en/stable/topics/db/models/#proxy-models)
    - [Django: Model signals, sender](https://docs.djangoproject.com/en/stable/ref/signals/#post-save)
    """

    code = "SIG108"
    name = "receiver-misses-subclass"
    summary = "A model-signal receiver for one class: writes of its subclasses skip it"
    severity = WARNING
    project = True
    example_path = "shop/receivers.py"
    MESSAGE = (
        "receiver `{receiver}` of `{signal}` is connected for `{model}` only, but the project "
        "writes {subclasses}, for which Django sends `{signal}` with the subclass as sender, so "
        "the receiver does not run: also connect it for {them}, or with no sender and check "
        "`isinstance(instance, {model})`"
    )

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            from shop.models import Order, RushOrder

            @receiver(post_save, sender=Order)
            @receiver(post_save, sender=RushOrder)
            def on_order_saved(sender, instance, **kwargs):
                pass

            def rush():
                RushOrder.objects.create()
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.db.models.signals import post_save, pre_delete
            from django.dispatch import receiver

            from shop.models import GiftOrder, Order

            @receiver(post_save, sender=Order)  # nothing writes RushOrder or GiftOrder
            def on_order_saved(sender, instance, **kwargs):
                pass

            @receiver(pre_delete, sender=Order)  # deleting a GiftOrder deletes its Order row
            def on_order_deleted(sender, instance, **kwargs):
                pass

            def forget(gift_id):
                GiftOrder.objects.get(pk=gift_id).delete()
            """,
            files=SHOP,
        ),
        Valid(
            # a subclass written for the type checker only: at run time ``Customer`` is ``Order``
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            from shop.customers import Customer
            from shop.models import Order

            @receiver(post_save, sender=Order)
            def on_order_saved(sender, instance, **kwargs):
                pass

            def register(name):
                Customer.objects.create(name=name)
            """,
            files={
                **SHOP,
                "shop/customers.py": """
                    from typing import TYPE_CHECKING

                    from shop.models import Order

                    if TYPE_CHECKING:
                        from decimal import Decimal

                        class Customer(Order):
                            balance: Decimal

                            def greeting(self) -> str: ...
                    else:
                        Customer = Order
                    """,
            },
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            from shop.models import GiftOrder, Order, RushOrder

            @receiver(post_save, sender=Order)
            def on_order_saved(sender, instance, **kwargs):
                pass

            def rush():
                return RushOrder.objects.create()

            def gift(note):
                order = GiftOrder(note=note)
                order.save()
            """,
            [(6, 2)],
            files=SHOP,
        ),
    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        project = graph.project
        assert project is not None
        subclasses = _subclasses(project, graph)
        if not subclasses:
            return
        writes: dict[str, frozenset[str]] | None = None  # read once a receiver may miss a subclass
        connected: set[tuple[str, str, object]] = {
            (edge.signal, edge.receiver, edge.sender) for edge in graph.connections
        }
        for edge in graph.connections:
            if edge.status != LIVE or edge.conditional or not isinstance(edge.sender, str):
                continue
            kinds: tuple[str, ...]
            if edge.signal in SAVE_SIGNALS:
                kinds, wanted = ("proxy", "multi-table"), SAVES
            elif edge.signal in DELETE_SIGNALS:
                kinds, wanted = ("proxy",), DELETES
            else:
                continue
            if edge.sender not in subclasses:
                continue
            if writes is None:
                writes = _writes(project, graph)
            missed = [
                (subclass, kind)
                for subclass, kind in subclasses[edge.sender]
                if kind in kinds
                and writes.get(subclass, frozenset()) & wanted
                and (edge.signal, edge.receiver, subclass) not in connected
                and (edge.signal, edge.receiver, None) not in connected
            ]
            if missed:
                yield self._finding(project, edge, missed)

    def _finding(self, project: Project, edge: Edge, missed: list[tuple[str, str]]) -> Finding:
        names = [f"`{subclass.rsplit('.', 1)[-1]}` ({kind})" for subclass, kind in missed]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        model = edge.sender.rsplit(".", 1)[-1] if isinstance(edge.sender, str) else ""
        facts: FileFacts = project.modules[edge.module]
        return self.finding(
            facts,
            edge.line,
            edge.column,
            receiver=edge.receiver.rsplit(".", 1)[-1],
            signal=edge.signal.rsplit(".", 1)[-1],
            model=model,
            subclasses=listed,
            them="it" if len(names) == 1 else "them",
        )


def _subclasses(project: Project, graph: Graph) -> dict[str, list[tuple[str, str]]]:
    """Concrete model -> its proxy and multi-table subclasses in the project, with their kind."""
    found: dict[str, list[tuple[str, str]]] = {}
    models = set(graph.models.values())
    for qualname in sorted(models.intersection(project.classes)):
        if project.classes[qualname][0].is_test:
            continue  # a test model (abstract and unregistered ones are not in ``models``)
        kind = (
            "proxy" if project.attribute(f"{qualname}.Meta", "proxy") == "True" else "multi-table"
        )
        for base in project.bases(qualname):
            if base in models:
                found.setdefault(base, []).append((qualname, kind))
    return found


def _writes(project: Project, graph: Graph) -> dict[str, frozenset[str]]:
    """Model class -> how the project (not its tests) writes it: save, create, delete, admin, form."""
    found: dict[str, set[str]] = {}
    for module, facts in project.modules.items():
        if is_test_suite(facts):
            continue
        for name, method, _, _ in facts.model_writes:
            model = graph.model_class(project.resolve(name))
            if model is not None:
                found.setdefault(model, set()).add(method)
        for name, target in facts.aliases:
            if not name.endswith(".Meta.model"):
                continue  # most aliases are not a form's model: no string built for them
            owner = name[: -len(".Meta.model")]
            if not owner:
                continue
            bases = project.bases(f"{module}.{owner}")
            if any(base in SAVING_BASES for base in bases):
                model = graph.model_class(project.resolve(target))
                if model is not None:
                    found.setdefault(model, set()).add("form")
    return {model: frozenset(methods) for model, methods in found.items()}
