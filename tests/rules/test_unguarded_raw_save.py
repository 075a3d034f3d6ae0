"""SIG013 unguarded-raw-save."""

from __future__ import annotations

import textwrap

from conftest import findings_for, fixed, fixes, positions


def receiver_body(
    body: str, params: str = "sender, instance, **kwargs", signal: str = "post_save"
) -> str:
    lines = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return (
        f"from django.db.models.signals import {signal}\n"
        "from django.dispatch import receiver\n"
        "from shop.models import Stats\n"
        "\n"
        f"@receiver({signal})\n"
        f"def on_save({params}):\n"
        f"{lines}\n"
    )


def sig013(body: str, **kwargs: str):
    return positions(receiver_body(body, **kwargs), "SIG013")


def message(body: str, **kwargs: str) -> str:
    (finding,) = findings_for(receiver_body(body, **kwargs), code="SIG013")
    return finding.message


def test_manager_query_is_flagged_at_the_receiver_def():
    assert sig013("Stats.objects.filter(owner=instance.owner).update(count=1)") == [(6, 1)]


def test_one_finding_per_receiver_however_many_queries():
    assert sig013(
        "Stats.objects.create()\nStats.objects.filter().delete()\ninstance.items.all().delete()"
    ) == [(6, 1)]


def test_message_says_what_the_receiver_does_and_what_to_do():
    assert message("Stats.objects.create(order=instance)") == (
        "receiver `on_save` of `post_save` queries `Stats` through its manager but never reads `raw`: "
        "when fixtures load (`raw=True`) the database may be inconsistent; return early `if raw:`"
    )


def test_reading_raw_anywhere_is_enough():
    assert (
        sig013(
            "if raw:\n    return\nStats.objects.create()", params="sender, instance, raw, **kwargs"
        )
        == []
    )
    assert sig013("if not kwargs['raw']:\n    Stats.objects.create()") == []
    assert sig013("if kwargs.get('raw', False):\n    return\nStats.objects.create()") == []


def test_raw_parameter_that_is_never_read_does_not_count():
    assert sig013("Stats.objects.create()", params="sender, instance, raw=False, **kwargs") == [
        (6, 1)
    ]


def test_pre_save_is_checked_too():
    assert sig013("Stats.objects.create()", signal="pre_save") == [(6, 1)]


def test_delete_signals_are_not_checked():
    assert sig013("Stats.objects.create()", signal="post_delete") == []


def test_default_manager_of_the_sender_is_flagged():
    assert "queries `sender` through its manager" in message(
        "sender._default_manager.filter(pk=instance.pk).exists()"
    )


def test_related_manager_is_flagged():
    assert "uses the related manager `instance.items`" in message(
        "for item in instance.items.all():\n    print(item)"
    )
    assert sig013("instance.tags.add(tag)", params="sender, instance, tag=None, **kwargs") == [
        (6, 1)
    ]
    assert sig013("instance.tags.clear()") == [(6, 1)]


def test_manager_get_and_update_with_keywords_are_queries():
    assert sig013("instance.items.get(pk=1)") == [(6, 1)]
    assert sig013("instance.items.update(done=True)") == [(6, 1)]
    assert sig013("instance.items.count()") == [(6, 1)]


def test_dict_methods_on_a_json_field_are_not_queries():
    assert (
        sig013(
            'instance.metadata.get("size")\ninstance.metadata.update({"x": 1})\ninstance.title.count("a")'
        )
        == []
    )


def test_save_of_another_record_is_flagged():
    assert "calls `.save()` on another record" in message("instance.customer.save()")


def test_save_with_positional_arguments_is_not_a_model_save():
    assert sig013("image = open_image(instance.photo)\nimage.save(buffer, 'PNG')") == []


def test_saving_the_received_instance_is_sig008_not_sig013():
    source = receiver_body("instance.save()")
    assert positions(source, "SIG013") == []
    assert positions(source, "SIG008") == [(7, 5)]


def test_file_delete_without_save_and_cache_delete_are_not_the_orm():
    assert (
        positions(
            """
        from django.core.cache import cache
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save)
        def on_save(sender, instance, **kwargs):
            cache.delete(f"order:{instance.pk}")
            instance.image.delete(save=False)
        """,
            "SIG013",
        )
        == []
    )


def test_query_in_a_nested_helper_is_the_helpers_business():
    assert sig013("def helper():\n    return Stats.objects.count()\nreturn helper") == []


def test_receiver_connected_with_connect_is_checked():
    assert positions(
        """
        from django.db.models.signals import pre_save
        from shop.models import Stats

        def on_save(sender, instance, **kwargs):
            Stats.objects.create()

        pre_save.connect(on_save)
        """,
        "SIG013",
    ) == [(4, 1)]


# The fix: return early when raw.


def test_no_fix_for_a_body_on_the_def_line():
    source = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save)
        def update_stats(sender, instance, **kwargs): Stats.objects.filter(pk=1).update(n=1)
        """
    assert fixes(source, "SIG013") == [("guard-raw", "unsafe")]
    assert fixed(source, "SIG013") == textwrap.dedent(source).lstrip("\n")


def test_fix_indents_like_the_module_and_adds_raw_after_positional_parameters():
    source = """
        from django.db.models.signals import post_save

        def update_stats(sender, instance):
        \tStats.objects.filter(pk=1).update(n=1)

        post_save.connect(update_stats)
        """
    assert "def update_stats(sender, instance, raw=False):\n\tif raw:\n\t\treturn\n" in fixed(
        source, "SIG013"
    )
