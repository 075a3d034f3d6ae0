"""File discovery: what is walked, what is skipped, and in which order."""

from __future__ import annotations

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
