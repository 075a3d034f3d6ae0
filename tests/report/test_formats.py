"""The output formats, read by the programs that consume them.

Text (``concise``, ``full``) as people see it, colour and the summary line
under a real pseudo-terminal; JSON validated against the schema that ships in
``docs/schemas/``, its fix edits applied to the file; JUnit parsed as XML;
SARIF's related locations.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from module_files import write_files

from signal_lint import REPOSITORY_URL
from signal_lint.cli import main

pytest_plugins = ["example_project"]  # the `project` fixture: a copy of the example project

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "schemas" / "check-output.schema.json"
ESC = "\x1b["

RECEIVERS = textwrap.dedent(
    """\
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance, create, **kwargs):
        pass


    def on_other(sender):
        pass


    post_save.connect(on_other, dispatch_uid="")
    post_save.connect(lambda sender, **kwargs: None)
    post_save.send(sender=None)
    """
)


@pytest.fixture
def app(tmp_path, monkeypatch):
    write_files(tmp_path, {"shop/__init__.py": "", "shop/signals.py": RECEIVERS})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIGNAL_LINT_CACHE_DIR", str(tmp_path / "cache"))
    for variable in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


def run(capsys, *argv):
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- text --------------------------------------------------------------------------


def test_concise_shows_severity_and_the_fix_marker(app, capsys):
    code, out, _err = run(capsys, "shop")
    assert [line.split(" ", 4)[:4] for line in out.splitlines()[:-1]] == [
        ["shop/signals.py:6:31:", "SIG004", "[error]", "[*]"],  # safe fixes: --fix makes them
        ["shop/signals.py:10:1:", "SIG001", "[error]", "[*]"],
        ["shop/signals.py:14:1:", "SIG015", "[warning]", "[*]"],
        ["shop/signals.py:15:1:", "SIG002", "[error]", "receiver"],  # unsafe: not without asking
        ["shop/signals.py:16:1:", "SIG010", "[error]", "`post_save.send()`"],  # no fix
    ]
    assert code == 1
    out = run(capsys, "--unsafe-fixes", "shop")[1]
    assert out.splitlines()[3].split(" ", 4)[3] == "[*]"


def test_format_is_an_alias_and_text_the_old_name_of_concise(app, capsys):
    concise = run(capsys, "--output-format", "concise", "shop")[1]
    assert run(capsys, "--format", "concise", "shop")[1] == concise
    assert run(capsys, "--output-format", "text", "shop")[1] == concise
    assert run(capsys, "shop")[1] == concise


def test_full_shows_the_source_line_with_carets_under_what_is_flagged(app, capsys):
    out = run(capsys, "--output-format", "full", "shop")[1]
    blocks = out.split("\n\n")
    assert blocks[0].splitlines() == [
        out.splitlines()[0],
        "  |",
        "6 | def on_save(sender, instance, create, **kwargs):",
        "  |                               ^^^^^^",
        "  |",
    ]
    assert blocks[1].splitlines()[2:4] == [  # a ``def`` is flagged up to its name
        "10 | def on_other(sender):",
        "   | ^^^^^^^^^^^^",
    ]
    assert blocks[-1] == "Found 5 findings (3 fixable with --fix; 1 more with --unsafe-fixes).\n"


def test_full_aligns_carets_after_wide_characters_and_tabs(app, capsys):
    (app / "shop" / "signals.py").write_text(
        "from django.db.models.signals import post_save\n\n"
        "def h(sender, **kwargs):\n    pass\n\n"
        '\tpost_save.connect(h, dispatch_uid="")  # 日本\n'.replace("\t", "if True:\n\t")
    )
    out = run(capsys, "--output-format", "full", "shop")[1]
    source, carets = out.splitlines()[2:4]
    assert source.endswith('\tpost_save.connect(h, dispatch_uid="")  # 日本')
    assert carets.endswith("\t" + "^" * len('post_save.connect(h, dispatch_uid="")'))


def test_summary_counts_fixable_findings_and_a_clean_run_passes(app, capsys):
    assert (
        run(capsys, "shop")[1].splitlines()[-1]
        == "Found 5 findings (3 fixable with --fix; 1 more with --unsafe-fixes)."
    )
    assert (
        run(capsys, "--unsafe-fixes", "shop")[1].splitlines()[-1]
        == "Found 5 findings (4 fixable with --fix)."
    )
    assert (
        run(capsys, "--select", "SIG002", "shop")[1].splitlines()[-1]
        == "Found 1 finding (1 fixable with --unsafe-fixes)."
    )
    assert run(capsys, "--select", "SIG010", "shop")[1].splitlines()[-1] == "Found 1 finding."
    assert run(capsys, "--select", "SIG005", "shop") == (0, "All checks passed!\n", "")


def test_no_summary_in_machine_output(app, capsys):
    for fmt in ("json", "sarif", "gitlab", "github", "junit"):
        out = run(capsys, "--output-format", fmt, "shop")[1]
        assert "Found 5" not in out and "All checks passed" not in out, fmt
        assert ESC not in out


def terminal(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    """What ``signal-lint`` prints to a pseudo-terminal: a real TTY, as in a shell."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "signal_lint", *argv],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            process.kill()
            raise AssertionError("no output from signal-lint for 60 s")
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    process.wait(timeout=60)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def piped(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-m", "signal_lint", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    ).stdout


@pytest.fixture
def environ(app):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return {**env, "TERM": "xterm-256color"}


def test_colour_and_summary_on_a_terminal(app, environ):
    out = terminal(["check", "shop"], app, environ)
    assert f"{ESC}1;31mSIG004" in out and f"{ESC}1;33mSIG015" in out  # error red, warning yellow
    plain = [line for line in out.splitlines() if ESC not in line]
    assert plain == []  # every line is coloured, the summary too
    assert "Found 5 findings" in out and out.rstrip().endswith("1 more with --unsafe-fixes)."), out
    clean = terminal(["check", "--select", "SIG005", "shop"], app, environ)
    assert clean == f"{ESC}32m{ESC}1mAll checks passed!{ESC}0m\n"


def test_no_colour_when_piped_or_asked_not_to(app, environ):
    assert ESC not in piped(["check", "shop"], app, environ)
    assert ESC not in terminal(["check", "shop"], app, {**environ, "NO_COLOR": "1"})
    assert ESC not in terminal(["check", "--color", "never", "shop"], app, environ)
    assert ESC not in terminal(["check", "shop"], app, {**environ, "TERM": "dumb"})
    assert ESC not in terminal(["check", "--output-format", "json", "shop"], app, environ)


def test_colour_when_forced(app, environ):
    assert ESC in piped(["check", "shop"], app, {**environ, "FORCE_COLOR": "1"})
    assert ESC in piped(["check", "--color", "always", "shop"], app, environ)
    assert ESC not in piped(["check", "shop"], app, {**environ, "FORCE_COLOR": ""})
    # the command line wins over the environment
    assert ESC in piped(["check", "--color", "always", "shop"], app, {**environ, "NO_COLOR": "1"})
    assert ESC not in piped(
        ["check", "--color", "never", "shop"], app, {**environ, "FORCE_COLOR": "1"}
    )


# --- JSON ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema_validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_json_of_the_example_project_is_valid_against_the_shipped_schema(
    project, capsys, schema_validator
):
    findings = json.loads(run(capsys, "--output-format", "json", ".")[1])
    assert sorted(schema_validator.iter_errors(findings), key=str) == []
    assert len(findings) >= 25
    assert {f["code"] for f in findings if f["related"]} == {"SIG102", "SIG104", "SIG107"}


