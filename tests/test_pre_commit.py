"""The pre-commit hook: ``--project-root`` semantics, and the real ``pre-commit try-repo`` on a small Django app.

The ``try-repo`` command is docs/pre-commit.md's, pointed at a git repository
holding this working tree's package (what ``pip install .`` needs), so the
test exercises the code under test, in a fresh clone on CI as here.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from packages_environment import FIXTURE_PROJECT, build_environment

from signal_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent

APPS = textwrap.dedent(
    """\
    from django.apps import AppConfig


    class ShopConfig(AppConfig):
        name = "shop"

        def ready(self):
            from shop import signals  # noqa: F401
    """
)
MODELS = textwrap.dedent(
    """\
    from django.db import models


    class Order(models.Model):
        total = models.IntegerField(default=0)
    """
)
BAD_SIGNALS = textwrap.dedent(
    """\
    from django.db.models.signals import post_save
    from django.dispatch import receiver

    from shop.models import Order


    @receiver(post_save, sender=Order)
    def on_order_saved(sender, instance, create, **kwargs):
        pass
    """
)
FIXED_SIGNALS = BAD_SIGNALS.replace("create, **kwargs", "created, **kwargs")
OTHER = textwrap.dedent(
    """\
    from django.db.models.signals import post_delete
    from django.dispatch import receiver


    @receiver(post_delete, dispatch_uid="")
    def on_delete(sender, **kwargs):
        pass
    """
)
PASSED = "All checks passed!\n"  # the summary line of a run without findings
ONE_FINDING = "Found 1 finding (1 fixable with --fix).\n"
FINDING = (
    "shop/signals.py:8:38: SIG004 [error] [*] parameter `create` of receiver `on_order_saved` is "
    "never sent by `post_save`: dispatch raises `TypeError` (did you mean `created`?)"
)


def write_app(directory: Path, signals: str = BAD_SIGNALS) -> None:
    (directory / "shop").mkdir(parents=True, exist_ok=True)
    (directory / "pyproject.toml").write_text("[tool.signal-lint]\n")
    (directory / "shop" / "__init__.py").write_text("")
    (directory / "shop" / "apps.py").write_text(APPS)
    (directory / "shop" / "models.py").write_text(MODELS)
    (directory / "shop" / "signals.py").write_text(signals)


@pytest.fixture
def app(tmp_path, monkeypatch):
    write_app(tmp_path / "app")
    monkeypatch.chdir(tmp_path / "app")
    monkeypatch.setenv("SIGNAL_LINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "app"


def run(capsys, *argv):
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- --project-root: analyse the whole project, report the given files -------


def test_project_root_reports_only_the_given_files(app, capsys):
    (app / "shop" / "other.py").write_text(OTHER)
    assert run(capsys, "--project-root", ".", "shop/signals.py") == (
        1,
        FINDING + "\n" + ONE_FINDING,
        "",
    )
    code, out, err = run(capsys, "--project-root", ".", "shop/apps.py", "shop/models.py")
    assert (code, out, err) == (0, PASSED, "")
    code, out, err = run(capsys, "--project-root", ".", "shop/other.py")
    assert code == 1 and "\nshop/other.py:5:2: SIG015 " in "\n" + out


def test_project_root_sees_the_whole_project(app, capsys):
    # on_saved in handlers.py is connected from signals.py: checking handlers.py alone
    # does not know it is a post_save receiver; with --project-root it does.
    (app / "shop" / "handlers.py").write_text(
        "def on_saved(sender, instance, create, **kwargs):\n    pass\n"
    )
    (app / "shop" / "signals.py").write_text(
        "from django.db.models.signals import post_save\n\n"
        "from shop.handlers import on_saved\n\npost_save.connect(on_saved)\n"
    )
    assert run(capsys, "--no-cache", "shop/handlers.py")[1] == PASSED
    code, out, _err = run(capsys, "--project-root", ".", "shop/handlers.py")
    assert code == 1 and out.startswith(
        "shop/handlers.py:1:32: SIG004 [error] [*] parameter `create` of receiver `on_saved`"
    )


def test_project_root_reports_everything_below_a_given_directory(app, capsys):
    assert run(capsys, "--project-root", ".", "shop") == (1, FINDING + "\n" + ONE_FINDING, "")
    assert run(capsys, "--project-root", ".") == (1, FINDING + "\n" + ONE_FINDING, "")


def test_project_root_with_a_file_outside_it(app, tmp_path, capsys):
    (tmp_path / "outside.py").write_text(OTHER)
    code, out, _err = run(capsys, "--project-root", ".", "../outside.py")
    assert code == 1 and "\n../outside.py:5:2: SIG015 " in "\n" + out


def test_project_root_must_be_a_directory(app, capsys):
    code, _out, err = run(capsys, "--project-root", "missing", "shop/signals.py")
    assert code == 2 and "--project-root missing: not a directory" in err


# --- the real pre-commit -------------------------------------------------------


def git(*argv: str, cwd: Path) -> None:
    subprocess.run(["git", *argv], cwd=cwd, check=True, capture_output=True, timeout=60)


def hook_repository(destination: Path) -> Path:
    """A git repository holding what pre-commit needs of this checkout, as it is in the working tree."""
    destination.mkdir()
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, destination / name)
    shutil.copytree(
        ROOT / "signal_lint",
        destination / "signal_lint",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    git("init", "-q", cwd=destination)
    git("add", "-A", cwd=destination)
    git(
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@example.com",
        "commit",
        "-q",
        "-m",
        "hook",
        cwd=destination,
    )
    return destination


def pre_commit(*argv: str, cwd: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "SIGNAL_LINT_CACHE_DIR": str(cwd.parent / f"{cwd.name}-cache"),
        "PRE_COMMIT_HOME": str(cwd.parent / f"{cwd.name}-home"),
    }
    environment.pop("PRE_COMMIT", None)
    return subprocess.Popen(
        [sys.executable, "-m", "pre_commit", *argv],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def documented_try_repo(hooks: Path) -> list[str]:
    """docs/pre-commit.md's ``pre-commit try-repo URL ...`` command, on the local hook repository."""
    text = (ROOT / "docs" / "pre-commit.md").read_text(encoding="utf-8")
    (line,) = [line for line in text.splitlines() if line.startswith("pre-commit try-repo ")]
    argv = shlex.split(line)
    assert argv[2].startswith("https://")
    return [*argv[1:2], str(hooks), *argv[3:]]


