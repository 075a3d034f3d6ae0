"""Reference model of Django's signal dispatcher (no Django or libcst imports).

``SignalModel`` mirrors ``django.dispatch.Signal`` (and ``ModelSignal``) over
symbolic receivers and senders; see ``docs/model.md``.

https://docs.djangoproject.com/en/stable/topics/signals/
"""

from __future__ import annotations

from .apps import ModelRegistry, make_model_tuple
from .dispatcher import (
    COLLECTED,
    DEFAULT_DJANGO_VERSION,
    DISCONNECTED,
    IGNORED,
    LIVE,
    PENDING,
    SENDER_COLLECTED,
    STATUSES,
    BoundMethod,
    Connection,
    SignalModel,
)

__all__ = [
    "COLLECTED",
    "DEFAULT_DJANGO_VERSION",
    "DISCONNECTED",
    "IGNORED",
    "LIVE",
    "PENDING",
    "SENDER_COLLECTED",
    "STATUSES",
    "BoundMethod",
    "Connection",
    "ModelRegistry",
    "SignalModel",
    "make_model_tuple",
]
