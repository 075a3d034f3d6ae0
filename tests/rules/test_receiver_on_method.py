"""SIG005 receiver-on-method."""

from __future__ import annotations

from conftest import findings_for, positions


def sig005(source: str):
    return positions(source, "SIG005")


def test_receiver_on_an_instance_method_is_flagged_at_the_def():
    assert sig005(
        """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        class Service:
            @receiver(post_save)
            def on_save(self, sender, **kwargs):
                pass
        """
    ) == [(6, 5)]


def test_message_names_the_method_and_the_bound_alternative():
    (finding,) = findings_for(
        """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        class Service:
            @receiver(post_save)
            def on_save(self, sender, **kwargs):
                pass
        """,
        code="SIG005",
    )
    assert finding.message == (
        "`@receiver` registers `Service.on_save` as a plain function, so Django calls it without `self`: "
        "connect the bound method `self.on_save` from `__init__`, or move the receiver to module level"
    )


def test_staticmethod_below_receiver_is_not_flagged():
    assert (
        sig005(
            """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        class Service:
            @receiver(post_save)
            @staticmethod
            def on_save(sender, **kwargs):
                pass
        """
        )
        == []
    )


def test_staticmethod_above_receiver_is_not_flagged_by_either_rule():
    source = """
    from django.db.models.signals import post_save
    from django.dispatch import receiver

    class Service:
        @staticmethod
        @receiver(post_save)
        def on_save(sender, **kwargs):
            pass
    """
    assert sig005(source) == []
    assert positions(source, "SIG007") == []


def test_classmethod_is_flagged():
    assert sig005(
        """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        class Service:
            @receiver(post_save)
            @classmethod
            def on_save(cls, sender, **kwargs):
                pass
        """
    ) == [(7, 5)]


def test_method_of_a_model_is_flagged():
    assert sig005(
        """
        from django.db import models
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        class Order(models.Model):
            @receiver(post_save, sender="shop.Order")
            def on_saved(self, sender, instance, **kwargs):
                pass
        """
    ) == [(7, 5)]


def test_method_of_a_class_defined_inside_a_function_is_flagged():
    findings = findings_for(
        """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        def build():
            class Handlers:
                @receiver(post_save, weak=False)
                def on_save(self, sender, **kwargs):
                    pass
            return Handlers
        """,
    )
    assert [(f.line, f.column + 1, f.code) for f in findings] == [(7, 9, "SIG005")]
    assert "`build.<locals>.Handlers.on_save`" in findings[0].message


def test_method_connected_as_a_bound_method_is_not_flagged():
    assert (
        sig005(
            """
        from django.db.models.signals import post_save

        class Service:
            def __init__(self):
                post_save.connect(self.on_save, weak=False)

            def on_save(self, sender, **kwargs):
                pass
        """
        )
        == []
    )


def test_function_nested_in_a_method_is_not_a_method():
    assert (
        sig005(
            """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        class Service:
            def install(self):
                @receiver(post_save, weak=False)
                def on_save(sender, **kwargs):
                    pass
        """
        )
        == []
    )


def test_decorator_of_another_library_on_a_method_is_not_flagged():
    assert (
        sig005(
            """
        from django.db.models.signals import post_save
        from events import receiver

        class Service:
            @receiver(post_save)
            def on_save(self, sender, **kwargs):
                pass
        """
        )
        == []
    )


def test_self_of_a_flagged_method_is_not_also_sig004():
    source = """
    from django.db.models.signals import post_save
    from django.dispatch import receiver

    class Service:
        @receiver(post_save)
        def on_save(self, sender, instance, **kwargs):
            pass
    """
    assert [f.code for f in findings_for(source)] == ["SIG005"]
