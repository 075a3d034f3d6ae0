"""``signal-lint check`` on a project whose environment holds a package: what it reads and reports."""

from __future__ import annotations

import json

from fake_environments import make_environment, project

from signal_lint.cli import main

__all__ = ["project"]  # the fixture, imported for pytest


def check(capsys, *argv: str) -> tuple[int, list[tuple[str, int, str, str]], str]:
    code = main(["check", "--format", "json", *argv])
    out, err = capsys.readouterr()
    findings = [(f["path"], f["line"], f["code"], f["message"]) for f in json.loads(out)]
    return code, findings, err


def test_receivers_of_a_package_signal_are_checked_against_its_send_sites(project, capsys):
    make_environment(project / ".venv")
    code, findings, err = check(capsys, ".")
    assert code == 1
    assert err == ""
    assert [(path, line, code_) for path, line, code_, _ in findings] == [
        ("shop/receivers.py", 12, "SIG004"),
        ("shop/receivers.py", 17, "SIG004"),
    ]
    assert findings[0][3] == (
        "parameter `ordr` of receiver `bill` is never sent by `order_paid`: "
        "dispatch raises `TypeError` (did you mean `order`?)"
    )
    assert "is sent by only some of `order_paid`'s send sites" in findings[1][3]


def test_without_an_environment_the_package_signal_is_unknown_and_verbose_says_why(project, capsys):
    code, findings, err = check(capsys, ".")
    assert (code, findings, err) == (0, [], "")
    code, findings, err = check(capsys, "--verbose", ".")
    assert findings == []
    assert err.count("no Python environment found") == 1


def test_python_option_names_the_environment(project, tmp_path, capsys):
    make_environment(tmp_path / "elsewhere")
    _, findings, _ = check(capsys, ".")
    assert findings == []
    _, findings, err = check(
        capsys, "--python", str(tmp_path / "elsewhere" / "bin" / "python"), "."
    )
    assert [line for _, line, _, _ in findings] == [12, 17] and err == ""


def test_python_config_key_relative_to_the_pyproject(project, tmp_path, capsys):
    make_environment(tmp_path / "envs" / "shop")
    (project / "pyproject.toml").write_text('[tool.signal-lint]\npython = "../envs/shop"\n')
    _, findings, _ = check(capsys, ".")
    assert [line for _, line, _, _ in findings] == [12, 17]


def test_extra_signals_override_what_was_read(project, capsys):
    make_environment(project / ".venv")
    (project / "pyproject.toml").write_text(
        "[tool.signal-lint]\nextra-signals = [\n"
        '  { qualname = "shopkit.signals.order_paid", always = ["order", "ordr", "card"] },\n'
        "]\n"
    )
    _, findings, _ = check(capsys, ".")
    # `ordr` and `card` are declared always sent; `request` and `amount` of `thank` are not
    assert [(line, message.split("`")[1]) for _, line, _, message in findings] == [
        (7, "request"),
        (7, "amount"),
    ]


def test_no_finding_is_reported_in_the_package(project, capsys):
    site = make_environment(project / ".venv")
    (site / "shopkit" / "receivers.py").write_text(
        "from django.dispatch import receiver\nfrom shopkit.signals import order_paid\n\n"
        "@receiver(order_paid)\ndef broken(sender, nothing_sends_this):\n    pass\n"
    )
    _, findings, _ = check(capsys, ".")
    assert {path for path, _, _, _ in findings} == {"shop/receivers.py"}


def test_a_broken_environment_is_a_message_and_the_project_is_still_checked(project, capsys):
    (project / "shop" / "bad.py").write_text(
        "from django.db.models.signals import post_save\nfrom django.dispatch import receiver\n\n"
        "@receiver(post_save)\ndef on_save(sender, instance, create, **kwargs):\n    pass\n"
    )
    (project / ".venv").mkdir()
    (project / ".venv" / "pyvenv.cfg").write_text("version = 3.11.7\n")
    code, findings, err = check(capsys, ".")
    assert [(path, code_) for path, _, code_, _ in findings] == [
        ("shop/bad.py", "SIG101"),  # nothing imports it
        ("shop/bad.py", "SIG004"),
    ]
    assert err.count("no site-packages found") == 1 and "Traceback" not in err
    assert code == 1


def test_a_dispatch_uid_the_package_already_uses_is_sig102(project, capsys):
    make_environment(project / ".venv")
    (project / "shop" / "audit.py").write_text(
        "from django.dispatch import receiver\n\nfrom shopkit.signals import order_paid\n\n\n"
        '@receiver(order_paid, dispatch_uid="shopkit-audit")\n'
        "def audit(sender, order, **kwargs):\n    pass\n"
    )
    (project / "shop" / "apps.py").write_text(
        (project / "shop" / "apps.py")
        .read_text()
        .replace("import receivers", "import audit, receivers")
    )
    _, findings, _ = check(capsys, "--select", "SIG102", ".")
    assert [(path, line) for path, line, _, _ in findings] == [("shop/audit.py", 6)]
    assert "`shopkit.receivers.audit_payment` (installed shopkit 1.2)" in findings[0][3]


def test_the_projects_own_send_of_a_package_signal_is_checked_against_the_packages(project, capsys):
    make_environment(project / ".venv")
    (project / "shop" / "views.py").write_text(
        "from shopkit.signals import order_paid\n\n\n"
        "def resend(request, order):\n"
        "    order_paid.send(sender=None, order=order, request=request)\n"
    )
    _, findings, _ = check(capsys, "--select", "SIG010", ".")
    assert [(path, line, message) for path, line, _, message in findings] == [
        (
            "shop/views.py",
            5,
            "`order_paid.send()` omits `amount`, which shopkit 1.2 always sends with `order_paid`",
        )
    ]


AUDIT = """
import json, os, sys
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        opened.append(os.fsdecode(args[0]))
sys.addaudithook(hook)
from signal_lint.cli import main
code = main(["check", "--format", "json", "."])
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "opened": [os.path.abspath(p) for p in opened]}, out)
"""


def audited_run(tmp_path, project) -> tuple[int, list[str]]:
    """A ``check`` in a fresh interpreter that records every file it opens (audit hook)."""
    import subprocess
    import sys

    record = tmp_path / "opened.json"
    result = subprocess.run(
        [sys.executable, "-c", AUDIT, str(record)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stderr == "", result.stderr
    data = json.loads(record.read_text())
    return data["code"], data["opened"]


def test_a_warm_run_opens_no_file_of_site_packages(project, tmp_path, capsys):
    site = make_environment(project / ".venv")
    first = check(capsys, ".")
    code, opened = audited_run(tmp_path, project)
    assert code == first[0]
    assert [path for path in opened if path.startswith(str(site))] == []
    # the project changed, so the run's findings are recomputed: the packages come from the cache
    (project / "shop" / "other.py").write_text("x = 1\n")
    code, opened = audited_run(tmp_path, project)
    assert code == first[0]
    assert [path for path in opened if path.startswith(str(site))] == []
    assert any(path.endswith("shop/other.py") for path in opened)
    # an upgrade (a new RECORD) reads the package again
    record = site / "shopkit-1.2.dist-info" / "RECORD"
    record.write_text(record.read_text() + "shopkit/extra.py,sha256=y,1\n")
    (site / "shopkit" / "extra.py").write_text("")
    _, opened = audited_run(tmp_path, project)
    assert str(site / "shopkit" / "payments.py") in opened
    assert check(capsys, ".")[1] == first[1]
