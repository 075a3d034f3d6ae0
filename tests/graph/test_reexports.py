"""Names across modules: re-exports, star imports, aliases, ``import x.y as z``, relative imports."""

from __future__ import annotations

from graph_helpers import graph_of
from module_files import facts_of

from signal_lint.graph.project import Project

pytest_plugins = ["graph_fixtures"]  # the fixture projects' graphs


def test_reexports_project_edges_name_the_defining_signal_and_function(reexports_project):
    edges = {(edge.signal, edge.receiver, edge.status) for edge in reexports_project.connections}
    assert edges == {
        (
            "shop.signals.definitions.order_placed",
            "shop.receivers.handlers.on_placed_reexported",
            "live",
        ),
        (
            "shop.signals.definitions.order_placed",
            "shop.receivers.handlers.on_placed_through_two_reexports",
            "live",
        ),
        (
            "shop.signals.definitions.order_placed",
            "shop.receivers.handlers.on_placed_through_the_package_attribute",
            "live",
        ),
        (
            "django.core.signals.setting_changed",
            "shop.receivers.settings_receivers.on_setting_changed_via_test_reexport",
            "live",
        ),
    }
    assert [send.signal for send in reexports_project.sends] == [
        "shop.signals.definitions.order_placed"
    ]


def test_reexports_project_has_one_project_signal(reexports_project):
    assert sorted(name for name, node in reexports_project.signals.items() if not node.builtin) == [
        "shop.signals.definitions.order_placed"
    ]


def project(files):
    return Project(facts_of(files))


def test_resolve_follows_from_imports_and_aliases_across_modules():
    names = project(
        {
            "a/__init__.py": "from .signals import placed\n",
            "a/signals.py": "from django.dispatch import Signal\n\norder_placed = Signal()\nplaced = order_placed\n",
            "b.py": "from a import placed as p\n",
        }
    )
    assert names.resolve("b.p") == "a.signals.order_placed"
    assert names.resolve("a.placed") == "a.signals.order_placed"


def test_resolve_follows_star_imports_but_not_past_a_name_the_module_binds():
    names = project(
        {
            "a/__init__.py": "from .one import *\nfrom .two import *\nfrom .one import first as shadow\n",
            "a/one.py": "from django.dispatch import Signal\n\nfirst = Signal()\n",
            "a/two.py": "from django.dispatch import Signal\n\nsecond = Signal()\nshadow = Signal()\n",
        }
    )
    assert names.resolve("a.first") == "a.one.first"
    assert names.resolve("a.second") == "a.two.second"
    assert names.resolve("a.shadow") == "a.one.first"


def test_resolve_follows_a_module_alias_prefix():
    names = project(
        {
            "a/__init__.py": "from . import signals as s\n",
            "a/signals.py": "from django.dispatch import Signal\n\nx = Signal()\n",
        }
    )
    assert names.resolve("a.s.x") == "a.signals.x"


def test_class_attribute_bound_to_a_signal_resolves_in_other_modules():
    graph = graph_of(
        {
            "a/__init__.py": "",
            "a/signals.py": (
                "from django.dispatch import Signal\n\nplaced = Signal()\n\nclass Events:\n"
                "    on_placed = placed\n"
            ),
            "a/receivers.py": (
                "from a.signals import Events\n\ndef h(sender, **kwargs):\n    pass\n\n"
                "Events.on_placed.connect(h)\n"
            ),
            "a/sending.py": "import a.signals as s\n\ndef go():\n    s.Events.on_placed.send(sender=None)\n",
        }
    )
    assert [(e.signal, e.receiver) for e in graph.connections] == [
        ("a.signals.placed", "a.receivers.h")
    ]
    assert [s.signal for s in graph.sends] == ["a.signals.placed"]


def test_relative_imports_two_levels_up_and_dotted_imports():
    graph = graph_of(
        {
            "shop/__init__.py": "",
            "shop/signals.py": "from django.dispatch import Signal\n\nplaced = Signal()\n",
            "shop/sub/__init__.py": "",
            "shop/sub/deep.py": (
                "from ..signals import placed\n\ndef h(sender, **kwargs):\n    pass\n\n"
                "placed.connect(h)\n"
            ),
            "other.py": "import shop.signals\n\ndef go():\n    shop.signals.placed.send(sender=None)\n",
        }
    )
    assert [(e.signal, e.receiver) for e in graph.connections] == [
        ("shop.signals.placed", "shop.sub.deep.h")
    ]
    assert [s.signal for s in graph.sends] == ["shop.signals.placed"]


def test_djangos_re_exports_resolve_to_the_catalogs_names():
    graph = graph_of(
        {
            "a.py": (
                "from django.test.signals import setting_changed\n"
                "from django.db.models import signals\n\ndef h(sender, **kwargs):\n    pass\n\n"
                "setting_changed.connect(h)\nsignals.post_save.connect(h)\n"
            )
        }
    )
    assert sorted(e.signal for e in graph.connections) == [
        "django.core.signals.setting_changed",
        "django.db.models.signals.post_save",
    ]


def test_star_imports_name_the_module_that_defines_the_class(star_imports_project):
    """``models/__init__.py`` star-imports ``cables`` (which star-imports helpers and imports
    ``Device`` outside its ``__all__``) and then ``devices``: ``Device`` is ``devices.Device``."""
    assert [(edge.receiver, edge.sender) for edge in star_imports_project.connections] == [
        ("dcim.signals.update_cached_site", "dcim.models.devices.Device")
    ]
    project = star_imports_project.project
    assert project.resolve("dcim.models.Device") == "dcim.models.devices.Device"
    assert project.resolve("dcim.models.Cable") == "dcim.models.cables.Cable"
    assert (
        project.resolve("dcim.models.STATUS_ACTIVE") == "dcim.models.STATUS_ACTIVE"
    )  # not exported


def test_star_imports_follow_all_and_the_last_import_wins():
    project = Project(
        facts_of(
            {
                "pkg/__init__.py": "from .a import *\nfrom .b import *\n",
                "pkg/a.py": "__all__ = ['Shared', 'Only']\nclass Shared: pass\nclass Only: pass\nclass Hidden: pass\n",
                "pkg/b.py": "from .c import *\nclass Shared: pass\nclass _Private: pass\n",
                "pkg/c.py": "class Deep: pass\n",
            }
        )
    )
    assert project.resolve("pkg.Shared") == "pkg.b.Shared"  # the later star import rebinds it
    assert project.resolve("pkg.Only") == "pkg.a.Only"
    assert project.resolve("pkg.Deep") == "pkg.c.Deep"  # through b's own star import of c
    assert project.resolve("pkg.Hidden") == "pkg.Hidden"  # outside a's __all__: not bound
    assert project.resolve("pkg._Private") == "pkg._Private"  # private: not star-imported
