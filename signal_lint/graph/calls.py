"""Which of the project's functions Django runs while it starts, and which run only then.

A connection inside a function body runs when the function is called.  Most
such functions are views, tasks or methods that run later, maybe many times,
maybe never; but a common style keeps the connections in a helper that
``AppConfig.ready()`` calls (``connect_project_signals()``), or that a module
calls at import time.  Such a helper runs at start-up like ``ready()`` itself.
Calls are followed from module level, ``ready()`` and ``AppConfig.__init__``
of the installed apps through the project's own functions (by qualified name,
``self.method()``/``cls.method()`` of the same class or its project bases, a
nested function called by its parent, and ``__init__`` of a project class
that is instantiated).

https://docs.djangoproject.com/en/stable/ref/applications/#django.apps.AppConfig.ready
"""

from __future__ import annotations

from dataclasses import dataclass, field

from signal_lint.extract.facts import FileFacts, Function
from signal_lint.graph.loading import LATER, POPULATE, READY_PHASE, Loading
from signal_lint.graph.project import Project

MODULE_LEVEL = "<module>"  # the caller of a module-level call


@dataclass
class Calls:
    """``reached``: function -> earliest phase it runs in when called from code that runs when its
    module is imported or from the app configs (POPULATE, READY_PHASE; LATER for a module-level
    call in a module that is itself imported later, such as a URLconf).
    ``once``: the reached functions that nothing running later calls (every known caller runs
    once: module level, ``ready()``, ``AppConfig.__init__`` or another such function).
    ``callers``: function -> the functions (or ``<module>``) that call it."""

    reached: dict[str, int] = field(default_factory=dict)
    once: set[str] = field(default_factory=set)
    callers: dict[str, set[str]] = field(default_factory=dict)

    def phase_of(self, module: str, function: str | None) -> int | None:
        """The start-up phase of the function ``function`` (qualname within ``module``), or None."""
        return self.reached.get(f"{module}.{function}") if function else None


def compute_calls(project: Project, loading: Loading) -> Calls:
    calls = Calls()
    entries: dict[str, int] = {}
    edges: dict[str, list[str]] = {}  # caller -> callees
    for module, facts in sorted(project.modules.items()):
        if facts.is_test:
            continue
        for definition in facts.functions:
            caller = f"{module}.{definition.qualname}"
            for called in definition.callees:
                callee = callee_of(project, facts, definition, called)
                if callee is not None and callee != caller:
                    edges.setdefault(caller, []).append(callee)
                    calls.callers.setdefault(callee, set()).add(caller)
        for qualname, _ in facts.module_calls:
            callee = function_of(project, qualname)
            if callee is None:
                continue
            calls.callers.setdefault(callee, set()).add(MODULE_LEVEL)
            if module in loading.loaded:
                _enter(entries, callee, loading.phase.get(module, LATER))
    for app in loading.apps:
        if app.config is None:
            continue
        for config in [app.config] + project.bases(app.config):
            if config not in project.classes:
                continue
            module_phase = loading.phase.get(project.classes[config][0].module, LATER)
            _enter(entries, f"{config}.__init__", max(module_phase, POPULATE))
            _enter(entries, f"{config}.ready", max(module_phase, READY_PHASE))
    # earliest phase first, so a function reached from module level and from ready() is POPULATE
    for phase in (POPULATE, READY_PHASE, LATER):
        queue = sorted(f for f, p in entries.items() if p == phase and f in project.functions)
        while queue:
            function = queue.pop()
            if function in calls.reached:
                continue
            calls.reached[function] = phase
            queue.extend(c for c in edges.get(function, ()) if c not in calls.reached)
    entry_points = set(entries)
    once = set(calls.reached)
    changed = True
    while changed:  # drop functions that something running later calls too
        changed = False
        for function in sorted(once):
            if function in entry_points and not calls.callers.get(function):
                continue
            callers = calls.callers.get(function, set())
            if any(c != MODULE_LEVEL and c not in once and c not in entry_points for c in callers):
                once.discard(function)
                changed = True
    calls.once = once
    return calls


def _enter(entries: dict[str, int], function: str, phase: int) -> None:
    if function not in entries or phase < entries[function]:
        entries[function] = phase


def function_of(project: Project, qualname: str | None) -> str | None:
    resolved = project.resolve(qualname)
    if resolved in project.functions:
        return resolved
    if resolved in project.classes:  # ``Registry()``: its ``__init__`` runs
        for cls in [resolved] + project.bases(resolved):
            if f"{cls}.__init__" in project.functions:
                return f"{cls}.__init__"
    return None


def callee_of(project: Project, facts: FileFacts, function: Function, called: str) -> str | None:
    found = function_of(project, called)
    if found is not None:
        return found
    chain = called.split(".")
    if len(chain) == 2 and chain[0] in ("self", "cls") and function.class_name:
        owner = f"{facts.module}.{function.class_name}"
        for cls in [owner] + project.bases(owner):
            if f"{cls}.{chain[1]}" in project.functions:
                return f"{cls}.{chain[1]}"
        return None
    if len(chain) == 1:  # a nested function called by its parent
        nested = f"{facts.module}.{function.qualname}.<locals>.{chain[0]}"
        if nested in project.functions:
            return nested
    return None
