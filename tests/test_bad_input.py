"""Bad input never produces a traceback and never loses the other files' findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from signal_lint.cli import main

GOOD = b"from django.db.models.signals import post_save\n\ndef on_save(sender):\n    pass\n\npost_save.connect(on_save)\n"


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
    real_open = open

    def guarded_open(path, *args, **kwargs):
        if str(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded_open)
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


def test_missing_path_is_a_message_not_a_crash(tmp_path, capsys):
    (tmp_path / "good.py").write_bytes(GOOD)
    _code, findings, err = run([tmp_path / "missing", tmp_path], capsys)
    assert "missing: no such file or directory" in err
    assert len(findings) == 1


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