def test_the_schema_rejects_what_the_contract_forbids(schema_validator):
    good = {
        "code": "SIG004",
        "name": "unknown-receiver-argument",
        "severity": "error",
        "path": "a.py",
        "line": 1,
        "column": 1,
        "end_line": 1,
        "end_column": 2,
        "message": "m",
        "fixable": False,
        "fix": None,
        "url": "https://example.org/SIG004.md",
        "fingerprint": "0123456789abcdef0123:0",
        "related": [],
    }
    assert list(schema_validator.iter_errors([good])) == []
    for bad in (
        {**good, "severity": "fatal"},
        {**good, "code": "E501"},
        {**good, "column": 0},
        {k: v for k, v in good.items() if k != "url"},
        {**good, "fix": {"applicability": "maybe", "edits": []}},
    ):
        assert list(schema_validator.iter_errors([bad])), bad


def test_json_findings_carry_end_url_fingerprint_and_fix(app, capsys):
    findings = json.loads(run(capsys, "--output-format", "json", "shop")[1])
    by_code = {f["code"]: f for f in findings}
    assert (by_code["SIG004"]["end_line"], by_code["SIG004"]["end_column"]) == (6, 37)  # `create`
    assert by_code["SIG004"]["url"] == f"{REPOSITORY_URL}/blob/main/docs/rules/SIG004.md"
    assert by_code["SIG010"]["fix"] is None  # no automatic fix
    assert by_code["SIG002"]["fix"]["applicability"] == "unsafe"
    assert by_code["SIG001"]["fix"] == {
        "applicability": "safe",
        "message": "append `**kwargs` to the parameters",
        "edits": [
            {
                "content": ", **kwargs",
                "location": {"line": 10, "column": 20},
                "end_location": {"line": 10, "column": 20},
            }
        ],
    }
    main(["check", "--write-baseline", "baseline.json", "shop"])
    recorded = json.loads((app / "baseline.json").read_text())["findings"]
    assert sorted(f["fingerprint"] for f in findings) == sorted(r["fingerprint"] for r in recorded)


def apply(text: str, edit: dict) -> str:
    lines = text.splitlines(keepends=True)
    start = sum(map(len, lines[: edit["location"]["line"] - 1])) + edit["location"]["column"] - 1
    end = (
        sum(map(len, lines[: edit["end_location"]["line"] - 1]))
        + edit["end_location"]["column"]
        - 1
    )
    return text[:start] + edit["content"] + text[end:]


