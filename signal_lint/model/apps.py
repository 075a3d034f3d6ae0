"""Reference model of the app registry's lazy model references ("app_label.ModelName").

Mirrors ``django.db.models.utils.make_model_tuple`` and the part of
``django.apps.registry.Apps`` that model signals use for lazy senders:
``register_model()``, ``get_registered_model()``, ``lazy_model_operation()``
and ``do_pending_operations()``.

https://docs.djangoproject.com/en/stable/ref/signals/#model-signals
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

ModelKey = tuple[str, str]
# A queued operation: the function to call with the model, and a callback to
# run once the whole batch of operations waiting for that model has run.
_Pending = tuple[Callable[[Hashable], object], Callable[[], None] | None]


def make_model_tuple(reference: str) -> ModelKey:
    """
    Mirror ``django.db.models.utils.make_model_tuple()`` for a string.

    Return the ``("app_label", "modelname")`` key of an ``"app_label.ModelName"``
    reference. Only the model name is lowercased: Django compares app labels
    exactly, so ``"Shop.Order"`` does not find a model of the ``shop`` app.

    Arguments:

        reference
            The lazy model reference. It must contain exactly one dot;
            ``"Order"`` and ``"shop.models.Order"`` raise ``ValueError``, as
            Django's ``str.split(".")`` unpacking does. ``"shop."`` is accepted
            (Django accepts it too) and simply never resolves.
    """
    try:
        app_label, model_name = reference.split(".")
    except ValueError:
        raise ValueError(
            f"Invalid model reference '{reference}'. String model references "
            "must be of the form 'app_label.ModelName'."
        ) from None
    return app_label, model_name.lower()


class ModelRegistry:
    """
    The models a project registers, and the operations waiting for them.

    One registry can be shared by several ``SignalModel(model_signal=True)``
    instances, as Django's single ``apps`` registry is shared by ``pre_save``,
    ``post_save`` and the other model signals.

    Internal attributes:

        all_models
            { ("app_label", "modelname") : model symbol }
    """

    def __init__(self) -> None:
        self.all_models: dict[ModelKey, Hashable] = {}
        self._pending_operations: dict[ModelKey, list[_Pending]] = {}

    def register_model(self, reference: str, model: Hashable) -> None:
        """
        Mirror ``Apps.register_model()``: record the model and run what waits for it.

        Arguments:

            reference
                The model's ``"app_label.ModelName"`` label.

            model
                The symbol that stands for the model class; it becomes the
                sender of every lazy connection waiting for ``reference``.

        Registering the same symbol again does nothing (Django warns and
        re-registers a reloaded model); registering a different symbol under
        the same label raises ``RuntimeError`` like Django's "Conflicting
        models" error.
        """
        key = make_model_tuple(reference)
        registered = self.all_models.get(key, _MISSING)
        if registered is not _MISSING:
            if registered == model:
                return
            raise RuntimeError(
                f"Conflicting '{key[1]}' models in application '{key[0]}': {registered!r} and {model!r}."
            )
        self.all_models[key] = model
        self.do_pending_operations(key, model)

    def get_registered_model(self, reference: str) -> Hashable:
        """
        Mirror ``Apps.get_registered_model()``: the model symbol for a reference.

        Arguments:

            reference
                An ``"app_label.ModelName"`` string.

        Raise ``LookupError`` when no model is registered under it.
        """
        key = make_model_tuple(reference)
        try:
            return self.all_models[key]
        except KeyError:
            raise LookupError("Model '{}.{}' not registered.".format(*key)) from None

    def lazy_model_operation(
        self,
        function: Callable[[Hashable], object],
        model_key: ModelKey,
        release: Callable[[], None] | None = None,
    ) -> None:
        """
        Mirror ``Apps.lazy_model_operation()`` for one model key.

        Call ``function(model)`` now if the model is registered, else when it
        is. ``release()`` is then called once the operation is no longer
        referenced: Django's queue holds a ``functools.partial`` with the
        receiver in it, so a weakly connected receiver stays alive while its
        connection waits for the model.

        Arguments:

            function
                Called with the model symbol.

            model_key
                An ``("app_label", "modelname")`` tuple from ``make_model_tuple()``.

            release
                Called after ``function`` has run and been dropped.
        """
        try:
            model = self.all_models[model_key]
        except KeyError:
            self._pending_operations.setdefault(model_key, []).append((function, release))
            return
        function(model)
        if release is not None:
            release()

    def do_pending_operations(self, model_key: ModelKey, model: Hashable) -> None:
        """
        Mirror ``Apps.do_pending_operations()``: run what waited for ``model_key``.

        Operations run in the order they were queued, across every signal
        sharing this registry.
        """
        operations = self._pending_operations.pop(model_key, [])
        for function, _ in operations:
            function(model)
        # Django iterates over the popped list, so every queued partial (and
        # the receiver it holds) stays alive until the whole batch has run;
        # only then can a weak receiver queued early die.
        for _, release in operations:
            if release is not None:
                release()

    def pending_references(self) -> list[ModelKey]:
        """The model keys that operations are still waiting for, sorted."""
        return sorted(key for key, operations in self._pending_operations.items() if operations)


# A marker for "not registered" that no model symbol can equal.
_MISSING = object()
