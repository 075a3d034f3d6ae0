"""SIG014: attribute access on a signal argument that can be ``None``.

https://docs.djangoproject.com/en/stable/ref/contrib/auth/#module-django.contrib.auth.signals
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import WARNING, Finding
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext, receivers

# Arguments that are `None` only for some values of another argument: (signal, argument) ->
# (the other argument, the values for which it is None). ``m2m_changed`` sends ``pk_set=None``
# for ``clear()`` only (``pre_clear``/``post_clear``); for the add and remove actions it is a set.
NONE_ONLY_WHEN = {
    ("django.db.models.signals.m2m_changed", "pk_set"): (
        "action",
        frozenset({"pre_clear", "post_clear"}),
    ),
}


def _not_none_here(signal: str, argument: str, known: frozenset[tuple[str, ...]]) -> bool:
    """The argument cannot be None where the code runs: the argument it depends on is known to
    hold another value (``if action == "pre_remove":``, ``action in ("post_add", ...)``)."""
    rule = NONE_ONLY_WHEN.get((signal, argument))
    if rule is None:
        return False
    other, none_values = rule
    excluded: set[str] = set()
    for fact in known:
        if len(fact) < 3 or fact[1] != other:
            continue
        if fact[0] == "oneof" and none_values.isdisjoint(fact[2:]):
            return True
        if fact[0] == "noneof":
            excluded.update(fact[2:])
    return none_values <= excluded


class NullableArgumentDereference(Rule):
    """
    ## What it does
    Flags attribute access on an argument the signal can send as `None`,
    without a `None` check first: `user` of `user_logged_out` (the logout of
    an anonymous session), `request` of `user_login_failed` (`authenticate()`
    called without a request), and the catalog's other nullable arguments.
    An enclosing `if user:` / `if user is not None:` / `isinstance(user, ...)`,
    an earlier `if user is None: return` or `assert user`, `user and
    user.email`, or a `try` that catches `AttributeError` counts as a check —
    where it makes the argument not `None`: inside `if user is None:` or the
    `else` of `if user:` it is `None`. An argument read into a local of the
    same name (`request = kwargs.get("request")`) is checked the same way.
    An argument that is `None` only for some values of another one counts
    as checked where that one is known to hold another value: `pk_set` of
    `m2m_changed` is `None` for `pre_clear`/`post_clear` only, so it is a set
    under `if action == "pre_remove":` or `if action in ("post_add", ...)`.
    One finding per receiver and argument, on its first unchecked read.

    ## Why is this bad?
    The receiver raises `AttributeError: 'NoneType' object has no attribute`
    exactly in the rare path nobody tested, and with `send()` (not
    `send_robust()`) the exception escapes into the view that logged out.

    ## Example
    ```python
    @receiver(user_logged_out)
    def on_logout(sender, request, user, **kwargs):
        log.info("logout %s", user.username)
    ```

    Use instead:
    ```python
    @receiver(user_logged_out)
    def on_logout(sender, request, user, **kwargs):
        if user is not None:
            log.info("logout %s", user.username)
    ```

    ## Fix safety
    There is no automatic fix: what to do when the argument is `None`
    (return early, log, use a default) is the receiver's decision.

    ## References
    - [Django: user_logged_out](https://docs.djangoproject.com/en/stable/ref/contrib/auth/#django.contrib.auth.signals.user_logged_out)
    """

    code = "SIG014"
    name = "nullable-argument-dereference"
    severity = WARNING
    reads = frozenset({"receivers"})
    summary = "An argument the signal can send as `None` used without a `None` check"
    MESSAGE = (
        "`{argument}` of `{signal}` can be `None`, but receiver `{receiver}` reads "
        "`{argument}.{attr}` without a `None` check"
    )

    VALID = (
        Valid(
            """
            from django.contrib.auth.signals import user_logged_out, user_login_failed
            from django.dispatch import receiver

            @receiver(user_logged_out)
            def on_logout(sender, request, user, **kwargs):
                if user is None:
                    return
                print(user.username, request.path)

            @receiver(user_login_failed)
            def on_failure(sender, credentials, request=None, **kwargs):
                ip = request.META.get("REMOTE_ADDR") if request else None
                agent = request and request.headers.get("User-Agent")
            """
        ),
        Valid(
            # pk_set is None for the clear actions only: a set wherever the action is known
            """
            from django.db.models.signals import m2m_changed
            from django.dispatch import receiver

            @receiver(m2m_changed)
            def keep_owner(sender, instance, action, pk_set, **kwargs):
                if action == "pre_remove":
                    pk_set.discard(instance.owner_id)
                elif action in ("pre_add", "post_add"):
                    print(pk_set.copy())

            @receiver(m2m_changed)
            def log_added(sender, instance, action, pk_set, **kwargs):
                if action != "post_add":
                    return
                print(pk_set.union({instance.pk}))
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.contrib.auth.signals import user_logged_out, user_login_failed
            from django.dispatch import receiver

            @receiver(user_logged_out)
            def on_logout(sender, request, user, **kwargs):
                print(user.username)

            @receiver(user_login_failed)
            def on_failure(sender, credentials, **kwargs):
                print(kwargs["request"].path)
            """,
            [(6, 11), (10, 11)],
        ),
        Invalid(
            """
            from django.contrib.auth.signals import user_login_failed
            from django.dispatch import receiver

            @receiver(user_login_failed)
            def log_failure(sender, credentials, request, **kwargs):
                if "username" in credentials:
                    print(credentials["username"], request.META["REMOTE_ADDR"])
                else:
                    print(request.META["REMOTE_ADDR"])  # the same argument again: no second finding
            """,
            [(7, 40)],
        ),
        Invalid(
            """
            from django.db.models.signals import m2m_changed
            from django.dispatch import receiver

            @receiver(m2m_changed)
            def count_changes(sender, instance, action, pk_set, **kwargs):
                if action.startswith("post_"):  # post_clear too: pk_set is None then
                    print(len(pk_set), pk_set.copy())
            """,
            [(7, 28)],
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for use in receivers(facts, ctx):
            specs = [
                spec
                for spec in (ctx.builtin(s) for s in use.signals())
                if spec is not None and spec.nullable
            ]
            if not specs:
                continue
            reported: set[str] = set()  # one finding per receiver and argument: its first read
            for attr in sorted(use.function.attrs, key=lambda a: (a.line, a.column)):
                if (
                    attr.base in reported
                    or ("truthy", attr.base) in attr.known
                    or ("notnone", attr.base) in attr.known
                    or "<try>" in attr.guard_names
                ):
                    continue  # a check that it is not None governs the access
                for spec in specs:
                    if attr.base in spec.nullable and not _not_none_here(
                        spec.qualname, attr.base, attr.known
                    ):
                        reported.add(attr.base)
                        yield self.finding(
                            facts,
                            attr.line,
                            attr.column,
                            argument=attr.base,
                            signal=spec.name,
                            receiver=use.function.name,
                            attr=attr.attr,
                        )
                        break
