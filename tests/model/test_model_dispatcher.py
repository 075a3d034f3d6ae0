"""Unit tests of SignalModel, one Django behaviour each (see docs/model.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import signal_lint.model
from signal_lint.model import (
    COLLECTED,
    DISCONNECTED,
    IGNORED,
    LIVE,
    PENDING,
    SENDER_COLLECTED,
    BoundMethod,
    Connection,
    ModelRegistry,
    SignalModel,
    make_model_tuple,
)


def statuses(model: SignalModel) -> list[str]:
    return [connection.status for connection in model.connections()]


# Lookup keys and dispatch_uid.


def test_connect_returns_true_for_a_new_entry() -> None:
    m = SignalModel()
    assert m.connect("f") is True
    assert m.live_receivers(None) == ["f"]


def test_second_connect_of_same_receiver_and_sender_is_ignored() -> None:
    m = SignalModel()
    assert m.connect("f", sender="A") is True
    assert m.connect("f", sender="A") is False
    assert m.live_receivers("A") == ["f"]


def test_same_receiver_for_two_senders_makes_two_entries() -> None:
    m = SignalModel()
    assert m.connect("f", sender="A") is True
    assert m.connect("f", sender="B") is True
    assert m.live_receivers("A") == ["f"]
    assert m.live_receivers("B") == ["f"]


def test_any_sender_and_specific_sender_entries_both_run() -> None:
    m = SignalModel()
    m.connect("f")
    m.connect("f", sender="A")
    assert m.live_receivers("A") == ["f", "f"]


def test_dispatch_uid_makes_another_receiver_ignored() -> None:
    m = SignalModel()
    assert m.connect("f", dispatch_uid="uid") is True
    assert m.connect("g", dispatch_uid="uid") is False
    assert m.live_receivers(None) == ["f"]


def test_dispatch_uid_is_scoped_by_sender() -> None:
    m = SignalModel()
    assert m.connect("f", sender="A", dispatch_uid="uid") is True
    assert m.connect("g", sender="B", dispatch_uid="uid") is True
    assert m.live_receivers("B") == ["g"]


def test_dispatch_uid_lets_one_receiver_connect_twice() -> None:
    m = SignalModel()
    assert m.connect("f", dispatch_uid="one") is True
    assert m.connect("f", dispatch_uid="two") is True
    assert m.live_receivers(None) == ["f", "f"]


@pytest.mark.parametrize("falsy_uid", ["", 0, False, None])
def test_falsy_dispatch_uid_counts_as_none(falsy_uid: object) -> None:
    m = SignalModel()
    assert m.connect("f", dispatch_uid="") is True
    assert m.connect("f", dispatch_uid=falsy_uid) is False
    assert m.connect("g", dispatch_uid=falsy_uid) is True
    assert m.live_receivers(None) == ["f", "g"]


def test_dispatch_uids_compare_by_equality() -> None:
    m = SignalModel()
    assert m.connect("f", dispatch_uid=1) is True
    assert m.connect("g", dispatch_uid=True) is False  # 1 == True, as in Django


def test_ignored_connect_is_recorded_with_the_connection_it_repeated() -> None:
    m = SignalModel()
    m.connect("f", dispatch_uid="uid")
    m.connect("g", dispatch_uid="uid")
    assert m.connections()[1] == Connection(
        receiver="g",
        sender=None,
        weak=True,
        dispatch_uid="uid",
        is_async=False,
        status=IGNORED,
        duplicate_of=0,
    )
    assert m.connections()[1].alive is False


def test_ignored_strong_connect_leaves_the_weak_entry_weak() -> None:
    m = SignalModel()
    m.connect("f", weak=True)
    assert m.connect("f", weak=False) is False
    m.collect("f")
    assert m.live_receivers(None) == []


# Sender filtering.


def test_none_sender_receives_from_every_sender() -> None:
    m = SignalModel()
    m.connect("f")
    assert m.live_receivers("A") == ["f"]
    assert m.live_receivers(None) == ["f"]


def test_specific_sender_only_receives_from_that_sender() -> None:
    m = SignalModel()
    m.connect("f", sender="A")
    assert m.live_receivers("A") == ["f"]
    assert m.live_receivers("B") == []
    assert m.live_receivers(None) == []


def test_has_listeners_without_sender_only_sees_any_sender_receivers() -> None:
    m = SignalModel()
    m.connect("f", sender="A")
    assert m.has_listeners() is False
    assert m.has_listeners("A") is True
    m.connect("g")
    assert m.has_listeners() is True


def test_string_sender_of_a_plain_signal_is_an_ordinary_object() -> None:
    m = SignalModel()
    assert m.connect("f", sender="Order") is True  # no ValueError: not lazy
    assert m.live_receivers("Order") == ["f"]
    assert m.live_receivers("shop.Order") == []


# Call order.


def test_sync_receivers_run_before_async_ones() -> None:
    m = SignalModel()
    m.connect("a1", is_async=True)
    m.connect("s1")
    m.connect("a2", is_async=True)
    m.connect("s2")
    assert m.live_receivers(None) == ["s1", "s2", "a1", "a2"]


def test_django_4_2_runs_receivers_in_connection_order() -> None:
    m = SignalModel(django_version=(4, 2))
    m.connect("a1", is_async=True)
    m.connect("s1")
    assert m.live_receivers(None) == ["a1", "s1"]


def test_reconnected_receiver_moves_to_the_end() -> None:
    m = SignalModel()
    m.connect("f")
    m.connect("g")
    m.disconnect("f")
    m.connect("f")
    assert m.live_receivers(None) == ["g", "f"]


# disconnect().


def test_disconnect_returns_true_when_it_removes_an_entry() -> None:
    m = SignalModel()
    m.connect("f", sender="A")
    assert m.disconnect("f", sender="A") is True
    assert m.live_receivers("A") == []
    assert statuses(m) == [DISCONNECTED]


def test_disconnect_returns_false_when_nothing_matches() -> None:
    m = SignalModel()
    m.connect("f", sender="A")
    assert m.disconnect("g", sender="A") is False
    assert m.disconnect("f", sender="B") is False
    assert m.disconnect("f") is False  # None is the "any sender" entry, not every sender
    assert m.live_receivers("A") == ["f"]


def test_disconnect_twice_returns_false_the_second_time() -> None:
    m = SignalModel()
    m.connect("f")
    assert m.disconnect("f") is True
    assert m.disconnect("f") is False


def test_disconnect_by_dispatch_uid_ignores_the_receiver() -> None:
    m = SignalModel()
    m.connect("f", dispatch_uid="uid")
    assert m.disconnect("f") is False  # the entry is keyed by its uid
    assert m.disconnect("something-else", dispatch_uid="uid") is True
    assert m.live_receivers(None) == []


def test_disconnect_with_falsy_dispatch_uid_uses_the_receiver() -> None:
    m = SignalModel()
    m.connect("f")
    assert m.disconnect("f", dispatch_uid="") is True


# Weak and strong references: what dies when.


def test_collected_weak_receiver_stops_receiving() -> None:
    m = SignalModel()
    m.connect("f")
    m.collect("f")
    assert m.live_receivers(None) == []
    assert m.has_listeners() is False
    assert statuses(m) == [COLLECTED]


def test_collected_strong_receiver_keeps_receiving() -> None:
    m = SignalModel()
    m.connect("f", weak=False)
    m.collect("f")
    assert m.live_receivers(None) == ["f"]
    assert statuses(m) == [LIVE]


def test_strong_entry_keeps_weak_entries_of_the_same_receiver_alive() -> None:
    m = SignalModel()
    m.connect("f", sender="A", weak=False)
    m.connect("f", sender="B", weak=True)
    m.collect("f")
    assert m.live_receivers("B") == ["f"]


def test_disconnecting_the_strong_entry_kills_a_collected_receivers_weak_entries() -> None:
    m = SignalModel()
    m.connect("f", sender="A", weak=False)
    m.connect("f", sender="B", weak=True)
    m.collect("f")
    assert m.disconnect("f", sender="A") is True
    assert m.live_receivers("B") == []
    assert statuses(m) == [DISCONNECTED, COLLECTED]


def test_strong_entry_of_another_signal_does_not_keep_a_receiver_alive() -> None:
    holder, m = SignalModel(), SignalModel()
    holder.connect("f", weak=False)
    m.connect("f")
    m.collect("f")  # the model of each signal only knows its own holds
    assert m.live_receivers(None) == []


def test_collecting_an_unknown_symbol_is_harmless() -> None:
    m = SignalModel()
    m.collect("never-seen")
    assert m.connect("never-seen") is True
    assert m.live_receivers(None) == ["never-seen"]


def test_symbol_used_after_its_object_died_names_a_new_object() -> None:
    m = SignalModel()
    m.connect("f")
    m.collect("f")
    assert m.connect("f") is True  # e.g. the nested function was defined again
    assert m.live_receivers(None) == ["f"]
    assert statuses(m) == [COLLECTED, LIVE]


def test_dead_entry_does_not_block_a_new_connect_with_its_dispatch_uid() -> None:
    m = SignalModel()
    m.connect("f", dispatch_uid="uid")
    m.collect("f")
    assert m.connect("g", dispatch_uid="uid") is True
    assert m.live_receivers(None) == ["g"]


def test_weak_connect_of_none_raises_type_error() -> None:
    m = SignalModel()
    with pytest.raises(TypeError):
        m.connect(None)
    assert m.connect(None, weak=False) is True
    assert m.connections()[0].receiver is None


def test_receivers_lists_dead_entries_until_django_would_clear_them() -> None:
    m = SignalModel()
    m.connect("f")
    m.connect("g")
    m.collect("f")
    assert [(c.receiver, c.alive) for c in m.receivers] == [("f", False), ("g", True)]
    m.live_receivers(None)  # Django clears flagged dead entries on the next lookup
    assert [(c.receiver, c.alive) for c in m.receivers] == [("g", True)]


def test_receiver_that_is_also_its_own_sender() -> None:
    m = SignalModel(django_version=(6, 1))
    m.connect("obj", sender="obj")
    m.connect(BoundMethod("obj", "obj"), sender="obj", weak=False)
    assert m.live_receivers("obj") == ["obj", BoundMethod("obj", "obj")]
    assert m.disconnect(BoundMethod("obj", "obj"), sender="obj") is True
    m.collect("obj")
    assert m.live_receivers("obj") == []  # a new "obj": the old one died
    assert statuses(m) == [COLLECTED, DISCONNECTED]


# Bound methods.


def test_bound_method_symbols_compare_by_instance_and_function() -> None:
    assert BoundMethod("obj", "Cls.method") == BoundMethod("obj", "Cls.method")
    assert BoundMethod("obj", "Cls.method") != BoundMethod("other", "Cls.method")
    assert BoundMethod("obj", "Cls.method") != ("obj", "Cls.method")
    m = SignalModel()
    assert m.connect(BoundMethod("obj", "Cls.method")) is True
    assert m.connect(BoundMethod("obj", "Cls.method")) is False  # a fresh bound method, same key


def test_weak_bound_method_dies_with_its_instance() -> None:
    m = SignalModel()
    m.connect(BoundMethod("obj", "Cls.method"))
    m.collect("obj")
    assert m.live_receivers(None) == []
    assert statuses(m) == [COLLECTED]


def test_strong_bound_method_keeps_its_instance_alive() -> None:
    m = SignalModel()
    m.connect(BoundMethod("obj", "Cls.method"), weak=False)
    m.connect(BoundMethod("obj", "Cls.other"), sender="A")
    m.connect("obj", sender="A")  # a callable instance
    m.collect("obj")
    assert m.live_receivers("A") == [
        BoundMethod("obj", "Cls.method"),
        BoundMethod("obj", "Cls.other"),
        "obj",
    ]


def test_collecting_a_bound_method_symbol_does_nothing() -> None:
    m = SignalModel()
    m.connect(BoundMethod("obj", "Cls.method"))
    m.collect(BoundMethod("obj", "Cls.method"))  # only the temporary bound method is gone
    assert m.live_receivers(None) == [BoundMethod("obj", "Cls.method")]


def test_django_5_dead_bound_method_function_keeps_blocking_its_dispatch_uid() -> None:
    # weakref.finalize() watches the instance, not the function, so nothing
    # flags the dead WeakMethod and Django never clears its entry.
    m = SignalModel(django_version=(5, 2))
    m.connect(BoundMethod("obj", "function"), dispatch_uid="uid")
    m.collect("function")
    assert m.live_receivers(None) == []
    assert m.connect("g", dispatch_uid="uid") is False
    assert m.live_receivers(None) == []


def test_django_6_dead_bound_method_function_is_cleared() -> None:
    m = SignalModel(django_version=(6, 1))
    m.connect(BoundMethod("obj", "function"), dispatch_uid="uid")
    m.collect("function")
    assert m.connect("g", dispatch_uid="uid") is True
    assert m.live_receivers(None) == ["g"]


# Django 6.0+: weakly referenced senders.


def test_django_6_entries_of_a_collected_sender_are_dead() -> None:
    m = SignalModel(django_version=(6, 1))
    m.connect("f", sender="obj", weak=False)
    m.collect("obj")
    assert statuses(m) == [SENDER_COLLECTED]
    assert m.receivers[0].alive is False


def test_django_5_entries_of_a_collected_sender_stay() -> None:
    m = SignalModel(django_version=(5, 2))
    m.connect("f", sender="obj", weak=False)
    m.collect("obj")
    assert statuses(m) == [LIVE]


def test_django_6_dead_sender_releases_its_strong_receiver() -> None:
    m = SignalModel(django_version=(6, 1))
    m.connect("f", sender="obj", weak=False)
    m.connect("f", sender="A")
    m.collect("f")
    assert m.live_receivers("A") == ["f"]
    m.collect("obj")
    assert m.live_receivers("A") == []
    assert statuses(m) == [SENDER_COLLECTED, COLLECTED]


def test_django_6_bound_method_sender_is_a_temporary() -> None:
    # weakref.ref(obj.method) references the bound-method object made for
    # the call, which dies as soon as connect() returns.
    m = SignalModel(django_version=(6, 1))
    assert m.connect("f", sender=BoundMethod("obj", "Cls.method")) is True
    assert m.live_receivers(BoundMethod("obj", "Cls.method")) == []
    assert statuses(m) == [SENDER_COLLECTED]


# Lazy "app_label.ModelName" senders of model signals.


def test_lazy_sender_connects_when_its_model_is_registered() -> None:
    m = SignalModel(model_signal=True)
    assert m.connect("f", sender="shop.Order") is False
    assert m.connections()[0].status == PENDING
    assert m.connections()[0].sender == "shop.Order"
    m.register_model("shop.Order", ("model", "Order"))
    assert m.live_receivers(("model", "Order")) == ["f"]
    assert m.connections()[0] == Connection(
        receiver="f",
        sender=("model", "Order"),
        weak=True,
        dispatch_uid=None,
        is_async=False,
        status=LIVE,
        lazy_sender="shop.Order",
    )


def test_lazy_sender_of_a_registered_model_connects_at_once() -> None:
    m = SignalModel(model_signal=True)
    m.register_model("shop.Order", ("model", "Order"))
    assert m.connect("f", sender="shop.Order") is True
    assert m.connect("f", sender=("model", "Order")) is False  # the same lookup key
    assert m.live_receivers(("model", "Order")) == ["f"]


def test_lazy_connections_are_made_in_the_order_they_were_requested() -> None:
    m = SignalModel(model_signal=True)
    m.connect("f", sender="shop.Order", dispatch_uid="uid")
    m.connect("g", sender="shop.Order", dispatch_uid="uid")
    m.connect("h", sender=None)
    m.register_model("shop.Order", ("model", "Order"))
    assert m.live_receivers(("model", "Order")) == ["h", "f"]
    assert statuses(m) == [LIVE, IGNORED, LIVE]


def test_lazy_reference_lowercases_the_model_name_but_not_the_app_label() -> None:
    assert make_model_tuple("shop.Order") == ("shop", "order")
    m = SignalModel(model_signal=True)
    m.connect("f", sender="shop.ORDER")
    m.connect("g", sender="Shop.Order")
    m.register_model("shop.Order", ("model", "Order"))
    assert m.live_receivers(("model", "Order")) == ["f"]
    assert statuses(m) == [LIVE, PENDING]


@pytest.mark.parametrize("reference", ["Order", "shop.models.Order", ""])
def test_malformed_lazy_reference_raises_value_error(reference: str) -> None:
    m = SignalModel(model_signal=True)
    with pytest.raises(ValueError, match=re.escape("must be of the form 'app_label.ModelName'")):
        m.connect("f", sender=reference)
    with pytest.raises(ValueError):
        m.disconnect("f", sender=reference)


def test_lazy_reference_with_empty_model_name_never_resolves() -> None:
    m = SignalModel(model_signal=True)
    assert m.connect("f", sender="shop.") is False  # accepted by Django's split, never registered
    assert statuses(m) == [PENDING]


def test_lazy_disconnect_returns_false_even_when_it_removes_an_entry() -> None:
    m = SignalModel(model_signal=True)
    m.register_model("shop.Order", ("model", "Order"))
    m.connect("f", sender="shop.Order")
    assert m.disconnect("f", sender="shop.Order") is False  # ModelSignal returns None
    assert m.live_receivers(("model", "Order")) == []


def test_pending_lazy_disconnect_runs_when_the_model_is_registered() -> None:
    m = SignalModel(model_signal=True)
    m.connect("f", sender="shop.Order")
    m.disconnect("f", sender="shop.Order")
    m.connect("g", sender="shop.Order")
    m.register_model("shop.Order", ("model", "Order"))
    assert m.live_receivers(("model", "Order")) == ["g"]
    assert statuses(m) == [DISCONNECTED, LIVE]


def test_pending_connect_keeps_a_weak_receiver_alive_until_registration() -> None:
    m = SignalModel(model_signal=True)
    m.connect("f", sender="shop.Order")
    m.connect("f", sender=None)
    m.collect("f")
    assert m.live_receivers(None) == ["f"]  # the queued partial holds it
    m.register_model("shop.Order", ("model", "Order"))
    assert m.live_receivers(None) == []
    assert statuses(m) == [COLLECTED, COLLECTED]


def test_registry_shared_by_model_signals_resolves_all_of_them() -> None:
    apps = ModelRegistry()
    pre_save, post_save = (
        SignalModel(model_signal=True, apps=apps),
        SignalModel(model_signal=True, apps=apps),
    )
    pre_save.connect("before", sender="shop.Order")
    post_save.connect("after", sender="shop.Order")
    assert apps.pending_references() == [("shop", "order")]
    apps.register_model("shop.Order", ("model", "Order"))
    assert pre_save.live_receivers(("model", "Order")) == ["before"]
    assert post_save.live_receivers(("model", "Order")) == ["after"]
    assert apps.pending_references() == []
    assert apps.get_registered_model("shop.order") == ("model", "Order")


def test_registering_the_same_model_twice_is_harmless() -> None:
    apps = ModelRegistry()
    apps.register_model("shop.Order", ("model", "Order"))
    apps.register_model("shop.Order", ("model", "Order"))
    assert apps.all_models == {("shop", "order"): ("model", "Order")}


def test_registering_a_conflicting_model_raises_runtime_error() -> None:
    apps = ModelRegistry()
    apps.register_model("shop.Order", ("model", "Order"))
    with pytest.raises(RuntimeError, match="Conflicting 'order' models in application 'shop'"):
        apps.register_model("shop.order", ("model", "OtherOrder"))


def test_unregistered_model_lookup_raises_lookup_error() -> None:
    with pytest.raises(LookupError):
        ModelRegistry().get_registered_model("shop.Order")


# The package itself.


def test_model_package_imports_only_the_standard_library() -> None:
    # The model must run without Django or libcst installed.
    package = Path(signal_lint.model.__file__).parent
    imported = set()
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "collections", "dataclasses", "typing"}
