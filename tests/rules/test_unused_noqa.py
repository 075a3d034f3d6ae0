"""SIG018 unused-noqa: what counts as used, what is judged, and the fix."""

from __future__ import annotations

import textwrap

from conftest import findings_for, positions

from signal_lint.catalog import load_catalog
from signal_lint.config import Config
from signal_lint.engine import check_one, check_paths
from signal_lint.extract import extract_source
from signal_lint.fix import fix_source

HEADER = """
from django.db.models.signals import post_save

"""
MISSPELT = "def on_save(sender, instance, create, **kwargs):{comment}\n    pass\n"
CLEAN = "def on_save(sender, **kwargs):{comment}\n    pass\n"
FOOTER = "\npost_save.connect(on_save)\n"


def module(body: str, comment: str) -> str:
    return HEADER + body.format(comment=comment) + FOOTER


def sig018(source: str, config: Config | None = None) -> list[str]:
    """The messages of SIG018's findings."""
    facts = extract_source(
        textwrap.dedent(source).lstrip("\n").encode(), "app/signals.py", "app.signals"
    )
    return [f.message for f in check_one(facts, load_catalog(), config) if f.code == "SIG018"]


def fixed(source: str) -> str:
    source = textwrap.dedent(source).lstrip("\n")
    return fix_source(source, [f for f in findings_for(source) if f.code == "SIG018"])


def test_a_directive_that_silences_its_finding_is_used():
    assert findings_for(module(MISSPELT, "  # noqa: SIG004")) == []


def test_a_directive_with_nothing_to_silence_is_reported_at_its_hash():
    assert positions(module(CLEAN, "  # noqa: SIG004"), "SIG018") == [(3, 33)]
    assert sig018(module(CLEAN, "  # noqa: SIG004")) == [
        "unused `noqa` directive (unused: `SIG004`): remove it"
    ]


def test_its_range_is_the_directive():
    (finding,) = [
        f for f in findings_for(module(CLEAN, "  # noqa: SIG004  # why")) if f.code == "SIG018"
    ]
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (3, 32, 3, 46)


def test_dead_codes_beside_live_ones_are_named():
    assert sig018(module(MISSPELT, "  # noqa: SIG001, SIG004")) == [
        "unused `noqa` directive (unused: `SIG001`): remove `SIG001` from it"
    ]


def test_other_tools_codes_are_left_alone():
    assert sig018(module(CLEAN, "  # noqa: E501, F401")) == []
    assert sig018(module(CLEAN, "  # noqa: E501, SIG015")) == [
        "unused `noqa` directive (unused: `SIG015`): remove `SIG015` from it"
    ]


def test_a_bare_noqa_is_left_alone():
    assert sig018(module(CLEAN, "  # noqa")) == []
    assert sig018(module(CLEAN, "  # NOQA")) == []


def test_unknown_and_duplicated_codes():
    assert sig018(module(CLEAN, "  # noqa: SIG999")) == [
        "unused `noqa` directive (unknown: `SIG999`): remove it"
    ]
    assert sig018(module(MISSPELT, "  # noqa: SIG004, SIG004")) == [
        "unused `noqa` directive (duplicated: `SIG004`): remove `SIG004` from it"
    ]


def test_a_code_prefix_is_used_when_it_silences_a_finding(tmp_path):
    assert sig018(module(MISSPELT, "  # noqa: SIG00")) == []
    (tmp_path / "signals.py").write_text(module(CLEAN, "  # noqa: SIG00"))
    found = check_paths([str(tmp_path)], Config(root=str(tmp_path)), 1, use_cache=False).findings
    assert [f.message for f in found] == ["unused `noqa` directive (unused: `SIG00`): remove it"]


def test_a_prefix_covering_a_project_rule_is_not_judged_file_by_file():
    """``SIG00`` covers SIG003, whose project half only a whole-project run has."""
    assert sig018(module(CLEAN, "  # noqa: SIG00")) == []


def test_codes_are_case_insensitive():
    assert sig018(module(MISSPELT, "  # NOQA: sig004")) == []


def test_a_directive_naming_sig018_is_not_judged():
    assert sig018(module(CLEAN, "  # noqa: SIG002, SIG018")) == []
    assert sig018(module(CLEAN, "  # noqa: SIG01")) == []  # a prefix that covers SIG018


def test_a_code_of_a_rule_the_run_does_not_enable_is_reported_as_such():
    """ruff's RUF100 calls these "non-enabled": the directive cannot silence anything."""
    config = Config(ignore=("SIG004",))
    assert sig018(module(MISSPELT, "  # noqa: SIG004"), config) == [
        "unused `noqa` directive (non-enabled: `SIG004`): remove it"
    ]


def test_nothing_is_judged_when_sig018_itself_is_not_enabled():
    assert sig018(module(CLEAN, "  # noqa: SIG004"), Config(ignore=("SIG018",))) == []
    assert sig018(module(CLEAN, "  # noqa: SIG004"), Config(select=("SIG00",))) == []


