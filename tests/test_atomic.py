"""Writing files: caches atomically, users' files in place (``--fix``).

``write_in_place`` is the one write path of fixes: a symlink's target is
rewritten and the link stays, hard links stay linked, mode and owner stay.
"""

from __future__ import annotations

import os
import stat

import pytest

from signal_lint.atomic import write_atomically, write_in_place
from signal_lint.cli import main

BAD = b"from django.db.models.signals import post_save\n\ndef h(sender, instance):\n    pass\n\npost_save.connect(h)\n"
FIXED = BAD.replace(b"instance)", b"instance, **kwargs)")


def test_write_in_place_rewrites_a_symlinks_target_and_keeps_the_link(tmp_path):
    (tmp_path / "target.py").write_bytes(b"old\n")
    (tmp_path / "link.py").symlink_to("target.py")
    write_in_place(str(tmp_path / "link.py"), b"new\n")
    assert os.readlink(tmp_path / "link.py") == "target.py"
    assert (tmp_path / "target.py").read_bytes() == b"new\n"


@pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")
def test_write_in_place_keeps_hard_links(tmp_path):
    (tmp_path / "a.py").write_bytes(b"old content that is longer\n")
    os.link(tmp_path / "a.py", tmp_path / "b.py")
    inode = os.stat(tmp_path / "a.py").st_ino
    write_in_place(str(tmp_path / "b.py"), b"new\n")
    assert os.stat(tmp_path / "a.py").st_ino == os.stat(tmp_path / "b.py").st_ino == inode
    assert (tmp_path / "a.py").read_bytes() == b"new\n"  # truncated to the new length


def test_write_in_place_keeps_the_mode(tmp_path):
    path = tmp_path / "script.py"
    path.write_bytes(b"old\n")
    path.chmod(0o751)
    write_in_place(str(path), b"new\n")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o751
    assert path.read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["script.py"]  # no temporary file left


def test_write_in_place_refuses_what_is_not_a_regular_file(tmp_path):
    (tmp_path / "dir.py").mkdir()
    with pytest.raises(OSError):
        write_in_place(str(tmp_path / "dir.py"), b"x")


def test_write_atomically_replaces_a_link_itself(tmp_path):
    """A cache file that is a link (shipped in a repository) never gets its target written."""
    (tmp_path / "elsewhere").write_bytes(b"keep\n")
    (tmp_path / "cache.json").symlink_to(tmp_path / "elsewhere")
    write_atomically(str(tmp_path / "cache.json"), b"{}")
    assert not (tmp_path / "cache.json").is_symlink()
    assert (tmp_path / "elsewhere").read_bytes() == b"keep\n"


@pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")
def test_fix_edits_a_linked_module_in_place(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "z_target.py").write_bytes(BAD)
    (tmp_path / "z_target.py").chmod(0o640)
    (tmp_path / "a_link.py").symlink_to("z_target.py")
    os.link(tmp_path / "z_target.py", tmp_path / "hard.py")
    inode = os.stat(tmp_path / "z_target.py").st_ino
    assert main(["check", "--fix", "--no-cache", "."]) == 0
    assert capsys.readouterr()[:] == (
        "Found 1 finding (1 fixed, 0 remaining).\n",
        "signal-lint: fixed 1 finding(s)\n",
    )
    assert os.readlink(tmp_path / "a_link.py") == "z_target.py"
    assert os.stat(tmp_path / "hard.py").st_ino == os.stat(tmp_path / "z_target.py").st_ino == inode
    assert (tmp_path / "z_target.py").read_bytes() == FIXED
    assert stat.S_IMODE(os.stat(tmp_path / "z_target.py").st_mode) == 0o640


def test_fix_of_a_symlinked_module_keeps_the_link(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "receivers.py").write_bytes(BAD)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "receivers.py").symlink_to(tmp_path / "real" / "receivers.py")
    assert main(["check", "--fix", "--no-cache", "app"]) == 0
    assert capsys.readouterr()[:] == (
        "Found 1 finding (1 fixed, 0 remaining).\n",
        "signal-lint: fixed 1 finding(s)\n",
    )
    assert (tmp_path / "app" / "receivers.py").is_symlink()
    assert (tmp_path / "real" / "receivers.py").read_bytes() == FIXED
