"""The content-hash cache: correct first, fast second."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from running import run_signal_lint

import signal_lint.cache
from signal_lint import engine
from signal_lint.cli import main

BAD = (
    "from django.db.models.signals import post_save\n\n"
    "def on_save(sender, instance, create, **kwargs):\n    pass\n\npost_save.connect(on_save)\n"
)
GOOD = BAD.replace("create,", "created,")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SIGNAL_LINT_CACHE_DIR", raising=False)
    # no environment (an activated one would add its installed-package index to the cache)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
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
    written = list((project / ".signal_lint_cache").glob("*-*"))
    assert len(written) == 2
    for entry in written:
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
    assert list(elsewhere.glob("run-*.json"))


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


# --- the cache is data: nothing in it runs, nothing in it is trusted ---------------------------


def cache_files(project):
    return sorted((project / ".signal_lint_cache").glob("*-*"))


class _RunsCode:
    """Unpickling this runs ``open(marker, 'w')``: what a hostile cache file would do."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('ran')",))


def test_no_code_runs_from_a_cache_file_shipped_in_the_repository(project, capsys, extracted):
    import hashlib
    import pickle

    marker = project.parent / "MARKER"
    payload = pickle.dumps(_RunsCode(marker))
    first = codes(capsys)
    directory = project / ".signal_lint_cache"
    # every file the cache wrote, and the run cache under the name an attacker can predict
    # (it depends only on the project's absolute path), in every format
    predictable = hashlib.blake2b(str(project).encode(), digest_size=8).hexdigest()
    targets = [*cache_files(project)] + [
        directory / f"run-{signal_lint.__version__}-{predictable}.{ext}"
        for ext in ("pickle", "json")
    ]
    for target in targets:
        target.write_bytes(payload)
    extracted.clear()
    assert codes(capsys) == first
    assert not marker.exists()
    assert sorted(extracted) == ["m0.py", "m1.py", "m2.py"]  # the damaged cache was rebuilt


def test_cache_files_are_json(project, capsys):
    codes(capsys)
    files = cache_files(project)
    assert [f.name.split("-")[0] for f in files] == ["facts", "run"]
    for path in files:
        assert path.suffix == ".json"
        assert json.loads(path.read_bytes())["signal-lint"] in ("facts", "run")


def _rewrite_entries(project, change):
    """Apply ``change(facts_data)`` to every facts entry of the cache, and drop the run cache."""
    facts, run = cache_files(project)
    data = json.loads(facts.read_text())
    for entry in data["entries"].values():
        entry[2] = change(entry[2])
    facts.write_text(json.dumps(data))
    run.unlink()


@pytest.mark.parametrize(
    "change",
    [
        lambda facts: "not facts",
        lambda facts: None,
        lambda facts: facts[:-1],  # a field missing
        lambda facts: [*facts, 1],  # a field too many
        lambda facts: [facts[0], 5, *facts[2:]],  # module: an int
        lambda facts: [*facts[:2], "yes", *facts[3:]],  # is_package: a string
        lambda facts: [*facts[:4], ["message", "1", 0], *facts[5:]],  # parse_error.line: a string
        lambda facts: [*facts[:6], [["os", [], 1.5, "module", None, False]], *facts[7:]],
        lambda facts: [*facts[:6], [["os", [7], 1, "module", None, False]], *facts[7:]],
        lambda facts: [*facts[:6], [{"module": "os"}], *facts[7:]],
        lambda facts: ["elsewhere.py", *facts[1:]],  # facts of another path
    ],
    ids=[
        "string", "null", "short", "long", "int-module", "str-bool", "str-line", "float-line",
        "int-in-names", "object", "other-path",
    ],
)  # fmt: skip
def test_a_wrong_typed_facts_entry_is_ignored_and_rebuilt(project, capsys, extracted, change):
    first = codes(capsys)
    _rewrite_entries(project, change)
    extracted.clear()
    main(["check", "--format", "json", "--jobs", "1", "."])
    out, err = capsys.readouterr()
    assert [(f["path"], f["code"]) for f in json.loads(out)] == first
    assert "Traceback" not in err and err == ""
    assert sorted(extracted) == ["m0.py", "m1.py", "m2.py"]
    extracted.clear()
    assert codes(capsys) == first
    assert extracted == []  # and the rebuilt entries are good again


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the JSON reader's recursion
        b'{"signal-lint": "run", "findings": NaN}',
        b"\xff\xfe not text",
        b"",
        b"{}",
        b"[1, 2, 3]",
    ],
    ids=["deep", "nan", "binary", "empty", "object", "array"],
)
def test_a_damaged_cache_file_is_ignored(project, capsys, extracted, content):
    first = codes(capsys)
    for path in cache_files(project):
        path.write_bytes(content)
    extracted.clear()
    assert codes(capsys) == first
    assert len(extracted) == 3


