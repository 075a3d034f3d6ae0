"""What a signal sends, inferred from its send sites (``signal_lint/catalog/inference.py``).

Each test is a small package, ``{path: source}``, whose ``signals.py`` defines
``sig = Signal()``; the inference must find exactly the arguments its send
sites pass: always, sometimes, and whether some site may pass names we cannot see.
"""

from __future__ import annotations

import textwrap

from module_files import facts_of

from signal_lint.aliases import alias_table, follow_aliases, unique_modules
from signal_lint.catalog.inference import Derivation, derive_send_sites

SIGNALS = "from django.dispatch import Signal\nsig = Signal()\n"


def derive(files: dict[str, str]) -> Derivation:
    files = {"pkg/__init__.py": "", "pkg/signals.py": SIGNALS, **files}
    facts = facts_of(files, detailed=True)
    aliases = alias_table(unique_modules(facts))
    sources = {
        path: textwrap.dedent(source).lstrip("\n").encode() for path, source in files.items()
    }

    def signal_of(send, ff):  # type: ignore[no-untyped-def]
        signal = follow_aliases(aliases, send.signal)
        return signal if signal == "pkg.signals.sig" else None

    return derive_send_sites(facts, lambda ff: sources[ff.path], signal_of)


def sent(files: dict[str, str]) -> tuple[list[str], list[str], bool]:
    derivation = derive(files)
    signal = "pkg.signals.sig"
    return (
        sorted(derivation.always(signal)),
        sorted(derivation.sometimes(signal)),
        derivation.open_ended(signal),
    )


def test_plain_send_sites_always_and_sometimes():
    assert sent(
        {
            "pkg/flows.py": """
                from pkg.signals import sig
                def a(request, user):
                    sig.send(sender=None, request=request, user=user)
                def b(request):
                    sig.send_robust(sender=None, request=request)
                """
        }
    ) == (["request"], ["user"], False)


def test_a_literal_dict_expanded_is_always_sent():
    assert sent(
        {
            "pkg/flows.py": """
                from pkg.signals import sig
                def a(request):
                    extra = {"user": request.user, "step": 1}
                    sig.send(sender=None, request=request, **extra)
                """
        }
    ) == (["request", "step", "user"], [], False)


def test_subscript_update_setdefault_and_dict_call_add_keys():
    assert sent(
        {
            "pkg/flows.py": """
                from pkg.signals import sig
                def a(request):
                    extra = dict(user=request.user)
                    extra["method"] = "password"
                    extra.update({"email": None}, phone=None)
                    extra.setdefault("reauthenticated", False)
                    sig.send(sender=None, **extra)
                """
        }
    ) == (["email", "method", "phone", "reauthenticated", "user"], [], False)


def test_a_dict_parameter_is_followed_to_the_callers_keys_which_are_sometimes_sent():
    # django-allauth's complete_signup(request, *, user, signal_kwargs=None)
    assert sent(
        {
            "pkg/flows.py": """
                from pkg.signals import sig
                def complete_signup(request, *, user, signal_kwargs=None):
                    if signal_kwargs is None:
                        signal_kwargs = {}
                    sig.send(sender=user.__class__, request=request, user=user, **signal_kwargs)
                """,
            "pkg/social.py": """
                from pkg import flows
                def social_signup(request, sociallogin):
                    return flows.complete_signup(
                        request, user=sociallogin.user, signal_kwargs={"sociallogin": sociallogin}
                    )
                """,
            "pkg/views.py": """
                from pkg.flows import complete_signup
                def signup(request, user):
                    return complete_signup(request, user=user)
                """,
        }
    ) == (["request", "user"], ["sociallogin"], False)


def test_a_caller_passing_its_own_parameter_on_is_followed_up():
    assert sent(
        {
            "pkg/flows.py": """
                from pkg.signals import sig
                def inner(request, extra):
                    sig.send(sender=None, request=request, **extra)
                def outer(request, extra=None):
                    return inner(request, extra or {})
                def entry(request):
                    return outer(request, extra={"token": 1})
                def other(request):
                    return inner(request, {"code": 2})
                """
        }
    ) == (["request"], ["code", "token"], False)


def test_a_method_parameter_is_followed_through_calls_on_any_object():
    assert sent(
        {
            "pkg/adapter.py": """
                from pkg.signals import sig
                class Adapter:
                    def post_login(self, request, user, *, signal_kwargs=None):
                        sig.send(sender=None, request=request, user=user, **(signal_kwargs or {}))
                """,
            "pkg/flows.py": """
                def login(adapter, request, user):
                    adapter.post_login(request, user, signal_kwargs={"login": True})
                def relogin(adapter, request, user):
                    adapter.post_login(request, user)
                """,
        }
    ) == (["request", "user"], ["login"], False)


