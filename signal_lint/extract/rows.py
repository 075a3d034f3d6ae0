"""What a save receiver's locals hold and which of its reads are of the row being saved.

SIG013 asks what a ``pre_save``/``post_save`` receiver does to the database
when fixtures load.  That depends on a few facts the syntax shows: a local
that is the received instance under another name (``obj = kwargs["instance"]``),
the sender's model (``model = type(instance)``), a model looked up by name
(``apps.get_model("shop", "Order")``), the saved row's own previous version
(``old = sender.objects.get(pk=instance.pk)``), or the current request
(``request = current_request.get()``, ``None`` under ``loaddata``); and
``try``/``with suppress(...)`` blocks that catch ``DoesNotExist``.
"""

from __future__ import annotations

import ast

from signal_lint.extract.names import dotted_text

# Local kinds (``Function.local_kinds``).
INSTANCE = "instance"  # the received instance
SENDER = "sender"  # the sender's model class
ROW = "row"  # the saved row's own previous version, read from the database
REQUEST = "request"  # the current request (or user): None outside a request, as under loaddata
MODEL = "model:"  # a model looked up by name: "model:Order"

# Exceptions whose handler makes a failed ``.get()`` harmless.
DOES_NOT_EXIST = frozenset({"DoesNotExist", "ObjectDoesNotExist", "Exception", "BaseException"})
ROW_KEYS = frozenset({"pk", "id", "pk__exact", "id__exact"})
# Reads that raise ``DoesNotExist`` for a missing row: harmless in a ``try`` that handles it.
HANDLED_READS = frozenset({"get", "latest", "earliest", "get_by_natural_key"})
# Calls that only run on behalf of a request (thread-local request/user lookups).
_REQUEST_WORDS = ("request", "current_user")
# What an ORM-minded call chain ends with or goes through (kept for helpers one call deep).
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
ORM_ENDINGS = frozenset(
    {
        "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update",
        "delete", "save", "add", "set", "remove", "clear", "get", "latest", "earliest",
        "delay", "apply_async", "send_task", "on_commit", "enqueue", "enqueue_once",
        "send_mail", "mail_admins", "move", "rmtree", "unlink",
    }
)  # fmt: skip


def local_kind(value: ast.AST, kinds: dict[str, str], var_kw: str | None) -> str | None:
    """What a local assigned ``value`` holds, as far as SIG013 cares (None: nothing known)."""
    from signal_lint.extract.guards import kwargs_key

    if isinstance(value, ast.Name):
        if value.id == "instance" or kinds.get(value.id) == INSTANCE:
            return INSTANCE
        if value.id == "sender" or kinds.get(value.id) == SENDER:
            return SENDER
        return kinds.get(value.id) if kinds.get(value.id, "").startswith(MODEL) else None
    key = kwargs_key(value, var_kw)
    if key in (INSTANCE, SENDER):
        return key
    if (
        isinstance(value, ast.Attribute)
        and value.attr == "__class__"
        and is_instance(value.value, kinds)
    ):
        return SENDER
    if isinstance(value, ast.Call):
        callee = dotted_text(value.func)
        if callee == "type" and len(value.args) == 1 and is_instance(value.args[0], kinds):
            return SENDER
        if callee.rsplit(".", 1)[-1] == "get_model":
            name = _model_name(value)
            if name:
                return MODEL + name
    if reads_saved_row(value, kinds):
        return ROW
    if isinstance(value, ast.Call):
        callee = dotted_text(value.func).lower()
        if not callee.startswith("requests.") and any(w in callee for w in _REQUEST_WORDS):
            return REQUEST
    return None


def is_instance(node: ast.AST, kinds: dict[str, str]) -> bool:
    return isinstance(node, ast.Name) and (node.id == "instance" or kinds.get(node.id) == INSTANCE)


def reads_saved_row(node: ast.AST, kinds: dict[str, str]) -> bool:
    """``sender.objects.get(pk=instance.pk)``, ``Order.objects.filter(id=instance.id).first()``
    (anywhere in ``node``): a read of the row being saved, as the database holds it."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and is_saved_row_lookup(sub, kinds):
            return True
    return False


def is_saved_row_lookup(call: ast.Call, kinds: dict[str, str]) -> bool:
    """A query call (``get``/``filter``/...) whose ``pk``/``id`` is the instance's."""
    if not isinstance(call.func, ast.Attribute):
        return False
    for keyword in call.keywords:
        value = keyword.value
        if (
            keyword.arg in ROW_KEYS
            and isinstance(value, ast.Attribute)
            and value.attr in ("pk", "id")
            and is_instance(value.value, kinds)
        ):
            return True
    return False


def catches_does_not_exist(handler: ast.ExceptHandler) -> bool:
    """``except Model.DoesNotExist``, ``except ObjectDoesNotExist``, ``except Exception``, bare."""
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(_exception_name(n) in DOES_NOT_EXIST for n in names)


def suppresses_does_not_exist(item: ast.withitem) -> bool:
    """``with suppress(Model.DoesNotExist):`` (``contextlib.suppress``)."""
    call = item.context_expr
    return (
        isinstance(call, ast.Call)
        and dotted_text(call.func).rsplit(".", 1)[-1] == "suppress"
        and any(_exception_name(arg) in DOES_NOT_EXIST for arg in call.args)
    )


def saved_row_names(body: list[ast.stmt], kinds: dict[str, str]) -> list[str]:
    """Locals a block's own statements assign from a read of the saved row."""
    names: list[str] = []
    for stmt in body:
        if isinstance(stmt, ast.Assign) and reads_saved_row(stmt.value, kinds):
            names.extend(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return names


def orm_like(parts: tuple[str, ...], keywords: tuple[str, ...], nargs: int) -> bool:
    """A call chain that may touch the database or the world outside it: kept for the functions
    a save receiver calls (SIG013 reads them one call deep).  Calls that only look like the ORM
    are left out here, where the arguments are known: ``FieldFile.delete(save=False)``,
    ``image.save(buffer)``, ``data.get("key")``, ``data.update({...})``."""
    if len(parts) < 2 or not (parts[-1] in ORM_ENDINGS or any(p in MANAGERS for p in parts[1:])):
        return False
    if parts[-1] in ("save", "delete") and ("save" in keywords or nargs):
        return False
    return not (parts[-1] in ("get", "update", "count") and nargs)


def _exception_name(node: ast.AST) -> str:
    return (
        node.attr
        if isinstance(node, ast.Attribute)
        else node.id
        if isinstance(node, ast.Name)
        else ""
    )


def _model_name(call: ast.Call) -> str | None:
    """``get_model("shop", "Order")`` or ``get_model("shop.Order")`` -> ``Order``."""
    strings = [
        a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]
    if len(strings) == 2:
        return strings[1]
    if len(strings) == 1 and strings[0].count(".") == 1:
        return strings[0].rsplit(".", 1)[1]
    return None
