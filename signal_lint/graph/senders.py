"""How the graph names a sender: the class where it is defined, any sender, or unresolved text.

A connection's ``sender=`` and a send's ``sender=`` are expressions.  When the
analysis can tell which class (or other named object) they are, the graph
names it by the dotted name of the module that *defines* it
(``dcim.models.devices.Device``, not the package that re-exports it).  When
it cannot (a variable, ``apps.get_model(...)``, ``get_user_model()``, a lazy
``"app_label.Model"`` naming no model the project defines), the sender is
``Unresolved`` and keeps the expression's source text, so a report never
dresses an expression up as a class name.  ``None`` is "any sender".

JSON: a dotted name, ``null``, or ``{"unresolved": "<source text>"}``
(``docs/output.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

from signal_lint.extract.facts import SLOTS


@dataclass(frozen=True, **SLOTS)
class Unresolved:
    """A sender expression that cannot be resolved statically, as its source text."""

    text: str

    def __str__(self) -> str:
        return self.text


# A dotted name of the class where it is defined, an unresolved expression, or None (any sender).
SenderName = str | Unresolved | None


def sender_json(sender: SenderName) -> str | dict[str, str] | None:
    """The JSON value of a sender: the dotted name, ``null``, or ``{"unresolved": text}``."""
    if isinstance(sender, Unresolved):
        return {"unresolved": sender.text}
    return sender
