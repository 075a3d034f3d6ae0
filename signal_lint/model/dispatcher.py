"""Reference model of ``django.dispatch.Signal`` over symbolic receivers and senders.

Each method mirrors the ``Signal`` (or ``ModelSignal``) method it names, down
to when dead weak references are noticed and cleared, so the project graph can
ask "would ``send(sender)`` call this receiver?" without importing Django.
Proven against Django 4.2, 5.2 and 6.1 by ``tests/model/``.

https://docs.djangoproject.com/en/stable/topics/signals/
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from .apps import ModelRegistry, make_model_tuple

# Why a connection does (not) make its receiver run, as the graph reports it.
LIVE = "live"  # in the receivers list, receiver and sender alive
PENDING = "pending"  # lazy "app_label.ModelName" sender not registered yet
IGNORED = "ignored"  # an entry with the same lookup key was already there
DISCONNECTED = "disconnected"  # removed by disconnect()
COLLECTED = "collected"  # weakly referenced receiver (or its instance) died
SENDER_COLLECTED = "sender-collected"  # Django 6.0+: the sender died

STATUSES = (LIVE, PENDING, IGNORED, DISCONNECTED, COLLECTED, SENDER_COLLECTED)

# The Django release whose Signal is modelled unless told otherwise: the
# release the differential tests run against the installed Django.
DEFAULT_DJANGO_VERSION = (5, 2)


@dataclass(frozen=True)
class BoundMethod:
    """
    The symbol of the bound method ``instance.function``.

    Python makes a new bound-method object on every attribute access, so
    Django identifies a bound method by ``(id(instance), id(function))`` and
    references it weakly through ``weakref.WeakMethod``, which dies when the
    instance (or the function) dies, not with the short-lived bound-method
    object. A strong connection of a bound method keeps its instance alive.
    """

    instance: Hashable
    function: Hashable


@dataclass(frozen=True)
class Connection:
    """
    One ``connect()`` call and what became of it.

    Attributes:

        receiver, weak, dispatch_uid, is_async
            As passed to ``connect()``.

        sender
            The sender the entry is stored against: the model symbol once a
            lazy ``"app_label.ModelName"`` sender is registered, the reference
            string while it is pending.

        status
            One of ``STATUSES``; ``alive`` is ``status == "live"``.

        lazy_sender
            The ``"app_label.ModelName"`` reference given to a model signal.

        duplicate_of
            For an ignored connect: the index, in ``connections()``, of the
            connection whose lookup key it repeated.
    """

    receiver: Hashable
    sender: Hashable
    weak: bool
    dispatch_uid: Hashable
    is_async: bool
    status: str
    lazy_sender: str | None = None
    duplicate_of: int | None = None

    @property
    def alive(self) -> bool:
        return self.status == LIVE


def _make_id(target: Hashable, heap: _Heap) -> Hashable:
    # Django keys entries by id(); the model by the object a symbol names now,
    # so an object made again after the old one died gets a new key as it
    # would get a new id(). A bound method is keyed by its instance and
    # function because each attribute access makes a new bound-method object.
    if target is None:
        return NONE_ID
    if isinstance(target, BoundMethod):
        return (heap.object(target.instance), heap.object(target.function))
    return heap.object(target)


# What _make_id(None) returns: the sender key of "any sender" connections.
NONE_ID = object()


class SignalModel:
    """
    Model of one ``django.dispatch.Signal``, or ``ModelSignal`` with ``model_signal=True``.

    Receivers and senders are hashable symbols; equal symbols are the same
    object. A symbol names one object until that object dies; a dead object
    can never be passed again, so using its symbol afterwards names a new
    object (the program made it again, e.g. by calling the function that
    defines a nested receiver once more).

    Internal attributes:

        _receivers
            [ _Entry(lookup_key, receiver ref, sender_ref, is_async) ], Django's
            ``Signal.receivers``: dead entries stay until a flagged clear.
    """

    def __init__(
        self,
        *,
        model_signal: bool = False,
        apps: ModelRegistry | None = None,
        django_version: tuple[int, int] = DEFAULT_DJANGO_VERSION,
    ) -> None:
        """
        Create a new signal.

        Arguments:

            model_signal
                Model ``django.db.models.signals.ModelSignal``: a ``str`` sender
                given to ``connect()``/``disconnect()`` is a lazy
                ``"app_label.ModelName"`` reference resolved through ``apps``.
                For a plain signal a string sender is just an object.

            apps
                The ``ModelRegistry`` lazy senders resolve through; share one
                between model signals as Django shares its ``apps``. A private
                registry is made when omitted.

            django_version
                ``(major, minor)`` of the Django whose behaviour to model.
                Before 5.0 receivers run in connection order regardless of
                ``is_async``; from 6.0 senders are weakly referenced too.
        """
        self.model_signal = model_signal
        self.apps = apps if apps is not None else ModelRegistry()
        self.django_version = (int(django_version[0]), int(django_version[1]))
        self._receivers: list[_Entry] = []
        self._dead_receivers = False
        # Indexes over self._receivers, so that large signals stay fast: the
        # entry holding each lookup key (keys in the list are unique, since
        # connect() never adds a present key), the objects strong entries
        # hold, and the entries that reference each object weakly.
        self._by_key: dict[Hashable, _Entry] = {}
        self._strong_holds: Counter[_Object] = Counter()
        self._weak_referrers: dict[_Object, set[_Entry]] = {}
        self._heap = _Heap()
        self._records: list[_Record] = []
        # Django 4.2/5.x: objects with a weakref.finalize() that flags dead
        # receivers. It is registered by every weak connect, ignored or not.
        self._finalized: set[_Object] = set()
        # Receivers held by partials queued in the app registry.
        self._pending_holds: list[_Object] = []
        # Objects the caller holds for the duration of the current call.
        self._arguments: list[tuple[_Object, ...]] = []

    def connect(
        self,
        receiver: Hashable,
        sender: Hashable = None,
        weak: bool = True,
        dispatch_uid: Hashable = None,
        *,
        is_async: bool = False,
    ) -> bool:
        """
        Mirror ``Signal.connect()`` (and ``ModelSignal.connect()``).

        Return whether a new entry was added. Django's ``connect()`` returns
        ``None``; a connect whose lookup key is already present is silently
        ignored, and so is recorded as ``"ignored"`` in ``connections()``.

        Arguments:

            receiver
                The receiver symbol, or a ``BoundMethod``.

            sender
                The sender symbol, or None to receive from any sender. For a
                model signal a ``str`` is an ``"app_label.ModelName"``
                reference: the connect happens when that model is registered
                (at once if it already is; until then it is ``"pending"`` and
                this returns False). A malformed reference raises ValueError.

            weak
                Whether the signal references the receiver weakly: then the
                entry dies when the receiver (for a bound method, its
                instance) is collected and nothing else holds it.

            dispatch_uid
                If truthy, the entry's lookup key is ``(dispatch_uid,
                sender)`` instead of ``(receiver, sender)``; a falsy uid such
                as ``""`` or ``0`` counts as none, as in Django's
                ``if dispatch_uid:``.

            is_async
                Whether the receiver is a coroutine function (Django computes
                ``iscoroutinefunction(receiver)``). From Django 5.0 async
                receivers run after all sync ones.
        """
        if weak and receiver is None:
            raise TypeError("cannot create weak reference to 'NoneType' object")
        record = _Record(len(self._records), receiver, sender, weak, dispatch_uid, is_async)
        self._records.append(record)
        if self.model_signal and isinstance(sender, str):
            record.lazy_sender = sender
            record.status = PENDING
            added: list[bool] = []
            self._lazy_method(
                lambda model: added.append(
                    self._connect(record, receiver, model, weak, dispatch_uid, is_async)
                ),
                receiver,
                sender,
            )
            return bool(added and added[0])
        return self._connect(record, receiver, sender, weak, dispatch_uid, is_async)

    def disconnect(
        self,
        receiver: Hashable = None,
        sender: Hashable = None,
        dispatch_uid: Hashable = None,
    ) -> bool:
        """
        Mirror ``Signal.disconnect()`` (and ``ModelSignal.disconnect()``).

        Remove the first entry with the lookup key and return whether there
        was one. Removing a strong entry can kill its receiver (and with it
        the receiver's weak entries) when the program had dropped it.

        Arguments:

            receiver
                The registered receiver to disconnect. Ignored when
                ``dispatch_uid`` is truthy.

            sender
                The registered sender to disconnect (None: the "any sender"
                entry, not every sender). For a model signal a ``str`` is a
                lazy reference: the disconnect happens when the model is
                registered, and this returns False even if it removed an entry
                now, because ``ModelSignal.disconnect()`` returns ``None``
                for a string sender.

            dispatch_uid
                The unique identifier of the entry to disconnect.
        """
        if self.model_signal and isinstance(sender, str):
            self._lazy_method(
                lambda model: self._disconnect(receiver, model, dispatch_uid),
                receiver,
                sender,
            )
            return False
        return self._disconnect(receiver, sender, dispatch_uid)

    def collect(self, receiver: Hashable) -> None:
        """
        Record that the program dropped its last reference to ``receiver``.

        The object dies at once unless a strong entry of this signal (or a
        lazy connection waiting for its model) holds it; then it dies when
        that hold goes, e.g. right after the strong entry is disconnected.
        Dead receivers' weak entries stop receiving. A ``BoundMethod`` is
        made afresh on each attribute access and nothing waits for it to die:
        collect its instance instead; collecting a ``BoundMethod`` (or None)
        does nothing. A sender can be collected too; that matters from Django
        6.0, which drops the entries of a dead sender.

        Arguments:

            receiver
                The symbol of the object the program no longer references.
        """
        if receiver is None or isinstance(receiver, BoundMethod):
            return
        self._heap.drop(receiver)
        self._collect_garbage()

    def live_receivers(self, sender: Hashable) -> list[Hashable]:
        """
        Mirror ``Signal._live_receivers()``: the receivers ``send(sender)`` calls, in order.

        Sync receivers in connection order, then async receivers in
        connection order (Django 5.0+; before, all in connection order).
        Like Django, this clears dead entries if any were flagged.

        Arguments:

            sender
                The sender symbol, or None (which matches only receivers
                connected for any sender).
        """
        sync_receivers, async_receivers = self._live_receivers(sender)
        return sync_receivers + async_receivers

    def has_listeners(self, sender: Hashable = None) -> bool:
        """
        Mirror ``Signal.has_listeners()``.

        Note that ``has_listeners()`` (sender None) only sees receivers
        connected for any sender, like Django.

        Arguments:

            sender
                The sender symbol, or None.
        """
        return bool(self.live_receivers(sender))

    def register_model(self, reference: str, model: Hashable) -> None:
        """
        Register a model with this signal's ``apps`` registry.

        Connections waiting for ``reference`` are made now, in the order they
        were requested, with ``model`` as their sender; mirrors
        ``Apps.register_model()`` calling ``do_pending_operations()``.

        Arguments:

            reference
                The model's ``"app_label.ModelName"`` label.

            model
                The symbol that stands for the model class.
        """
        self.apps.register_model(reference, model)

    @property
    def receivers(self) -> list[Connection]:
        """
        The entries in Django's ``Signal.receivers`` list, in order.

        Dead entries that Django has not cleared yet are included with
        ``alive`` False, as they still hold their lookup key.
        """
        return [entry.record.snapshot() for entry in self._receivers]

    def connections(self) -> list[Connection]:
        """Every ``connect()`` call so far, in call order, with its status."""
        return [record.snapshot() for record in self._records]

    def _lazy_method(
        self, method: Callable[[Hashable], object], receiver: Hashable, sender: str
    ) -> None:
        # Mirrors ModelSignal._lazy_method(): apps.lazy_model_operation()
        # queues a partial holding the receiver, keeping it alive until the
        # model is registered, however weak the connection will be.
        model_key = make_model_tuple(sender)
        held = self._referents(receiver)
        self._pending_holds.extend(held)

        def release() -> None:
            for obj in held:
                self._pending_holds.remove(obj)
            self._collect_garbage()

        self.apps.lazy_model_operation(method, model_key, release)

    def _connect(
        self,
        record: _Record,
        receiver: Hashable,
        sender: Hashable,
        weak: bool,
        dispatch_uid: Hashable,
        is_async: bool,
    ) -> bool:
        record.sender = sender
        if dispatch_uid:
            lookup_key = (dispatch_uid, _make_id(sender, self._heap))
        else:
            lookup_key = (_make_id(receiver, self._heap), _make_id(sender, self._heap))
        referents = self._referents(receiver)

        ref: tuple[_Object, ...] | None = None
        held: tuple[_Object, ...] = ()
        if weak:
            # A WeakMethod references both the instance and the function.
            ref = referents
            if not self._weak_senders:
                # weakref.finalize(receiver_object, ...): the instance of a
                # bound method, not its function.
                self._finalized.add(referents[0])
        else:
            held = referents

        sender_ref: _Object | None = None
        sender_referents = self._referents(sender)
        if self._weak_senders and sender is not None:
            if isinstance(sender, BoundMethod):
                # weakref.ref(sender) references the bound-method object
                # itself, a temporary that dies when connect() returns unless
                # the program kept that very object.
                sender_ref = self._heap.temporary(sender)
                sender_referents += (sender_ref,)
            else:
                sender_ref = sender_referents[0]

        # The caller holds the receiver and sender until connect() returns.
        self._arguments.append(referents + sender_referents)
        try:
            self._clear_dead_receivers()
            existing = self._by_key.get(lookup_key)
            if existing is None:
                self._append(_Entry(lookup_key, receiver, ref, held, sender_ref, is_async, record))
                record.status = LIVE
            else:
                record.status = IGNORED
                record.duplicate_of = existing.record.index
        finally:
            self._arguments.pop()
            self._collect_garbage()
        return existing is None

    def _disconnect(self, receiver: Hashable, sender: Hashable, dispatch_uid: Hashable) -> bool:
        if dispatch_uid:
            lookup_key = (dispatch_uid, _make_id(sender, self._heap))
        else:
            lookup_key = (_make_id(receiver, self._heap), _make_id(sender, self._heap))

        disconnected = False
        self._arguments.append(self._referents(receiver) + self._referents(sender))
        try:
            self._clear_dead_receivers()
            entry = self._by_key.get(lookup_key)
            if entry is not None:
                disconnected = True
                self._receivers.remove(entry)
                self._forget(entry)
                if entry.record.status == LIVE:
                    entry.record.status = DISCONNECTED
        finally:
            self._arguments.pop()
            # A removed strong entry may have been the last hold on its receiver.
            self._collect_garbage()
        return disconnected

    def _clear_dead_receivers(self) -> None:
        # Mirrors Signal._clear_dead_receivers(): only runs when a death was
        # flagged, so an unflagged dead entry keeps blocking its lookup key.
        if self._dead_receivers:
            self._dead_receivers = False
            kept: list[_Entry] = []
            for entry in self._receivers:
                if entry.dead():
                    self._forget(entry)
                else:
                    kept.append(entry)
            self._receivers = kept
            # Django drops the old list here: a strong entry of a dead sender
            # (6.0+) was the last hold on its receiver, whose weak entries now
            # die but stay in the new list until the next flagged clear.
            self._collect_garbage()

    def _live_receivers(self, sender: Hashable) -> tuple[list[Hashable], list[Hashable]]:
        self._clear_dead_receivers()
        senderkey = _make_id(sender, self._heap)
        sync_receivers: list[Hashable] = []
        async_receivers: list[Hashable] = []
        for entry in self._receivers:
            r_senderkey = entry.lookup_key[1]
            if r_senderkey is NONE_ID or r_senderkey == senderkey:
                if entry.dead():
                    continue
                if entry.is_async and self._async_after_sync:
                    async_receivers.append(entry.receiver)
                else:
                    sync_receivers.append(entry.receiver)
        return sync_receivers, async_receivers

    def _collect_garbage(self) -> None:
        # Kill every dropped object that nothing holds any more, then flag
        # the deaths the way the modelled Django would notice them.
        if not self._heap.dropped:
            return  # the common case: the program still holds everything
        held: set[_Object] = set(self._strong_holds)
        held.update(self._pending_holds)
        for arguments in self._arguments:
            held.update(arguments)
        died = self._heap.sweep(held)
        if not died:
            return
        # The entries in the list that reference a dead object weakly.
        referrers: set[_Entry] = set()
        for obj in died:
            referrers.update(self._weak_referrers.get(obj, ()))
        if self._weak_senders:
            # 6.0+: _flag_dead_receivers is the callback of each entry's
            # weakrefs; a callback only runs while its weakref is alive, i.e.
            # while its entry is in the list.
            if referrers:
                self._dead_receivers = True
        else:
            # 4.2/5.x: finalize objects outlive the entries that made them.
            if self._finalized & died:
                self._dead_receivers = True
                self._finalized -= died
        for entry in referrers:
            if entry.record.status == LIVE:
                if entry.receiver_dead():
                    entry.record.status = COLLECTED
                elif entry.sender_dead():
                    entry.record.status = SENDER_COLLECTED

    def _append(self, entry: _Entry) -> None:
        self._receivers.append(entry)
        self._by_key[entry.lookup_key] = entry
        self._strong_holds.update(entry.held)
        for obj in entry.weakly_referenced():
            self._weak_referrers.setdefault(obj, set()).add(entry)

    def _forget(self, entry: _Entry) -> None:
        # Update the indexes for an entry just taken out of the list.
        del self._by_key[entry.lookup_key]
        self._strong_holds.subtract(entry.held)
        for obj in entry.held:
            if self._strong_holds[obj] <= 0:
                del self._strong_holds[obj]
        for obj in set(entry.weakly_referenced()):
            referrers = self._weak_referrers[obj]
            referrers.discard(entry)
            if not referrers:
                del self._weak_referrers[obj]

    def _referents(self, target: Hashable) -> tuple[_Object, ...]:
        # The objects a receiver or sender argument keeps alive.
        if target is None:
            return ()
        if isinstance(target, BoundMethod):
            return (self._heap.object(target.instance), self._heap.object(target.function))
        return (self._heap.object(target),)

    @property
    def _async_after_sync(self) -> bool:
        # Django 5.0 added async receivers: send() runs the sync ones, then
        # the async ones together.
        return self.django_version >= (5, 0)

    @property
    def _weak_senders(self) -> bool:
        # Django 6.0 (ticket #35801) keeps a weakref to each sender so that a
        # dead sender's id() cannot be reused by a new one.
        return self.django_version >= (6, 0)


class _Object:
    """One object a symbol names; compared by identity, as Django compares id()s."""

    __slots__ = ("dead", "dropped", "symbol")

    def __init__(self, symbol: Hashable) -> None:
        self.symbol = symbol
        self.dropped = False  # the program holds no reference to it
        self.dead = False

    def __repr__(self) -> str:
        state = "dead" if self.dead else "dropped" if self.dropped else "held"
        return f"<object {self.symbol!r} {state}>"


class _Heap:
    """The objects of the modelled program, by symbol, and which were dropped."""

    def __init__(self) -> None:
        self._current: dict[Hashable, _Object] = {}
        self.dropped: set[_Object] = set()  # dropped by the program, not dead yet

    def object(self, symbol: Hashable) -> _Object:
        """The object ``symbol`` names now; a new one if the last one died."""
        obj = self._current.get(symbol)
        if obj is None or obj.dead:
            obj = self._current[symbol] = _Object(symbol)
        return obj

    def temporary(self, symbol: Hashable) -> _Object:
        """A new object the program does not keep (e.g. a bound-method object)."""
        obj = _Object(symbol)
        obj.dropped = True
        self.dropped.add(obj)
        return obj

    def drop(self, symbol: Hashable) -> None:
        obj = self._current.get(symbol)
        if obj is not None and not obj.dead:
            obj.dropped = True
            self.dropped.add(obj)

    def sweep(self, held: set[_Object]) -> set[_Object]:
        """Kill the dropped objects not in ``held``; return them."""
        died = {obj for obj in self.dropped if obj not in held}
        for obj in died:
            obj.dead = True
        self.dropped -= died
        return died


class _Record:
    """The mutable history of one connect() call."""

    __slots__ = (
        "dispatch_uid",
        "duplicate_of",
        "index",
        "is_async",
        "lazy_sender",
        "receiver",
        "sender",
        "status",
        "weak",
    )

    def __init__(
        self,
        index: int,
        receiver: Hashable,
        sender: Hashable,
        weak: bool,
        dispatch_uid: Hashable,
        is_async: bool,
    ) -> None:
        self.index = index
        self.receiver = receiver
        self.sender = sender
        self.weak = bool(weak)
        self.dispatch_uid = dispatch_uid
        self.is_async = bool(is_async)
        self.status = LIVE
        self.lazy_sender: str | None = None
        self.duplicate_of: int | None = None

    def snapshot(self) -> Connection:
        return Connection(
            receiver=self.receiver,
            sender=self.sender,
            weak=self.weak,
            dispatch_uid=self.dispatch_uid,
            is_async=self.is_async,
            status=self.status,
            lazy_sender=self.lazy_sender,
            duplicate_of=self.duplicate_of,
        )


class _Entry:
    """One item of Django's ``Signal.receivers`` list."""

    __slots__ = ("held", "is_async", "lookup_key", "receiver", "record", "ref", "sender_ref")

    def __init__(
        self,
        lookup_key: tuple[Hashable, Hashable],
        receiver: Hashable,
        ref: tuple[_Object, ...] | None,
        held: tuple[_Object, ...],
        sender_ref: _Object | None,
        is_async: bool,
        record: _Record,
    ) -> None:
        self.lookup_key = lookup_key
        self.receiver = receiver
        self.ref = ref  # weakly referenced objects; None for a strong entry
        self.held = held  # strongly referenced objects
        self.sender_ref = sender_ref  # Django 6.0+
        self.is_async = is_async
        self.record = record

    def receiver_dead(self) -> bool:
        return self.ref is not None and any(obj.dead for obj in self.ref)

    def sender_dead(self) -> bool:
        return self.sender_ref is not None and self.sender_ref.dead

    def dead(self) -> bool:
        return self.receiver_dead() or self.sender_dead()

    def weakly_referenced(self) -> tuple[_Object, ...]:
        """The objects whose death kills this entry."""
        objects = self.ref or ()
        if self.sender_ref is not None:
            objects += (self.sender_ref,)
        return objects