def test_json_edits_do_what_fix_does(project, capsys):
    """A tool applying the safe JSON edits (last first) gets the file ``--fix`` writes."""
    findings = json.loads(run(capsys, "--output-format", "json", ".")[1])
    assert {(f["fix"] or {}).get("applicability") for f in findings} == {None, "safe", "unsafe"}
    safe = [f for f in findings if f["fix"] and f["fix"]["applicability"] == "safe"]
    edited: dict[str, str] = {}
    for finding in sorted(safe, key=lambda f: (f["line"], f["column"]), reverse=True):
        for edit in finding["fix"]["edits"]:
            path = finding["path"]
            edited[path] = apply(edited.get(path, (project / path).read_text()), edit)
    assert set(edited) == {"shop/legacy_signals.py", "shop/receivers.py", "shop/tasks.py"}
    apps = (project / "shop" / "apps.py").read_text()  # SIG003's fix there is unsafe
    run(capsys, "--fix", ".")
    for path, text in edited.items():
        assert (project / path).read_text() == text, path
    assert (project / "shop" / "apps.py").read_text() == apps


# --- JUnit ---------------------------------------------------------------------------


def test_junit_is_xml_with_a_failing_case_per_finding(app, capsys):
    code, out, _err = run(capsys, "--output-format", "junit", "shop")
    suites = ET.fromstring(out)
    assert code == 1 and suites.tag == "testsuites"
    assert (suites.get("tests"), suites.get("failures")) == ("5", "5")
    (suite,) = suites.findall("testsuite")
    assert suite.get("name") == "shop/signals.py" and suite.get("failures") == "5"
    cases = suite.findall("testcase")
    assert [(c.get("file"), c.get("line")) for c in cases] == [
        ("shop/signals.py", "6"),
        ("shop/signals.py", "10"),
        ("shop/signals.py", "14"),
        ("shop/signals.py", "15"),
        ("shop/signals.py", "16"),
    ]
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "SIG004"
    assert failure.text.startswith("shop/signals.py:6:31: SIG004 [error] parameter `create`")


def test_junit_of_a_clean_run_is_one_passing_case(app, capsys):
    out = run(capsys, "--output-format", "junit", "--select", "SIG005", "shop")[1]
    suites = ET.fromstring(out)
    assert (suites.get("tests"), suites.get("failures")) == ("1", "0")
    assert [c.find("failure") for c in suites.iter("testcase")] == [None]


def test_junit_escapes_what_xml_cannot_hold(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_bytes(b"x = 1 <\x0c&\n")  # a parse error whose message quotes it
    out = run(capsys, "--output-format", "junit", ".")[1]
    ET.fromstring(out)  # well-formed
    assert "SIG000" in out


# --- SARIF ---------------------------------------------------------------------------


def test_sarif_related_locations_of_project_rules(project, capsys):
    log = json.loads(run(capsys, "--output-format", "sarif", ".")[1])
    related = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): [
            (
                loc["physicalLocation"]["artifactLocation"]["uri"],
                loc["physicalLocation"]["region"]["startLine"],
            )
            for loc in r["relatedLocations"]
        ]
        for r in log["runs"][0]["results"]
        if "relatedLocations" in r
    }
    receivers = (project / "shop" / "receivers.py").read_text().splitlines()
    first = next(n for n, line in enumerate(receivers, 1) if "on_order_saved_first" in line) - 1
    assert related[("SIG102", 124)] == [("shop/receivers.py", first)]  # the winning connection
    assert related[("SIG104", 131)] == [("shop/views.py", 35)]  # the send site that omits it
    # the save receivers the bulk write skips, the ones its message names
    (bulk,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "SIG107"]
    named = [
        loc["message"]["text"].split("`")[1].rsplit(".", 1)[1] for loc in bulk["relatedLocations"]
    ]
    assert named and all(f"`{name}`" in bulk["message"]["text"] for name in named)
    assert bulk["message"]["text"].count("`on_order_saved") == len(named)
    assert all(path == "shop/receivers.py" for path, _ in related[("SIG107", 33)])


def test_formats_few_runs_print_are_imported_only_when_asked_for(app):
    """A ``check`` that prints text never imports the JUnit, SARIF and GitLab reporters; one that
    asks for such a format gets it (the format tests above check what it prints)."""
    probe = (
        "import sys\n"
        "import signal_lint.check_command\n"
        "from signal_lint.report import FORMATS\n"
        "lazy = ['signal_lint.report.' + name for name in ('junit', 'sarif', 'gitlab')]\n"
        "print(sorted(name for name in lazy if name in sys.modules))\n"
        "print(FORMATS['junit'].__name__, FORMATS['sarif'].__name__, FORMATS['gitlab'].__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\nas_junit as_sarif as_gitlab\n"
    for output_format, start in (("junit", "<?xml"), ("sarif", "{"), ("gitlab", "[")):
        printed = subprocess.run(
            [sys.executable, "-m", "signal_lint", "check", "--format", output_format, "shop"],
            capture_output=True,
            text=True,
            cwd=app,
        )
        assert printed.returncode == 1 and printed.stdout.lstrip().startswith(start)