def test_a_string_that_mentions_noqa_is_no_directive():
    assert sig018('x = "# noqa: SIG004"\ny = """\n# noqa: SIG004\n"""\n') == []


def test_a_directive_on_another_line_of_the_statement_is_unused():
    source = """
    from django.db.models.signals import post_save
    from django.dispatch import receiver

    @receiver(post_save)  # noqa: SIG004
    def on_save(sender, instance, create, **kwargs):
        pass
    """
    assert positions(source, "SIG018") == [(4, 23)]
    assert positions(source, "SIG004") == [(5, 31)]


def test_project_rule_codes_are_not_judged_file_by_file():
    """One file alone cannot know the project rules' findings (flake8's view, rule examples)."""
    assert sig018(module(CLEAN, "  # noqa: SIG101, SIG105")) == []


def project(tmp_path, comment: str):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "signals.py").write_text(
        "from django.dispatch import Signal\n\n"
        f"order_placed = Signal(){comment}\n"
        "\n\ndef place():\n    order_placed.send(sender=None)\n"
    )
    (tmp_path / "shop" / "receivers.py").write_text(
        "from django.dispatch import receiver\nfrom shop.signals import order_placed\n\n\n"
        "@receiver(order_placed)\ndef on_placed(sender, **kwargs):\n    pass\n"
    )
    return tmp_path


def codes(result) -> list[tuple[str, int, str]]:
    return sorted((f.path.rsplit("/", 1)[-1], f.line, f.code) for f in result.findings)


def test_project_rule_codes_are_judged_when_the_whole_project_is_checked(tmp_path):
    root = project(tmp_path, "  # noqa: SIG105")
    config = Config(root=str(root))
    whole = check_paths([str(root)], config, jobs=1, use_cache=False)
    assert ("signals.py", 3, "SIG018") in codes(whole)
    assert "(unused: `SIG105`)" in next(f.message for f in whole.findings if f.code == "SIG018")
    part = check_paths([str(root / "shop" / "signals.py")], config, jobs=1, use_cache=False)
    assert [c for c in codes(part) if c[2] == "SIG018"] == []


def test_a_finding_a_per_file_ignore_drops_does_not_use_the_directive(tmp_path):
    """As in ruff: per-file ignores apply first, so the directive silenced nothing."""
    (tmp_path / "signals.py").write_text(module(MISSPELT, "  # noqa: SIG004"))
    ignoring = Config(root=str(tmp_path), per_file_ignores=(("signals.py", ("SIG004",)),))
    found = check_paths([str(tmp_path)], ignoring, jobs=1, use_cache=False).findings
    assert [f.code for f in found] == ["SIG018"]
    quiet = Config(root=str(tmp_path), per_file_ignores=(("signals.py", ("SIG004", "SIG018")),))
    assert check_paths([str(tmp_path)], quiet, jobs=1, use_cache=False).findings == []


# --- the fix -----------------------------------------------------------------


def test_fix_removes_the_comment_and_the_space_before_it():
    assert fixed(module(CLEAN, "  # noqa: SIG004")) == module(CLEAN, "").lstrip("\n")


def test_fix_keeps_the_live_and_the_foreign_codes_in_order():
    assert fixed(module(MISSPELT, "  # noqa: E501, SIG001, SIG004")) == module(
        MISSPELT, "  # noqa: E501, SIG004"
    ).lstrip("\n")


def test_fix_keeps_a_second_comment_and_drops_the_reason():
    assert fixed(module(CLEAN, "  # noqa: SIG004  # type: ignore")) == module(
        CLEAN, "  # type: ignore"
    ).lstrip("\n")
    assert fixed(module(CLEAN, "  # noqa: SIG004 -- was misspelt")) == module(CLEAN, "").lstrip(
        "\n"
    )
    assert fixed(module(CLEAN, "  # keep me # noqa: SIG004")) == module(
        CLEAN, "  # keep me"
    ).lstrip("\n")


def test_fix_removes_a_line_that_held_only_the_directive(tmp_path):
    """SIG101 is reported at 1:1, so an own-line directive on line 1 can silence it."""
    source = "# noqa: SIG101\nimport os\n"
    (tmp_path / "x.py").write_text(source)
    found = check_paths([str(tmp_path)], Config(root=str(tmp_path)), 1, use_cache=False).findings
    assert [(f.code, f.line, f.column) for f in found] == [("SIG018", 1, 0)]
    assert fix_source(source, found) == "import os\n"


def test_fix_inside_brackets_and_with_crlf_keeps_every_other_byte():
    source = (
        b"from django.db.models.signals import post_save\r\n\r\n"
        b"post_save.connect(\r\n    print,  # noqa: SIG015\r\n)\r\n"
    )
    facts = extract_source(source, "app/x.py", "app.x")
    found = [f for f in check_one(facts, load_catalog()) if f.code == "SIG018"]
    assert fix_source(source, found) == source.replace(b"  # noqa: SIG015", b"")


def test_fix_is_idempotent():
    once = fixed(module(MISSPELT, "  # noqa: SIG001, SIG004"))
    assert fixed(once) == once
