"""SIG013 unguarded-raw-save."""

from __future__ import annotations

import textwrap

from conftest import findings_for, fixed, fixes, positions, project_findings


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


def test_message_names_the_model_and_the_harm():
    assert message("Stats.objects.create(order=instance)") == (
        "receiver `on_save` of `post_save` creates `Stats` rows but never reads `raw`: when "
        "fixtures load (`raw=True`) rows the fixture holds too come in twice or conflict "
        "(`IntegrityError`); return early `if raw:`"
    )
    assert "it overwrites rows the fixture loads" in message("Stats.objects.filter().update(n=1)")
    assert "the query raises `DoesNotExist`" in message("Stats.objects.get(owner=instance.owner)")
    assert "it acts outside the database" in message("index.delay(instance.pk)")


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


def test_the_senders_manager_is_named_by_the_senders_model():
    source = receiver_body("sender._default_manager.filter(owner=instance.owner).update(n=1)")
    source = source.replace("@receiver(post_save)", "@receiver(post_save, sender=Stats)")
    (finding,) = findings_for(source, code="SIG013")
    assert "changes `Stats` rows" in finding.message
    assert "`sender`" not in finding.message


def test_a_related_manager_write_is_flagged_a_read_is_not():
    assert "creates the instance's related `tags` rows" in message(
        "instance.tags.add(tag)", params="sender, instance, tag=None, **kwargs"
    )
    assert sig013("instance.tags.clear()") == [(6, 1)]
    assert sig013("for item in instance.items.all():\n    print(item)") == []


def test_manager_get_and_update_with_keywords_are_queries():
    assert sig013("instance.items.get(pk=1)") == [(6, 1)]
    assert sig013("instance.items.update(done=True)") == [(6, 1)]
    assert sig013("instance.items.count()") == []  # a read: harmless


def test_dict_methods_on_a_json_field_are_not_queries():
    assert (
        sig013(
            'instance.metadata.get("size")\ninstance.metadata.update({"x": 1})\ninstance.title.count("a")'
        )
        == []
    )


def test_save_of_another_record_is_flagged():
    assert "saves the instance's related `customer`" in message("instance.customer.save()")


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


# -- work a fresh loaddata never reaches, and reads that cannot fail (issue 11) ------------------


def test_work_only_when_not_created_is_not_flagged():
    params = "sender, instance, created, **kwargs"
    assert sig013("if created:\n    return\nStats.objects.create()", params=params) == []
    assert sig013("if not created:\n    Stats.objects.create()", params=params) == []
    assert sig013("if kwargs.get('created'):\n    return\nStats.objects.create()") == []
    assert sig013("if created:\n    Stats.objects.create()", params=params) == [(6, 1)]


def test_a_read_of_the_saved_row_that_only_sets_an_attribute_is_not_flagged():
    body = (
        "try:\n"
        "    instance._old = sender.objects.get(pk=instance.pk).status\n"
        "except sender.DoesNotExist:\n"
        "    instance._old = None"
    )
    assert sig013(body, signal="pre_save") == []


def test_work_after_the_saved_row_was_found_is_not_flagged():
    returns = (
        "try:\n    old = sender.objects.get(pk=instance.pk)\n"
        "except sender.DoesNotExist:\n    return\nStats.objects.create(old=old)"
    )
    assert sig013(returns, signal="pre_save") == []
    suppressed = (
        "with suppress(sender.DoesNotExist):\n"
        "    old = sender.objects.get(pk=instance.pk)\n"
        "    Stats.objects.filter(old=old).delete()"
    )
    assert sig013(suppressed, signal="pre_save") == []
    first = (
        "old = sender.objects.filter(pk=instance.pk).first()\n"
        "if old and old.status != instance.status:\n    Stats.objects.create(old=old)"
    )
    assert sig013(first, signal="pre_save") == []
    falls_through = (  # the handler does not leave: the create runs on a fresh load
        "try:\n    old = sender.objects.get(pk=instance.pk)\n"
        "except sender.DoesNotExist:\n    old = None\nStats.objects.create(old=old)"
    )
    assert sig013(falls_through, signal="pre_save") == [(6, 1)]


def test_an_unguarded_get_of_the_saved_row_fails_in_pre_save_only():
    body = "if instance.id:\n    instance.prev = sender.objects.get(id=instance.id)"
    assert "reads its own row with `.get()`" in message(body, signal="pre_save")
    assert sig013(body) == []  # post_save: the row is saved by then


def test_work_for_a_request_only_is_not_flagged():
    body = (
        "request = current_request.get()\nif request is None:\n    return\nStats.objects.create()"
    )
    assert sig013(body) == []
    assert sig013("user = get_current_user()\nif user:\n    Stats.objects.create(user=user)") == []


