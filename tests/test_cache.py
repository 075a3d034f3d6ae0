"""The content-hash cache: correct first, fast second."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import signal_lint.cache
from signal_lint import engine
from signal_lint.cli import main

BAD = "from django.db.models.signals import post_save\n\ndef on_save(sender, instance, create, **kwargs):\n    pass\n\npost_save.connect(on_save)\n"
GOOD = BAD.replace("create,", "created,")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SIGNAL_LINT_CACHE_DIR", raising=False)
    for index in range(3):
        (tmp_path / f"m{index}.py").write_text(BAD)
    return tmp_path


@pytest.fixture
def extracted(monkeypatch):
    """The display paths of the files each run really parses."""
    calls = []
    real = engine._extract

    def counting(task):
        calls.append(task[2])
        return real(task)

    monkeypatch.setattr(engine, "_extract", counting)
    return calls


def codes(capsys, *argv):
    main(["check", "--format", "json", "--jobs", "1", *argv, "."])
    return [(f["path"], f["code"]) for f in json.loads(capsys.readouterr().out)]


def test_second_run_parses_nothing_and_gives_the_same_findings(project, capsys, extracted):
    first = codes(capsys)
    assert sorted(extracted) == ["m0.py", "m1.py", "m2.py"]
    extracted.clear()
    assert codes(capsys) == first
    assert extracted == []
    assert (project / ".signal_lint_cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_editing_one_file_reanalyses_that_file_only(project, capsys, extracted):
    codes(capsys)
    extracted.clear()
    (project / "m1.py").write_text(GOOD)
    assert codes(capsys) == [("m0.py", "SIG004"), ("m2.py", "SIG004")]
    assert extracted == ["m1.py"]


def test_changed_config_invalidates_the_findings(project, capsys, extracted):
    codes(capsys)
    (project / "pyproject.toml").write_text('[tool.signal-lint]\nignore = ["SIG004"]\n')
    assert codes(capsys) == []
    (project / "pyproject.toml").write_text('[tool.signal-lint]\nsrc = ["."]\n')
    assert len(codes(capsys)) == 3


def test_changed_tool_version_invalidates(project, capsys, extracted, monkeypatch):
    codes(capsys)
    extracted.clear()
    monkeypatch.setattr(signal_lint.cache, "__version__", "999.0")
    assert len(codes(capsys)) == 3
    assert sorted(extracted) == ["m0.py", "m1.py", "m2.py"]


def test_corrupted_cache_is_ignored_and_rebuilt(project, capsys, extracted):
    first = codes(capsys)
    for entry in (project / ".signal_lint_cache").glob("*.pickle"):
        entry.write_bytes(b"\x80\x04garbage")
    extracted.clear()
    assert codes(capsys) == first
    assert len(extracted) == 3
    extracted.clear()
    assert codes(capsys) == first
    assert extracted == []


def test_no_cache_neither_reads_nor_writes(project, capsys, extracted):
    codes(capsys, "--no-cache")
    assert not (project / ".signal_lint_cache").exists()


def test_cache_dir_from_the_environment(project, capsys, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("SIGNAL_LINT_CACHE_DIR", str(elsewhere))
    codes(capsys)
    assert not (project / ".signal_lint_cache").exists()
    assert list(elsewhere.glob("*.pickle"))


def test_concurrent_runs_leave_a_valid_cache(project):
    for index in range(3, 120):
        (project / f"m{index}.py").write_text(BAD if index % 2 else GOOD)
    command = [sys.executable, "-m", "signal_lint", "check", "--format", "json", "."]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)
    ]
    outputs = [run.communicate()[0] for run in runs]
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0])) == 62
    again = subprocess.run(command, capture_output=True)
    assert again.stdout == outputs[0] and again.stderr == b""
    assert not [p for p in os.listdir(project / ".signal_lint_cache") if p.endswith(".tmp")]