def test_a_wrong_typed_run_cache_is_ignored(project, capsys, extracted):
    first = codes(capsys)
    run = cache_files(project)[1]
    data = json.loads(run.read_text())
    data["findings"][0][4] = "12"  # a line that is a string
    run.write_text(json.dumps(data))
    assert codes(capsys) == first
    assert extracted == ["m0.py", "m1.py", "m2.py"]  # the first run; the second used the facts
    data["findings"] = "none"
    run.write_text(json.dumps(data))
    assert codes(capsys) == first


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_cache_file_that_is_a_fifo_or_a_device_is_not_read(project, capsys):
    first = codes(capsys)
    facts, run = cache_files(project)
    facts.unlink()
    os.mkfifo(facts)
    run.unlink()
    run.symlink_to("/dev/zero")
    result = run_signal_lint(
        "check", "--format", "json", "--jobs", "1", ".", cwd=project, timeout=30
    )
    assert [(f["path"], f["code"]) for f in json.loads(result.stdout)] == first
    assert result.stderr == b""  # neither blocked nor read without end


# --- where the cache lives -----------------------------------------------------------------------


def test_cache_lives_at_the_project_root_not_the_current_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SIGNAL_LINT_CACHE_DIR", raising=False)
    (tmp_path / "proj" / "pkg").mkdir(parents=True)
    (tmp_path / "proj" / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n"
    )  # no [tool.signal-lint]
    (tmp_path / "proj" / "pkg" / "m.py").write_text(BAD)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    main(["check", "--jobs", "1", str(tmp_path / "proj" / "pkg")])
    assert capsys.readouterr().out.splitlines()[1:] == ["Found 1 finding (1 fixable with --fix)."]
    assert not (tmp_path / "elsewhere" / ".signal_lint_cache").exists()
    assert len(list((tmp_path / "proj" / ".signal_lint_cache").glob("run-*.json"))) == 1


def test_without_a_pyproject_the_cache_is_in_the_current_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SIGNAL_LINT_CACHE_DIR", raising=False)
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "m.py").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    main(["check", "--jobs", "1", "code"])
    capsys.readouterr()
    assert (tmp_path / ".signal_lint_cache").is_dir()


def test_cache_dir_option_overrides_the_environment(project, capsys, tmp_path_factory, monkeypatch):
    from_environment = tmp_path_factory.mktemp("environment")
    chosen = tmp_path_factory.mktemp("chosen")
    monkeypatch.setenv("SIGNAL_LINT_CACHE_DIR", str(from_environment))
    first = codes(capsys, "--cache-dir", str(chosen))
    assert not list(from_environment.iterdir())
    assert not (project / ".signal_lint_cache").exists()
    assert [p.name.split("-")[0] for p in sorted(chosen.glob("*-*"))] == ["facts", "run"]
    assert codes(capsys, "--cache-dir", str(chosen)) == first
    main(["graph", "--format", "json", "--cache-dir", str(chosen), "."])
    capsys.readouterr()
    assert not list(from_environment.iterdir())


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symlinks")
def test_a_default_cache_directory_that_is_a_symlink_is_not_used(project, capsys, tmp_path_factory):
    target = tmp_path_factory.mktemp("target")
    (project / ".signal_lint_cache").symlink_to(target, target_is_directory=True)
    main(["check", "--format", "json", "--jobs", "1", "."])
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == 3
    assert "is a symbolic link, cache not used" in err
    assert list(target.iterdir()) == []
