"""SIG014: attribute access on a signal argument that can be ``None``.

https://docs.djangoproject.com/en/stable/ref/contrib/auth/#module-django.contrib.auth.signals
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import WARNING, Finding
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext, receivers


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
                    if attr.base in spec.nullable:
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
