"""SIG104: a project signal's receivers require arguments its send sites do not pass.

https://docs.djangoproject.com/en/stable/topics/signals/#defining-and-sending-signals
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts, Param
from signal_lint.findings import ERROR, Finding, Location
from signal_lint.graph import Graph, SendNode
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import ReceiverUse, RuleContext, receivers
from signal_lint.rules.unknown_receiver_argument import (
    DISPATCH_ARGUMENTS,
    did_you_mean,
    first_parameter_is_sig005s,
)

SIGNALS = """
    from django.dispatch import Signal

    order_shipped = Signal()
    """


class CustomSignalArgumentMismatch(Rule):
    """
    ## What it does
    For a signal the project defines (`Signal()`), infers the arguments it
    sends from all its `.send()`/`.send_robust()`/`.asend()`/`.asend_robust()`
    sites, and flags a receiver parameter without a default that no send site
    passes (at the parameter, with a "did you mean" hint), and a send site
    that omits an argument a receiver requires although other send sites
    pass it (at the call). A positional-only parameter is flagged too:
    Django passes every argument by keyword. Signals sent with `**kwargs`
    are not judged.

    ## Why is this bad?
    `Signal()` declares nothing since Django 4.0 (`providing_args` is gone),
    so nothing checks that senders and receivers agree. A receiver requiring
    an argument a send site leaves out raises `TypeError` at dispatch —
    `send_robust()` swallows it and the receiver silently does nothing.

    ## Example
    ```python
    order_shipped = Signal()

    order_shipped.send(sender=Order, order=order)

    @receiver(order_shipped)
    def notify(sender, order, tracking_number, **kwargs):
        ...
    ```

    Use instead:
    ```python
    order_shipped.send(sender=Order, order=order, tracking_number=number)

    @receiver(order_shipped)
    def notify(sender, order, tracking_number, **kwargs):
        ...
    ```

    ## Fix safety
    There is no automatic fix: either the send sites or the receivers are
    wrong, and only the author knows which.

    ## References
    - [Django: Defining and sending signals](https://docs.djangoproject.com/en/stable/topics/signals/#defining-and-sending-signals)
    """

    code = "SIG104"
    name = "custom-signal-argument-mismatch"
    severity = ERROR
    summary = "A project signal whose receivers and send sites disagree on its arguments"
    project = True
    example_path = "shop/receivers.py"
    MESSAGE = "{subject} {problem}: {advice}"

    VALID = (
        Valid(
            """
            from django.dispatch import receiver

            from shop.signals import order_shipped

            @receiver(order_shipped)
            def notify(sender, order, tracking_number=None, **kwargs):
                pass

            def ship(order):
                order_shipped.send(sender=None, order=order)
                order_shipped.send_robust(sender=None, order=order, tracking_number="1Z")
            """,
            files={"shop/__init__.py": "", "shop/signals.py": SIGNALS},
        ),
        Valid(
            """
            from django.dispatch import receiver

            from shop.signals import order_shipped

            @receiver(order_shipped)
            def notify(sender, order, carrier, **kwargs):
                pass

            def ship(order, **extra):
                order_shipped.send(sender=None, order=order, **extra)  # may pass anything
            """,
            files={"shop/__init__.py": "", "shop/signals.py": SIGNALS},
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.dispatch import receiver

            from shop.signals import order_shipped

            @receiver(order_shipped)
            def notify(sender, order, tracking_numbr, **kwargs):
                pass
            """,
            [(6, 27)],
            files={
                "shop/__init__.py": "",
                "shop/signals.py": SIGNALS,
                "shop/views.py": """
                    from shop.signals import order_shipped

                    def ship(order, number):
                        order_shipped.send(sender=None, order=order, tracking_number=number)
                    """,
            },
        ),
        Invalid(
            """
            from django.dispatch import receiver

            from shop.signals import order_shipped

            @receiver(order_shipped)
            def notify(sender, order, carrier, **kwargs):
                pass
            """,
            [("shop/views.py", 7, 5)],
            files={
                "shop/__init__.py": "",
                "shop/signals.py": SIGNALS,
                "shop/views.py": """
                    from shop.signals import order_shipped

                    def ship(order):
                        order_shipped.send(sender=None, order=order, carrier="ups")

                    def reship(order):
                        order_shipped.send(sender=None, order=order)
                    """,
            },
        ),
    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        project = graph.project
        assert project is not None
        sends: dict[str, list[SendNode]] = defaultdict(list)
        for send in graph.sends:
            node = graph.signals.get(send.signal)
            if node is not None and not node.builtin and ctx.builtin(send.signal) is None:
                sends[send.signal].append(send)
        required: dict[str, list[tuple[FileFacts, ReceiverUse, Param]]] = defaultdict(list)
        for _module, facts in sorted(project.modules.items()):
            for use in receivers(facts, ctx):
                params = list(use.function.params)
                if use.bound or first_parameter_is_sig005s(use):
                    params = params[1:]  # self/cls: bound, or SIG005's business
                for signal in self._signals(graph, ctx, use):
                    for param in params:
                        if param.kind == "posonly" or (
                            param.kind in ("normal", "kwonly")
                            and not param.has_default
                            and param.name not in DISPATCH_ARGUMENTS
                        ):
                            required[signal].append((facts, use, param))
        for signal in sorted(sends):
            if any(send.has_star_kwargs for send in sends[signal]):
                continue  # ``**kwargs`` may pass anything
            provided: set[str] = {name for send in sends[signal] for name in send.keywords} - set(
                DISPATCH_ARGUMENTS
            )
            short = signal.rsplit(".", 1)[-1]
            for facts, use, param in required.get(signal, ()):
                subject = f"parameter `{param.name}` of receiver `{use.function.name}`"
                if param.kind == "posonly":
                    yield self.finding(
                        facts,
                        param.line,
                        param.column,
                        subject=subject,
                        problem=f"is positional-only, but Django passes every argument of `{short}` by keyword",
                        advice="make it a normal parameter",
                    )
                elif param.name not in provided:
                    problem = (
                        f"is required, but no `{short}.send()` passes it, so dispatch raises "
                        "`TypeError`"
                        f"{did_you_mean(param.name, provided | set(DISPATCH_ARGUMENTS))}"
                    )
                    send_sites = [
                        Location(
                            project.modules[send.module].path,
                            send.line,
                            send.column,
                            f"`{short}.{send.method}()` sends without `{param.name}`",
                        )
                        for send in sends[signal]
                    ]
                    yield self.finding(
                        facts,
                        param.line,
                        param.column,
                        related=send_sites,
                        subject=subject,
                        problem=problem,
                        advice="send it, or give the parameter a default",
                    )
            needed = {
                param.name: use.function.name
                for _, use, param in required.get(signal, ())
                if param.kind != "posonly"
            }
            for send in sends[signal]:
                missing = sorted(
                    name for name in needed if name in provided and name not in send.keywords
                )
                if missing:
                    requiring = [
                        Location(
                            facts.path,
                            param.line,
                            param.column,
                            f"receiver `{use.function.name}` requires `{param.name}`",
                        )
                        for facts, use, param in required.get(signal, ())
                        if param.name in missing
                    ]
                    names = ", ".join(f"`{name}`" for name in missing)
                    owners = ", ".join(sorted({f"`{needed[name]}`" for name in missing}))
                    yield self.finding(
                        project.modules[send.module],
                        send.line,
                        send.column,
                        related=requiring,
                        subject=f"`{short}.{send.method}()`",
                        problem=(
                            f"omits {names}, which other send sites pass and receiver {owners} "
                            "requires, so dispatch raises `TypeError`"
                        ),
                        advice="pass it here too, or give the parameter a default",
                    )

    @staticmethod
    def _signals(graph: Graph, ctx: RuleContext, use: ReceiverUse) -> list[str]:
        """The project-defined signals (qualified names) this receiver is connected to."""
        assert graph.project is not None
        found: list[str] = []
        for connection in use.connections:
            for signal in connection.signals:
                resolved: str | None = graph.project.resolve(signal)
                node = graph.signals.get(resolved or "")
                if (
                    node is not None
                    and not node.builtin
                    and ctx.builtin(resolved) is None
                    and resolved not in found
                ):
                    found.append(resolved or "")
        return found