def test_work_only_when_update_fields_were_given_is_not_flagged():
    params = "sender, instance, update_fields=None, **kwargs"
    assert sig013("if not update_fields:\n    return\nStats.objects.create()", params=params) == []
    assert (
        sig013("if 'x' in (update_fields or ()):\n    Stats.objects.create()", params=params) == []
    )


def test_work_only_when_a_field_differs_from_the_instances_private_copy_is_not_flagged():
    # loaddata builds the instance with Model(**data): the copy __init__/post_init keeps matches
    changed = "if instance.group_id != instance._initial_group_id:\n    Stats.objects.create()"
    assert sig013(changed) == []
    returns = "if instance._old_group == instance.group:\n    return\nStats.objects.create()"
    assert sig013(returns) == []
    obj = "obj = kwargs['instance']\nif obj.group_id != obj._group_id:\n    Stats.objects.create()"
    assert sig013(obj) == []
    # a public field may differ in the fixture; created or changed still runs on a fresh load
    assert sig013("if instance.group_id != instance.old_group_id:\n    Stats.objects.create()") == [
        (6, 1)
    ]
    either = "if created or instance.a != instance._a:\n    Stats.objects.create()"
    assert sig013(either, params="sender, instance, created, **kwargs") == [(6, 1)]


def test_reads_and_cache_bumps_are_not_flagged():
    body = (
        "for shop_id in instance.shops.values_list('pk', flat=True):\n"
        "    cache.delete(f'shop:{shop_id}')\n"
        "Stats.objects.filter(owner=instance.owner).exists()"
    )
    assert sig013(body) == []


def test_the_received_instance_under_another_name_is_not_another_record():
    assert sig013("order = kwargs['instance']\norder.save()", params="sender, **kwargs") == []
    assert sig013("order = instance\norder.items.create(n=1)") == [(6, 1)]


def test_the_model_is_named_never_a_module_alias_a_local_or_sender():
    assert "creates `Values` rows" in message("models.Values.objects.get_or_create(issue=instance)")
    assert "changes `Membership` rows" in message(
        "membership = apps.get_model('shop', 'Membership')\n"
        "membership.objects.filter(user=instance.owner).update(order=0)"
    )
    assert "changes `Membership` rows" in message(
        "model = apps.get_model('shop.Membership')\nmodel.objects.all().delete()"
    )
    anonymous = message("model = pick(instance)\nmodel.objects.create()")
    assert "creates rows of a model looked up at run time" in anonymous
    assert "`model`" not in anonymous


def test_related_managers_of_objects_returned_by_model_methods_are_flagged():
    assert "creates the instance's related `columns` rows" in message(
        "instance.get_project().columns.create(issue=instance)"
    )


def test_a_helper_of_the_project_is_followed_one_call_deep():
    files = {
        "shop/__init__.py": "",
        "shop/matching.py": """
            from shop.models import FilterCache, Product

            def rebuild_filters(product):
                FilterCache.objects.filter(product=product).delete()
                FilterCache.objects.create(product=product)

            def count_filters(product):
                return FilterCache.objects.filter(product=product).count()
            """,
        "shop/receivers.py": """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            from shop.matching import count_filters, rebuild_filters
            from shop.models import Product

            @receiver(post_save, sender=Product)
            def on_product_saved(sender, instance, **kwargs):
                rebuild_filters(instance)

            @receiver(post_save, sender=Product)
            def on_product_counted(sender, instance, **kwargs):
                print(count_filters(instance))
            """,
    }
    (finding,) = project_findings(files, "SIG013")
    assert (finding.path, finding.line) == ("shop/receivers.py", 8)
    assert "calls `rebuild_filters()`, which changes `FilterCache` rows" in finding.message


def test_helpers_are_read_with_their_arguments_and_through_base_classes():
    files = {
        "shop/__init__.py": "",
        "shop/jobs.py": """
            class JobRunner:
                @classmethod
                def enqueue(cls, instance):
                    cls.run.delay(instance.pk)

            class SyncJob(JobRunner):
                pass

            def tidy(counter, data):
                data.get("limit")  # a dict, not a manager
                counter.file.delete(save=False)  # a file, not a row

            def drop(counter):
                counter.delete()
            """,
        "shop/receivers.py": """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            from shop.jobs import SyncJob, drop, tidy
            from shop.models import Counter, Source

            @receiver(post_save, sender=Source)
            def on_source_saved(sender, instance, **kwargs):
                SyncJob.enqueue(instance)

            @receiver(post_save, sender=Counter)
            def on_counter_tidied(sender, instance, **kwargs):
                tidy(instance, {})

            @receiver(post_save, sender=Counter)
            def on_counter_dropped(sender, instance, **kwargs):
                drop(instance.previous)
            """,
    }
    found = {f.line: f.message for f in project_findings(files, "SIG013")}
    assert sorted(found) == [8, 16]
    assert "calls `enqueue()`, which queues `run`" in found[8]
    assert "calls `drop()`, which deletes other rows" in found[16]
