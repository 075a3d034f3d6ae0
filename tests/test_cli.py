"""The ``signal-lint`` command as users run it: formats, filters, config, exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from module_files import write_files

from signal_lint.cli import main

RECEIVERS = textwrap.dedent(
    """\
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance, create, **kwargs):
        pass


    @receiver(post_save, dispatch_uid="")
    def on_other(sender, **kwargs):
        pass
    """
)


@pytest.fixture
def app(tmp_path, monkeypatch):
    write_files(tmp_path, {"shop/__init__.py": "", "shop/signals.py": RECEIVERS})
    monkeypatch.chdir(tmp_path)
    return tmp_path


PASSED = "All checks passed!\n"  # the summary line of a run without findings


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_is_flake8_style_and_sorted(app, capsys):
    code, out, _err = run(capsys, "check", "shop")
    assert out.splitlines() == [
        (
            "shop/signals.py:6:31: SIG004 [error] [*] parameter `create` of receiver `on_save` is "
            "never sent by `post_save`: dispatch raises `TypeError` (did you mean `created`?)"
        ),
        (
            "shop/signals.py:10:2: SIG015 [warning] [*] `dispatch_uid=''` for receiver `on_other` "
            "is falsy, so Django ignores it and does not de-duplicate: use a unique non-empty string"
        ),
        "Found 2 findings (2 fixable with --fix).",
    ]
    assert code == 1


def test_json_output_contract(app, capsys):
    _code, out, _err = run(capsys, "check", "--format", "json", "shop")
    findings = json.loads(out)
    assert findings[0] == {
        "code": "SIG004",
        "name": "unknown-receiver-argument",
        "severity": "error",
        "path": "shop/signals.py",
        "line": 6,
        "column": 31,
        "message": findings[0]["message"],
        "end_line": 6,
        "end_column": 37,
        "fixable": True,
        "fix": {
            "applicability": "safe",
            "message": "rename the parameter (and its uses) to the name the signal sends",
            "edits": findings[0]["fix"]["edits"],
        },
        "url": "https://github.com/signal-lint/signal-lint/blob/main/docs/rules/SIG004.md",
        "fingerprint": findings[0]["fingerprint"],
        "related": [],
    }
    assert [f["code"] for f in findings] == ["SIG004", "SIG015"]


def test_path_is_shown_as_given(app, capsys):
    _code, out, _err = run(capsys, "check", "--format", "json", str(app / "shop" / "signals.py"))
    assert json.loads(out)[0]["path"] == str(app / "shop" / "signals.py")
    _code, out, _err = run(capsys, "check", "--format", "json", "./shop/")
    assert json.loads(out)[0]["path"] == "shop/signals.py"


def test_default_path_is_the_current_directory(app, capsys):
    _code, out, _err = run(capsys, "check")
    assert out.count("shop/signals.py") == 2


def test_select_and_ignore(app, capsys):
    assert run(capsys, "check", "--select", "SIG015", "shop")[1].count("SIG") == 1
    assert "SIG015" not in run(capsys, "check", "--ignore", "SIG01", "shop")[1]
    assert "SIG004" in run(capsys, "check", "--ignore", "SIG01", "shop")[1]
    assert (
        run(capsys, "check", "--select", "SIG0", "--ignore", "SIG004,SIG015", "shop")[1] == PASSED
    )


def test_exit_zero_and_fail_on(app, capsys):
    assert run(capsys, "check", "--exit-zero", "shop")[0] == 0
    assert run(capsys, "check", "--select", "SIG015", "--fail-on", "error", "shop")[0] == 0
    assert run(capsys, "check", "--select", "SIG015", "shop")[0] == 1


def test_clean_code_exits_zero(tmp_path, capsys):
    (tmp_path / "ok.py").write_text(
        "from django.db.models.signals import post_save\n\ndef h(sender, **kwargs):\n    pass\n\npost_save.connect(h)\n"
    )
    assert run(capsys, "check", str(tmp_path)) == (0, PASSED, "")


def test_noqa_with_and_without_codes(app, capsys):
    source = RECEIVERS.replace("create, **kwargs):", "create, **kwargs):  # noqa: SIG004").replace(
        'dispatch_uid="")', 'dispatch_uid="")  # noqa'
    )
    (app / "shop" / "signals.py").write_text(source)
    assert run(capsys, "check", "shop")[1] == PASSED
    (app / "shop" / "signals.py").write_text(
        RECEIVERS.replace("create, **kwargs):", "create, **kwargs):  # noqa: SIG001")
    )
    assert "SIG004" in run(capsys, "check", "shop")[1]


def test_config_is_found_by_walking_up(app, capsys):
    (app / "pyproject.toml").write_text('[tool.signal-lint]\nignore = ["SIG015"]\n')
    _code, out, _err = run(capsys, "check", "shop/signals.py")
    assert "SIG015" not in out and "SIG004" in out


def test_per_file_ignores_and_exclude(app, capsys):
    (app / "pyproject.toml").write_text(
        '[tool.signal-lint]\nper-file-ignores = { "shop/signals.py" = ["SIG004"] }\n'
    )
    out = run(capsys, "check", ".")[1]
    assert "SIG004" not in out and "SIG015" in out
    (app / "pyproject.toml").write_text('[tool.signal-lint]\nexclude = ["shop/*"]\n')
    assert run(capsys, "check", ".")[1] == PASSED


def test_config_errors_exit_2_with_a_message(app, capsys):
    (app / "pyproject.toml").write_text('[tool.signal-lint]\nignroe = ["SIG015"]\n')
    code, _out, err = run(capsys, "check", "shop")
    assert code == 2 and "ignroe" in err
    (app / "pyproject.toml").write_text('[tool.signal-lint]\nselect = ["E501"]\n')
    code, _out, err = run(capsys, "check", "shop")
    assert code == 2 and "E501" in err
    (app / "pyproject.toml").write_text("[tool.signal-lint\n")
    code, _out, err = run(capsys, "check", "shop")
    assert code == 2 and "pyproject.toml" in err


def test_usage_errors_exit_2(capsys):
    assert run(capsys, "check", "--format", "xml")[0] == 2
    assert run(capsys, "check", "--jobs", "0")[0] == 2
    assert run(capsys)[0] == 2
    assert run(capsys, "rule", "SIG999")[0] == 2


def test_rules_lists_every_rule_under_a_header_with_a_summary(capsys):
    from signal_lint.rules import all_rules

    code, out, _err = run(capsys, "rules")
    header, *rows = out.splitlines()
    assert code == 0 and header.split() == ["CODE", "NAME", "SEVERITY", "SCOPE", "FIX", "SUMMARY"]
    assert [row.split()[0] for row in rows] == [rule.code for rule in all_rules()]
    sig001 = rows[1]
    assert sig001.split()[:5] == ["SIG001", "receiver-missing-kwargs", "error", "file", "safe"]
    assert rows[4].split()[4] == "safe/unsafe"  # SIG004: a rename is safe unless it reaches code
    assert rows[5].split()[:5] == ["SIG005", "receiver-on-method", "error", "file", "`@receiver`"]
    assert sig001.endswith(
        "A receiver without `**kwargs`: rejected at connect, broken by any new argument"
    )


def test_rules_as_json_for_tools(capsys):
    code, out, _err = run(capsys, "rules", "--output-format", "json")
    rules = json.loads(out)
    assert code == 0 and rules[4] == {
        "code": "SIG004",
        "name": "unknown-receiver-argument",
        "severity": "error",
        "scope": "file",
        "flake8": True,
        "fixable": True,
        "fix": ["safe", "unsafe"],
        "summary": rules[4]["summary"],
        "url": "https://github.com/signal-lint/signal-lint/blob/main/docs/rules/SIG004.md",
    }
    by_code = {rule["code"]: rule for rule in rules}
    assert by_code["SIG101"]["scope"] == "project" and not by_code["SIG101"]["flake8"]
    assert not by_code["SIG018"]["flake8"] and by_code["SIG018"]["fix"] == ["safe"]
    assert not by_code["SIG005"]["fixable"] and by_code["SIG005"]["fix"] == []


def test_rule_by_code_or_by_name(capsys):
    code, out, _err = run(capsys, "rule", "sig004")
    assert (
        code == 0
        and out.startswith("# SIG004 unknown-receiver-argument (error)")
        and "## Why is this bad?" in out
    )
    assert run(capsys, "rule", "unknown-receiver-argument")[1] == out
    code, out, _err = run(capsys, "rule", "unused-noqa", "--output-format", "json")
    rule = json.loads(out)
    assert code == 0 and rule["code"] == "SIG018" and rule["doc"].startswith("## What it does")
    code, _out, err = run(capsys, "rule", "unknown-receiver-arg")
    assert code == 2 and "did you mean `unknown-receiver-argument`?" in err


def test_fix_rewrites_the_file_and_a_second_run_changes_nothing(tmp_path, capsys):
    target = tmp_path / "receivers.py"
    target.write_bytes(
        b"from django.db.models.signals import post_save\r\n\r\ndef h(sender):  # keep me\r\n"
        b"    pass\r\n\r\npost_save.connect(h)\r\n"
    )
    code, out, _err = run(capsys, "check", "--fix", str(target))
    assert target.read_bytes() == (
        b"from django.db.models.signals import post_save\r\n\r\n"
        b"def h(sender, **kwargs):  # keep me\r\n    pass\r\n\r\npost_save.connect(h)\r\n"
    )
    assert code == 0 and out == "Found 1 finding (1 fixed, 0 remaining).\n"
    run(capsys, "check", "--fix", str(target))
    assert target.read_bytes().count(b"**kwargs") == 1


def test_module_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "signal_lint", "rules"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "SIG017" in result.stdout


def test_the_command_leaves_with_the_status_and_the_whole_output_of_main(app, capsys):
    """``run()`` leaves with ``os._exit``: nothing of the output may stay in a buffer (``graph``
    writes without flushing; ``check`` with findings leaves with 1)."""
    for command, status in ((["graph", "--format", "json"], 0), (["check"], 1)):
        code, expected, _err = run(capsys, *command, "--no-cache", "shop")
        result = subprocess.run(
            [sys.executable, "-m", "signal_lint", *command, "--no-cache", "shop"],
            capture_output=True,
            text=True,
            cwd=app,
            env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
        )
        assert (result.returncode, result.stdout, result.stderr) == (code, expected, "")
        assert code == status and "on_save" in expected


def test_a_reader_that_stops_early_gets_no_traceback(app):
    reader = subprocess.run(
        f"{sys.executable} -m signal_lint check --format json shop | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        cwd=app,
    )
    assert reader.stdout == "[\n  {\n    "[:10]
    assert "Traceback" not in reader.stderr


def test_github_format(app, capsys):
    out = run(capsys, "check", "--format", "github", "shop")[1]
    assert out.splitlines()[0].startswith(
        "::error file=shop/signals.py,line=6,col=31,title=SIG004 unknown-receiver-argument::SIG004 "
    )
    assert out.splitlines()[1].startswith("::warning file=shop/signals.py,line=10,col=2,")


def test_statistics(app, capsys):
    out = run(capsys, "check", "--statistics", "shop")[1]
    assert out.splitlines()[-3:] == [
        "1     SIG004 unknown-receiver-argument",
        "1     SIG015 falsy-dispatch-uid",
        "Found 2 findings (2 fixable with --fix).",
    ]


def test_graph_command_formats(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent / "fixtures" / "example_project")
    code, out, _err = run(capsys, "graph", "--format", "json", "--no-cache", ".")
    data = json.loads(out)
    assert code == 0 and set(data) >= {"signals", "receivers", "connections", "sends"}
    loser = [
        c
        for c in data["connections"]
        if c["receiver"] == "shop.receivers.on_order_saved_dispatch_uid_loser"
    ]
    assert [(c["signal"], c["sender"], c["status"], c["dispatch_uid"]) for c in loser] == [
        ("django.db.models.signals.post_save", "shop.models.Order", "ignored", "shop.order_saved")
    ]
    for fmt, start in (
        ("text", "catalog.signals.product_published"),
        ("dot", "digraph signals {"),
        ("mermaid", "flowchart LR"),
    ):
        assert run(capsys, "graph", "--format", fmt, "--no-cache", ".")[1].startswith(start)
    target = tmp_path / "report.html"
    assert (
        run(capsys, "graph", "--format", "html", "--output", str(target), "--no-cache", ".")[0] == 0
    )
    assert target.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")


def test_graph_output_creates_directories_and_reports_unwritable_targets(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent / "fixtures" / "example_project")
    target = tmp_path / "reports" / "nested" / "graph.json"
    assert (
        run(capsys, "graph", "--format", "json", "--output", str(target), "--no-cache", ".")[0] == 0
    )
    assert json.loads(target.read_text())["connections"]
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _out, err = run(
        capsys, "graph", "--output", str(blocker / "graph.txt"), "--no-cache", "."
    )
    assert code == 2 and "cannot write" in err and "Traceback" not in err


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_statistics_keep_machine_output_parseable(app, capsys, fmt):
    code, out, err = run(capsys, "check", "--statistics", "--format", fmt, "shop")
    json.loads(out)
    assert "1     SIG004 unknown-receiver-argument" in err.splitlines()
    assert code == 1


def test_statistics_of_github_annotations_go_to_stderr(app, capsys):
    _code, out, err = run(capsys, "check", "--statistics", "--format", "github", "shop")
    assert all(line.startswith("::") for line in out.splitlines())
    assert "1     SIG015 falsy-dispatch-uid" in err.splitlines()


def stdin_of(monkeypatch, text):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))


def test_check_dash_reads_stdin(app, capsys, monkeypatch):
    stdin_of(monkeypatch, RECEIVERS)
    code, out, _err = run(capsys, "check", "-")
    assert [line.split(": ")[0] for line in out.splitlines()] == [
        "-:6:31",
        "-:10:2",
        "Found 2 findings (2 fixable with --fix).",
    ]
    assert code == 1


def test_stdin_filename_names_the_file_and_its_config_applies(app, capsys, monkeypatch):
    (app / "pyproject.toml").write_text(
        '[tool.signal-lint]\nper-file-ignores = { "shop/*.py" = ["SIG015"] }\n'
    )
    stdin_of(monkeypatch, RECEIVERS)
    _code, out, _err = run(capsys, "check", "-", "--stdin-filename", "shop/new.py")
    assert [line.split()[:2] for line in out.splitlines()[:-1]] == [["shop/new.py:6:31:", "SIG004"]]
    stdin_of(monkeypatch, RECEIVERS)  # --stdin-filename alone reads stdin too, as in ruff
    assert run(capsys, "check", "--stdin-filename", "shop/new.py")[1] == out


def test_stdin_is_placed_in_the_project_with_project_root(app, capsys, monkeypatch):
    """A handler module connected from elsewhere: only the project shows it is a receiver."""
    (app / "shop" / "signals.py").write_text(
        "from django.db.models.signals import post_save\n"
        "from shop.handlers import on_save\n\npost_save.connect(on_save)\n"
    )
    handlers = "def on_save(sender, instance):\n    pass\n"
    (app / "shop" / "handlers.py").write_text(
        "def on_save(sender, instance, **kwargs):\n    pass\n"
    )
    stdin_of(monkeypatch, handlers)
    out = run(capsys, "check", "-", "--stdin-filename", "shop/handlers.py")[1]
    assert out == PASSED
    stdin_of(monkeypatch, handlers)
    code, out, _err = run(
        capsys, "check", "-", "--stdin-filename", "shop/handlers.py", "--project-root", "."
    )
    assert [line.split()[:2] for line in out.splitlines()[:-1]] == [
        ["shop/handlers.py:1:1:", "SIG001"]
    ]
    assert code == 1


def test_stdin_fix_writes_the_fixed_source_to_stdout(app, capsys, monkeypatch):
    source = "from django.db.models.signals import post_save\n\ndef h(sender):\n    pass\n\npost_save.connect(h)\n"
    stdin_of(monkeypatch, source)
    code, out, err = run(capsys, "check", "-", "--fix")
    assert out == source.replace("def h(sender):", "def h(sender, **kwargs):")
    assert code == 0 and err == "Found 1 finding (1 fixed, 0 remaining).\n"
    assert not list(app.glob("*.py"))  # nothing written


def test_stdin_with_other_paths_is_a_usage_error(app, capsys, monkeypatch):
    stdin_of(monkeypatch, "")
    code, _out, err = run(capsys, "check", "-", "shop")
    assert code == 2 and "stdin" in err


def test_extend_select_adds_to_the_configured_select(app, capsys):
    (app / "pyproject.toml").write_text('[tool.signal-lint]\nselect = ["SIG004"]\n')
    assert codes(run(capsys, "check", "shop")[1]) == ["SIG004"]
    assert codes(run(capsys, "check", "--extend-select", "SIG015", "shop")[1]) == [
        "SIG004",
        "SIG015",
    ]
    assert codes(run(capsys, "check", "--select", "SIG015", "shop")[1]) == ["SIG015"]


def test_extend_select_in_the_config_file(app, capsys):
    (app / "pyproject.toml").write_text(
        '[tool.signal-lint]\nselect = ["SIG004"]\nextend-select = ["SIG015"]\n'
    )
    assert codes(run(capsys, "check", "shop")[1]) == ["SIG004", "SIG015"]


def test_extend_ignore_adds_to_the_configured_ignore(app, capsys):
    (app / "pyproject.toml").write_text('[tool.signal-lint]\nignore = ["SIG004"]\n')
    assert codes(run(capsys, "check", "shop")[1]) == ["SIG015"]
    assert codes(run(capsys, "check", "--extend-ignore", "SIG015", "shop")[1]) == []
    assert codes(run(capsys, "check", "--ignore", "SIG015", "shop")[1]) == []


def test_per_file_ignores_on_the_command_line_replace_the_configured_ones(app, capsys):
    (app / "pyproject.toml").write_text(
        '[tool.signal-lint]\nper-file-ignores = { "shop/*.py" = ["SIG004"] }\n'
    )
    assert codes(run(capsys, "check", "shop")[1]) == ["SIG015"]
    out = run(capsys, "check", "--per-file-ignores", "shop/signals.py:SIG015", "shop")[1]
    assert codes(out) == ["SIG004"]
    out = run(
        capsys,
        "check",
        "--per-file-ignores",
        "*/signals.py:SIG015",
        "--per-file-ignores",
        "signals.py:sig004",
        "shop",
    )[1]
    assert codes(out) == []
    code, _out, err = run(capsys, "check", "--per-file-ignores", "SIG004", "shop")
    assert code == 2 and "PATTERN:CODES" in err


def codes(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines() if line.startswith("shop/")]


def test_show_settings_says_where_each_value_comes_from(app, capsys, monkeypatch):
    monkeypatch.setenv("SIGNAL_LINT_CACHE_DIR", str(app / "elsewhere"))
    (app / "pyproject.toml").write_text(
        '[tool.signal-lint]\nselect = ["SIG0"]\nignore = ["SIG013"]\nfail-on = "error"\n'
        'unfixable = ["SIG007"]\nunsafe-fixes = true\n'
    )
    code, out, _err = run(
        capsys,
        "check",
        "--show-settings",
        "--extend-ignore",
        "SIG015",
        "--color",
        "never",
        "--max-file-size",
        "1MiB",
        "--no-unsafe-fixes",
        "shop",
    )
    lines = {line.split(" = ")[0]: line for line in out.splitlines()[1:]}
    assert code == 0
    assert lines["configuration"].endswith("# searched upwards")
    assert str(app / "pyproject.toml") in lines["configuration"]
    assert lines["select"].startswith('select = ["SIG0"]') and lines["select"].endswith(
        "# pyproject.toml: select"
    )
    assert lines["ignore"].startswith('ignore = ["SIG013", "SIG015"]')
    assert lines["ignore"].endswith(
        "# pyproject.toml: ignore + command line: --ignore/--extend-ignore"
    )
    assert lines["fixable"].startswith('fixable = ["SIG"]') and lines["fixable"].endswith(
        "# default"
    )
    assert lines["unfixable"].endswith("# pyproject.toml: unfixable")
    assert lines["unsafe-fixes"].startswith("unsafe-fixes = false")
    assert lines["unsafe-fixes"].endswith("# command line: --no-unsafe-fixes")
    assert lines["fail-on"].endswith("# pyproject.toml: fail-on")
    assert lines["exclude"].startswith("exclude = []") and lines["exclude"].endswith("# default")
    assert lines["color"].endswith("# command line: --color")
    assert lines["max-file-size"].startswith("max-file-size = 1048576 ")
    assert lines["max-file-size"].endswith("# command line: --max-file-size")
    assert lines["cache-dir"].startswith(f'cache-dir = "{app / "elsewhere"}"')
    assert lines["cache-dir"].endswith("# environment: SIGNAL_LINT_CACHE_DIR")
    assert lines["python"].startswith('python = ""')  # none given: found from the layout
    assert lines["output-format"].startswith('output-format = "concise"')
    assert lines["output-format"].endswith("# default")
    assert "SIG004" not in out  # nothing was checked
    code, out, _err = run(capsys, "check", "--show-settings", "--output-format", "json", "shop")
    settings = json.loads(out)
    assert settings["select"] == {"value": ["SIG0"], "origin": "pyproject.toml: select"}
    assert settings["django-version"]["origin"] == "default"
