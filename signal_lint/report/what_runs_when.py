"""``signal-lint graph --sender X --format text``: what runs when ``X`` sends, as indented text.

Renders :func:`signal_lint.graph.what_runs_when.what_runs_when`: one block per
signal, its receivers numbered in call order with status, conditions and
``dispatch_uid``, each receiver's writes indented below it with the receivers
they set off in turn.
"""

from __future__ import annotations

from collections.abc import Callable

from signal_lint.graph.what_runs_when import Run, SignalRuns, Trigger, WhatRunsWhen

INDENT = "  "


def as_text(result: WhatRunsWhen, where: Callable[[str], str] = str) -> str:
    """``where`` turns a path into the one printed (relative to the project root)."""
    lines = [
        f"What runs when {result.sender} sends",
        "(receivers in the order Django calls them: sync ones in connection order, then async ones;"
        f" cascades followed {result.max_depth} levels deep)",
    ]
    for runs in result.signals:
        lines.append("")
        _signal(lines, runs, 0, where, result.sender)
    if result.bulk_writes:
        lines.append("")
        lines.append(
            f"Bulk writes that skip {_short(result.sender)}'s pre_save/post_save receivers (SIG107):"
        )
        for path, line, method in result.bulk_writes:
            lines.append(f"{INDENT}{where(path)}:{line}  {method}()")
    return "\n".join(lines) + "\n"


def _signal(
    lines: list[str], runs: SignalRuns, depth: int, where: Callable[[str], str], model: str
) -> None:
    """``model``: the sender the block is about; the queried sender at depth 0 (``own``)."""
    own = depth == 0
    pad = INDENT * depth
    how = []
    if runs.by_django:
        how.append(f"sent by Django when {runs.by_django}")
    if runs.sent_at:
        how.append("sent at " + ", ".join(f"{where(p)}:{n}" for p, n, _ in runs.sent_at))
    head = runs.signal if runs.sender == model else f"{runs.signal} for {runs.sender}"
    lines.append(f"{pad}{head}" + (f": {'; '.join(how)}" if how and own else ""))
    if not (runs.runs or runs.later or runs.not_run):
        lines.append(f"{pad}{INDENT}nothing runs")
    for number, run in enumerate(runs.runs, 1):
        _run(lines, run, f"{number}.", depth + 1, where)
    if runs.later:
        lines.append(f"{pad}{INDENT}then, if the code that connects them has run:")
        for run in runs.later:
            _run(lines, run, "-", depth + 2, where)
    if runs.not_run and own:
        lines.append(f"{pad}{INDENT}never run:")
        for run in runs.not_run:
            _run(lines, run, "-", depth + 2, where)


def _run(lines: list[str], run: Run, bullet: str, depth: int, where: Callable[[str], str]) -> None:
    edge = run.edge
    status = edge.status + (f": {edge.reason}" if edge.reason else "")
    details = [f"[{status}]"]
    if edge.package is not None:
        details.append(f"installed {edge.package}")
    if run.is_async:
        details.append("async")
    if edge.sender is None:
        details.append("any sender")
    if edge.conditional:
        details.append(f"connected later ({edge.context})")
    condition = getattr(edge, "condition", None)  # the test of an enclosing ``if``, when recorded
    if condition:
        details.append(f"if {condition}")
    if edge.weak is False:
        details.append("weak=False")
    if edge.dispatch_uid is not None:
        uid = edge.dispatch_uid
        details.append(f"dispatch_uid={uid!r}" if isinstance(uid, str) else f"dispatch_uid={uid}")
    pad = INDENT * depth
    lines.append(
        f"{pad}{bullet} {edge.receiver}  {'  '.join(details)}  {where(edge.path)}:{edge.line}"
    )
    for trigger in run.triggers:
        _trigger(lines, trigger, depth + 2, where)


def _trigger(lines: list[str], trigger: Trigger, depth: int, where: Callable[[str], str]) -> None:
    pad = INDENT * depth
    at = f"{where(trigger.path)}:{trigger.line}"
    if trigger.action == "bulk":
        target = trigger.model or trigger.text
        lines.append(
            f"{pad}{trigger.method}() of {target} sends no save signal  ({trigger.text}, {at})"
        )
        return
    if trigger.model is None:
        target = trigger.text.rsplit(".", 1)[0] if "." in trigger.text else trigger.text
        lines.append(
            f"{pad}{trigger.action} `{target}`: its model is not known statically  ({trigger.text}, {at})"
        )
        return
    head = f"{pad}{trigger.action} {trigger.model}  ({trigger.text}, {at})"
    if trigger.cycle:
        lines.append(f"{head}  CYCLE: {trigger.model} is already being {_past(trigger)} above")
    elif trigger.cut:
        lines.append(f"{head}  (not followed further)")
    elif not trigger.signals:
        lines.append(f"{head}  nothing runs")
    else:
        lines.append(head)
        for runs in trigger.signals:
            _signal(lines, runs, depth + 1, where, trigger.model)


def _past(trigger: Trigger) -> str:
    return "deleted" if trigger.action == "deletes" else "saved"


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]
