"""Rules that read what installed packages add: SIG001, SIG105, versions, broken package files."""

from __future__ import annotations

import json
import os

import pytest
from fake_environments import SHOPKIT, make_environment, project

from signal_lint.cli import main

__all__ = ["project"]  # the fixture, imported for pytest


def check(capsys, *argv: str) -> tuple[list[tuple[str, int, str, str]], str]:
    main(["check", "--format", "json", *argv, "."])
    out, err = capsys.readouterr()
    return [(f["path"], f["line"], f["code"], f["message"]) for f in json.loads(out)], err


def test_sig001_on_a_receiver_of_a_package_signal_in_a_module_not_named_signals(project, capsys):
    files = dict(SHOPKIT)
    files["shopkit/events.py"] = "from django.dispatch import Signal\n\nstock_low = Signal()\n"
    make_environment(project / ".venv", files)
    (project / "shop" / "stock.py").write_text(
        "from shopkit.events import stock_low\n\n\n"
        "def reorder(sender, product):\n    pass\n\n\n"
        "stock_low.connect(reorder)\n"
    )
    findings, _ = check(capsys, "--select", "SIG001")
    assert [(path, line, code) for path, line, code, _ in findings] == [
        ("shop/stock.py", 4, "SIG001")
    ]
    # without the environment, `shopkit.events` is not known to hold signals
    findings, _ = check(capsys, "--select", "SIG001", "--python", str(project / "missing"))
    assert findings == []


def test_sig105_never_judges_a_package_signal(project, capsys):
    # shopkit's refund_requested is sent and never received, order_paid received by the project:
    # neither is the project's to judge; the project's own unused signal still is
    make_environment(project / ".venv")
    (project / "shop" / "signals.py").write_text(
        "from django.dispatch import Signal\n\nnever_used = Signal()\n"
    )
    (project / "shop" / "apps.py").write_text(
        (project / "shop" / "apps.py")
        .read_text()
        .replace("import receivers", "import receivers, signals")
    )
    findings, _ = check(capsys, "--select", "SIG105")
    assert [(path, code) for path, _, code, _ in findings] == [("shop/signals.py", "SIG105")]


def test_the_installed_versions_send_sites_are_the_ones_used(project, tmp_path, capsys):
    # shopkit 1.3 sends `card` on every payment: `stamp` requiring it is fine there
    newer = dict(SHOPKIT)
    newer["shopkit/payments.py"] = SHOPKIT["shopkit/payments.py"].replace(
        "            return pay(request, order)\n",
        '            return pay(request, order, extra={"card": None})\n',
    )
    make_environment(tmp_path / "v12")
    site = make_environment(tmp_path / "v13", newer)
    info = site / "shopkit-1.2.dist-info"
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shopkit\nVersion: 1.3\n")
    info.rename(site / "shopkit-1.3.dist-info")
    old, _ = check(capsys, "--python", str(tmp_path / "v12"))
    new, _ = check(capsys, "--python", str(tmp_path / "v13"))
    assert [param for *_, message in old for param in [message.split("`")[1]]] == ["ordr", "card"]
    assert [param for *_, message in new for param in [message.split("`")[1]]] == ["ordr"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_unreadable_package_files_are_a_message_and_the_rest_is_read(project, capsys):
    site = make_environment(project / ".venv")
    os.mkfifo(site / "shopkit" / "blocking.py")  # would block a plain open() for ever
    (site / "shopkit" / "gone.py").symlink_to(site / "shopkit" / "nowhere.py")
    (site / "shopkit" / "broken.py").write_text("def (:\n")
    (site / "loop.pth").write_text(f"{site}\n{site / 'loop.pth'}\n")
    findings, err = check(capsys)
    assert [(path, line) for path, line, _, _ in findings] == [
        ("shop/receivers.py", 12),
        ("shop/receivers.py", 17),
    ]
    assert "Traceback" not in err
    lines = err.splitlines()
    for name in ("blocking.py", "gone.py", "broken.py"):
        assert (
            sum(name in line and line.startswith("signal-lint: shopkit 1.2: ") for line in lines)
            == 1
        )
