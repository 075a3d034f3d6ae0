"""The flake8 plugin, run as users run it: the real ``flake8`` in a subprocess.

Output lines are compared exactly: with the rule fixtures' inline markers,
and with ``signal-lint check`` on the same files (flake8's default format is
the same ``path:line:col: CODE message``).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import textwrap
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULE_FIXTURES = ROOT / "fixtures" / "rules"
EXAMPLE = "fixtures/example_project"
MARKER = re.compile(r"\b(SIG\d{3}):\s*(\d+(?:\s*,\s*\d+)*)")

RECEIVERS = textwrap.dedent(
    """\
    from django.db.models.signals import m2m_changed, post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance, create, **kwargs):
        pass


    @receiver(m2m_changed)
    def on_tags(sender, action, raw=False, **kwargs):
        pass
    """
)
ON_SAVE = (
    "signals.py:6:31: SIG004 parameter `create` of receiver `on_save` is never sent by "
    "`post_save`: dispatch raises `TypeError` (did you mean `created`?)"
)
ON_TAGS_60 = (
    "signals.py:11:29: SIG004 parameter `raw` of receiver `on_tags` is never sent by "
    "`m2m_changed`, so it always keeps its default"
)

# Runs flake8's own main() after recording, in a file, each analysis of a whole
# project and the process each file is checked in.
COUNTING_FLAKE8 = """
import os, sys
import signal_lint.engine as engine
import signal_lint.flake8_plugin as plugin

def log(what):
    with open(os.environ["SIGNAL_LINT_TEST_LOG"], "a") as handle:
        handle.write(f"{what} {os.getpid()}\\n")

