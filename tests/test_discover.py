"""File discovery: what is walked, what is skipped, and in which order."""

from __future__ import annotations

import os
import time

import pytest

from signal_lint.discover import discover


def make(tmp_path, *names):
    for name in names:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def test_skips_vcs_virtualenvs_node_modules_and_caches(tmp_path):
    make(
        tmp_path,
        "app/models.py",
        ".git/hooks/x.py",
        "node_modules/pkg/x.py",
        "app/__pycache__/x.py",
        "env/lib/x.py",
        ".tox/py311/x.py",
        "pkg.egg-info/x.py",
        "notes.txt",
    )
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    files, messages = discover([str(tmp_path)], str(tmp_path), ())
    assert [f.display for f in files] == [str(tmp_path / "app" / "models.py")]
    assert messages == []


def test_exclude_globs_are_relative_to_the_config_root(tmp_path):
    make(tmp_path, "app/models.py", "app/migrations/0001_initial.py", "legacy/old.py")
    files, _ = discover([str(tmp_path)], str(tmp_path), ("legacy", "*/migrations/*"))
    assert [f.display for f in files] == [str(tmp_path / "app" / "models.py")]


def test_files_are_sorted_and_deduplicated(tmp_path):
    make(tmp_path, "b.py", "a.py", "sub/c.py")
    files, _ = discover([str(tmp_path / "b.py"), str(tmp_path)], str(tmp_path), ())
    assert [f.display.rsplit("/", 1)[-1] for f in files] == ["a.py", "b.py", "c.py"]


def test_trailing_slash_and_dot_prefix_give_the_same_files(tmp_path, monkeypatch):
    make(tmp_path, "shop/__init__.py", "shop/sub/deep.py")
    monkeypatch.chdir(tmp_path)
    for given in ("shop", "./shop/", "shop/"):
        files, _ = discover([given], str(tmp_path), ())
        assert [(f.path, f.display) for f in files] == [
            (str(tmp_path / "shop" / "__init__.py"), "shop/__init__.py"),
            (str(tmp_path / "shop" / "sub" / "deep.py"), "shop/sub/deep.py"),
        ]


# --- symlinks and files reached twice ----------------------------------------------------------

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="symlinks")


@needs_symlinks
def test_a_directory_link_out_of_the_tree_is_not_followed(tmp_path):
    make(tmp_path, "project/app/models.py", "outside/secret/x.py")
    (tmp_path / "project" / "elsewhere").symlink_to(tmp_path / "outside")
    (tmp_path / "project" / "proc").symlink_to("/proc/self")
    files, messages = discover([str(tmp_path / "project")], str(tmp_path / "project"), ())
    assert [f.display for f in files] == [str(tmp_path / "project" / "app" / "models.py")]
    assert messages == [
        f"{tmp_path / 'project' / 'elsewhere'}: skipped, symlink to a directory outside "
        f"{tmp_path / 'project'} ({tmp_path / 'outside'})",
        f"{tmp_path / 'project' / 'proc'}: skipped, symlink to a directory outside "
        f"{tmp_path / 'project'} (/proc/self)",
    ]


@needs_symlinks
def test_a_directory_link_within_the_tree_gives_each_file_once(tmp_path, monkeypatch):
    make(tmp_path, "app/models.py", "tools/helpers.py")
    (tmp_path / "app" / "shared").symlink_to(tmp_path / "tools")
    monkeypatch.chdir(tmp_path)
    files, messages = discover(["."], str(tmp_path), ())
    assert [f.display for f in files] == ["app/models.py", "tools/helpers.py"]
    assert messages == []


@needs_symlinks
def test_a_file_and_a_link_to_it_are_checked_once_under_the_real_name(tmp_path, monkeypatch):
    make(tmp_path, "z_target.py")
    (tmp_path / "a_link.py").symlink_to("z_target.py")
    monkeypatch.chdir(tmp_path)
    for given in (["."], ["a_link.py", "z_target.py"], ["a_link.py", "."]):
        files, _ = discover(given, str(tmp_path), ())
        assert [(f.display, f.path) for f in files] == [
            ("z_target.py", str(tmp_path / "z_target.py"))
        ]


@pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")
def test_hard_links_are_checked_once(tmp_path, monkeypatch):
    make(tmp_path, "z_target.py")
    os.link(tmp_path / "z_target.py", tmp_path / "hard.py")
    monkeypatch.chdir(tmp_path)
    files, _ = discover(["."], str(tmp_path), ())
    assert [f.display for f in files] == ["hard.py"]


@needs_symlinks
def test_a_looping_or_dangling_py_link_is_kept_to_be_reported(tmp_path, monkeypatch):
    make(tmp_path, "good.py")
    (tmp_path / "loop.py").symlink_to("loop.py")
    (tmp_path / "dangling.py").symlink_to("nowhere.py")
    (tmp_path / "notes").symlink_to("notes")  # not *.py: nothing to report
    monkeypatch.chdir(tmp_path)
    files, messages = discover(["."], str(tmp_path), ())
    assert [f.display for f in files] == ["dangling.py", "good.py", "loop.py"]
    assert messages == []


# --- exclude ---------------------------------------------------------------------------------------


def test_exclude_matches_relative_paths_names_and_directories(tmp_path):
    make(
        tmp_path,
        "app/models.py",
        "app/generated_pb2.py",
        "app/settings/local.py",
        "docs/conf.py",
        "vendor/lib/x.py",
        "scripts/one.py",
    )
    patterns = ("*_pb2.py", "app/settings", "docs/conf.py", "vendor", "scripts/*")
    files, _ = discover([str(tmp_path)], str(tmp_path), patterns)
    assert [f.display for f in files] == [str(tmp_path / "app" / "models.py")]
    # a file given on the command line below an excluded directory is excluded too
    given = str(tmp_path / "vendor" / "lib" / "x.py")
    assert discover([given], str(tmp_path), patterns)[0] == []


def _cpu_time_to_discover(root, patterns):
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        files, _ = discover([str(root)], str(root), patterns)
        best = min(best, time.process_time() - start)
    assert len(files) == 600
    return best


def test_a_huge_exclude_list_is_compiled_once(tmp_path):
    """20,000 patterns made discovery 12 times slower: each was matched against each path."""
    for index in range(600):
        make(tmp_path, f"pkg{index % 20}/sub{index % 6}/m{index}.py")

    def patterns(count):
        return [p for i in range(count // 2) for p in (f"gen/file{i}.py", f"gen{i}/*.py")]

    growth = _cpu_time_to_discover(tmp_path, patterns(5000)) / _cpu_time_to_discover(
        tmp_path, patterns(50)
    )
    assert growth < 30, f"100x the patterns took {growth:.0f}x the time"
