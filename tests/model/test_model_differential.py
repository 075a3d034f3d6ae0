"""Differential tests: random operations on real Django signals and on SignalModel agree.

Each state machine drives a real ``Signal`` (and a caching one) with real
functions, ``async def`` functions, callable instances, bound methods and
class/instance/string senders, mirrors every step on ``SignalModel``, and
after every step compares the raw receivers list, the live receivers of every
sender, ``has_listeners()``, ``connect()``'s effect and ``disconnect()``'s
result. Dropping an object deletes the test's only reference to it and runs
``gc.collect()``; the model is told with ``collect()``.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import types
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

if str(Path(__file__).parent) not in sys.path:  # pytest's importlib import mode
    sys.path.insert(0, str(Path(__file__).parent))
from model_django_support import (
    live_symbols,
    load_dispatcher,
    observed,
    raw_entries,
    setup_django,
    symbol_of,
)

from signal_lint.model import BoundMethod, SignalModel

setup_django()

FUNCTION_NAMES = ("f0", "f1", "a0")  # a*: async def; can be made again once dead
# Functions also bound to instances with types.MethodType ("o0:g0"), so a
# bound method's function can die while its instance lives. They are never
# made again: a new function could reuse a dead one's id() and so collide
# with a (id(instance), id(function)) key that Django has not cleared yet.
BOUND_FUNCTION_NAMES = ("g0", "ag0")
INSTANCE_NAMES = ("o0", "o1")
CLASS_NAMES = ("C0",)
STRING_SENDER = "shop"
UIDS = (None, "", 0, False, "u1", "u2", 1, True)

RUN = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
LAZY_RUN = settings(RUN, max_examples=100, stateful_step_count=30)


def is_async(name: str) -> bool:
    """Whether the receiver called ``name`` is a coroutine function."""
    return name.rpartition(":")[2].startswith("a") or name.endswith(".aon")


def make_function(symbol: str) -> Any:
    # The function captures nothing that refers back to it, so the test's
    # dict holds the only strong reference.
    if is_async(symbol):

        async def receiver(*args: Any, **kwargs: Any) -> None:
            return None

    else:

        def receiver(*args: Any, **kwargs: Any) -> None:
            return None

    receiver._symbol = symbol  # type: ignore[attr-defined]
    return receiver


class Holder:
    """Instances are callable receivers, have bound-method receivers and are senders."""

    def __init__(self, symbol: str) -> None:
        self._symbol = symbol

    def __call__(self, **kwargs: Any) -> None:
        return None

    def on(self, **kwargs: Any) -> None:
        return None

    async def aon(self, **kwargs: Any) -> None:
        return None


def make_class(symbol: str) -> type:
    return type(symbol, (), {"_symbol": symbol})


class Side:
    """One real signal, its own objects, and the model fed the same operations.

    Each side has its own functions and instances: an object shared by two
    real signals would be kept alive by either one's strong entries, while a
    SignalModel only knows the holds of its own signal.
    """

    def __init__(self, signal: Any, version: tuple[int, int], weakrefable_senders: bool) -> None:
        self.signal = signal
        self.model = SignalModel(django_version=version)
        # A caching signal's WeakKeyDictionary cannot take None or a str sender.
        self.weakrefable_senders = weakrefable_senders
        self.functions = {
            name: make_function(name) for name in FUNCTION_NAMES + BOUND_FUNCTION_NAMES
        }
        self.instances = {name: Holder(name) for name in INSTANCE_NAMES}
        self.classes = {name: make_class(name) for name in CLASS_NAMES}
        self.graves: dict[str, weakref.ref[Any]] = {}

    def real(self, name: str | None) -> Any:
        if name is None or name == STRING_SENDER:
            return name
        if name in self.functions:
            return self.functions[name]
        if name in self.classes:
            return self.classes[name]
        if ":" in name:
            instance, function = name.split(":")
            return types.MethodType(self.functions[function], self.instances[instance])
        instance, _, method = name.partition(".")
        obj = self.instances[instance]
        return getattr(obj, method) if method else obj

    def queried_senders(self, names: list[str | None]) -> list[str | None]:
        if not self.weakrefable_senders:
            return names
        return [name for name in names if name is not None and name != STRING_SENDER]


class DispatcherMachine(RuleBasedStateMachine):
    """Signal() and Signal(use_caching=True), each beside a SignalModel, fed the same operations."""

    version: tuple[int, int] = (5, 2)
    dispatcher: Any = None

    def __init__(self) -> None:
        super().__init__()
        # Steps run gc.collect(); freezing everything made before this example
        # (Django, Hypothesis's growing state) keeps each collection small.
        gc.freeze()
        signal_class = observed(self.dispatcher.Signal)
        self.sides = [
            Side(signal_class(), self.version, weakrefable_senders=False),
            Side(signal_class(use_caching=True), self.version, weakrefable_senders=True),
        ]
        # Every side has the same names available.
        self.names = self.sides[0]

    # Names and symbols.

    def receiver_names(self) -> list[str]:
        names = sorted(self.names.functions)
        for instance in sorted(self.names.instances):
            names += [instance, instance + ".on", instance + ".aon"]
            names += [instance + ":" + f for f in BOUND_FUNCTION_NAMES if f in self.names.functions]
        return names

    def sender_names(self) -> list[str | None]:
        return [None, STRING_SENDER] + sorted(self.names.classes) + sorted(self.names.instances)

    @staticmethod
    def symbol(name: str | None) -> Any:
        if name is not None and ":" in name:
            instance, function = name.split(":")
            return BoundMethod(instance, function)
        if name is not None and "." in name:
            instance, method = name.split(".")
            return BoundMethod(instance, "Holder." + method)
        return name

    # Operations.

    @precondition(lambda self: self.receiver_names())
    @rule(data=st.data(), weak=st.booleans(), uid=st.sampled_from(UIDS))
    def connect(self, data: st.DataObject, weak: bool, uid: Any) -> None:
        name = data.draw(st.sampled_from(self.receiver_names()), label="receiver")
        sender = data.draw(st.sampled_from(self.sender_names()), label="sender")
        for side in self.sides:
            before = side.signal.appended
            side.signal.connect(
                side.real(name), sender=side.real(sender), weak=weak, dispatch_uid=uid
            )
            added = side.model.connect(
                self.symbol(name),
                sender=self.symbol(sender),
                weak=weak,
                dispatch_uid=uid,
                is_async=is_async(name),
            )
            assert added == (side.signal.appended == before + 1)

    @rule(data=st.data(), uid=st.sampled_from(UIDS))
    def disconnect(self, data: st.DataObject, uid: Any) -> None:
        name = data.draw(st.sampled_from([None] + self.receiver_names()), label="receiver")
        sender = data.draw(st.sampled_from(self.sender_names()), label="sender")
        for side in self.sides:
            removed = side.signal.disconnect(
                side.real(name), sender=side.real(sender), dispatch_uid=uid
            )
            symbol, sender_symbol = self.symbol(name), self.symbol(sender)
            assert side.model.disconnect(symbol, sender=sender_symbol, dispatch_uid=uid) is removed

    @precondition(lambda self: self.names.functions)
    @rule(data=st.data())
    def drop_function(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.names.functions)), label="function")
        for side in self.sides:
            side.graves[name] = weakref.ref(side.functions.pop(name))
        gc.collect()
        for side in self.sides:
            side.model.collect(name)

    @precondition(lambda self: self.names.instances)
    @rule(data=st.data())
    def drop_instance(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.names.instances)), label="instance")
        for side in self.sides:
            del side.instances[name]
        gc.collect()
        for side in self.sides:
            side.model.collect(name)

    def dead_functions(self) -> list[str]:
        return sorted(
            name
            for name in self.names.graves
            if name in FUNCTION_NAMES and all(side.graves[name]() is None for side in self.sides)
        )

    @precondition(lambda self: self.dead_functions())
    @rule(data=st.data())
    def remake_function(self, data: st.DataObject) -> None:
        # Only once the old object is really dead can the program make a new
        # one under the same name (e.g. calling the defining function again).
        name = data.draw(st.sampled_from(self.dead_functions()), label="function")
        for side in self.sides:
            del side.graves[name]
            side.functions[name] = make_function(name)

    @rule(data=st.data())
    def send(self, data: st.DataObject) -> None:
        names = [n for n in self.sender_names() if n is not None and n != STRING_SENDER]
        sender = data.draw(st.sampled_from(names), label="sender")
        for side in self.sides:
            called = self._send(side.signal, side.real(sender))
            assert called == side.model.live_receivers(self.symbol(sender))
        # async_to_sync() leaves reference cycles that can hold receivers.
        gc.collect()

    @staticmethod
    def _send(signal: Any, sender: Any) -> list[Any]:
        # A function of its own so no local outlives the call.
        responses = signal.send(sender)
        for _, response in responses:
            if hasattr(response, "close"):  # Django < 5.0 calls async receivers unawaited.
                response.close()
        return [symbol_of(receiver) for receiver, _ in responses]

    # Comparisons after every step.

    @invariant()
    def same_receivers_list(self) -> None:
        for side in self.sides:
            expected = [c.receiver if c.alive else None for c in side.model.receivers]
            assert raw_entries(side.signal) == expected

    @invariant()
    def same_live_receivers(self) -> None:
        for side in self.sides:
            for name in side.queried_senders(self.sender_names()):
                real, symbol = side.real(name), self.symbol(name)
                assert live_symbols(side.signal, real) == side.model.live_receivers(symbol)
                assert side.signal.has_listeners(real) is side.model.has_listeners(symbol)


VERSIONS = [(4, 2), (5, 2), (6, 1)]
VERSION_IDS = ["django-{}.{}".format(*version) for version in VERSIONS]


def machine_for(version: tuple[int, int]) -> type:
    dispatcher = load_dispatcher(version)
    name = "Django{}{}Machine".format(*version)
    return type(name, (DispatcherMachine,), {"version": version, "dispatcher": dispatcher})


@contextlib.contextmanager
def collector_restored() -> Iterator[None]:
    # Machines freeze the objects made before them; give them back to the
    # collector afterwards.
    gc.collect()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.collect()


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
def test_model_agrees_with_django_dispatcher(version: tuple[int, int]) -> None:
    machine = machine_for(version)
    machine.TestCase.settings = RUN
    with collector_restored():
        machine.TestCase().runTest()


# Operation sequences that random search reaches rarely, replayed through the
# same machine: (rule, drawn names, other arguments).
SCENARIOS: dict[str, list[tuple[str, tuple[Any, ...], dict[str, Any]]]] = {
    "disconnecting-the-strong-entry-kills-weak-entries": [
        ("connect", ("f0", "C0"), {"weak": False, "uid": "u1"}),
        ("connect", ("f0", None), {"weak": True, "uid": None}),
        ("connect", ("f0", "o0"), {"weak": True, "uid": None}),
        ("drop_function", ("f0",), {}),
        ("disconnect", (None, "C0"), {"uid": "u1"}),
    ],
    "dead-sender-drops-strong-entry-and-its-receiver": [
        ("connect", ("f0", "o1"), {"weak": False, "uid": None}),
        ("connect", ("f0", None), {"weak": True, "uid": None}),
        ("connect", ("f0", "C0"), {"weak": True, "uid": "u1"}),
        ("drop_function", ("f0",), {}),
        ("drop_instance", ("o1",), {}),
        ("connect", ("f1", "C0"), {"weak": True, "uid": "u1"}),
    ],
    "bound-method-function-dies-before-its-instance": [
        ("connect", ("o0:g0", "C0"), {"weak": True, "uid": "u1"}),
        ("drop_function", ("g0",), {}),
        ("connect", ("f0", "C0"), {"weak": True, "uid": "u1"}),
    ],
    "strong-bound-method-keeps-instance-alive": [
        ("connect", ("o0.on", None), {"weak": False, "uid": None}),
        ("connect", ("o0", None), {"weak": True, "uid": None}),
        ("connect", ("o0.aon", "C0"), {"weak": True, "uid": None}),
        ("drop_instance", ("o0",), {}),
        ("disconnect", ("o1", None), {"uid": None}),
    ],
    "weak-bound-method-dies-with-instance": [
        ("connect", ("o0.on", "C0"), {"weak": True, "uid": None}),
        ("connect", ("o0:ag0", "C0"), {"weak": True, "uid": None}),
        ("drop_instance", ("o0",), {}),
    ],
    "falsy-and-equal-dispatch-uids": [
        ("connect", ("f0", None), {"weak": True, "uid": ""}),
        ("connect", ("f0", None), {"weak": True, "uid": 0}),
        ("connect", ("f1", None), {"weak": True, "uid": 1}),
        ("connect", ("a0", None), {"weak": True, "uid": True}),
        ("disconnect", ("f0", None), {"uid": False}),
    ],
    "sync-receivers-before-async-ones": [
        ("connect", ("a0", None), {"weak": True, "uid": None}),
        ("connect", ("o0.aon", None), {"weak": False, "uid": None}),
        ("connect", ("f0", None), {"weak": True, "uid": None}),
        ("connect", ("o1", "C0"), {"weak": True, "uid": None}),
        ("send", ("C0",), {}),
    ],
    "function-made-again-is-a-new-receiver": [
        ("connect", ("f0", "C0"), {"weak": True, "uid": None}),
        ("drop_function", ("f0",), {}),
        ("remake_function", ("f0",), {}),
        ("connect", ("f0", "C0"), {"weak": True, "uid": None}),
    ],
}


class _Draws:
    """Stands in for ``st.data()``: hands out the given values in order."""

    def __init__(self, values: tuple[Any, ...]) -> None:
        self.values = list(values)

    def draw(self, strategy: Any, label: str | None = None) -> Any:
        return self.values.pop(0)


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_model_agrees_with_django_on_scenario(scenario: str, version: tuple[int, int]) -> None:
    machine_class = machine_for(version)
    with collector_restored():
        machine = machine_class()
        machine.same_receivers_list()
        machine.same_live_receivers()
        for rule_name, drawn, arguments in SCENARIOS[scenario]:
            getattr(machine, rule_name)(data=_Draws(drawn), **arguments)
            machine.same_receivers_list()
            machine.same_live_receivers()


# Lazy "app_label.ModelName" senders: a real ModelSignal and a real app
# registry (django.apps.registry.Apps) against SignalModel(model_signal=True).

LAZY_REFERENCES = ("shop.Order", "shop.order", "Shop.Order", "shop.Item", "other.Order")
MALFORMED_REFERENCES = ("Order", "shop.models.Order", "")
MODEL_LABELS = ("shop.Order", "shop.Item", "other.Order")


class LazySenderMachine(RuleBasedStateMachine):
    """ModelSignal(use_caching=True) with its own Apps, beside SignalModel(model_signal=True)."""

    def __init__(self) -> None:
        super().__init__()
        gc.freeze()  # see DispatcherMachine
        from django.apps.registry import Apps
        from django.db.models.signals import ModelSignal

        self.apps = Apps(installed_apps=[])
        self.signal = observed(ModelSignal)(use_caching=True)
        self.model = SignalModel(model_signal=True)
        self.functions = {name: make_function(name) for name in FUNCTION_NAMES}
        self.models: dict[str, type] = {}

    def model_names(self) -> list[str]:
        return ["model:" + label for label in sorted(self.models)]

    def senders(self) -> list[str | None]:
        return [None, *LAZY_REFERENCES, *self.model_names()]

    def real(self, name: str | None) -> Any:
        if name is None or name in LAZY_REFERENCES:
            return name
        if name.startswith("model:"):
            return self.models[name.split(":", 1)[1]]
        return self.functions[name]

    @staticmethod
    def symbol(name: str | None) -> Any:
        # A model's symbol must not be a str: a str sender is a lazy
        # reference for a model signal.
        if name is not None and name.startswith("model:"):
            return tuple(name.split(":", 1)[1].split("."))
        return name

    @precondition(lambda self: self.functions)
    @rule(data=st.data(), weak=st.booleans(), uid=st.sampled_from(UIDS))
    def connect(self, data: st.DataObject, weak: bool, uid: Any) -> None:
        name = data.draw(st.sampled_from(sorted(self.functions)), label="receiver")
        sender = data.draw(st.sampled_from(self.senders()), label="sender")
        before = self.signal.appended
        real_sender, symbol = self.real(sender), self.symbol(sender)
        self.signal.connect(
            self.real(name), sender=real_sender, weak=weak, dispatch_uid=uid, apps=self.apps
        )
        added = self.model.connect(
            name, sender=symbol, weak=weak, dispatch_uid=uid, is_async=is_async(name)
        )
        assert added == (self.signal.appended == before + 1)

    @precondition(lambda self: self.functions)
    @rule(data=st.data(), reference=st.sampled_from(MALFORMED_REFERENCES))
    def connect_malformed(self, data: st.DataObject, reference: str) -> None:
        name = data.draw(st.sampled_from(sorted(self.functions)), label="receiver")
        with pytest.raises(ValueError) as real_error:
            self.signal.connect(self.real(name), sender=reference, apps=self.apps)
        with pytest.raises(ValueError) as model_error:
            self.model.connect(name, sender=reference)
        assert str(model_error.value) == str(real_error.value)

    @rule(data=st.data(), uid=st.sampled_from(UIDS))
    def disconnect(self, data: st.DataObject, uid: Any) -> None:
        name = data.draw(st.sampled_from([None, *sorted(self.functions)]), label="receiver")
        sender = data.draw(st.sampled_from(self.senders()), label="sender")
        real_sender = self.real(sender)
        removed = self.signal.disconnect(
            self.real(name), sender=real_sender, dispatch_uid=uid, apps=self.apps
        )
        if sender in LAZY_REFERENCES:
            assert removed is None  # ModelSignal.disconnect() returns nothing for a str sender
        assert self.model.disconnect(name, sender=self.symbol(sender), dispatch_uid=uid) is bool(
            removed
        )

    @precondition(lambda self: len(self.models) < len(MODEL_LABELS))
    @rule(data=st.data())
    def register_model(self, data: st.DataObject) -> None:
        from django.db import models

        label = data.draw(
            st.sampled_from([m for m in MODEL_LABELS if m not in self.models]), label="model"
        )
        app_label, model_name = label.split(".")
        meta = type("Meta", (), {"app_label": app_label, "apps": self.apps})
        # Defining the class registers it, which runs the pending connects.
        attributes = {"__module__": app_label + ".models", "Meta": meta}
        self.models[label] = type(model_name, (models.Model,), attributes)
        self.models[label]._symbol = (app_label, model_name)
        # The queued partials that held the pending receivers are only freed
        # by the cyclic collector: Apps.lazy_model_operation()'s
        # apply_next_model closure refers to itself.
        gc.collect()
        self.model.register_model(label, (app_label, model_name))

    @precondition(lambda self: self.functions)
    @rule(data=st.data())
    def drop_function(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.functions)), label="function")
        del self.functions[name]
        gc.collect()
        self.model.collect(name)

    @invariant()
    def same_receivers_list(self) -> None:
        assert raw_entries(self.signal) == [
            c.receiver if c.alive else None for c in self.model.receivers
        ]

    @invariant()
    def same_live_receivers(self) -> None:
        # A caching signal only takes weak-referenceable senders: model classes.
        for name in self.model_names():
            real, symbol = self.real(name), self.symbol(name)
            assert live_symbols(self.signal, real) == self.model.live_receivers(symbol)
            assert self.signal.has_listeners(real) is self.model.has_listeners(symbol)


def test_model_agrees_with_django_on_lazy_model_senders() -> None:
    LazySenderMachine.TestCase.settings = LAZY_RUN
    with collector_restored():
        LazySenderMachine.TestCase().runTest()


LAZY_SCENARIOS: dict[str, list[tuple[str, tuple[Any, ...], dict[str, Any]]]] = {
    "pending-connect-holds-a-weak-receiver-until-registration": [
        ("connect", ("f0", "shop.Order"), {"weak": True, "uid": None}),
        ("connect", ("f1", "shop.order"), {"weak": True, "uid": None}),
        ("drop_function", ("f0",), {}),
        ("register_model", ("shop.Order",), {}),
    ],
    "pending-operations-run-in-order": [
        ("connect", ("f0", "shop.Order"), {"weak": False, "uid": None}),
        ("disconnect", ("f0", "shop.order"), {"uid": None}),
        ("connect", ("f0", "shop.Order"), {"weak": True, "uid": "u1"}),
        ("connect", ("f1", "shop.Order"), {"weak": True, "uid": "u1"}),
        ("connect", ("a0", "Shop.Order"), {"weak": True, "uid": None}),
        ("register_model", ("shop.Order",), {}),
        ("disconnect", (None, "shop.Order"), {"uid": "u1"}),
    ],
    "registered-model-connects-at-once": [
        ("register_model", ("shop.Item",), {}),
        ("connect", ("f0", "shop.Item"), {"weak": True, "uid": None}),
        ("connect", ("f0", "model:shop.Item"), {"weak": True, "uid": None}),
        ("disconnect", ("f0", "model:shop.Item"), {"uid": None}),
    ],
}


@pytest.mark.parametrize("scenario", sorted(LAZY_SCENARIOS))
def test_model_agrees_with_django_on_lazy_scenario(scenario: str) -> None:
    with collector_restored():
        machine = LazySenderMachine()
        for rule_name, drawn, arguments in LAZY_SCENARIOS[scenario]:
            getattr(machine, rule_name)(data=_Draws(drawn), **arguments)
            machine.same_receivers_list()
            machine.same_live_receivers()
