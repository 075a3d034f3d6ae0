"""``--fix``, ``--unsafe-fixes``, ``--diff``, ``--show-fixes``: what they change, and every byte they
must not change.  (The fixes of each rule are its examples' ``fixed`` texts, tested with the rules;
tests/test_fix_properties.py generates modules.)"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from signal_lint import fixes
from signal_lint.cli import main
from signal_lint.findings import Finding, Fix
from signal_lint.fix import apply_once, fix_findings, unified_diff
from signal_lint.fixes import Edit

# SIG001 (safe), SIG004 (safe: only a receiver), SIG013 (unsafe) and SIG007 (safe), one function.
MIXED = textwrap.dedent(
    """\
    from django.db import transaction
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @transaction.atomic
    @receiver(post_save)
    def on_save(sender, instance, create):
        if create:
            Stats.objects.create(owner=instance.owner)
    """
)
SAFE_FIXED = MIXED.replace(
    "@transaction.atomic\n@receiver(post_save)\n", "@receiver(post_save)\n@transaction.atomic\n"
).replace("create):\n    if create:", "created, **kwargs):\n    if created:")
ALL_FIXED = SAFE_FIXED.replace(
    "**kwargs):\n", '**kwargs):\n    if kwargs.get("raw"):\n        return\n'
)


@pytest.fixture
def app(tmp_path, monkeypatch):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIGNAL_LINT_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fix_applies_the_safe_fixes_and_reports_what_is_left(app, capsys):
    target = write(app / "shop" / "signals.py", MIXED)
    code, out, err = run(capsys, "check", "--fix", "shop")
    assert target.read_text() == SAFE_FIXED
    assert "signal-lint: fixed 3 finding(s)" in err
    assert "1 hidden fix(es) can be enabled with the `--unsafe-fixes` option" in err
    assert [line.split(": ")[1].split()[0] for line in out.splitlines()[:-1]] == ["SIG013"]
    assert out.splitlines()[-1] == "Found 4 findings (3 fixed, 1 remaining)."
    assert code == 1


def test_unsafe_fixes_adds_the_unsafe_ones_in_the_same_pass(app, capsys):
    target = write(app / "shop" / "signals.py", MIXED)
    code, out, err = run(capsys, "check", "--fix", "--unsafe-fixes", "shop")
    assert target.read_text() == ALL_FIXED
    assert (code, out) == (0, "Found 4 findings (4 fixed, 0 remaining).\n")
    assert "fixed 4 finding(s)" in err and "hidden" not in err


def test_a_second_fix_changes_nothing(app, capsys):
    target = write(app / "shop" / "signals.py", MIXED)
    run(capsys, "check", "--fix", "--unsafe-fixes", "shop")
    stamp = target.stat().st_mtime_ns
    code, _out, err = run(capsys, "check", "--fix", "--unsafe-fixes", "shop")
    assert target.read_text() == ALL_FIXED and target.stat().st_mtime_ns == stamp
    assert code == 0 and "fixed 0 finding(s)" in err


def test_unsafe_fixes_from_the_configuration_and_the_command_line_override(app, capsys):
    write(app / "pyproject.toml", "[tool.signal-lint]\nunsafe-fixes = true\n")
    target = write(app / "shop" / "signals.py", MIXED)
    run(capsys, "check", "--fix", "--no-unsafe-fixes", "shop")
    assert target.read_text() == SAFE_FIXED
    run(capsys, "check", "--fix", "shop")
    assert target.read_text() == ALL_FIXED


def test_fixable_and_unfixable_choose_the_rules_whose_fixes_apply(app, capsys):
    write(
        app / "pyproject.toml", '[tool.signal-lint]\nfixable = ["SIG0"]\nunfixable = ["SIG004"]\n'
    )
    target = write(app / "shop" / "signals.py", MIXED)
    run(capsys, "check", "--fix", "shop")
    assert "create, **kwargs):\n    if create:" in target.read_text()  # SIG004 left alone
    assert target.read_text().count("@receiver(post_save)\n@transaction.atomic") == 1


@pytest.mark.parametrize("value", ['"yes"', "1"])
def test_unsafe_fixes_must_be_a_boolean(app, capsys, value):
    write(app / "pyproject.toml", f"[tool.signal-lint]\nunsafe-fixes = {value}\n")
    write(app / "shop" / "signals.py", MIXED)
    code, _out, err = run(capsys, "check", "shop")
    assert code == 2 and "unsafe-fixes must be true or false" in err


def test_diff_prints_what_fix_would_do_and_changes_nothing(app, capsys):
    target = write(app / "shop" / "signals.py", MIXED)
    code, out, err = run(capsys, "check", "--diff", "shop")
    assert target.read_text() == MIXED
    assert code == 1 and "would fix 3 finding(s)" in err
    assert out.encode() == unified_diff("shop/signals.py", MIXED.encode(), SAFE_FIXED.encode())
    assert out.startswith("--- shop/signals.py\n+++ shop/signals.py\n@@ ")
    assert "-def on_save(sender, instance, create):\n" in out
    assert "+def on_save(sender, instance, created, **kwargs):\n" in out


def test_diff_of_a_clean_project_is_empty_and_exits_0(app, capsys):
    write(app / "shop" / "signals.py", SAFE_FIXED)
    assert run(capsys, "check", "--diff", "shop")[:2] == (0, "")


@pytest.mark.parametrize(
    "before, after",
    [
        pytest.param(MIXED.encode(), ALL_FIXED.encode(), id="utf-8"),
        pytest.param(
            b"\xef\xbb\xbf" + MIXED.encode(), b"\xef\xbb\xbf" + ALL_FIXED.encode(), id="bom"
        ),
        pytest.param(
            b"# -*- coding: latin-1 -*-\n"
            + MIXED.encode().replace(b".owner)", b".owner, n='\xe9')"),
            b"# -*- coding: latin-1 -*-\n"
            + ALL_FIXED.encode().replace(b".owner)", b".owner, n='\xe9')"),
            id="latin-1",
        ),
    ],
)
def test_diff_applied_with_patch_gives_what_fix_writes(app, capfdbinary, before, after):
    patch = shutil.which("patch")
    assert patch is not None, "the patch tool (GNU patch) is needed to apply the diff"
    target = write(app / "shop" / "signals.py", before)
    main(["check", "--diff", "--unsafe-fixes", "shop"])
    diff = capfdbinary.readouterr().out
    subprocess.run([patch, "-p0", "--quiet"], input=diff, check=True, cwd=app)
    assert target.read_bytes() == after


def test_show_fixes_lists_the_fixed_findings_per_file_and_rule(app, capsys):
    write(app / "shop" / "signals.py", MIXED)
    _code, out, _err = run(capsys, "check", "--fix", "--show-fixes", "shop")
    assert out.endswith(
        "Fixed 3 finding(s):\n"
        "- shop/signals.py:\n"
        "    1 \N{MULTIPLICATION SIGN} SIG001 (receiver-missing-kwargs)\n"
        "    1 \N{MULTIPLICATION SIGN} SIG004 (unknown-receiver-argument)\n"
        "    1 \N{MULTIPLICATION SIGN} SIG007 (receiver-decorator-order)\n"
        "Found 4 findings (3 fixed, 1 remaining).\n"
    )


def test_show_fixes_keeps_machine_output_parseable(app, capsys):
    write(app / "shop" / "signals.py", MIXED)
    _code, out, err = run(capsys, "check", "--fix", "--show-fixes", "--format", "json", "shop")
    assert [f["code"] for f in json.loads(out)] == ["SIG013"]
    assert "Fixed 3 finding(s):" in err


def test_json_says_each_fix_s_applicability(app, capsys):
    write(app / "shop" / "signals.py", MIXED)
    _code, out, _err = run(capsys, "check", "--format", "json", "shop")
    fixes_by_code = {f["code"]: f["fix"] for f in json.loads(out)}
    assert {code: fix["applicability"] for code, fix in fixes_by_code.items()} == {
        "SIG001": "safe",
        "SIG004": "safe",
        "SIG007": "safe",
        "SIG013": "unsafe",
    }
    assert fixes_by_code["SIG001"]["message"] == "append `**kwargs` to the parameters"


def test_a_finding_without_a_fix_has_fix_null_in_json(app, capsys):
    write(
        app / "shop" / "signals.py",
        "from django.db.models.signals import post_save\n"
        "from django.dispatch import receiver\n\n"
        "class Handlers:\n"
        "    @receiver(post_save)\n"
        "    def on_save(self, sender, **kwargs):\n"
        "        pass\n",
    )
    _code, out, _err = run(capsys, "check", "--format", "json", "shop")
    (finding,) = json.loads(out)
    assert finding["code"] == "SIG005" and finding["fix"] is None and finding["fixable"] is False


# Every byte that need not change stays: line endings, BOM, encoding cookie, indentation, mode.


@pytest.mark.parametrize(
    "before, after",
    [
        pytest.param(
            MIXED.replace("\n", "\r\n").encode(),
            SAFE_FIXED.replace("\n", "\r\n").encode(),
            id="crlf",
        ),
        pytest.param(
            MIXED.encode().replace(b"import receiver\n", b"import receiver\r\n"),
            SAFE_FIXED.encode().replace(b"import receiver\n", b"import receiver\r\n"),
            id="mixed-line-endings",
        ),
        pytest.param(
            b"\xef\xbb\xbf" + MIXED.encode(), b"\xef\xbb\xbf" + SAFE_FIXED.encode(), id="bom"
        ),
        pytest.param(
            b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + MIXED.encode(),
            b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + SAFE_FIXED.encode(),
            id="latin-1",
        ),
        pytest.param(
            MIXED.replace("    ", "\t").encode(),
            SAFE_FIXED.replace("    ", "\t").encode(),
            id="tabs",
        ),
        pytest.param(
            MIXED.encode().rstrip(b"\n"), SAFE_FIXED.encode().rstrip(b"\n"), id="no-final-newline"
        ),
    ],
)
def test_only_the_bytes_the_fixes_need_change(app, capsys, before, after):
    target = write(app / "shop" / "signals.py", before)
    run(capsys, "check", "--fix", "shop")
    assert target.read_bytes() == after


def test_file_mode_is_kept(app, capsys):
    target = write(app / "shop" / "signals.py", MIXED)
    target.chmod(0o640)
    run(capsys, "check", "--fix", "shop")
    assert target.read_text() == SAFE_FIXED
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_symlinked_file_is_fixed_in_its_target_and_stays_a_link(app, capsys):
    (app / "lib").mkdir()
    target = write(app / "lib" / "signals.py", MIXED)
    (app / "shop" / "signals.py").symlink_to(Path("..") / "lib" / "signals.py")
    run(capsys, "check", "--fix", "shop")
    assert (app / "shop" / "signals.py").is_symlink()
    assert os.readlink(app / "shop" / "signals.py") == os.path.join("..", "lib", "signals.py")
    assert target.read_text() == SAFE_FIXED


def test_hard_links_stay_one_file(app, capsys):
    target = write(app / "shop" / "signals.py", MIXED)
    os.link(target, app / "shop" / "receivers.py")
    run(capsys, "check", "--fix", "shop")
    assert target.read_text() == SAFE_FIXED
    assert os.path.samefile(target, app / "shop" / "receivers.py")


def test_the_write_is_atomic_a_failed_write_leaves_the_file_and_no_temporary(
    app, capsys, monkeypatch
):
    target = write(app / "shop" / "signals.py", MIXED)

    def refuse(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    code, _out, err = run(capsys, "check", "--fix", "shop")
    assert target.read_text() == MIXED
    assert sorted(p.name for p in (app / "shop").iterdir()) == ["__init__.py", "signals.py"]
    assert "cannot write shop/signals.py: No space left on device" in err and code == 1


def test_a_file_libcst_cannot_reproduce_is_left_alone(app, capsys):
    lone_cr = MIXED.replace("\n", "\r").encode()  # libcst drops the last "\r" of such a file
    assert cst.parse_module(lone_cr).bytes != lone_cr
    target = write(app / "shop" / "signals.py", lone_cr)
    code, _out, err = run(capsys, "check", "--fix", "shop")
    assert target.read_bytes() == lone_cr and "fixed 0 finding(s)" in err and code == 1


def test_a_fix_whose_result_would_not_parse_is_not_made(monkeypatch):
    source = "def on_save(sender):\n    pass\n"
    broken = Fix("test-break", 1, 0)

    class Breaker:
        KIND = "test-break"

        @staticmethod
        def edits(tree, fix):
            function = tree.module.body[0]
            return [Edit(function, lambda f: f.with_changes(name=cst.Name("class")))]

    monkeypatch.setitem(fixes.fixers(), "test-break", Breaker)
    assert apply_once(source, [finding(broken)]) == (source, [])


# Fixes of one file: in one pass when their edits fit together, else in a bounded loop.


def finding(fix: Fix, code: str = "SIG999", message: str = "m") -> Finding:
    return Finding(code, "test", "error", "app/signals.py", fix.line, fix.column, message, fix)


def test_two_rules_on_one_function_are_fixed_in_one_pass(app):
    from signal_lint.catalog import load_catalog
    from signal_lint.engine import check_one
    from signal_lint.extract import extract_source

    found = check_one(
        extract_source(MIXED.encode(), "shop/signals.py", "shop.signals"), load_catalog()
    )
    fixed, applied = apply_once(MIXED, found)
    assert fixed == ALL_FIXED
    assert sorted(f.code for f in applied) == ["SIG001", "SIG004", "SIG007", "SIG013"]


class Swap:
    """A test fixer whose edit replaces a whole statement: two of them on one statement clash."""

    KIND = "test-swap"

    @staticmethod
    def edits(tree, fix):
        statement = tree.module.body[fix.line - 1]
        text = fix.value

        def swap(updated):
            return cst.FlattenSentinel([cst.parse_statement(text)])

        return [Edit(statement, swap, structural=True)]


def test_clashing_fixes_wait_for_the_next_pass_found_again_by_the_recheck(monkeypatch):
    monkeypatch.setitem(fixes.fixers(), "test-swap", Swap)
    source = "x = 1\n"
    first = finding(Fix("test-swap", 1, 0, value="x = 2"), message="one")
    second = finding(Fix("test-swap", 1, 0, value="x = 3"), message="two")
    passes = []

    def recheck(text):
        passes.append(text)
        return [second] if text == "x = 2\n" else []

    assert apply_once(source, [first, second]) == ("x = 2\n", [first])
    fixed, applied = fix_findings(source, [first, second], recheck)
    assert (fixed, applied, passes) == ("x = 3\n", [first, second], ["x = 2\n"])


def test_the_loop_is_bounded(monkeypatch):
    monkeypatch.setitem(fixes.fixers(), "test-swap", Swap)
    counter = iter(range(1000))

    def recheck(text):  # two fixes that clash, for ever
        value = next(counter)
        return [
            finding(Fix("test-swap", 1, 0, value=f"x = {value}"), message="again"),
            finding(Fix("test-swap", 1, 0, value=f"x = -{value}"), message="again"),
        ]

    start = finding(Fix("test-swap", 1, 0, value="x = -1"), message="again")
    clash = finding(Fix("test-swap", 1, 0, value="x = -2"), message="again")
    _fixed, applied = fix_findings("x = 0\n", [start, clash], recheck)
    from signal_lint.fix import MAX_ROUNDS

    assert len(applied) == MAX_ROUNDS


def test_a_later_pass_fixes_only_findings_reported_in_the_first(monkeypatch):
    monkeypatch.setitem(fixes.fixers(), "test-swap", Swap)
    first = finding(Fix("test-swap", 1, 0, value="x = 2"), message="one")
    second = finding(Fix("test-swap", 1, 0, value="x = 3"), message="two")
    new = finding(Fix("test-swap", 1, 0, value="x = 4"), message="new")
    fixed, applied = fix_findings("x = 1\n", [first, second], lambda text: [new])
    assert (fixed, applied) == ("x = 2\n", [first])


def test_pre_commit_has_a_fix_hook_next_to_the_check_hook():
    import yaml

    hooks = yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text())
    by_id = {hook["id"]: hook for hook in hooks}
    assert by_id["signal-lint"]["entry"] == "signal-lint check --project-root ."
    assert by_id["signal-lint-fix"]["entry"] == "signal-lint check --fix --project-root ."
    assert {
        k: v
        for k, v in by_id["signal-lint-fix"].items()
        if k not in ("id", "name", "description", "entry")
    } == {
        k: v
        for k, v in by_id["signal-lint"].items()
        if k not in ("id", "name", "description", "entry")
    }


def test_the_fixes_page_lists_exactly_the_fixable_rules_and_their_safety():
    """docs/fixes.md's table agrees with what the rules' examples show."""
    from signal_lint.docs import fix_applicabilities
    from signal_lint.rules import all_rules

    page = (Path(__file__).parents[1] / "docs" / "fixes.md").read_text(encoding="utf-8")
    rows = {}
    for line in page.splitlines():
        if line.startswith("| [SIG"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            code = cells[0][1:7]
            rows[code] = set(cells[2].split(" or "))
    assert rows == {rule.code: fix_applicabilities(rule) for rule in all_rules() if rule.fixable()}


def test_edits_that_change_nothing_fix_nothing(monkeypatch):
    monkeypatch.setitem(fixes.fixers(), "test-swap", Swap)
    same = finding(Fix("test-swap", 1, 0, value="x = 1"))
    assert apply_once("x = 1\n", [same]) == ("x = 1\n", [])


def test_a_finding_a_fix_reveals_is_fixed_in_the_same_run(app, capsys):
    """``connect(on_save())`` -> ``connect(on_save)`` makes ``on_save`` a receiver again, and it
    lacks ``**kwargs``: the project is checked again and that is fixed too, so a second ``--fix``
    has nothing to do."""
    target = write(
        app / "shop" / "signals.py",
        "from django.db.models.signals import post_save\n\n"
        "def on_save(sender):\n    pass\n\n"
        "def install():\n    post_save.connect(on_save())\n",
    )
    code, _out, err = run(capsys, "check", "--fix", "--unsafe-fixes", "shop")
    assert "def on_save(sender, **kwargs):" in target.read_text()
    assert "post_save.connect(on_save)" in target.read_text()
    assert code == 0 and "fixed 2 finding(s)" in err
    assert run(capsys, "check", "--diff", "--unsafe-fixes", "shop")[:2] == (0, "")


def test_the_project_loop_is_bounded(monkeypatch):
    from signal_lint.config import Config
    from signal_lint.fix import MAX_ROUNDS, fix_project

    monkeypatch.setitem(fixes.fixers(), "test-swap", Swap)
    rounds = iter(range(1000))

    def check(contents):  # a project where every fix reveals another
        return [finding(Fix("test-swap", 1, 0, value=f"x = {next(rounds)}"))]

    start = finding(Fix("test-swap", 1, 0, value="x = -1"))
    plan, _left = fix_project([start], Config(), False, check, {"app/signals.py": b"x = 0\n"})
    assert len(plan.fixed) == MAX_ROUNDS
    assert plan.files["app/signals.py"][0] == b"x = 0\n"


def test_a_lazy_sender_becomes_the_model_the_module_already_imports_through_a_re_export(
    app, capsys
):
    """SIG009: ``shop.models`` re-exports ``Order`` from ``shop.models.orders``, and the module
    imports it from there: the fix uses that import instead of giving up on a name it
    found taken."""
    write(
        app / "shop" / "apps.py",
        'from django.apps import AppConfig\n\n\nclass ShopConfig(AppConfig):\n    name = "shop"\n',
    )
    (app / "shop" / "models").mkdir()
    write(app / "shop" / "models" / "__init__.py", "from .orders import Order\n")
    write(
        app / "shop" / "models" / "orders.py",
        "from django.db import models\n\n\nclass Order(models.Model):\n    pass\n",
    )
    write(app / "shop" / "events.py", "from django.dispatch import Signal\n\npaid = Signal()\n")
    before = (
        "from shop.events import paid\nfrom shop.models import Order\n\n\n"
        "def on_paid(sender, **kwargs):\n    return Order\n\n\n"
        'paid.connect(on_paid, sender="shop.Order")\n'
    )
    target = write(app / "shop" / "handlers.py", before)
    run(capsys, "check", "--fix", "--unsafe-fixes", "shop")
    assert target.read_text() == before.replace('sender="shop.Order"', "sender=Order")
