"""Which installed distribution provides a module, from dist-info metadata alone."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from signal_lint.installed.distributions import index_distributions


def dist_info(site: Path, name: str, version: str, files: list[str], **extra: str) -> Path:
    """A ``.dist-info`` with METADATA and a RECORD listing ``files`` (created empty unless they exist)."""
    folder = site / f"{name.replace('-', '_')}-{version}.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nName: not-a-header\n"
    )
    for file in files:
        path = site / file
        if not file.startswith("..") and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
    record = [f"{file},sha256=x,0" for file in files] + [f"{folder.name}/RECORD,,"]
    (folder / "RECORD").write_text("\n".join(record) + "\n")
    for name_, text in extra.items():
        (folder / name_.replace("_txt", ".txt")).write_text(text)
    return folder


@pytest.fixture
def site(tmp_path):
    site = tmp_path / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    return site


def owner(site: Path, module: str) -> str | None:
    found = index_distributions((str(site),)).owner(module)
    return None if found is None else f"{found.name} {found.version}"


def test_record_names_packages_and_modules(site):
    dist_info(
        site,
        "Alpha-Lib",
        "1.0",
        ["alpha/__init__.py", "alpha/signals.py", "beta.py", "../../../bin/alpha"],
    )
    assert owner(site, "alpha.signals") == "Alpha-Lib 1.0"
    assert owner(site, "alpha") == "Alpha-Lib 1.0"
    assert owner(site, "beta") == "Alpha-Lib 1.0"
    assert owner(site, "gamma") is None
    (distribution,) = index_distributions((str(site),)).distributions
    assert distribution.roots == (("alpha", str(site / "alpha")), ("beta", str(site / "beta.py")))
    assert not distribution.editable


def test_namespace_packages_are_told_apart_by_the_files_each_owns(site):
    dist_info(site, "ns-one", "1", ["ns/one/__init__.py", "ns/one/signals.py"])
    dist_info(site, "ns-two", "2", ["ns/two/__init__.py", "ns/plain.py"])
    assert owner(site, "ns.one.signals") == "ns-one 1"
    assert owner(site, "ns.two") == "ns-two 2"
    assert owner(site, "ns.plain") == "ns-two 2"
    assert owner(site, "ns") is None


def test_top_level_txt_when_there_is_no_record(site):
    folder = dist_info(site, "gamma", "2.0", [], top_level_txt="gamma\n")
    (folder / "RECORD").unlink()
    (site / "gamma").mkdir()
    (site / "gamma" / "__init__.py").write_text("")
    assert owner(site, "gamma.signals") == "gamma 2.0"


def test_editable_pth_install(site, tmp_path):
    source = tmp_path / "src" / "delta_src"
    (source / "delta").mkdir(parents=True)
    (source / "delta" / "__init__.py").write_text("")
    (source / "setup.py").write_text("")
    dist_info(site, "delta", "0.1", ["__editable__.delta-0.1.pth"], top_level_txt="delta\n")
    (site / "__editable__.delta-0.1.pth").write_text(f"{source}\n")
    assert owner(site, "delta.signals") == "delta 0.1"
    assert owner(site, "setup") is None
    (distribution,) = index_distributions((str(site),)).distributions
    assert distribution.editable and distribution.roots == (("delta", str(source / "delta")),)


def test_editable_finder_install(site, tmp_path):
    dist_info(site, "epsilon", "0.1", ["__editable___epsilon_0_1_finder.py"])
    (site / "__editable___epsilon_0_1_finder.py").write_text(
        "import sys\n"
        f"MAPPING: dict[str, str] = {{'epsilon': '{tmp_path / 'eps' / 'epsilon'}'}}\n"
        "raise SystemExit('never run')\n"
    )
    assert owner(site, "epsilon.signals") == "epsilon 0.1"


def test_legacy_develop_install_through_an_unclaimed_pth(site, tmp_path):
    source = tmp_path / "src" / "zeta"
    (source / "zeta").mkdir(parents=True)
    (source / "zeta" / "__init__.py").write_text("")
    (source / "zeta.egg-info").mkdir()
    (source / "zeta.egg-info" / "PKG-INFO").write_text("Name: zeta\nVersion: 3.0\n")
    (source / "zeta.egg-info" / "top_level.txt").write_text("zeta\n")
    (site / "easy-install.pth").write_text(f"import sys; sys.exit(3)\n{source}\n")
    assert owner(site, "zeta.signals") == "zeta 3.0"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_pth_loops_fifos_and_code_never_hang_or_run(site, tmp_path):
    marker = tmp_path / "ran"
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "again").symlink_to(loop)
    (site / "self.pth").write_text(
        f"{site}\n.\n{loop}\n{loop / 'again'}\n{site / 'self.pth'}\n"
        f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')\n"
    )
    os.mkfifo(site / "fifo.pth")
    os.mkfifo(site / "alpha.pth")
    dist_info(site, "alpha", "1.0", ["alpha/__init__.py", "alpha.pth"])
    folder = dist_info(site, "broken", "1.0", [])
    (folder / "RECORD").unlink()
    os.mkfifo(folder / "RECORD")
    result: list[object] = []
    worker = threading.Thread(
        target=lambda: result.append(index_distributions((str(site),))), daemon=True
    )
    worker.start()
    worker.join(timeout=20)
    assert result, "indexing hung"
    assert result[0].owner("alpha") is not None
    assert not marker.exists()


def test_key_changes_with_the_record(site):
    folder = dist_info(site, "alpha", "1.0", ["alpha/__init__.py"])
    (first,) = index_distributions((str(site),)).distributions
    with open(folder / "RECORD", "a") as record:
        record.write("alpha/signals.py,sha256=y,1\n")
    (second,) = index_distributions((str(site),)).distributions
    assert first.key != second.key and first.version == second.version


def test_an_unlistable_site_packages_is_a_message(tmp_path):
    index = index_distributions((str(tmp_path / "missing"),))
    assert index.distributions == () and "cannot list installed packages" in index.messages[0]
