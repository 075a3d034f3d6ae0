"""SIG006 invalid-m2m-action."""

from __future__ import annotations

from conftest import findings_for, fixed, fixes, positions


def receiver_body(body: str, params: str = "sender, instance, action, **kwargs") -> str:
    lines = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return (
        "from django.db.models.signals import m2m_changed\n"
        "from django.dispatch import receiver\n"
        "\n"
        "@receiver(m2m_changed)\n"
        f"def on_change({params}):\n"
        f"{lines}\n"
    )


def sig006(body: str, **kwargs: str):
    return positions(receiver_body(body, **kwargs), "SIG006")


def messages(body: str):
    return [f.message for f in findings_for(receiver_body(body), code="SIG006")]


def test_every_action_django_sends_is_accepted():
    assert (
        sig006(
            'return action in ("pre_add", "post_add", "pre_remove", "post_remove", "pre_clear", "post_clear")'
        )
        == []
    )


def test_equality_with_a_typo_is_flagged_at_the_string():
    assert sig006('if action == "pre add":\n    pass') == [(6, 18)]


def test_message_names_argument_signal_value_receiver_and_hint():
    assert messages('if action == "post-add":\n    pass') == [
        (
            "`action` of `m2m_changed` is never `'post-add'` in receiver `on_change`, so this "
            "comparison never matches (did you mean `'post_add'`?)"
        )
    ]


def test_value_far_from_every_action_gets_no_hint():
    (message,) = messages('if action == "xyz":\n    pass')
    assert "did you mean" not in message


def test_inequality_is_flagged_too():
    assert sig006('if action != "clear":\n    return') == [(6, 18)]


def test_string_on_the_left_is_flagged():
    assert sig006('if "post add" == action:\n    pass') == [(6, 8)]


def test_each_wrong_member_of_a_literal_collection_is_flagged():
    assert sig006('if action in ("post_add", "add", "remove"):\n    pass') == [(6, 31), (6, 38)]


def test_match_case_values_are_checked():
    assert sig006('match action:\n    case "pre_add" | "pre-remove":\n        pass') == [(7, 26)]


def test_action_read_from_kwargs_is_checked():
    assert sig006('if kwargs.get("action") == "pre add":\n    pass', params="sender, **kwargs") == [
        (6, 32)
    ]
    assert sig006('if kwargs["action"] == "pre add":\n    pass', params="sender, **kwargs") == [
        (6, 28)
    ]


def test_substring_that_some_action_contains_is_fine():
    assert sig006('if "add" in action or "post" not in action:\n    pass') == []


def test_substring_that_no_action_contains_is_flagged():
    assert messages('if "pre add" in action:\n    pass') == [
        (
            "`action` of `m2m_changed` never contains `'pre add'` in receiver `on_change`, so "
            "this comparison never matches (did you mean `'pre_add'`?)"
        )
    ]


def test_membership_in_a_string_that_holds_an_action_is_fine():
    assert sig006('if action in "pre_add,post_add":\n    pass') == []


def test_membership_in_a_string_that_holds_no_action_is_flagged():
    assert sig006('if action in "added":\n    pass') == [(6, 18)]


def test_method_calls_on_action_are_not_comparisons():
    assert sig006('if action.startswith("post add"):\n    pass') == []


def test_comparison_with_a_constant_name_is_not_judged():
    assert sig006("if action == ADDED:\n    pass") == []


def test_other_signals_action_is_not_checked():
    assert (
        positions(
            """
        from django.dispatch import Signal, receiver

        moderation = Signal()

        @receiver(moderation)
        def on_moderation(sender, action, **kwargs):
            if action == "pre add":
                pass
        """,
            "SIG006",
        )
        == []
    )


def test_function_that_is_not_a_receiver_is_not_checked():
    assert (
        positions(
            """
        def on_change(sender, action, **kwargs):
            return action == "pre add"
        """,
            "SIG006",
        )
        == []
    )


def test_receiver_connected_with_connect_is_checked():
    assert positions(
        """
        from django.db.models import signals

        def on_change(sender, action, **kwargs):
            return action == "pre add"

        signals.m2m_changed.connect(on_change)
        """,
        "SIG006",
    ) == [(4, 22)]


# The fix: the value Django sends.


def test_fix_is_safe_for_a_respelling_unsafe_for_a_guess_and_absent_when_ambiguous():
    source = """
        from django.db.models.signals import m2m_changed
        from django.dispatch import receiver

        @receiver(m2m_changed)
        def on_change(sender, action, **kwargs):
            if action == "PRE-ADD" or action == "post_remov" or action == "clear":
                pass
            if "add" in action:
                pass
        """
    assert fixes(source, "SIG006") == [
        ("replace-action", "safe"),
        ("replace-action", "unsafe"),
        None,
    ]
    assert 'if action == "pre_add" or action == "post_remove" or action == "clear":' in fixed(
        source, "SIG006"
    )


def test_fix_keeps_the_quotes_and_prefix_and_leaves_implicit_concatenation_alone():
    source = """
        from django.db.models.signals import m2m_changed
        from django.dispatch import receiver

        @receiver(m2m_changed)
        def on_change(sender, action, **kwargs):
            if action == u'post add':
                pass
            if action == "post " "clear":
                pass
        """
    result = fixed(source, "SIG006")
    assert "if action == u'post_add':" in result
    assert 'if action == "post " "clear":' in result
