"""Django's built-in signals as data: what each one sends, for which Django version.

https://docs.djangoproject.com/en/stable/ref/signals/
"""

from __future__ import annotations

from signal_lint.catalog.loader import (
    DEFAULT_VERSION,
    MODEL_SIGNAL_CLASSES,
    RECEIVER_DECORATORS,
    SIGNAL_CLASSES,
    SUPPORTED_VERSIONS,
    Catalog,
    FrozenMapping,
    ModelSpec,
    SignalSpec,
    load_catalog,
    normalize_version,
    parse_signal_entry,
    read_signals_file,
)

__all__ = [
    "DEFAULT_VERSION",
    "MODEL_SIGNAL_CLASSES",
    "RECEIVER_DECORATORS",
    "SIGNAL_CLASSES",
    "SUPPORTED_VERSIONS",
    "Catalog",
    "FrozenMapping",
    "ModelSpec",
    "SignalSpec",
    "load_catalog",
    "normalize_version",
    "parse_signal_entry",
    "read_signals_file",
]
