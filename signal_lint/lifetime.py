"""How long a receiver object lives, judged from the facts of the file that connects it.

Django holds weakly connected receivers by weak reference only, so what
else keeps the object alive decides whether it ever runs.  SIG002 (one
file) and the project graph (the dispatcher model's ``collect()``) ask the
same questions here.
"""

from __future__ import annotations

from signal_lint.extract.facts import Connection, FileFacts

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
