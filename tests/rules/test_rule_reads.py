"""``Rule.reads``: the engine calls a per-file rule only on files holding what it reads.

The skip must never cost a finding.  Differential: every rule example (each alone, as flake8
sees it, and each project example as a project) and every fixture project are checked twice,
once as the engine does and once with every rule called on every file; the findings must be the
same.  A rule that declared too little (``receivers`` left out of a rule that reads a function
connected from another file, say) loses findings on these inputs and fails here.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from module_files import facts_of

from signal_lint import engine
from signal_lint.catalog import load_catalog
from signal_lint.config import Config
from signal_lint.extract import extract_source
from signal_lint.rules import all_rules
from signal_lint.rules import base as rules_base
from signal_lint.rules.base import FILE_INPUTS, Rule

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = sorted(
    [ROOT / "fixtures" / "example_project"]
    + [path for path in (ROOT / "fixtures" / "projects").iterdir() if path.is_dir()]
)
SINGLE = [
    (rule, kind, index, example)
    for rule in all_rules()
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, example in enumerate(examples)
    if not example.files
]
MULTI = [
    (rule, kind, index, example)
    for rule in all_rules()
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, example in enumerate(examples)
    if example.files
]


def _every_rule_everywhere(rule: Rule | type[Rule], present: frozenset[str]) -> bool:
    return True


def _both_ways(monkeypatch, run):
    """``run()``'s findings as the engine runs rules, and with every rule called on every file."""
    skipping = sorted(run(), key=lambda f: f.sort_key())
    with monkeypatch.context() as patch:
        patch.setattr(rules_base, "asked", _every_rule_everywhere)
        everywhere = sorted(run(), key=lambda f: f.sort_key())
    return skipping, everywhere


def test_every_per_file_rule_declares_what_it_reads():
    for rule in all_rules():
        if not rule.project:
            assert rule.reads is not None and rule.reads <= FILE_INPUTS, rule.code


@pytest.mark.parametrize(
    "rule, kind, index, example",
    SINGLE,
    ids=[f"{r.code}-{kind}-{i}" for r, kind, i, _ in SINGLE],
)
def test_one_file_alone_gives_the_same_findings(monkeypatch, rule, kind, index, example):
    facts = extract_source(
        example.source().encode(), rule.example_path, rule.example_path[:-3].replace("/", ".")
    )
    skipping, everywhere = _both_ways(monkeypatch, lambda: engine.check_one(facts, load_catalog()))
    assert skipping == everywhere


@pytest.mark.parametrize(
    "rule, kind, index, example",
    MULTI,
    ids=[f"{r.code}-{kind}-{i}" for r, kind, i, _ in MULTI],
)
def test_a_project_example_gives_the_same_findings(monkeypatch, rule, kind, index, example):
    files = {path: textwrap.dedent(code).lstrip("\n") for path, code in example.files.items()}
    files[rule.example_path] = example.source()
    facts = facts_of(files)
    skipping, everywhere = _both_ways(
        monkeypatch, lambda: engine.check_facts(facts, load_catalog(), Config())
    )
    assert skipping == everywhere


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_a_fixture_project_gives_the_same_findings(monkeypatch, project):
    files = {
        path.relative_to(project).as_posix(): path.read_text(encoding="utf-8")
        for path in project.rglob("*.py")
    }
    facts = facts_of(files)
    skipping, everywhere = _both_ways(
        monkeypatch, lambda: engine.check_facts(facts, load_catalog(), Config())
    )
    assert skipping == everywhere


# Receivers that break the rules which read receivers, in a module that connects nothing: each is
# connected from ``apps.py``, so only ``receivers`` (not ``connections``) brings their rules in.
REMOTE_RECEIVERS = {
    "shop/__init__.py": "",
    "shop/models.py": "from django.db import models\n\n\nclass Stats(models.Model):\n    pass\n",
    "shop/handlers.py": """\
        from shop.models import Stats


        def on_saved(sender, instance, create, **kwargs):
            Stats.objects.filter(owner=instance.owner).update(count=1)
            instance.save()


        def on_saved_narrow(sender, instance):
            pass


        def on_change(sender, instance, action, **kwargs):
            if action == "pre add":
                pass


        def on_logout(sender, request, user, **kwargs):
            print(user.username)
        """,
    "shop/apps.py": """\
        from django.apps import AppConfig
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import m2m_changed, post_save

        from shop.handlers import on_change, on_logout, on_saved, on_saved_narrow


        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                post_save.connect(on_saved)
                post_save.connect(on_saved_narrow)
                m2m_changed.connect(on_change)
                user_logged_out.connect(on_logout)
        """,
}
RECEIVER_RULES = sorted(
    rule.code for rule in all_rules() if rule.reads is not None and "receivers" in rule.reads
)


def test_receivers_connected_from_another_module_are_checked(monkeypatch):
    facts = facts_of(REMOTE_RECEIVERS)
    skipping, everywhere = _both_ways(
        monkeypatch, lambda: engine.check_facts(facts, load_catalog(), Config())
    )
    assert skipping == everywhere
    in_handlers = sorted({f.code for f in skipping if f.path == "shop/handlers.py"})
    assert (
        in_handlers
        == RECEIVER_RULES
        == ["SIG001", "SIG004", "SIG006", "SIG008", "SIG013", "SIG014"]
    )


def test_most_files_of_a_project_are_not_read_by_most_rules():
    """What the skip is for: a file with no connection, send or signal definition runs no rule."""
    files = {
        "shop/models.py": "class Order:\n    pass\n",
        "shop/handlers.py": "def on_saved(sender, **kwargs):\n    pass\n",
        "shop/apps.py": (
            "from django.db.models.signals import post_save\n"
            "from shop.handlers import on_saved\n"
            "post_save.connect(on_saved)\n"
        ),
    }
    facts = {f.path: f for f in facts_of(files)}
    ctx = engine.project_context(
        list(facts.values()), load_catalog(), {}, {f.module: f for f in facts.values()}
    )
    from signal_lint.rules.base import file_inputs

    assert file_inputs(facts["shop/models.py"], ctx) == frozenset()
    assert file_inputs(facts["shop/handlers.py"], ctx) == {"receivers"}
    assert file_inputs(facts["shop/apps.py"], ctx) == {"connections", "receivers"}
