"""SIG008 save-in-save-signal."""

from __future__ import annotations

from conftest import findings_for, positions


def receiver_body(
    body: str,
    params: str = "sender, instance, created, update_fields=None, **kwargs",
    signal: str = "post_save",
) -> str:
    lines = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return (
        f"from django.db.models.signals import {signal}\n"
        "from django.dispatch import receiver\n"
        "\n"
        f"@receiver({signal})\n"
        f"def on_save({params}):\n"
        f"{lines}\n"
    )


def sig008(body: str, **kwargs: str):
    return positions(receiver_body(body, **kwargs), "SIG008")


def test_unguarded_save_is_flagged_at_the_save_call():
    assert sig008("instance.save()") == [(6, 5)]


def test_message_names_receiver_and_signal_and_suggests_a_guard():
    (finding,) = findings_for(receiver_body("instance.save()"), code="SIG008")
    assert finding.message == (
        "receiver `on_save` of `post_save` saves the instance it received, which sends `post_save` again: "
        "guard the save (e.g. `if created:`) or use `QuerySet.update()`"
    )


def test_pre_save_receiver_is_checked_too():
    assert sig008("instance.save()", params="sender, instance, **kwargs", signal="pre_save") == [
        (6, 5)
    ]


def test_save_under_if_created_is_guarded():
    assert sig008("if created:\n    instance.save()") == []


def test_save_after_early_return_unless_created_is_guarded():
    assert sig008("if not created:\n    return\ninstance.save()") == []


def test_save_under_if_not_created_recurses():
    assert sig008("if not created:\n    instance.save()") == [(7, 9)]


def test_save_in_the_else_of_if_created_recurses():
    assert sig008("if created:\n    pass\nelse:\n    instance.save()") == [(9, 9)]


def test_created_in_an_or_is_no_guard():
    assert sig008("if created or instance.pk:\n    instance.save()") == [(7, 9)]


def test_created_in_an_and_is_a_guard():
    assert sig008("if created and instance.pk:\n    instance.save()") == []


def test_created_in_a_conditional_expression():
    assert sig008("instance.save() if created else None") == []
    assert sig008("None if created else instance.save()") == [(6, 26)]


def test_created_and_short_circuit():
    assert sig008("created and instance.save()") == []
    assert sig008("created or instance.save()") == [(6, 16)]


def test_created_read_from_kwargs_is_a_guard():
    assert (
        sig008(
            'if kwargs.get("created"):\n    kwargs["instance"].save()', params="sender, **kwargs"
        )
        == []
    )


def test_raw_guard_alone_is_no_guard():
    assert sig008(
        "if raw:\n    return\ninstance.save()", params="sender, instance, raw, **kwargs"
    ) == [(8, 5)]


def test_update_fields_argument_alone_is_no_guard():
    assert sig008('instance.save(update_fields=["number"])') == [(6, 5)]


def test_return_when_update_fields_has_the_saved_field_is_a_guard():
    assert (
        sig008(
            'if update_fields and "slug" in update_fields:\n    return\ninstance.save(update_fields=["slug"])'
        )
        == []
    )


def test_return_when_update_fields_has_another_field_is_no_guard():
    assert sig008(
        'if update_fields and "title" in update_fields:\n    return\ninstance.save(update_fields=["slug"])'
    ) == [(8, 5)]


def test_save_only_when_update_fields_has_the_field_recurses():
    assert sig008(
        'if update_fields and "slug" in update_fields:\n    instance.save(update_fields=["slug"])'
    ) == [(7, 9)]


def test_save_when_the_field_is_not_in_update_fields_is_guarded():
    assert (
        sig008('if "slug" not in (update_fields or ()):\n    instance.save(update_fields=["slug"])')
        == []
    )


def test_save_of_named_fields_only_on_a_full_save_is_guarded():
    assert sig008('if not update_fields:\n    instance.save(update_fields=["slug"])') == []
    assert sig008("if update_fields is None:\n    instance.save(update_fields=('slug',))") == []


def test_full_save_only_on_a_full_save_still_recurses():
    assert sig008("if not update_fields:\n    instance.save()") == [(7, 9)]


def test_attribute_set_only_when_it_differed_is_a_guard():
    assert (
        sig008('if instance.status != "paid":\n    instance.status = "paid"\n    instance.save()')
        == []
    )
    assert (
        sig008("if not instance.slug:\n    instance.slug = str(instance.pk)\n    instance.save()")
        == []
    )


def test_attribute_compared_equal_is_no_guard():
    assert sig008(
        'if instance.status == "paid":\n    instance.status = "paid"\n    instance.save()'
    ) == [(8, 9)]


def test_attribute_that_is_not_set_before_the_save_is_no_guard():
    assert sig008(
        'if instance.status != "paid":\n    instance.save()\n    instance.status = "paid"'
    ) == [(7, 9)]


def test_disconnecting_itself_before_the_save_is_a_guard():
    assert (
        positions(
            """
        from django.db.models.signals import post_save

        def touch(sender, instance, **kwargs):
            post_save.disconnect(touch, sender=sender)
            instance.save()
            post_save.connect(touch, sender=sender)

        post_save.connect(touch)
        """,
            "SIG008",
        )
        == []
    )


def test_disconnecting_another_receiver_is_no_guard():
    assert positions(
        """
        from django.db.models.signals import post_save

        def other(sender, **kwargs):
            pass

        def touch(sender, instance, **kwargs):
            post_save.disconnect(other, sender=sender)
            instance.save()

        post_save.connect(touch)
        """,
        "SIG008",
    ) == [(8, 5)]


def test_save_of_another_record_is_not_sig008():
    assert (
        sig008(
            "instance.customer.save()\nfor line in instance.lines.all():\n    line.save()",
            params="sender, instance, raw, **kwargs",
        )
        == []
    )


def test_other_signals_are_not_checked():
    assert (
        sig008("instance.save()", params="sender, instance, **kwargs", signal="post_delete") == []
    )


def test_save_in_a_function_that_is_not_a_receiver_is_not_flagged():
    assert (
        positions(
            """
        def touch(sender, instance, **kwargs):
            instance.save()
        """,
            "SIG008",
        )
        == []
    )


def test_assert_is_a_guard_for_what_follows():
    assert sig008("assert created\ninstance.save()") == []
