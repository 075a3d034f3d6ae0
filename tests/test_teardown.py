"""The command leaves its run's facts to the process's exit (``teardown``); a library call keeps
nothing."""

from __future__ import annotations

from module_files import write_files

from signal_lint import teardown
from signal_lint.config import Config
from signal_lint.engine import check_paths

RECEIVER = (
    "from django.db.models.signals import post_save\n\n\n"
    "def on_save(sender, instance, create, **kwargs):\n    pass\n\n\n"
    "post_save.connect(on_save)\n"
)


def test_a_library_call_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(teardown, "_kept", {})
    write_files(tmp_path, {"shop/__init__.py": "", "shop/signals.py": RECEIVER})
    result = check_paths([str(tmp_path)], Config(root=str(tmp_path)), jobs=1, use_cache=False)
    assert [f.code for f in result.findings] == ["SIG004"]
    assert teardown._kept == {}


def test_the_command_keeps_the_last_run_until_it_exits(tmp_path, monkeypatch):
    monkeypatch.setattr(teardown, "_kept", {})
    monkeypatch.setattr(teardown, "_leaves_without_teardown", False)
    teardown.leave_without_teardown()
    write_files(tmp_path, {"shop/__init__.py": "", "shop/signals.py": RECEIVER})
    config = Config(root=str(tmp_path))
    check_paths([str(tmp_path)], config, jobs=1, use_cache=False)
    first = teardown._kept["facts"]
    all_facts = first[0]  # type: ignore[index]
    assert [facts.module for facts in all_facts] == ["shop", "shop.signals"]
    check_paths([str(tmp_path)], config, jobs=1, use_cache=False)
    assert set(teardown._kept) == {"facts", "graph"} and teardown._kept["facts"] is not first
