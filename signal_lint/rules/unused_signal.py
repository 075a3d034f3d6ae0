"""SIG105: a project signal that is never sent, never received, or neither.

https://docs.djangoproject.com/en/stable/topics/signals/#defining-and-sending-signals
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.findings import INFO, Finding
from signal_lint.graph import Graph
from signal_lint.graph.project import Project
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

PROJECT = {  # a project: it has settings of its own
    "config/__init__.py": "",
    "config/settings.py": 'INSTALLED_APPS = ["shop"]\n',
    "shop/__init__.py": "",
}
# a mixin sending through ``self.post_destroy_signal``, and a receiver of ``status_moved``
SLOT_PROJECT = {
    **PROJECT,
    "shop/apps.py": """
        from django.apps import AppConfig

        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                from shop import receivers  # noqa: F401
        """,
    "shop/mixins.py": """
        class MoveOnDestroyMixin:
            post_destroy_signal = None

            def destroy(self, obj, moved_to):
                if self.post_destroy_signal:
                    self.post_destroy_signal.send(sender=type(obj), moved=moved_to)
        """,
    "shop/receivers.py": """
        from django.dispatch import receiver

        from shop.signals import status_moved

        @receiver(status_moved)
        def on_moved(sender, moved, **kwargs):
            pass
        """,
}


class UnusedSignal(Rule):
    """
    ## What it does
    Reports, on its `Signal()` definition, a signal the project defines that
    is sent but has no receiver anywhere in the project, has receivers but
    is never sent, or is neither sent nor received. Test modules' sends and
    receivers count, and so does a send through a class attribute
    (`self.post_signal.send()`), also when a subclass binds the attribute
    (`post_signal = order_moved`) and a base class sends through it;
    Django's own signals are never reported. In a tree
    without Django settings of its own (a reusable app or library: its only
    settings are under `tests/`, `examples/`, `sandbox/`, `docs/` or a
    `testproject`-like package), a signal that is sent but not received is
    its public hook for the projects that install it, and is not reported;
    so is one its module lists in `__all__` (a hook for plugins). A
    deprecation shim (an instance of a `Signal` subclass whose `connect()`
    warns) is never reported: it exists to tell old receivers to move.

    ## Why is this bad?
    A signal with receivers that nothing sends is dead code that looks
    alive: its receivers never run. A signal nothing receives costs every
    send a lookup and usually means a receiver was forgotten or lives in a
    module nothing imports. A signal a reusable app sends for its users to
    receive is fine: hence the `info` severity.

    ## Example
    ```python
    # shop/signals.py
    order_refunded = Signal()  # receivers exist, but nothing sends it
    ```

    Use instead:
    ```python
    # shop/models.py
    def refund(self):
        ...
        order_refunded.send(sender=type(self), order=self)
    ```

    ## Fix safety
    There is no automatic fix: the signal may be public API for other
    projects; remove or connect it by hand.

    ## References
    - [Django: Defining and sending signals](https://docs.djangoproject.com/en/stable/topics/signals/#defining-and-sending-signals)
    """

    code = "SIG105"
    name = "unused-signal"
    severity = INFO
    summary = "A project signal that is never sent, has no receivers, or both"
    project = True
    example_path = "shop/signals.py"
    MESSAGE = "signal `{signal}` {problem}: {advice}"

    VALID = (
        Valid(
            """
            from django.dispatch import Signal

            order_placed = Signal()
            """,
            files={
                "shop/__init__.py": "",
                "shop/orders.py": """
                    from shop.signals import order_placed

                    def place(order):
                        order_placed.send(sender=None, order=order)
                    """,
                "shop/receivers.py": """
                    from django.dispatch import receiver

                    from shop.signals import order_placed

                    @receiver(order_placed)
                    def send_receipt(sender, order, **kwargs):
                        pass
                    """,
            },
        ),
        Valid(
            """
            from django.dispatch import Signal

            order_placed = Signal()  # a reusable app's hook: no settings here, the installing project receives it
            """,
            files={
                "shop/__init__.py": "",
                "shop/orders.py": """
                    from shop.signals import order_placed

                    def place(order):
                        order_placed.send(sender=None, order=order)
                    """,
            },
        ),
        Valid(
            """
            from django.dispatch import Signal

            order_placed = Signal()  # a library's hook: its only settings are its sandbox's
            """,
            files={
                "shop/__init__.py": "",
                "shop/orders.py": """
                    from shop.signals import order_placed

                    def place(order):
                        order_placed.send(sender=None, order=order)
                    """,
                "sandbox/__init__.py": "",
                "sandbox/settings.py": 'INSTALLED_APPS = ["shop"]\n',
                "tests/__init__.py": "",
                "tests/testproject/__init__.py": "",
                "tests/testproject/settings.py": 'INSTALLED_APPS = ["shop"]\n',
            },
        ),
        Valid(
            """
            import warnings

            from django.dispatch import Signal

            class DeprecatedSignal(Signal):
                def connect(self, *args, **kwargs):
                    warnings.warn("order_paid is deprecated: use payment_received", DeprecationWarning)
                    return super().connect(*args, **kwargs)

            order_paid = DeprecatedSignal()  # a shim for old receivers: nothing sends it on purpose
            """,
            files=PROJECT,
        ),
        Valid(
            """
            from django.dispatch import Signal

            __all__ = ["pre_sync"]

            pre_sync = Signal()  # public: a hook for the project's plugins
            """,
            files={
                "config/__init__.py": "",
                "config/settings.py": 'INSTALLED_APPS = ["shop"]\n',
                "shop/__init__.py": "",
                "shop/models.py": """
                    from shop.signals import pre_sync

                    def sync(source):
                        pre_sync.send(sender=None, source=source)
                    """,
            },
        ),
        Valid(
            """
            from django.dispatch import Signal

            status_moved = Signal()  # sent through the attribute the view binds
            """,
            files={
                **SLOT_PROJECT,
                "shop/views.py": """
                    from shop.mixins import MoveOnDestroyMixin
                    from shop.signals import status_moved

                    class StatusViewSet(MoveOnDestroyMixin):
                        post_destroy_signal = status_moved
                    """,
            },
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.dispatch import Signal

            class AuditedSignal(Signal):
                def connect(self, *args, **kwargs):
                    print("connecting", args)  # no deprecation warning: not a shim
                    return super().connect(*args, **kwargs)

            order_paid = AuditedSignal()
            """,
            [(8, 14)],
            files=PROJECT,
        ),
        Invalid(
            """
            from django.dispatch import Signal

            status_moved = Signal()
            """,
            [(3, 16)],
            files={
                **SLOT_PROJECT,
                "shop/views.py": """
                    from shop.signals import status_moved

                    class StatusViewSet:  # not the mixin's subclass: nothing sends through it
                        post_destroy_signal = status_moved
                    """,
            },
        ),
        Invalid(
            """
            from django.dispatch import Signal

            order_placed = Signal()
            order_refunded = Signal()
            order_archived = Signal()
            """,
            [(3, 16), (4, 18), (5, 18)],
            files={
                "config/__init__.py": "",
                "config/settings.py": 'INSTALLED_APPS = ["shop"]\n',
                "shop/__init__.py": "",
                "shop/orders.py": """
                    from shop.signals import order_placed

                    def place(order):
                        order_placed.send(sender=None, order=order)
                    """,
                "shop/receivers.py": """
                    from django.dispatch import receiver

                    from shop.signals import order_refunded

                    @receiver(order_refunded)
                    def on_refund(sender, **kwargs):
                        pass
                    """,
            },
        ),
    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        project = graph.project
        assert project is not None
        defining = sorted(
            module
            for module, facts in project.modules.items()
            if facts.signal_defs and not facts.is_test
        )
        if not defining:
            return
        sent: set[str] = {send.signal for send in graph.sends} | _sent_through_slots(project)
        received: dict[str, list[str]] = {}
        for (
            facts
        ) in project.modules.values():  # test modules' receivers too (the graph leaves them out)
            for connection in facts.connections:
                if connection.kind == "disconnect":
                    continue
                for signal in connection.signals:
                    resolved = project.resolve(signal)
                    if resolved is not None:
                        received.setdefault(resolved, []).append(connection.receiver.text)
        for module in defining:
            facts = project.modules[module]
            for definition in facts.signal_defs:
                qualname = f"{module}.{definition.qualname}"
                if ctx.builtin(qualname) is not None:
                    continue  # Django's own signal, analysed in Django's source: for its users to use
                if _deprecation_shim(project, definition.cls):
                    continue  # kept so that old receivers hear they must move: used by design
                names = sorted(set(received.get(qualname, ())))
                if qualname in sent and names:
                    continue
                if qualname in sent and not graph.loading.from_settings:
                    continue  # no project settings: a reusable app, sending its signal for the projects that install it
                if qualname in sent and definition.qualname in (facts.exports or ()):
                    continue  # in its module's ``__all__``: public, a hook for plugins to receive
                if qualname in sent:
                    problem, advice = (
                        "is sent, but no receiver is connected to it anywhere",
                        "connect a receiver, or stop sending it",
                    )
                elif names:
                    receivers = ", ".join(f"`{name}`" for name in names)
                    problem = f"has receivers ({receivers}) but is never sent, so they never run"
                    advice = "send it where the event happens, or remove it and its receivers"
                else:
                    problem, advice = "is never sent and has no receivers", "remove it"
                yield self.finding(
                    facts,
                    definition.line,
                    definition.column,
                    signal=definition.qualname,
                    problem=problem,
                    advice=advice,
                )


