"""Real Django dispatchers for the model's differential tests.

The installed Django (5.2) is imported normally; the 4.2 and 6.1
``django/dispatch/dispatcher.py`` files come from those releases' sdists
(``tests/django_sources.py`` downloads them once) and are loaded as standalone
modules: they only import ``asgiref`` and ``django.utils.inspect``, which the
installed Django provides.
"""

from __future__ import annotations

import importlib.util
import weakref
from types import ModuleType
from typing import Any

import django
from django.conf import settings
from django_sources import django_package

from signal_lint.model import BoundMethod


def setup_django() -> None:
    """Configure minimal settings and populate the app registry, once."""
    if not settings.configured:
        settings.configure(DEBUG=False)
    from django.apps import apps

    if not apps.ready:
        django.setup()


def installed_version() -> tuple[int, int]:
    return django.VERSION[0], django.VERSION[1]


def load_dispatcher(version: tuple[int, int]) -> ModuleType:
    """The ``django.dispatch.dispatcher`` module of ``version`` (the installed one, or one of
    ``django_sources.RELEASES``, loaded from its source)."""
    setup_django()
    if version == installed_version():
        from django.dispatch import dispatcher

        return dispatcher
    path = django_package(version) / "dispatch" / "dispatcher.py"
    name = "signal_lint_tests_django_{}_{}_dispatcher".format(*version)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _AppendCounter(list):
    """A receivers list that counts appends, to tell whether connect() added an entry."""

    def __init__(self, items: Any, counter: list[int]) -> None:
        super().__init__(items)
        self.counter = counter

    def append(self, item: Any) -> None:
        self.counter[0] += 1
        super().append(item)


def observed(signal_class: type) -> type:
    """A subclass of ``signal_class`` whose ``appended`` counts entries added by connect()."""

    class Observed(signal_class):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._counter = [0]
            self.receivers = _AppendCounter(self.receivers, self._counter)

        @property
        def appended(self) -> int:
            return self._counter[0]

        def _clear_dead_receivers(self) -> None:
            # Django rebuilds the list when it clears dead entries.
            super()._clear_dead_receivers()
            if not isinstance(self.receivers, _AppendCounter):
                self.receivers = _AppendCounter(self.receivers, self._counter)

    Observed.__name__ = Observed.__qualname__ = "Observed" + signal_class.__name__
    return Observed


def symbol_of(obj: Any) -> Any:
    """The model symbol of a real receiver or sender made by the tests."""
    if obj is None:
        return None
    if hasattr(obj, "__self__") and hasattr(obj, "__func__"):
        function = obj.__func__
        return BoundMethod(
            symbol_of(obj.__self__), getattr(function, "_symbol", function.__qualname__)
        )
    if isinstance(obj, str):
        return obj
    return obj._symbol


def live_symbols(signal: Any, sender: Any) -> list[Any]:
    """``signal._live_receivers(sender)`` as symbols in call order (any Django version)."""
    live = signal._live_receivers(sender)
    if isinstance(live, tuple):  # 5.0+: (sync receivers, async receivers)
        sync_receivers, async_receivers = live
        live = list(sync_receivers) + list(async_receivers)
    return [symbol_of(receiver) for receiver in live]


def raw_entries(signal: Any) -> list[Any]:
    """Django's ``signal.receivers`` as symbols, dead entries (not cleared yet) as None."""
    entries = []
    for entry in signal.receivers:
        receiver = entry[1]
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        sender_ref = entry[2] if len(entry) == 4 else None  # 6.0+
        if sender_ref is not None and sender_ref() is None:
            receiver = None
        entries.append(None if receiver is None else symbol_of(receiver))
    return entries