@pytest.fixture(scope="module")
def try_repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    """docs/pre-commit.md's try-repo on three projects at once (try-repo installs the hook into a
    fresh environment each time): a bad receiver, the same fixed, and a project whose ``.venv``
    holds real packages from PyPI (allauth, wagtail, django-cms) but not signal-lint."""
    if shutil.which("git") is None:
        pytest.fail("pre-commit needs git")
    tmp_path = tmp_path_factory.mktemp("pre-commit")
    hooks = hook_repository(tmp_path / "signal-lint")
    command = documented_try_repo(hooks)
    assert command == ["try-repo", str(hooks), "signal-lint", "--all-files"]
    projects = {}
    for name, signals in (("bad", BAD_SIGNALS), ("fixed", FIXED_SIGNALS)):
        projects[name] = tmp_path / name
        write_app(projects[name], signals)
    projects["installed"] = tmp_path / "installed"
    shutil.copytree(FIXTURE_PROJECT, projects["installed"])
    (projects["installed"] / ".venv").symlink_to(build_environment())
    (projects["installed"] / ".gitignore").write_text(".venv\n")
    runs = {}
    for name, project in projects.items():
        git("init", "-q", cwd=project)
        git("add", "-A", cwd=project)
        runs[name] = pre_commit(*command, cwd=project)
    return {name: (run.wait(timeout=300), run.communicate()[0]) for name, run in runs.items()}


def test_pre_commit_try_repo_fails_on_a_bad_receiver_and_passes_when_fixed(try_repo):
    (bad_code, bad_output), (fixed_code, fixed_output) = try_repo["bad"], try_repo["fixed"]
    assert bad_code == 1, bad_output
    assert re.search(r"^signal-lint\.+Failed$", bad_output, re.MULTILINE), bad_output
    assert FINDING in bad_output.splitlines()
    assert fixed_code == 0, fixed_output
    assert re.search(r"^signal-lint\.+Passed$", fixed_output, re.MULTILINE), fixed_output
    assert "SIG0" not in fixed_output


def test_pre_commit_reads_the_projects_venv_without_signal_lint_in_it(try_repo):
    # The hook runs in pre-commit's own environment (VIRTUAL_ENV points there); the project's
    # .venv holds allauth and not signal-lint: its user_signed_up is still known.
    code, output = try_repo["installed"]
    assert code == 1, output
    assert re.search(r"^signal-lint\.+Failed$", output, re.MULTILINE), output
    assert [line for line in output.splitlines() if " SIG" in line] == [
        "accounts/receivers.py:6:30: SIG004 [error] [*] parameter `usr` of receiver `welcome` is never sent "
        "by `user_signed_up`: dispatch raises `TypeError` (did you mean `user`?)"
    ]


def test_pre_commit_fix_hook_fixes_the_file_and_stops_the_commit(tmp_path):
    """``signal-lint-fix``: the safe fix is written, pre-commit fails the run as for any hook that
    changes files, and the fixed file passes."""
    hooks = hook_repository(tmp_path / "signal-lint")
    project = tmp_path / "bad"
    write_app(project, BAD_SIGNALS)
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    run = pre_commit("try-repo", str(hooks), "signal-lint-fix", "--all-files", cwd=project)
    output, _ = run.communicate(timeout=300)
    assert run.returncode == 1, output
    assert re.search(r"^signal-lint \(fix\)\.+Failed$", output, re.MULTILINE), output
    assert "files were modified by this hook" in output
    assert (project / "shop" / "signals.py").read_text() == FIXED_SIGNALS
