"""``--write-baseline`` / ``--baseline``: fail only on new findings, and say which recorded ones are fixed."""

from __future__ import annotations

import json
import textwrap

import pytest

from signal_lint.cli import main

RECEIVERS = textwrap.dedent(
    """\
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance, create, **kwargs):
        pass


    def unrelated():
        return 1


    @receiver(post_save, dispatch_uid="")
    def on_other(sender, **kwargs):
        pass
    """
)
NEW_RECEIVER = textwrap.dedent(
    """\


    @receiver(post_save)
    def on_new(sender, instance, request, **kwargs):
        pass
    """
)


@pytest.fixture
def app(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.signal-lint]\nselect = ["SIG0"]\n')
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "signals.py").write_text(RECEIVERS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIGNAL_LINT_CACHE_DIR", str(tmp_path / ".cache"))
    assert main(["check", "--write-baseline", "baseline.json", "."]) == 0
    return tmp_path


PASSED = "All checks passed!\n"  # the summary line of a run without (new) findings


def run(capsys, *argv):
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def edit(app, old, new):
    path = app / "shop" / "signals.py"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_write_baseline_records_every_finding_and_prints_nothing(tmp_path, monkeypatch, capsys):
    (tmp_path / "signals.py").write_text(RECEIVERS)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--select", "SIG0", "--write-baseline", "baseline.json", ".")
    assert (code, out, err) == (0, "", "signal-lint: wrote 2 finding(s) to baseline.json\n")
    data = json.loads((tmp_path / "baseline.json").read_text())
    assert data["signal-lint-baseline"] == 1
    assert [(row["code"], row["path"], row["line"]) for row in data["findings"]] == [
        ("SIG004", "signals.py", 6),
        ("SIG015", "signals.py", 14),
    ]
    first = (tmp_path / "baseline.json").read_bytes()
    run(capsys, "--select", "SIG0", "--write-baseline", "baseline.json", ".")
    assert (tmp_path / "baseline.json").read_bytes() == first


def test_unchanged_code_passes(app, capsys):
    assert run(capsys, "--baseline", "baseline.json", ".") == (0, PASSED, "")


def test_lines_inserted_above_do_not_make_findings_new(app, capsys):
    edit(
        app,
        "from django.dispatch import receiver\n",
        "from django.dispatch import receiver\nimport os\nimport sys\n\n\nVALUE = 1\n",
    )
    assert run(capsys, "--baseline", "baseline.json", ".") == (0, PASSED, "")


def test_an_edit_elsewhere_in_the_file_does_not_make_findings_new(app, capsys):
    edit(
        app,
        "    return 1\n",
        "    total = 0\n    for i in range(10):\n        total += i\n    return total\n",
    )
    edit(app, "    pass\n", "    print(instance)\n")  # the body of the flagged receiver
    assert run(capsys, "--baseline", "baseline.json", ".") == (0, PASSED, "")


def test_reindenting_the_flagged_line_keeps_it_known(app, capsys):
    edit(
        app,
        "def on_save(sender, instance, create, **kwargs):",
        "def on_save(sender,  instance,   create, **kwargs):",
    )
    assert run(capsys, "--baseline", "baseline.json", ".") == (0, PASSED, "")


def test_only_new_findings_are_reported(app, capsys):
    (app / "shop" / "signals.py").write_text(RECEIVERS + NEW_RECEIVER)
    code, out, err = run(capsys, "--baseline", "baseline.json", ".")
    assert code == 1
    assert out.splitlines() == [
        (
            "shop/signals.py:20:30: SIG004 [error] parameter `request` of receiver `on_new` is "
            "never sent by `post_save`: dispatch raises `TypeError`"
        ),
        "Found 1 finding.",
    ]
    assert err == ""


def test_changing_the_flagged_line_makes_it_new(app, capsys):
    edit(
        app,
        "def on_save(sender, instance, create, **kwargs):",
        "def on_saved(sender, instance, create, **kwargs):",
    )
    code, out, err = run(capsys, "--baseline", "baseline.json", ".")
    assert code == 1 and out.count("SIG004") == 1
    assert "1 finding(s) of the baseline are fixed" in err


def test_fixed_findings_are_counted_on_stderr(app, capsys):
    edit(app, 'dispatch_uid=""', 'dispatch_uid="shop.on_other"')
    code, out, err = run(capsys, "--baseline", "baseline.json", ".")
    assert (code, out) == (0, PASSED)
    assert err.splitlines() == [
        "signal-lint: 1 finding(s) of the baseline are fixed (run --write-baseline baseline.json to drop them):",
        (
            "  shop/signals.py:14: SIG015 `dispatch_uid=''` for receiver `on_other` is falsy, so "
            "Django ignores it and does not de-duplicate: use a unique non-empty string"
        ),
    ]


def test_a_renamed_file_counts_as_new(app, capsys):
    (app / "shop" / "signals.py").rename(app / "shop" / "receivers.py")
    code, out, err = run(capsys, "--baseline", "baseline.json", ".")
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == [
        "shop/receivers.py",
        "shop/receivers.py",
        "Found 2 findings (2 fixable with --fix).",
    ]
    assert "2 finding(s) of the baseline are fixed" in err


def test_identical_findings_are_told_apart_by_occurrence(app, capsys):
    def duplicate(name):  # the flagged line is the same as line 14's
        return (
            f'\n\n@receiver(post_save, dispatch_uid="")\ndef {name}(sender, **kwargs):\n    pass\n'
        )

    (app / "shop" / "signals.py").write_text(RECEIVERS + duplicate("second"))
    assert main(["check", "--write-baseline", "baseline.json", "."]) == 0
    recorded = json.loads((app / "baseline.json").read_text())["findings"]
    assert len({row["fingerprint"] for row in recorded}) == len(recorded) == 3
    (app / "shop" / "signals.py").write_text(RECEIVERS + duplicate("second") + duplicate("third"))
    code, out, err = run(capsys, "--baseline", "baseline.json", ".")
    assert code == 1 and out.count("SIG015") == 1  # the third copy is new
    (app / "shop" / "signals.py").write_text(RECEIVERS)
    code, out, err = run(capsys, "--baseline", "baseline.json", ".")
    assert (code, out) == (0, PASSED) and "1 finding(s) of the baseline are fixed" in err


def test_fingerprints_do_not_depend_on_how_paths_are_given(app, capsys):
    assert run(capsys, "--baseline", "baseline.json", "shop") == (0, PASSED, "")
    assert run(capsys, "--baseline", "baseline.json", str(app / "shop" / "signals.py")) == (
        0,
        PASSED,
        "",
    )
    (app / "sub").mkdir()
    assert (
        main(["check", "--baseline", str(app / "baseline.json"), str(app)]) == 0
    )  # from another directory
    capsys.readouterr()


def test_fail_on_applies_to_new_findings(app, capsys):
    (app / "shop" / "signals.py").write_text(RECEIVERS + NEW_RECEIVER)
    assert run(capsys, "--baseline", "baseline.json", "--fail-on", "error", ".")[0] == 1
    assert run(capsys, "--baseline", "baseline.json", "--select", "SIG015", ".")[0] == 0


def test_formats_and_statistics_show_new_findings_only(app, capsys):
    (app / "shop" / "signals.py").write_text(RECEIVERS + NEW_RECEIVER)
    _code, out, _err = run(capsys, "--baseline", "baseline.json", "--format", "json", ".")
    assert [row["line"] for row in json.loads(out)] == [20]
    _code, out, _err = run(capsys, "--baseline", "baseline.json", "--statistics", ".")
    assert out.splitlines()[-2:] == ["1     SIG004 unknown-receiver-argument", "Found 1 finding."]


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "baseline.json: cannot read baseline"),
        ("{", "not a signal-lint baseline (invalid JSON"),
        ('{"findings": []}', "not a signal-lint baseline (write one with --write-baseline)"),
        (
            '{"signal-lint-baseline": 1, "findings": [{"code": "SIG004"}]}',
            "malformed baseline entry",
        ),
    ],
)
def test_unusable_baseline_is_a_usage_error(tmp_path, monkeypatch, capsys, content, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "signals.py").write_text(RECEIVERS)
    if content is not None:
        (tmp_path / "baseline.json").write_text(content)
    code, out, err = run(capsys, "--select", "SIG0", "--baseline", "baseline.json", ".")
    assert (code, out) == (2, "")
    assert message in err


def test_baseline_and_write_baseline_together_is_a_usage_error(app, capsys):
    code, _out, err = run(
        capsys, "--baseline", "baseline.json", "--write-baseline", "other.json", "."
    )
    assert code == 2 and "either --baseline or --write-baseline" in err


def test_entries_outside_the_checked_paths_are_not_fixed(app, capsys):
    (app / "shop" / "other.py").write_text(RECEIVERS)
    assert main(["check", "--write-baseline", "baseline.json", "."]) == 0
    capsys.readouterr()
    assert run(capsys, "--baseline", "baseline.json", "shop/signals.py") == (0, PASSED, "")
    assert run(capsys, "--baseline", "baseline.json", "--project-root", ".", "shop/other.py") == (
        0,
        PASSED,
        "",
    )
    (app / "shop" / "other.py").unlink()
    code, out, err = run(capsys, "--baseline", "baseline.json", "shop/signals.py")
    assert (code, out, err) == (0, PASSED, "")
    code, out, err = run(capsys, "--baseline", "baseline.json", ".")
    assert (code, out) == (
        0,
        PASSED,
    ) and "2 finding(s) of the baseline are fixed" in err  # a deleted file's findings are fixed
