"""SIG006: ``m2m_changed``'s ``action`` compared with a value Django never sends.

https://docs.djangoproject.com/en/stable/ref/signals/#m2m-changed
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Set

from signal_lint.extract.facts import Compare, FileFacts
from signal_lint.findings import ERROR, SAFE, UNSAFE, Finding, Fix
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext, receivers

NEVER = {
    "==": "is never `{value!r}`",
    "in": "is never part of `{value!r}`",
    "contains": "never contains `{value!r}`",
}


def _can_match(compare: Compare, allowed: Set[str]) -> bool:
    if compare.op == "contains":  # ``"add" in action``
        return any(compare.value in value for value in allowed)
    if compare.op == "in":  # ``action in "pre_add post_add"``
        return any(value in compare.value for value in allowed)
    return compare.value in allowed


def _replacement(compare: Compare, allowed: Set[str]) -> Fix | None:
    """The value meant: spelt with other separators or case (safe), or the one clearly nearest (unsafe)."""
    if compare.op != "==":
        return None  # a substring test: which value was meant is anyone's guess
    spelt = compare.value.strip().lower().replace("-", "_").replace(" ", "_")
    if spelt in allowed:
        return Fix("replace-action", compare.line, compare.column, SAFE, spelt)
    scored = sorted(
        ((difflib.SequenceMatcher(None, compare.value, value).ratio(), value) for value in allowed),
        reverse=True,
    )
    if len(scored) > 1 and scored[0][0] >= 0.6 and scored[0][0] - scored[1][0] >= 0.1:
        return Fix("replace-action", compare.line, compare.column, UNSAFE, scored[0][1])
    return None


class InvalidM2mAction(Rule):
    """
    ## What it does
    Flags, in a receiver of a signal with enumerated argument values (the
    `action` of `m2m_changed`), a comparison (`==`, `!=`, `in`, `match`/`case`)
    of that argument with a string Django never sends, such as `"pre add"`,
    `"post-add"` or `"add"`.

    ## Why is this bad?
    `action` is one of `pre_add`, `post_add`, `pre_remove`, `post_remove`,
    `pre_clear`, `post_clear`. A branch testing for anything else never runs
    (or, with `!=`, always runs), silently.

    ## Example
    ```python
    @receiver(m2m_changed, sender=Order.tags.through)
    def on_tags_changed(sender, instance, action, **kwargs):
        if action == "post add":
            ...
    ```

    Use instead:
    ```python
    @receiver(m2m_changed, sender=Order.tags.through)
    def on_tags_changed(sender, instance, action, **kwargs):
        if action == "post_add":
            ...
    ```

    ## Fix safety
    Replaces the string with the value Django sends. Safe when the string is
    that value spelt with spaces, hyphens or another case (`"pre add"`,
    `"Post-Add"`). Unsafe when the value is only the clearly nearest one
    (`"post_remov"`). No fix when two values are about as near (`"clear"`),
    or for a substring test (`"add" in action`). Either way the branch
    starts to run.

    ## References
    - [Django: m2m_changed](https://docs.djangoproject.com/en/stable/ref/signals/#m2m-changed)
    """

    code = "SIG006"
    name = "invalid-m2m-action"
    severity = ERROR
    reads = frozenset({"receivers"})
    summary = "`action` compared with a string `m2m_changed` never sends: the branch never runs"
    MESSAGE = "`{argument}` of `{signal}` {never} in receiver `{receiver}`, so this comparison never matches{hint}"
    fix_title = "replace the string with the value the signal sends"

    VALID = (
        Valid(
            """
            from django.db.models.signals import m2m_changed
            from django.dispatch import receiver

            @receiver(m2m_changed)
            def on_change(sender, instance, action, **kwargs):
                if action == "post_add":
                    pass
                if kwargs.get("action") in ("pre_clear", "post_clear"):
                    pass
                match action:
                    case "pre_remove" | "post_remove":
                        pass

            def unrelated(action):
                return action == "pre add"
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import m2m_changed
            from django.dispatch import receiver

            @receiver(m2m_changed)
            def on_change(sender, instance, action, **kwargs):
                if action == "pre add":
                    pass
                elif action in ("post-add", "post_remove"):
                    pass
                match action:
                    case "clear":
                        pass
            """,
            [(6, 18), (8, 21), (11, 14)],
            fixed="""
            from django.db.models.signals import m2m_changed
            from django.dispatch import receiver

            @receiver(m2m_changed)
            def on_change(sender, instance, action, **kwargs):
                if action == "pre_add":
                    pass
                elif action in ("post_add", "post_remove"):
                    pass
                match action:
                    case "clear":
                        pass
            """,
        ),
        Invalid(
            """
            from django.db.models import signals

            def on_change(sender, **kwargs):
                if kwargs["action"] != "pre_Add":
                    return

            signals.m2m_changed.connect(on_change)
            """,
            [(4, 28)],
            fixed="""
            from django.db.models import signals

            def on_change(sender, **kwargs):
                if kwargs["action"] != "pre_add":
                    return

            signals.m2m_changed.connect(on_change)
            """,
        ),
        Invalid(
            """
            from django.db.models.signals import m2m_changed
            from django.dispatch import receiver

            @receiver(m2m_changed)
            def on_change(sender, instance, action, **kwargs):
                if action == "post_remov":
                    pass
            """,
            [(6, 18)],
            fixed="""
            from django.db.models.signals import m2m_changed
            from django.dispatch import receiver

            @receiver(m2m_changed)
            def on_change(sender, instance, action, **kwargs):
                if action == "post_remove":
                    pass
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for use in receivers(facts, ctx):
            specs = [
                spec
                for spec in (ctx.builtin(s) for s in use.signals())
                if spec is not None and spec.values
            ]
            for compare in use.function.compares:
                for spec in specs:
                    allowed = spec.values.get(compare.subject)
                    if allowed is None or _can_match(compare, allowed):
                        continue
                    match = difflib.get_close_matches(
                        compare.value, sorted(allowed), n=1, cutoff=0.5
                    )
                    yield self.finding(
                        facts,
                        compare.line,
                        compare.column,
                        fix=_replacement(compare, allowed),
                        argument=compare.subject,
                        signal=spec.name,
                        never=NEVER[compare.op].format(value=compare.value),
                        receiver=use.function.name,
                        hint=f" (did you mean `{match[0]!r}`?)" if match else "",
                    )
                    break