check_paths, run = engine.check_paths, plugin.Plugin.run
engine.check_paths = lambda *args, **kwargs: (log("project"), check_paths(*args, **kwargs))[1]
plugin.Plugin.run = lambda self: (log("file"), run(self))[1]
from flake8.main.cli import main
sys.exit(main())
"""


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGNAL_LINT_CACHE_DIR", str(tmp_path / "cache"))


def flake8(*argv: str, cwd: Path = ROOT, stdin: str = "") -> tuple[int, list[str], str]:
    process = subprocess.run(
        [sys.executable, "-m", "flake8", *argv],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return process.returncode, process.stdout.splitlines(), process.stderr


def signal_lint(*argv: str, cwd: Path = ROOT) -> list[str]:
    """``signal-lint check``'s findings as flake8 prints them (``path:line:col: CODE message``)."""
    process = subprocess.run(
        [sys.executable, "-m", "signal_lint", "check", "--output-format", "json", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [
        f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}"
        for f in json.loads(process.stdout)
    ]


def markers(path: Path) -> set[tuple[str, int, int, str]]:
    found = set()
    for token in tokenize.tokenize(io.BytesIO(path.read_bytes()).readline):
        if token.type == tokenize.COMMENT:
            for code, columns in MARKER.findall(token.string):
                for column in columns.split(","):
                    found.add(
                        (path.relative_to(ROOT).as_posix(), token.start[0], int(column), code)
                    )
    return found


def parsed(lines: list[str]) -> set[tuple[str, int, int, str]]:
    result = set()
    for line in lines:
        path, row, column, rest = line.split(":", 3)
        result.add((path, int(row), int(column), rest.split()[0]))
    return result


@pytest.fixture
def app(tmp_path):
    (tmp_path / "signals.py").write_text(RECEIVERS)
    return tmp_path


def test_the_plugin_is_registered_under_sig():
    code, out, _err = flake8("--version")
    assert code == 0 and "signal-lint: " in " ".join(out)


def test_every_per_file_rule_fixture_reports_exactly_its_markers():
    """Except SIG018's: flake8 applies ``noqa`` itself (see the next test)."""
    files = sorted(
        path.relative_to(ROOT).as_posix()
        for path in RULE_FIXTURES.glob("SIG*.py")
        if path.name != "SIG018.py"
    )
    code, out, err = flake8("--select", "SIG", *files)
    expected = set().union(*(markers(ROOT / path) for path in files))
    assert code == 1 and err == ""
    assert parsed(out) == expected
    assert len(out) == len(expected)


@pytest.mark.parametrize("mode", [[], ["--signal-lint-project"]], ids=["per-file", "project"])
def test_unused_noqa_is_never_reported_inside_flake8(app, mode):
    (app / "signals.py").write_text(
        RECEIVERS.replace("create, **kwargs):", "create, **kwargs):  # noqa: SIG004")
        + "\n\nnothing = 1  # noqa: SIG001\n"
    )
    assert flake8("--select", "SIG", *mode, ".", cwd=app)[1] == []
    assert "SIG018" in " ".join(signal_lint("--no-cache", ".", cwd=app))


PROJECT_FIXTURES = sorted(
    path for path in RULE_FIXTURES.glob("SIG*") if path.is_dir() and path.name != "SIG000"
)


@pytest.mark.parametrize(
    "directory", PROJECT_FIXTURES, ids=[path.name for path in PROJECT_FIXTURES]
)
def test_every_project_rule_fixture_reports_exactly_its_markers_in_project_mode(directory):
    _code, out, err = flake8("--select", "SIG", "--signal-lint-project", ".", cwd=directory)
    expected = {
        ("./" + path.relative_to(directory).as_posix(), line, column, found)
        for path in directory.rglob("*.py")
        for _, line, column, found in markers(path)
    }
    assert err == ""
    assert parsed(out) == expected and len(out) == len(expected)


def test_sig004_fixture_matches_the_command_line_exactly():
    _code, out, _err = flake8("--select", "SIG", "fixtures/rules/SIG004.py")
    assert out == signal_lint("--no-cache", "--select", "SIG0", "fixtures/rules/SIG004.py")
    assert parsed(out) == markers(RULE_FIXTURES / "SIG004.py") and len(out) == 25


def per_file_findings(directory: str) -> list[str]:
    """What the plugin must print without --signal-lint-project: each file checked alone (``check_one``)."""
    from signal_lint.catalog import load_catalog
    from signal_lint.config import load_config
    from signal_lint.engine import check_one
    from signal_lint.extract import extract_source
    from signal_lint.extract.modules import module_name

    config = load_config([str(ROOT / directory)])
    lines = []
    for path in sorted((ROOT / directory).rglob("*.py")):
        shown = path.relative_to(ROOT).as_posix()
        module, is_package = module_name(str(path), config.src)
        facts = extract_source(path.read_bytes(), shown, module, is_package)
        lines.extend(
            f"{f.path}:{f.line}:{f.column + 1}: {f.code} {f.message}"
            for f in check_one(facts, load_catalog(config.django_version, config.extra_signals))
        )
    return lines


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_example_project_is_checked_file_by_file(jobs):
    code, out, err = flake8("-j", jobs, "--select", "SIG", EXAMPLE)
    assert code == 1 and err == ""
    assert out == per_file_findings(EXAMPLE)
    assert len(out) >= 17 and all(" SIG0" in line for line in out)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_project_mode_matches_the_command_line_and_runs_once(jobs, tmp_path):
    log = tmp_path / "log.txt"
    process = subprocess.run(
        [
            sys.executable,
            "-c",
            COUNTING_FLAKE8,
            "-j",
            jobs,
            "--select",
            "SIG",
            "--signal-lint-project",
            EXAMPLE,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SIGNAL_LINT_TEST_LOG": str(log)},
    )
    out = process.stdout.splitlines()
    assert process.returncode == 1 and process.stderr == ""
    assert out == signal_lint("--no-cache", EXAMPLE)
    assert any(" SIG1" in line for line in out)  # project rules too
    events = [line.split() for line in log.read_text().splitlines()]
    assert [what for what, pid in events if what == "project"] == ["project"]  # once per run
    files = [pid for what, pid in events if what == "file"]
    assert len(files) == len(list((ROOT / EXAMPLE).rglob("*.py")))
    if jobs == "2" and sys.platform == "linux":
        assert len(set(files)) >= 2  # checked in worker processes that inherited the analysis


def test_project_mode_checks_a_changed_buffer_alone(app):
    source = RECEIVERS.replace("create, **kwargs", "created, **kwargs")
    _code, out, _err = flake8(
        "--select",
        "SIG",
        "--signal-lint-project",
        "--stdin-display-name",
        "signals.py",
        "-",
        cwd=app,
        stdin=source,
    )
    assert out == []
    _code, out, _err = flake8(
        "--select",
        "SIG",
        "--signal-lint-project",
        "--stdin-display-name",
        "signals.py",
        "-",
        cwd=app,
        stdin=RECEIVERS,
    )
    assert out == [ON_SAVE]


def test_stdin(app):
    _code, out, _err = flake8("--select", "SIG", "-", cwd=app, stdin=RECEIVERS)
    assert out == [ON_SAVE.replace("signals.py", "stdin")]


def test_noqa(app):
    (app / "signals.py").write_text(
        RECEIVERS.replace("create, **kwargs):", "create, **kwargs):  # noqa: SIG004")
    )
    assert flake8("--select", "SIG", ".", cwd=app)[1] == []
    (app / "signals.py").write_text(
        RECEIVERS.replace("create, **kwargs):", "create, **kwargs):  # noqa: E501")
    )
    assert flake8("--select", "SIG", ".", cwd=app)[1] == ["./" + ON_SAVE]
    (app / "signals.py").write_text(
        RECEIVERS.replace("create, **kwargs):", "create, **kwargs):  # noqa")
    )
    assert flake8("--select", "SIG", ".", cwd=app)[1] == []
    assert flake8("--select", "SIG", "--disable-noqa", ".", cwd=app)[1] == ["./" + ON_SAVE]


def test_extend_ignore_and_per_file_ignores(app):
    assert flake8("--select", "SIG", ".", cwd=app)[1] == ["./" + ON_SAVE]
    assert flake8("--select", "SIG", "--extend-ignore", "SIG004", ".", cwd=app)[1] == []
    assert (
        flake8("--select", "SIG", "--per-file-ignores", "signals.py:SIG004", ".", cwd=app)[1] == []
    )
    assert flake8("--select", "SIG", "--per-file-ignores", "other.py:SIG004", ".", cwd=app)[1] == [
        "./" + ON_SAVE
    ]
    assert flake8("--select", "SIG005", ".", cwd=app)[1] == []


def test_signal_lint_django_version_option(app):
    assert flake8("--select", "SIG", "--signal-lint-django-version", "6.0", ".", cwd=app)[1] == [
        "./" + ON_SAVE,
        "./" + ON_TAGS_60,
    ]
    assert flake8("--select", "SIG", "--signal-lint-django-version", "6.1", ".", cwd=app)[1] == [
        "./" + ON_SAVE
    ]


def test_options_from_flake8_config(app):
    (app / ".flake8").write_text(
        "[flake8]\nselect = SIG\nsignal-lint-django-version = 6.0\nsignal-lint-project = true\n"
    )
    assert flake8(".", cwd=app)[1] == ["./" + ON_SAVE, "./" + ON_TAGS_60]


def test_django_version_from_signal_lint_config(app):
    (app / "pyproject.toml").write_text(
        '[tool.signal-lint]\ndjango-version = "6.0"\nignore = ["SIG004"]\n'
    )
    # django-version is read; which codes are reported is flake8's business
    assert flake8("--select", "SIG", ".", cwd=app)[1] == ["./" + ON_SAVE, "./" + ON_TAGS_60]


def test_unknown_django_version_is_a_usage_error(app):
    code, _out, err = flake8(
        "--select", "SIG", "--signal-lint-django-version", "1.11", ".", cwd=app
    )
    assert code == 2 and "unsupported Django version '1.11'" in err


def test_a_file_flake8_cannot_parse_is_flake8s_e999(app):
    (app / "broken.py").write_text("def f(:\n")
    _code, out, _err = flake8("--select", "SIG,E999", "broken.py", cwd=app)
    assert [line.split()[1] for line in out] == ["E999"]


@pytest.mark.parametrize("mode", [[], ["--signal-lint-project"], ["-j", "2"]])
def test_a_bad_signal_lint_config_stops_flake8_with_its_message(app, mode):
    (app / "other.py").write_text("x = 1\n")
    (app / "pyproject.toml").write_text("[tool.signal-lint]\nbogus = 1\n")
    code, out, err = flake8("--select", "SIG", *mode, ".", cwd=app)
    assert code == 1 and "Traceback" not in err
    assert out[0] == "There was a critical error during execution of Flake8:"
    assert out[1].startswith(
        f"signal-lint: {app / 'pyproject.toml'}: unknown [tool.signal-lint] key(s): bogus "
    )
