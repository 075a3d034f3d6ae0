"""SIG015 falsy-dispatch-uid."""

from __future__ import annotations

import pytest
from conftest import findings_for, fixed, positions


def connect(uid: str) -> str:
    return f"""
    from django.db.models.signals import post_save

    def on_save(sender, **kwargs):
        pass

    post_save.connect(on_save, dispatch_uid={uid})
    """


@pytest.mark.parametrize("uid", ['""', "''", "0", "False", "0.0", 'b""', "()", "[]", "{}"])
def test_falsy_literal_is_flagged_at_the_connect_call(uid):
    assert positions(connect(uid), "SIG015") == [(6, 1)]


@pytest.mark.parametrize(
    "uid",
    ["None", '"shop.on_save"', "1", "True", 'f"{__name__}.on_save"', "__name__", "UID", "('a',)"],
)
def test_none_and_truthy_or_unknown_values_are_fine(uid):
    assert positions(connect(uid), "SIG015") == []


def test_message_shows_the_uid_and_the_receiver():
    (finding,) = findings_for(connect('""'), code="SIG015")
    assert finding.message == (
        "`dispatch_uid=''` for receiver `on_save` is falsy, so Django ignores it and does not de-duplicate: "
        "use a unique non-empty string"
    )


def test_positional_uid_is_read():
    assert positions(
        """
        from django.db.models.signals import post_save

        def on_save(sender, **kwargs):
            pass

        post_save.connect(on_save, None, True, "")
        """,
        "SIG015",
    ) == [(6, 1)]


def test_receiver_decorator_is_flagged_at_the_decorator():
    assert positions(
        """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save, dispatch_uid=0)
        def on_save(sender, **kwargs):
            pass
        """,
        "SIG015",
    ) == [(4, 2)]


def test_disconnect_with_a_falsy_uid_is_not_flagged():
    assert (
        positions(
            """
        from django.db.models.signals import post_save

        def on_save(sender, **kwargs):
            pass

        post_save.disconnect(on_save, dispatch_uid="")
        """,
            "SIG015",
        )
        == []
    )


# The fix: drop the falsy uid.


def test_fix_drops_the_uid_keeping_the_layout_of_the_other_arguments():
    source = """
        from django.db.models.signals import post_save

        def on_save(sender, **kwargs):
            pass

        post_save.connect(
            on_save,
            dispatch_uid="",  # not unique yet
            weak=False,
        )
        post_save.connect(on_save, dispatch_uid=False)
        """
    assert fixed(source, "SIG015").endswith(
        "post_save.connect(\n    on_save,\n    weak=False,\n)\npost_save.connect(on_save)\n"
    )
