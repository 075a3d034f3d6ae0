"""How long a receiver object lives, judged from the facts of the file that connects it.

Django holds weakly connected receivers by weak reference only, so what
else keeps the object alive decides whether it ever runs.  SIG002 (one
file) and the project graph (the dispatcher model's ``collect()``) ask the
same questions here.
"""

from __future__ import annotations

from collections.abc import Callable

from signal_lint.extract.facts import ClassDef, Connection, FileFacts, Function

# Receivers that are new objects nothing else holds: dead as soon as connect() returns.
INLINE_TEMPORARY_KINDS = ("lambda", "partial", "temporary-method")


def frame_keeps_alive(facts: FileFacts, connection: Connection) -> bool:
    """The function making the connection keeps its nested receiver beyond its own return:
    it returns, stores or hands the receiver on, or is a generator (a context manager's frame
    lives across its ``yield``).  Unknown frames count as keeping it."""
    frame = facts.function(connection.function) if connection.function else None
    if frame is None or frame.is_generator:
        return True
    receiver = connection.receiver
    name = receiver.local.rsplit(".", 1)[-1] if receiver.local else receiver.text
    return name in frame.escaping_names


def returned_temporary(function: Function) -> str | None:
    """What a factory returns when every ``return`` hands back a new function nothing else holds:
    ``"nested:<qualname>"`` (a def of its own), ``"lambda"`` or ``"partial"``; None otherwise
    (a module-level function, an argument, a value we cannot see)."""
    kinds = function.returns
    if kinds and all(k.startswith("nested:") or k in ("lambda", "partial") for k in kinds):
        return kinds[0]
    return None


def defines_call(facts: FileFacts, cls: ClassDef, depth: int = 0) -> bool | None:
    """Whether instances of ``cls`` are callable: it or a base defines ``__call__``. None when a
    base is not a class of this file (it may define one)."""
    if "__call__" in cls.methods:
        return True
    classes = {c.qualname: c for c in facts.classes}
    prefix = facts.module + "."
    for base in cls.bases:
        local = base[len(prefix) :] if base and base.startswith(prefix) else None
        if base in ("builtins.object", "object"):
            continue
        if local not in classes or depth > 8:
            return None
        found = defines_call(facts, classes[local], depth + 1)
        if found is not False:
            return found
    return False


WRAPS = frozenset({"functools.wraps", "functools.update_wrapper"})


def exposed_wrapper(
    function: Function,
    decorator_index: int,
    find: Callable[[str], tuple[FileFacts, Function] | None],
) -> tuple[FileFacts, Function, str] | None:
    """What ``@receiver`` (the decorator at ``decorator_index``) registers when the project's own
    decorators sit below it: the outermost wrapper a decorator returns without ``functools.wraps``
    (its file, its facts, the decorator's name); None when that is the function itself.

    ``inspect.signature``, and so Django's ``func_accepts_kwargs``, follows ``__wrapped__`` through
    a ``wraps`` wrapper to what it wraps; a decorator ``find`` cannot see, or one that returns the
    function itself, changes nothing."""
    exposed: tuple[FileFacts, Function, str] | None = None
    for decorator in reversed(function.decorators[decorator_index + 1 :]):
        found = find(decorator) if decorator else None
        if found is None:
            continue
        owner, definition = found
        returned = definition.returns
        if len(returned) != 1 or not returned[0].startswith("nested:"):
            continue
        wrapper = owner.function(returned[0][len("nested:") :])
        if wrapper is None or any(d in WRAPS for d in wrapper.decorators):
            continue  # functools.wraps: __wrapped__ exposes what it wraps
        exposed = (owner, wrapper, definition.name)
    return exposed
