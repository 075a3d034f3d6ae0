"""SIG014 nullable-argument-dereference."""

from __future__ import annotations

from conftest import findings_for, positions


def logout_receiver(body: str, params: str = "sender, request, user, **kwargs") -> str:
    lines = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return (
        "from django.contrib.auth.signals import user_logged_out\n"
        "from django.dispatch import receiver\n"
        "\n"
        "@receiver(user_logged_out)\n"
        f"def on_logout({params}):\n"
        f"{lines}\n"
    )


def sig014(body: str, **kwargs: str):
    return positions(logout_receiver(body, **kwargs), "SIG014")


def test_unchecked_attribute_access_is_flagged_at_the_attribute():
    assert sig014("print(user.username)") == [(6, 11)]


def test_message_names_argument_signal_receiver_and_attribute():
    (finding,) = findings_for(logout_receiver("print(user.username)"), code="SIG014")
    assert finding.message == (
        "`user` of `user_logged_out` can be `None`, but receiver `on_logout` reads "
        "`user.username` without a `None` check"
    )


def test_arguments_that_are_never_none_are_fine():
    assert sig014("request.session.flush()") == []


def test_enclosing_checks_make_it_safe():
    assert sig014("if user:\n    print(user.username)") == []
    assert sig014("if user is not None:\n    print(user.username)") == []
    assert sig014("if user != None:\n    print(user.username)") == []
    assert sig014("if isinstance(user, object):\n    print(user.username)") == []


def test_early_return_makes_the_rest_safe():
    assert sig014("if user is None:\n    return\nprint(user.username)") == []
    assert sig014("if not user:\n    return\nprint(user.username)") == []
    assert sig014("if not user or not user.is_active:\n    return\nprint(user.username)") == []


def test_short_circuit_and_conditional_expression_are_checks():
    assert sig014("name = user and user.username") == []
    assert sig014("name = user.username if user else None") == []
    assert sig014("name = user.username if user is not None else ''") == []


def test_assert_is_a_check():
    assert sig014("assert user is not None\nprint(user.username)") == []


def test_try_catching_attribute_error_is_a_check():
    assert sig014("try:\n    print(user.username)\nexcept AttributeError:\n    pass") == []
    assert sig014("try:\n    print(user.username)\nexcept KeyError:\n    pass") == [(7, 15)]


def test_access_inside_the_none_branch_is_flagged():
    assert sig014("if user is None:\n    print(user.pk)") == [(7, 15)]


def test_access_in_the_else_of_a_truthy_check_is_flagged():
    assert sig014("if user:\n    pass\nelse:\n    print(user.pk)") == [(9, 15)]


def test_or_does_not_protect_its_right_side():
    assert sig014("name = user or user.username") == [(6, 20)]


def test_check_of_another_name_does_not_count():
    assert sig014("if request:\n    print(user.username)") == [(7, 15)]


def test_argument_read_from_kwargs_is_checked():
    assert sig014('print(kwargs["user"].username)', params="sender, **kwargs") == [(6, 11)]
    assert sig014('print(kwargs.get("user").username)', params="sender, **kwargs") == [(6, 11)]


def test_local_copy_of_the_argument_is_checked():
    assert sig014('user = kwargs.get("user")\nprint(user.username)', params="sender, **kwargs") == [
        (7, 11)
    ]
    assert (
        sig014(
            'user = kwargs.get("user")\nif user:\n    print(user.username)',
            params="sender, **kwargs",
        )
        == []
    )


def test_request_of_user_login_failed_is_nullable():
    assert positions(
        """
        from django.contrib.auth.signals import user_login_failed
        from django.dispatch import receiver

        @receiver(user_login_failed)
        def on_failure(sender, credentials, request=None, **kwargs):
            print(request.path, credentials.get("username"))
        """,
        "SIG014",
    ) == [(6, 11)]


def test_user_of_user_logged_in_is_never_none():
    assert (
        positions(
            """
        from django.contrib.auth.signals import user_logged_in
        from django.dispatch import receiver

        @receiver(user_logged_in)
        def on_login(sender, request, user, **kwargs):
            print(user.username)
        """,
            "SIG014",
        )
        == []
    )


def test_update_fields_of_a_save_signal_is_nullable():
    assert positions(
        """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save)
        def on_save(sender, instance, update_fields, **kwargs):
            if update_fields.intersection({"price"}):
                pass
        """,
        "SIG014",
    ) == [(6, 8)]


def test_function_that_is_not_a_receiver_is_not_checked():
    assert (
        positions(
            """
        def on_logout(sender, request, user, **kwargs):
            print(user.username)
        """,
            "SIG014",
        )
        == []
    )
