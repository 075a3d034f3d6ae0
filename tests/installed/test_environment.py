"""Finding the project's environment and its site-packages from the layout, never running it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from signal_lint.installed.environment import find_environment, read_or_none


def make_venv(
    prefix: Path, version: str = "3.11", layout: str = "posix", cfg: str | None = None
) -> Path:
    """A virtual environment's skeleton: pyvenv.cfg, an interpreter that cannot run, site-packages."""
    prefix.mkdir(parents=True)
    (prefix / "pyvenv.cfg").write_text(
        cfg if cfg is not None else f"home = /nowhere/bin\nversion = {version}.7\n"
    )
    if layout == "windows":
        (prefix / "Scripts").mkdir()
        (prefix / "Scripts" / "python.exe").write_bytes(b"MZ not really\n")
        site = prefix / "Lib" / "site-packages"
    else:
        (prefix / "bin").mkdir()
        (prefix / "bin" / "python").symlink_to("/nowhere/python3")  # dangling: never run
        site = prefix / "lib" / f"python{version}" / "site-packages"
    site.mkdir(parents=True)
    return site


def test_an_interpreter_path_names_its_venv(tmp_path):
    site = make_venv(tmp_path / "env")
    search = find_environment(str(tmp_path / "env" / "bin" / "python"), str(tmp_path))
    assert search.environment is not None
    assert search.environment.site_packages == (str(site),)
    assert search.environment.prefix == str(tmp_path / "env")


def test_a_venv_directory(tmp_path):
    site = make_venv(tmp_path / "env")
    search = find_environment(str(tmp_path / "env"), str(tmp_path))
    assert search.environment is not None and search.environment.site_packages == (str(site),)


def test_windows_layout(tmp_path):
    site = make_venv(tmp_path / "env", layout="windows")
    for given in ("env", os.path.join("env", "Scripts", "python.exe")):
        search = find_environment(str(tmp_path / given), str(tmp_path))
        assert search.environment is not None
        assert search.environment.site_packages == (str(site),)


def test_the_venv_version_is_preferred_when_several_are_there(tmp_path):
    make_venv(tmp_path / "env", version="3.12")
    (tmp_path / "env" / "lib" / "python3.10" / "site-packages").mkdir(parents=True)
    (tmp_path / "env" / "lib" / "python3.13" / "site-packages").mkdir(parents=True)
    search = find_environment(str(tmp_path / "env"), str(tmp_path))
    assert search.environment is not None
    assert [Path(p).parent.name for p in search.environment.site_packages] == [
        "python3.12",
        "python3.13",
        "python3.10",
    ]


def test_system_site_packages_follow_when_the_venv_includes_them(tmp_path):
    base_site = tmp_path / "base" / "lib" / "python3.11" / "site-packages"
    base_site.mkdir(parents=True)
    cfg = f"home = {tmp_path / 'base' / 'bin'}\ninclude-system-site-packages = true\nversion = 3.11.2\n"
    site = make_venv(tmp_path / "env", cfg=cfg)
    search = find_environment(str(tmp_path / "env"), str(tmp_path))
    assert search.environment is not None
    assert search.environment.site_packages == (str(site), str(base_site))


def test_virtual_env_then_dot_venv_then_venv(tmp_path):
    project = tmp_path / "project"
    active = make_venv(tmp_path / "active")
    dot_venv = make_venv(project / ".venv")
    plain = make_venv(project / "venv")
    environ = {"VIRTUAL_ENV": str(tmp_path / "active")}
    assert find_environment(None, str(project), environ).environment.site_packages == (str(active),)
    found = find_environment(None, str(project), {}).environment
    assert found.site_packages == (str(dot_venv),) and found.found_by == ".venv"
    (project / ".venv" / "pyvenv.cfg").unlink()
    found = find_environment(None, str(project), {}).environment
    assert found.site_packages == (str(plain),) and found.found_by == "venv"


def test_the_option_wins_over_virtual_env(tmp_path):
    chosen = make_venv(tmp_path / "chosen")
    make_venv(tmp_path / "active")
    search = find_environment(
        str(tmp_path / "chosen"), str(tmp_path), {"VIRTUAL_ENV": str(tmp_path / "active")}
    )
    assert search.environment.site_packages == (str(chosen),)


def test_pre_commits_own_environment_is_not_the_projects(tmp_path):
    # pre-commit sets VIRTUAL_ENV to the hook's environment (the one running signal-lint)
    # and PRE_COMMIT=1: the project's .venv is the one to read.
    project_site = make_venv(tmp_path / ".venv")
    environ = {"VIRTUAL_ENV": sys.prefix, "PRE_COMMIT": "1"}
    search = find_environment(None, str(tmp_path), environ)
    assert search.environment.site_packages == (str(project_site),)
    # Outside pre-commit, an activated environment is the project's, even signal-lint's own.
    search = find_environment(None, str(tmp_path), {"VIRTUAL_ENV": sys.prefix})
    assert search.environment.prefix == sys.prefix


def test_nothing_found_is_a_note_not_a_problem(tmp_path):
    search = find_environment(None, str(tmp_path), {})
    assert search.environment is None and search.problem is None
    assert "no Python environment found" in search.note


def test_a_named_path_that_does_not_exist_is_a_problem(tmp_path):
    search = find_environment(str(tmp_path / "missing" / "bin" / "python"), str(tmp_path))
    assert search.environment is None
    assert search.problem.endswith("missing/bin/python: no such file or directory")


def test_a_venv_without_site_packages_is_a_problem(tmp_path):
    site = make_venv(tmp_path / "env")
    site.rmdir()
    search = find_environment(None, str(tmp_path), {"VIRTUAL_ENV": str(tmp_path / "env")})
    assert search.environment is None
    assert "no site-packages found" in search.problem


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_where_pyvenv_cfg_should_be_does_not_block(tmp_path):
    (tmp_path / "env" / "lib" / "python3.11" / "site-packages").mkdir(parents=True)
    os.mkfifo(tmp_path / "env" / "pyvenv.cfg")
    assert read_or_none(str(tmp_path / "env" / "pyvenv.cfg"), 100) is None
    search = find_environment(str(tmp_path / "env"), str(tmp_path))
    assert search.environment is not None  # the layout alone is enough


def test_read_or_none_refuses_directories_and_large_files(tmp_path):
    (tmp_path / "big").write_bytes(b"x" * 101)
    (tmp_path / "small").write_bytes(b"x" * 100)
    assert read_or_none(str(tmp_path), 100) is None
    assert read_or_none(str(tmp_path / "big"), 100) is None
    assert read_or_none(str(tmp_path / "small"), 100) == b"x" * 100
    assert read_or_none(str(tmp_path / "missing"), 100) is None
