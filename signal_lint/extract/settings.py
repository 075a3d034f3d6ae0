"""The few settings the project graph reads from a settings module, without running it."""

from __future__ import annotations

import ast

from signal_lint.extract.syntax import scope_statements

GRAPH_SETTINGS = ("INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE")
# Also read: swappable model settings (``AUTH_USER_MODEL = "accounts.User"``, any ``*_MODEL`` naming
# one model), and an app package's ``default_app_config`` (which Django ignores since 4.1).
MODEL_SETTING_SUFFIX = "_MODEL"
DEFAULT_APP_CONFIG = "default_app_config"


def module_settings(tree: ast.Module, source: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The module-level string settings the graph reads (what the project installs and routes),
    and ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)`` anywhere (``manage.py``'s ``main()``)."""
    found: list[tuple[str, tuple[str, ...]]] = []
    wanted = {name for name in GRAPH_SETTINGS if name.encode() in source}
    models = MODEL_SETTING_SUFFIX.encode() in source
    if DEFAULT_APP_CONFIG.encode() in source:
        wanted.add(DEFAULT_APP_CONFIG)
    for node in scope_statements(tree.body) if wanted or models else ():
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            strings = _strings(node.value) if node.value is not None else None
            for target in targets:
                if not isinstance(target, ast.Name) or strings is None:
                    continue
                if target.id in wanted or (models and _model_setting(target.id, strings)):
                    found.append((target.id, strings))
    if b"DJANGO_SETTINGS_MODULE" in source:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "setdefault"
                and len(node.args) == 2
            ):
                key, value = _strings(node.args[0]), _strings(node.args[1])
                if key == ("DJANGO_SETTINGS_MODULE",) and value:
                    found.append(("DJANGO_SETTINGS_MODULE", value))
    return tuple(found)


def _strings(node: ast.AST) -> tuple[str, ...] | None:
    """A string, or a list/tuple of strings, or a sum of those; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
        return tuple(values) if len(values) == len(node.elts) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _strings(node.left), _strings(node.right)
        return left + right if left is not None and right is not None else left or right
    return None


def _model_setting(name: str, strings: tuple[str, ...]) -> bool:
    """``AUTH_USER_MODEL = "accounts.User"``: a setting naming one model as ``app_label.Model``."""
    return (
        name.isupper()
        and name.endswith(MODEL_SETTING_SUFFIX)
        and len(strings) == 1
        and strings[0].count(".") == 1
    )
