"""Real packages from PyPI (django-allauth, wagtail, django-cms, django-registration), read statically.

The environment is ``conftest.packages_venv``: real wheels, installed by pip,
without signal-lint.  ``fixtures/projects/installed_packages`` receives
allauth's signals; the checks are the ones a user sees, and the graph's
receivers of the packages are compared with what ``django.setup()``
connects when the same project runs in that environment.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest
from packages_environment import FIXTURE_PROJECT, HERE, packages_venv, site_packages

from signal_lint.cli import main
from signal_lint.config import load_config
from signal_lint.engine import graph_paths
from signal_lint.graph import Graph

__all__ = ["packages_venv"]  # the fixture, imported for pytest


@pytest.fixture(scope="module", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory):
    """One cache for the module: the packages are read once (a cold run), then come from it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIGNAL_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def graph(packages_venv: Path) -> Graph:
    config = dataclasses.replace(load_config([str(FIXTURE_PROJECT)]), python=str(packages_venv))
    built, _, messages = graph_paths([str(FIXTURE_PROJECT)], config, jobs=1)
    assert messages == []
    return built


def check_json(capsys, *argv: str) -> list[dict]:
    main(["check", "--format", "json", *argv])
    return json.loads(capsys.readouterr().out)


def test_a_misspelt_argument_of_user_signed_up_is_sig004_with_the_right_suggestion(
    packages_venv, capsys, monkeypatch
):
    monkeypatch.chdir(FIXTURE_PROJECT)
    findings = check_json(capsys, "--python", str(packages_venv / "bin" / "python"), ".")
    assert [(f["path"], f["line"], f["code"], f["message"]) for f in findings] == [
        (
            "accounts/receivers.py",
            6,
            "SIG004",
            "parameter `usr` of receiver `welcome` is never sent by `user_signed_up`: "
            "dispatch raises `TypeError` (did you mean `user`?)",
        )
    ]  # welcome_correctly and remember_login get nothing


def test_the_graph_shows_allauths_own_receivers_on_user_logged_in(graph, packages_venv):
    on_login = [
        e for e in graph.connections if e.signal == "allauth.account.signals.user_logged_in"
    ]
    packaged = {(e.receiver, e.package.name if e.package else None) for e in on_login}
    assert packaged == {
        ("accounts.receivers.remember_login", None),
        ("allauth.usersessions.signals.on_user_logged_in", "django-allauth"),
    }
    edge = next(e for e in on_login if e.package is not None)
    assert (edge.package.version, edge.status, edge.phase) == ("65.22.1", "live", "ready")
    assert edge.path == str(site_packages(packages_venv) / "allauth" / "usersessions" / "apps.py")


def test_the_json_graph_marks_package_receivers_and_hides_them_unless_asked(
    packages_venv, capsys, monkeypatch
):
    monkeypatch.chdir(FIXTURE_PROJECT)
    python = ["--python", str(packages_venv)]
    main(["graph", "--format", "json", *python, "--include-installed", "."])
    data = json.loads(capsys.readouterr().out)
    allauth = {"name": "django-allauth", "version": "65.22.1"}
    assert {
        "signal": "allauth.account.signals.user_logged_in",
        "receiver": "allauth.usersessions.signals.on_user_logged_in",
        "installed": allauth,
    }.items() <= next(
        c
        for c in data["connections"]
        if c["receiver"] == "allauth.usersessions.signals.on_user_logged_in"
        and c["signal"].endswith("user_logged_in")
    ).items()
    assert {
        "name": "allauth.usersessions.signals.on_user_logged_in",
        "installed": allauth,
    }.items() <= {r["name"]: r for r in data["receivers"]}[
        "allauth.usersessions.signals.on_user_logged_in"
    ].items()
    main(["graph", "--format", "json", *python, "."])
    plain = json.loads(capsys.readouterr().out)
    assert {c["receiver"] for c in plain["connections"]} == {
        "accounts.receivers.welcome",
        "accounts.receivers.welcome_correctly",
        "accounts.receivers.remember_login",
    }
    assert all(c["installed"] is None for c in plain["connections"])
    # the packages' signals the project receives stay, marked as theirs
    signals = {s["name"]: s["installed"] for s in plain["signals"]}
    assert signals["allauth.account.signals.user_signed_up"] == allauth


def runtime_receivers(venv: Path) -> list[dict]:
    """What ``django.setup()`` connects, run in the packages' environment."""
    result = subprocess.run(
        [
            str(venv / "bin" / "python"),
            str(HERE / "runtime_receivers.py"),
            str(FIXTURE_PROJECT),
            "mysite.settings",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_the_packages_receivers_at_django_setup_are_the_graphs(packages_venv, graph):
    static = {
        (edge.signal, edge.receiver)
        for edge in graph.connections
        if edge.package is not None and edge.status == "live" and not edge.conditional
    }
    assert graph.project is not None
    read = {module.split(".")[0] for module in graph.project.origins}
    assert {"allauth", "wagtail", "cms", "django_registration"} <= read
    running = set()
    for item in runtime_receivers(packages_venv):
        names = [name for name in item["receivers"] if name.split(".")[0] in read]
        if not names:
            continue  # the project's own, Django's, or a dependency's the graph does not read
        known = [name for name in item["signals"] if name in graph.signals]
        assert known, f"a signal the graph does not know: {item}"
        running.add((known[0], names[0]))
    assert sorted(running - static) == []  # connected by Django, missing from the graph
    assert sorted(static - running) == []  # in the graph, never connected by Django
    assert len(static) >= 40  # allauth, wagtail and django-cms connect 50 distinct pairs