def _sent_through_slots(project: Project) -> set[str]:
    """Signals sent through a class attribute a subclass binds: ``self.post_signal.send()`` in a
    mixin whose ``post_signal = None``, and ``post_signal = order_moved`` in a view deriving from
    it (the send is recorded as ``<module>.<Mixin>.post_signal``).  Only the classes that bind
    such an attribute have their bases looked up: few, on a large tree."""
    slots: dict[str, set[str]] = {}  # attribute -> classes sending through ``self.<attribute>``
    for facts in project.modules.values():
        for send in facts.sends:
            owner, _, attr = (send.signal or "").rpartition(".")
            if owner in project.classes:
                slots.setdefault(attr, set()).add(owner)
    if not slots:
        return set()
    found: set[str] = set()
    for module, facts in project.modules.items():
        for local, target in facts.aliases:
            cls, _, attr = local.rpartition(".")
            owners = slots.get(attr) if cls else None
            if owners is None:
                continue
            qualname = f"{module}.{cls}"
            if qualname in owners or not owners.isdisjoint(project.bases(qualname)):
                found.add(project.resolve(target) or target)
    return found


def _deprecation_shim(project: Project, cls: str | None) -> bool:
    """An instance of a project ``Signal`` subclass whose ``connect()`` warns (``warnings.warn``):
    a shim kept for old receivers, which tells them to move to its replacement."""
    found = project.functions.get(f"{project.resolve(cls) or cls}.connect") if cls else None
    return found is not None and any(
        call.qualname == "warnings.warn" or call.chain[-1:] == ("warn",) for call in found[1].calls
    )
