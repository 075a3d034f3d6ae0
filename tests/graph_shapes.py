"""Hand-made graph data with what the analysis may not produce yet: the ``test-only`` status, an
unresolved sender, a status no renderer knows, names with characters the formats escape.

The renderers draw statuses and sender shapes from the data, so these need no change to show up.
"""

from __future__ import annotations

HAND_MADE = {
    "signals": [
        {"name": "django.db.models.signals.post_save", "short_name": "post_save", "builtin": True},
        {
            "name": "app.signals.tick",
            "short_name": "tick",
            "builtin": False,
            "path": "app/signals.py",
            "line": 2,
        },
    ],
    "receivers": [
        {
            "name": "app.tests.helpers.on_saved_in_tests",
            "kind": "function",
            "path": "app/tests/helpers.py",
            "line": 4,
        },
        {
            "name": "app.receivers.on_dynamic_model",
            "kind": "function",
            "path": "app/receivers.py",
            "line": 9,
        },
        {
            "name": "app.receivers.on_weird",
            "kind": "function",
            "path": "app/receivers.py",
            "line": 20,
        },
        {
            "name": "app.receivers.Handler.make.<locals>.inner",
            "kind": "nested-function",
            "path": "app/receivers.py",
            "line": 30,
        },
    ],
    "connections": [
        {
            "signal": "django.db.models.signals.post_save",
            "receiver": "app.tests.helpers.on_saved_in_tests",
            "sender": "app.models.Thing",
            "weak": True,
            "dispatch_uid": None,
            "path": "app/tests/helpers.py",
            "line": 3,
            "status": "test-only",
            "conditional": False,
        },
        {
            "signal": "django.db.models.signals.post_save",
            "receiver": "app.receivers.on_dynamic_model",
            "sender": {"unresolved": 'apps.get_model("app", "Thing")'},
            "weak": True,
            "dispatch_uid": None,
            "path": "app/receivers.py",
            "line": 8,
            "status": "live",
            "conditional": False,
            "condition": "settings.AUDIT",
        },
        {
            "signal": "app.signals.tick",
            "receiver": "app.receivers.on_weird",
            "sender": None,
            "weak": True,
            "dispatch_uid": "a#b",
            "path": "app/receivers.py",
            "line": 19,
            "status": "sender-collected",
            "reason": "the sender was garbage collected",
            "conditional": False,
        },
        {
            "signal": "app.signals.tick",
            "receiver": "app.receivers.Handler.make.<locals>.inner",
            "sender": 'app.models.We"ird<T>&#x',
            "weak": True,
            "dispatch_uid": None,
            "path": "app/receivers.py",
            "line": 31,
            "status": "live",
            "conditional": True,
        },
    ],
    "sends": [
        {
            "signal": "app.signals.tick",
            "method": "send",
            "sender": None,
            "arguments": [],
            "path": "app/jobs.py",
            "line": 5,
        }
    ],
    "findings": [
        {
            "code": "SIG004",
            "name": "unknown-receiver-argument",
            "severity": "error",
            "path": "app/receivers.py",
            "line": 9,
            "column": 5,
            "message": "parameter `x` of receiver `on_dynamic_model` is never sent",
        },
    ],
    "apps": [{"label": "app", "package": "app", "path": "app"}],
    "models": [{"label": "app.Thing", "name": "app.models.Thing"}],
}