def test_an_attribute_passed_for_the_dict_is_opaque():
    # django-allauth's user_logged_in: post_login(..., signal_kwargs=login.signal_kwargs)
    assert sent(
        {
            "pkg/adapter.py": """
                from pkg.signals import sig
                class Adapter:
                    def post_login(self, request, user, *, signal_kwargs=None):
                        if signal_kwargs is None:
                            signal_kwargs = {}
                        sig.send(sender=None, request=request, user=user, **signal_kwargs)
                """,
            "pkg/flows.py": """
                def login(adapter, request, login):
                    adapter.post_login(request, login.user, signal_kwargs=login.signal_kwargs)
                """,
        }
    ) == (["request", "user"], [], True)


def test_a_dict_from_a_call_or_a_global_is_opaque():
    assert sent(
        {
            "pkg/flows.py": """
                from pkg.signals import sig
                from pkg.conf import EXTRA
                def a(request):
                    sig.send(sender=None, request=request, **build_arguments(request))
                def b(request):
                    sig.send(sender=None, request=request, **EXTRA)
                """
        }
    ) == (["request"], [], True)


def test_a_public_helper_nothing_calls_gets_its_default():
    # nothing in the package calls it: what its default holds is what it sends
    assert sent(
        {
            "pkg/flows.py": """
                from pkg.signals import sig
                def record(request, extra=None):
                    sig.send(sender=None, request=request, **(extra or {}))
                """
        }
    ) == (["request"], [], False)


def test_a_required_dict_parameter_nothing_calls_is_opaque():
    assert sent(
        {
            "pkg/flows.py": """
                from pkg.signals import sig
                def record(request, extra):
                    sig.send(sender=None, request=request, **extra)
                """
        }
    ) == (["request"], [], True)


def test_a_forwarding_helper_adds_what_its_callers_pass_as_sometimes():
    # Django's emit_post_migrate_signal(verbosity, interactive, db, **kwargs)
    derivation = derive(
        {
            "pkg/sql.py": """
                from pkg.signals import sig
                def emit(verbosity, db, **kwargs):
                    sig.send(sender=None, verbosity=verbosity, using=db, **kwargs)
                """,
            "pkg/migrate.py": """
                from pkg.sql import emit
                def handle():
                    emit(1, "default", plan=[], apps=None)
                def flush():
                    emit(verbosity=0, db="default")
                """,
        }
    )
    assert derivation.forwarders == {"pkg.sql.emit"}
    assert sorted(derivation.always("pkg.signals.sig")) == ["using", "verbosity"]
    assert sorted(derivation.sometimes("pkg.signals.sig")) == ["apps", "plan"]
    assert not derivation.open_ended("pkg.signals.sig")


def test_a_forwarding_helper_called_with_a_star_star_dict_is_open_ended():
    derivation = derive(
        {
            "pkg/sql.py": """
                from pkg.signals import sig
                def emit(verbosity, **kwargs):
                    sig.send(sender=None, verbosity=verbosity, **kwargs)
                """,
            "pkg/migrate.py": """
                from pkg.sql import emit
                def handle(**options):
                    emit(1, **options)
                """,
        }
    )
    assert derivation.open_ended("pkg.signals.sig")
    assert any("passes **kwargs" in problem for problem in derivation.problems)


def test_a_name_that_only_looks_like_the_function_is_not_a_caller():
    # views.py calls its own complete_signup, not flows.complete_signup
    assert sent(
        {
            "pkg/flows.py": """
                from pkg.signals import sig
                def complete_signup(request, signal_kwargs=None):
                    sig.send(sender=None, request=request, **(signal_kwargs or {}))
                """,
            "pkg/views.py": """
                def complete_signup(request, signal_kwargs=None):
                    return None
                def view(request):
                    return complete_signup(request, signal_kwargs={"wrong": 1})
                """,
        }
    ) == (["request"], [], False)


def test_literal_values_and_literal_none():
    derivation = derive(
        {
            "pkg/flows.py": """
                from pkg.signals import sig
                def a():
                    sig.send(sender=None, action="add", reason=None)
                def b():
                    sig.send(sender=None, action="remove", reason="x")
                """
        }
    )
    assert derivation.values("pkg.signals.sig") == {"action": frozenset({"add", "remove"})}
    assert derivation.literal_none("pkg.signals.sig") == {"reason"}
