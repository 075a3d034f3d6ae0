"""Bad input never produces a traceback and never loses the other files' findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from running import run_signal_lint

from signal_lint.cli import main

GOOD = (
    b"from django.db.models.signals import post_save\n\ndef on_save(sender):\n    pass\n\n"
    b"post_save.connect(on_save)\n"
)


def run(paths, capsys, *extra):
    code = main(["check", "--format", "json", "--jobs", "1", *extra, *map(str, paths)])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def codes_by_file(findings):
    result = {}
    for finding in findings:
        result.setdefault(os.path.basename(finding["path"]), []).append(finding["code"])
    return result


def project(tmp_path: Path, bad_name: str, bad: bytes) -> Path:
    (tmp_path / "good.py").write_bytes(GOOD)
    (tmp_path / bad_name).write_bytes(bad)
    return tmp_path


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("syntax.py", b"def f(:\n    pass\n", "could not parse: invalid syntax"),
        ("python2.py", b'print "hello"\n', "Missing parentheses"),
        ("latin1.py", b'x = "caf\xe9"\n', "not valid text"),
        ("nul.py", b"x = 1\x00\n", "null byte"),
        ("deep.py", b"x = " + b"(" * 100_000 + b")" * 100_000 + b"\n", "nested"),
        (
            "deep_brackets.py",
            b"x = " + b"[" * 150 + b"]" * 150 + b"\n" + b"y = (\n",
            "could not parse",
        ),
        ("tabs.py", b"if True:\n\tx = 1\n        y = 2\n", "could not parse"),
    ],
)
def test_unparsable_file_gives_one_sig000_and_the_others_are_checked(
    tmp_path, capsys, name, content, message
):
    code, findings, err = run([project(tmp_path, name, content)], capsys)
    by_file = codes_by_file(findings)
    assert by_file[name] == ["SIG000"]
    assert by_file["good.py"] == ["SIG001"]
    assert message in next(f for f in findings if f["code"] == "SIG000")["message"]
    assert code == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "name, content",
    [
        ("latin1_cookie.py", b"# -*- coding: latin-1 -*-\nx = 'caf\xe9'\n"),
        ("bom.py", b"\xef\xbb\xbfx = 1\n"),
        ("crlf.py", b"x = 1\r\ny = 2\r\n"),
        ("empty.py", b""),
        (
            "pep695.py",
            b"type Alias = int\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n\nclass Box[T]:\n    pass\n",
        ),
        ("pep701.py", b'name = "x"\nmessage = f"{"nested " + name}"\n'),
        ("pep758.py", b"try:\n    pass\nexcept ValueError, TypeError:\n    pass\n"),
    ],
)
def test_valid_files_in_any_encoding_or_newer_syntax_are_not_sig000(
    tmp_path, capsys, name, content
):
    _code, findings, _err = run([project(tmp_path, name, content)], capsys)
    assert name not in codes_by_file(findings)
    assert codes_by_file(findings)["good.py"] == ["SIG001"]


def test_bom_file_positions_are_unchanged(tmp_path, capsys):
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + GOOD)
    _, findings, _ = run([tmp_path], capsys)
    assert [(f["line"], f["column"]) for f in findings] == [(3, 1)]


def test_newer_syntax_file_still_yields_its_findings(tmp_path, capsys):
    (tmp_path / "new.py").write_bytes(b"type Id = int\n" + GOOD)
    _, findings, _ = run([tmp_path], capsys)
    assert [(f["code"], f["line"]) for f in findings] == [("SIG001", 4)]


def test_five_megabyte_file_is_checked(tmp_path, capsys):
    filler = b"".join(
        b"def helper_%d(value):\n    return value + %d\n\n" % (i, i) for i in range(120_000)
    )
    assert len(filler) > 5_000_000
    (tmp_path / "huge.py").write_bytes(filler + GOOD)
    _code, findings, _err = run([tmp_path], capsys)
    assert [(f["path"].endswith("huge.py"), f["code"]) for f in findings] == [(True, "SIG001")]


def test_unreadable_file_is_reported_and_the_run_goes_on(tmp_path, capsys, monkeypatch):
    project(tmp_path, "secret.py", b"x = 1\n")
    real_open = os.open

    def guarded_open(path, *args, **kwargs):
        if str(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    _code, findings, _err = run([tmp_path], capsys)
    assert codes_by_file(findings) == {"good.py": ["SIG001"], "secret.py": ["SIG000"]}
    assert "Permission denied" in next(f["message"] for f in findings if f["code"] == "SIG000")


def test_dangling_symlink_is_reported(tmp_path, capsys):
    project(tmp_path, "other.py", b"x = 1\n")
    (tmp_path / "gone.py").symlink_to(tmp_path / "nowhere.py")
    _code, findings, _err = run([tmp_path], capsys)
    assert codes_by_file(findings)["gone.py"] == ["SIG000"]
    assert codes_by_file(findings)["good.py"] == ["SIG001"]


def test_directory_symlink_loop_is_reported_once_and_skipped(tmp_path, capsys):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "good.py").write_bytes(GOOD)
    (tmp_path / "pkg" / "sub" / "up").symlink_to(tmp_path / "pkg")
    _code, findings, err = run([tmp_path], capsys)
    assert [os.path.basename(f["path"]) for f in findings] == ["good.py"]
    assert err.count("symlink loop") == 1


# --- command-line paths ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "graph"])
def test_a_missing_path_on_the_command_line_exits_2(tmp_path, capsys, command):
    """A typo in a CI script must fail the job, not pass it with nothing checked."""
    (tmp_path / "good.py").write_bytes(GOOD)
    code = main([command, str(tmp_path / "missing.py"), str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert f"signal-lint: {tmp_path / 'missing.py'}: no such file or directory" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_on_the_command_line_exits_2(tmp_path):
    os.mkfifo(tmp_path / "f.py")
    result = run_signal_lint("check", "f.py", "--no-cache", cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert result.stderr == b"signal-lint: f.py: not a file or directory\n"


# --- only regular files, with a size cap -------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_named_py_is_reported_and_the_others_are_checked(tmp_path):
    (tmp_path / "good.py").write_bytes(GOOD)
    os.mkfifo(tmp_path / "fifo.py")
    result = run_signal_lint("check", ".", "--no-cache", cwd=tmp_path, timeout=30)
    assert result.stdout.decode().splitlines() == [
        "fifo.py:1:1: SIG000 [error] could not read file: not a regular file (a FIFO)",
        "good.py:3:1: SIG001 [error] [*] receiver `on_save` of `post_save` does not accept `**kwargs`: "
        "add `**kwargs` to its parameters",
        "Found 2 findings (1 fixable with --fix).",
    ]
    assert result.returncode == 1


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_a_link_to_a_device_is_not_read(tmp_path, cache):
    (tmp_path / "good.py").write_bytes(GOOD)
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    result = run_signal_lint("check", ".", "--format", "json", *cache, cwd=tmp_path, timeout=30)
    by_file = codes_by_file(json.loads(result.stdout))
    assert by_file == {"good.py": ["SIG001"], "zero.py": ["SIG000"]}
    assert b"not a regular file (a character device)" in result.stdout


def test_a_file_above_the_size_limit_is_reported_not_read(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.py").write_bytes(GOOD)
    (tmp_path / "big.py").write_bytes(GOOD + b"#" * 2000 + b"\n")
    _code, findings, _err = run(["."], capsys, "--max-file-size", "1KB")
    assert codes_by_file(findings) == {"big.py": ["SIG000"], "good.py": ["SIG001"]}
    big = next(f for f in findings if f["path"] == "big.py")
    assert big["message"] == (
        "could not read file: file too large (2,107 bytes; the limit, max-file-size, is 1,000)"
    )
    # the limit from the configuration; the command line wins over it
    (tmp_path / "pyproject.toml").write_text('[tool.signal-lint]\nmax-file-size = "3 KiB"\n')
    _code, findings, _err = run(["."], capsys)
    assert codes_by_file(findings) == {"big.py": ["SIG001"], "good.py": ["SIG001"]}
    _code, findings, _err = run(["."], capsys, "--max-file-size", "2000")
    assert codes_by_file(findings)["big.py"] == ["SIG000"]


def test_the_default_size_limit_is_ten_mebibytes(tmp_path, capsys):
    (tmp_path / "good.py").write_bytes(GOOD)
    (tmp_path / "big.py").write_bytes(b"#" * (10 * 1024 * 1024 + 1))
    _code, findings, _err = run([tmp_path], capsys)
    assert codes_by_file(findings) == {"big.py": ["SIG000"], "good.py": ["SIG001"]}


@pytest.mark.parametrize("value", ["0", "-5", "ten", "5 parsecs", "\uff11\uff10"])
def test_a_bad_size_limit_exits_2(tmp_path, capsys, value):
    (tmp_path / "good.py").write_bytes(GOOD)
    assert main(["check", "--max-file-size", value, str(tmp_path)]) == 2
    assert "--max-file-size must be a positive number of bytes" in capsys.readouterr().err


# --- configuration of the wrong type -------------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (b"tool = 5\n# tool.signal-lint\n", "`tool` must be a table"),
        (b"[tool.signal-lint]\nextra-signals = 5\n", "extra-signals must be an array of tables"),
        (b"[tool.signal-lint]\nextra-signals = [5]\n", "extra-signals must be an array of tables"),
        (b"[tool.signal-lint]\n# caf\xe9\n", "not valid UTF-8"),
        ('[tool.signal-lint]\nselect = ["SIG\u0661"]\n'.encode(), "'SIG\u0661' is not a rule code"),
        (b'[tool.signal-lint]\nignore = ["SIG\\u0031"]\n', None),  # an escaped ASCII digit is fine
        (b'[tool.signal-lint]\nsrc = ["a\\u0000b"]\n', "src must be a list of strings"),
        (b"[tool.signal-lint]\nmax-file-size = true\n", "max-file-size must be a positive number"),
        (b"[tool.signal-lint]\nfail-on = [1]\n", "fail-on must be one of"),
        (b"[tool.signal-lint]\nper-file-ignores = 3\n", "per-file-ignores must be a table"),
        (b"[tool.signal-lint]\ndjango-version = [5]\n", "django-version"),
        (b"[tool]\nsignal-lint = 5\n", "must be a table"),
        (b"[tool.signal-lint\n", "cannot read configuration"),
    ],
)
def test_configuration_of_the_wrong_type_exits_2_with_a_message(tmp_path, capsys, content, message):
    (tmp_path / "pyproject.toml").write_bytes(content)
    (tmp_path / "signals.py").write_bytes(GOOD)
    code = main(["check", "--no-cache", str(tmp_path)])
    out, err = capsys.readouterr()
    if message is None:
        assert code == 1 and "SIG001" in out
        return
    assert code == 2
    assert err.startswith("signal-lint: ") and message in err
    assert "Traceback" not in err


def test_a_tool_table_holding_signal_lint_is_read(tmp_path, capsys):
    """``[tool]`` with ``signal-lint = {...}`` is the same TOML as ``[tool.signal-lint]``."""
    (tmp_path / "pyproject.toml").write_text('[tool]\nsignal-lint = { ignore = ["SIG001"] }\n')
    (tmp_path / "signals.py").write_bytes(GOOD)
    assert main(["check", "--no-cache", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "All checks passed!\n"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_config_from_a_device_is_refused(tmp_path):
    (tmp_path / "good.py").write_bytes(GOOD)
    result = run_signal_lint("check", ".", "--config", "/dev/zero", cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert b"/dev/zero: cannot read configuration: not a regular file" in result.stderr


def test_output_is_identical_with_one_or_two_jobs(tmp_path):
    for index in range(80):
        (tmp_path / f"m{index:03}.py").write_bytes(GOOD if index % 3 else b"def broken(:\n")
    outputs = []
    for jobs in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "signal_lint", "check", "--jobs", jobs, str(tmp_path)],
            capture_output=True,
        )
        outputs.append(result.stdout)
        assert b"Traceback" not in result.stderr
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"SIG000") == 27 and outputs[0].count(b"SIG001") == 53


# --- symlinks --------------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/proc/self"), reason="needs /proc")
def test_a_link_to_proc_self_is_not_walked(tmp_path):
    (tmp_path / "good.py").write_bytes(GOOD)
    (tmp_path / "proc_link").symlink_to("/proc/self")
    result = run_signal_lint("check", ".", "--no-cache", cwd=tmp_path, timeout=30)
    assert result.stdout.decode().count("SIG001") == 1
    assert result.stderr == (
        b"signal-lint: proc_link: skipped, symlink to a directory outside . (/proc/self)\n"
    )


def test_a_self_looping_py_link_is_reported(tmp_path, capsys):
    project(tmp_path, "other.py", b"x = 1\n")
    (tmp_path / "loop.py").symlink_to("loop.py")
    _code, findings, _err = run([tmp_path], capsys)
    assert codes_by_file(findings) == {"good.py": ["SIG001"], "loop.py": ["SIG000"]}
    assert "could not read file: Too many levels of symbolic links" in findings[1]["message"]


# --- file names that are not UTF-8 -------------------------------------------------------------


@pytest.fixture
def undecodable(tmp_path):
    """A project whose module ``bad\\xff.py`` (not valid UTF-8) has a finding."""
    name = b"bad\xff.py"
    try:
        (tmp_path / os.fsdecode(name)).write_bytes(GOOD)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "gitlab"])
def test_a_file_name_that_is_not_utf8_gives_valid_output(undecodable, fmt):
    result = run_signal_lint(
        "check", ".", "--no-cache", "--format", fmt, cwd=undecodable, env={"LC_ALL": "C.UTF-8"}
    )
    assert result.returncode == 1, result.stderr
    text = result.stdout.decode("utf-8")  # valid UTF-8, or this raises
    if fmt != "sarif":  # SARIF names files by URI only
        assert "bad\\xff.py" in text.replace("\\\\", "\\")  # the one escape, in every format
    if fmt in ("json", "sarif", "gitlab"):
        data = json.loads(text)
        assert "\udcff" not in json.dumps(data, ensure_ascii=False)
    if fmt == "sarif":
        import jsonschema

        schema = json.loads(
            (Path(__file__).parent / "report" / "sarif-schema-2.1.0.json").read_text()
        )
        jsonschema.Draft4Validator(schema).validate(data)
        location = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "bad%FF.py"  # the file's own bytes


@pytest.mark.parametrize("fmt", ["text", "json", "dot", "mermaid", "html"])
def test_a_file_name_that_is_not_utf8_gives_a_valid_graph(undecodable, fmt):
    result = run_signal_lint(
        "graph", ".", "--no-cache", "--format", fmt, cwd=undecodable, env={"LC_ALL": "C.UTF-8"}
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")
    if fmt == "json":
        assert "bad\\xff.py" in json.dumps(json.loads(text), ensure_ascii=False).replace(
            "\\\\", "\\"
        )


def test_a_baseline_of_a_file_name_that_is_not_utf8(undecodable, monkeypatch, capsys):
    monkeypatch.chdir(undecodable)
    assert main(["check", "--no-cache", "--write-baseline", "baseline.json", "."]) == 0
    stored = json.loads((undecodable / "baseline.json").read_bytes().decode("utf-8"))
    assert stored["findings"][0]["path"] == "bad\\xff.py"
    assert main(["check", "--no-cache", "--baseline", "baseline.json", "."]) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize(
    "setup, args, message",
    [
        (
            '[tool.signal-lint]\nsignal-catalogs = ["signals.toml"]\n',
            [],
            b"signal-catalogs: cannot read",
        ),
        ("", ["--baseline", "signals.toml"], b"cannot read baseline: not a regular file (a FIFO)"),
    ],
    ids=["signal-catalogs", "baseline"],
)
def test_other_files_a_repository_names_are_not_read_when_they_are_fifos(
    tmp_path, setup, args, message
):
    """A FIFO blocks ``open()`` for ever: every file a run reads is checked first."""
    (tmp_path / "pyproject.toml").write_text(setup or "[project]\nname = 'x'\n")
    (tmp_path / "good.py").write_bytes(GOOD)
    os.mkfifo(tmp_path / "signals.toml")
    result = run_signal_lint("check", ".", "--no-cache", *args, cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert message in result.stderr
