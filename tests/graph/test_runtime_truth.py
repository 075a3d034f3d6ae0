"""The static graph against a running Django: what ``django.setup()`` really connects.

``fixtures/example_project``: its settings are loaded in a
subprocess by ``fixtures/example_project/dump_receivers.py`` and the receivers
of every signal read off the live ``Signal`` objects; the graph's live edges
that are not conditional must name exactly those receivers, signal by signal.
Django's own contrib apps: ``signal-lint graph`` over Django's source plus a
small settings module listing the apps, against the receivers connected after
``django.setup()`` with those apps installed (and after ``import django.test``),
for the installed Django and for 4.2 LTS run from its sdist's source.  Some receivers
are connected by code the graph cannot follow statically (a method run while
each model class is built, ``Trans.__getattr__`` on first use of
translations), so that comparison reports recall and asserts a floor.
The fixture projects of ``fixtures/projects/`` run too: their start-up edges
(made while the apps load or in ``ready()``) must equal what
``django.setup()`` connects.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import django
import pytest
from django_runtime import run, run_in_project

from signal_lint.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example_project"
DJANGO_SOURCE = Path(django.__file__).resolve().parent

# Every contrib app that starts without system libraries: ``django.contrib.gis`` needs GDAL and
# ``django.contrib.postgres`` needs psycopg, neither of which the test environment installs.
CONTRIB_APPS = [
    "django.contrib.admin",
    "django.contrib.admindocs",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.syndication",
]
# Lowest recall of the contrib comparison this suite accepts (measured: see the test's output).
CONTRIB_RECALL_FLOOR = 0.84

Pairs = set[tuple[str, str]]


def static_graph(paths: list[str], cwd: Path) -> dict:
    proc = run(
        [sys.executable, "-m", "signal_lint", "graph", *paths, "--format", "json", "--no-cache"],
        cwd,
    )
    return json.loads(proc.stdout)


def static_live(graph: dict) -> dict[str, list[str]]:
    """Per signal, the receivers of live edges made at start-up (not conditional), sorted."""
    found: dict[str, list[str]] = defaultdict(list)
    for edge in graph["connections"]:
        if edge["status"] == "live" and not edge["conditional"]:
            found[edge["signal"]].append(edge["receiver"])
    return {signal: sorted(receivers) for signal, receivers in found.items()}


def canonical(name: str) -> str:
    return load_catalog().canonical(name) or name


# --- fixtures/example_project ------------------------------------------------


@pytest.fixture(scope="module")
def example_runtime() -> dict:
    proc = run(
        [sys.executable, "-c", "import sys, dump_receivers; sys.exit(dump_receivers.main([]))"],
        EXAMPLE,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def example_static() -> dict:
    return static_graph([str(EXAMPLE)], ROOT)


def project_receivers(runtime: dict) -> dict[str, list[str]]:
    """Per signal (canonical name), the live receivers defined in the project's own modules."""
    packages = tuple(sorted({m.split(".")[0] + "." for m in runtime["project_modules"]}))
    found: dict[str, list[str]] = {}
    for name, signal in runtime["signals"].items():
        receivers = sorted(r for r in signal["receivers"] if r.startswith(packages))
        if receivers:
            found[canonical(name)] = receivers
    return found


def test_example_project_static_live_edges_are_exactly_the_runtime_receivers(
    example_runtime, example_static
):
    runtime = project_receivers(example_runtime)
    static = static_live(example_static)
    print(
        f"\nexample project: {sum(map(len, runtime.values()))} receivers live at runtime, "
        f"{sum(map(len, static.values()))} in the static graph"
    )
    assert static == runtime


def test_example_project_dead_receivers_are_dead_in_the_graph(example_runtime, example_static):
    live_at_runtime = {
        r for receivers in project_receivers(example_runtime).values() for r in receivers
    }
    dead = {
        (e["receiver"], e["status"]) for e in example_static["connections"] if e["status"] != "live"
    }
    assert {receiver for receiver, _ in dead} & live_at_runtime == set()
    assert dead == {
        ("shop.apps.ShopConfig.ready.<locals>.on_customer_saved_nested", "collected"),
        ("shop.handlers_unused.on_customer_pre_delete_never_imported", "never-imported"),
        ("shop.handlers_unused.on_order_item_deleted_never_imported", "never-imported"),
        ("shop.receivers.on_order_saved_dispatch_uid_loser", "ignored"),
        ("shop.receivers.on_refund_saved_unknown_sender", "pending"),
    }


def test_example_project_post_save_order_per_sender_matches_runtime(
    example_runtime, example_static
):
    """Within one sender, the graph's live post_save receivers come in Django's call order."""
    runtime = example_runtime["signals"]["django.db.models.signals.post_save"]["live_by_sender"]
    labels = {
        "shop.Order": "shop.models.Order",
        "shop.Customer": "shop.models.Customer",
        "shop.OrderItem": "shop.models.OrderItem",
    }
    for label, model in labels.items():
        static = [
            e["receiver"]
            for e in sorted(example_static["connections"], key=lambda e: (e["path"], e["line"]))
            if e["signal"] == "django.db.models.signals.post_save"
            and e["status"] == "live"
            and not e["conditional"]
            and e["sender"] == model
        ]
        assert static == [r for r in runtime[label] if r.startswith("shop.")]


# --- fixtures/projects: start-up edges against django.setup() ------------------

PROJECTS = sorted(
    path
    for path in (ROOT / "fixtures" / "projects").iterdir()
    if (path / "config" / "settings.py").is_file()
)

SETUP_SCRIPT = textwrap.dedent(
    """
    import gc, json, sys
    sys.path.append(sys.argv[1])  # dump_receivers.py (last: the example project's apps must not shadow these)
    import django
    django.setup()
    import dump_receivers
    from django.conf import settings
    from django.dispatch import Signal

    gc.collect()
    labels = dump_receivers._sender_labels()
    names, found = {}, {}
    for module_name, module in sorted(sys.modules.items()):
        for attr, value in sorted(vars(module).items()) if module is not None else ():
            if issubclass(type(value), Signal):
                names.setdefault(id(value), []).append(f"{module_name}.{attr}")
                if id(value) not in found:
                    receivers = dump_receivers.describe_signal(value, labels)["receivers"]
                    found[id(value)] = sorted(r for r in receivers if r.split(".")[0] in sys.argv[2].split(","))
    # the graph's conditions (``settings.FEATURE_X``), evaluated with these settings
    true = [text for text in json.loads(sys.argv[3]) if eval(text, {"settings": settings})]
    signals = [{"names": names[key], "receivers": found[key]} for key in names if found[key]]
    print(json.dumps({"signals": signals, "true": true}))
    """
)


def setup_receivers(
    project: Path,
    static_names: set[str],
    conditions: list[str] = (),
    settings: str = "config.settings",
) -> tuple[dict[str, list[str]], set[str]]:
    """Per signal, the project's receivers connected after ``django.setup()`` (a signal reachable
    under several names is named as the graph names it, if it does), and which of ``conditions``
    hold with the project's settings."""
    packages = ",".join(sorted(p.name for p in project.iterdir() if (p / "__init__.py").is_file()))
    proc = run(
        [
            sys.executable,
            "-c",
            SETUP_SCRIPT,
            str(EXAMPLE),
            packages,
            json.dumps(sorted(conditions)),
        ],
        project,
        DJANGO_SETTINGS_MODULE=settings,
        PYTHONPATH=str(project),
    )
    output = json.loads(proc.stdout)
    found = {}
    for signal in output["signals"]:
        names = [canonical(name) for name in signal["names"]]
        found[next((n for n in names if n in static_names), names[0])] = signal["receivers"]
    return found, set(output["true"])


def startup_edges(project: Path) -> list[tuple[str, str, str | None]]:
    """(signal, receiver, condition) of the graph's live edges made at start-up."""
    from signal_lint.config import Config
    from signal_lint.engine import graph_paths

    graph, _, _ = graph_paths([str(project)], Config(root=str(project)), jobs=1, use_cache=False)
    return [
        (edge.signal, edge.receiver, edge.condition)
        for edge in graph.connections
        if edge.status == "live" and not edge.conditional and edge.phase in ("populate", "ready")
    ]


def holding(edges: list[tuple[str, str, str | None]], true: set[str]) -> dict[str, list[str]]:
    """Per signal, the receivers of the edges made unconditionally or under a condition that holds."""
    found: dict[str, list[str]] = defaultdict(list)
    for signal, receiver, condition in edges:
        if condition is None or condition in true:
            found[signal].append(receiver)
    return {signal: sorted(receivers) for signal, receivers in found.items()}


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_fixture_project_start_up_edges_are_exactly_what_setup_connects(project):
    edges = startup_edges(project)
    conditions = sorted({condition for _, _, condition in edges if condition})
    runtime, true = setup_receivers(project, {signal for signal, _, _ in edges}, conditions)
    assert runtime, "the project connects nothing at start-up"
    static = holding(edges, true)
    print(
        f"\n{project.name}: {sum(map(len, runtime.values()))} receivers on {len(runtime)} signals "
        f"after django.setup(), {sum(map(len, static.values()))} live start-up edges in the graph"
    )
    assert static == runtime


# --- Django's contrib apps -----------------------------------------------------

RUNTIME_SCRIPT = textwrap.dedent(
    """
    import gc, json, sys
    sys.path.insert(0, sys.argv[1])  # dump_receivers.py
    import django
    django.setup()
    import dump_receivers
    from django.dispatch import Signal

    def connected():
        gc.collect()
        labels = dump_receivers._sender_labels()
        names, receivers = {}, {}
        for module_name, module in sorted(sys.modules.items()):
            for attr, value in sorted(vars(module).items()) if module is not None else ():
                # type(), not isinstance(): isinstance() would evaluate lazy objects
                # (default_storage), whose construction connects receivers of its own
                if issubclass(type(value), Signal):
                    names.setdefault(id(value), []).append(f"{module_name}.{attr}")
                    if id(value) not in receivers:
                        receivers[id(value)] = dump_receivers.describe_signal(value, labels)["receivers"]
        return [{"names": names[key], "receivers": receivers[key]} for key in names if receivers[key]]

    setup = connected()
    import django.test  # what a test run imports: the test client, test cases, test signals
    print(json.dumps({"version": django.get_version(), "setup": setup, "tests": connected()}))
    """
)


@pytest.fixture(scope="module")
def contrib_settings(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("contrib")
    (directory / "contrib_settings.py").write_text(
        f"INSTALLED_APPS = {CONTRIB_APPS!r}\n"
        "SECRET_KEY = 'signal-lint-runtime-truth'\n"
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}\n"
        "SITE_ID = 1\n"
        "USE_TZ = True\n"
    )
    return directory


@pytest.fixture(scope="module", params=["installed", "4.2"])
def contrib_django(request) -> Path:
    """The ``django`` package the contrib comparison runs and reads: the installed one, and the
    4.2 LTS from its sdist (run from its source; 6.x needs a newer Python than the suite's)."""
    if request.param == "installed":
        return DJANGO_SOURCE
    from django_sources import django_package

    return django_package((4, 2))


@pytest.fixture(scope="module")
def contrib_runtime(contrib_settings, contrib_django) -> dict:
    proc = run(
        [sys.executable, "-c", RUNTIME_SCRIPT, str(EXAMPLE)],
        contrib_settings,
        DJANGO_SETTINGS_MODULE="contrib_settings",
        PYTHONPATH=f"{contrib_settings}{os.pathsep}{contrib_django.parent}",
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def contrib_static(contrib_settings, contrib_django) -> dict:
    return static_graph(
        [str(contrib_django), str(contrib_settings / "contrib_settings.py")], contrib_settings
    )


def runtime_pairs(runtime: list[dict], static: dict) -> Pairs:
    """(signal, receiver) pairs a running Django connected, signals named as the graph names them."""
    static_signals = {s["name"] for s in static["signals"]}
    pairs: Pairs = set()
    for signal in runtime:
        names = [canonical(n) for n in signal["names"]]
        name = next((n for n in names if n in static_signals), names[0])
        pairs.update((name, receiver) for receiver in signal["receivers"])
    return pairs


def contrib_pairs(runtime: dict[str, list[dict]], static: dict) -> tuple[Pairs, Pairs]:
    """(signal, receiver) pairs after ``django.setup()``, and the static graph's live start-up ones."""
    static_pairs = {
        (signal, r) for signal, receivers in static_live(static).items() for r in receivers
    }
    return runtime_pairs(runtime["setup"], static), static_pairs


def static_statuses(static: dict) -> dict[tuple[str, str], set[tuple[str, bool]]]:
    """(signal, receiver) -> the (status, conditional) of each of its connections in the graph."""
    found: dict[tuple[str, str], set[tuple[str, bool]]] = defaultdict(set)
    for edge in static["connections"]:
        found[(edge["signal"], edge["receiver"])].add((edge["status"], edge["conditional"]))
    return found


def test_contrib_settings_make_the_contrib_apps_installed(contrib_static):
    assert contrib_static["connections"], "the graph found no connection in Django's source"


def test_django_contrib_recall(contrib_runtime, contrib_static):
    runtime, static = contrib_pairs(contrib_runtime, contrib_static)
    found = runtime & static
    recall = len(found) / len(runtime)
    precision = len(found) / len(static) if static else 0.0
    print(
        f"\nDjango {contrib_runtime['version']} contrib apps: {len(runtime)} receivers connected after django.setup(), "
        f"{len(static)} live in the static graph, {len(found)} in both: recall {recall:.1%}, precision {precision:.1%}"
    )
    print("missed:", *sorted(runtime - static), sep="\n  ")
    print(
        "static only (connected later than setup, or never):", *sorted(static - runtime), sep="\n  "
    )
    assert recall >= CONTRIB_RECALL_FLOOR


def test_contrib_receivers_the_graph_cannot_see_are_the_known_dynamic_ones(
    contrib_runtime, contrib_static
):
    runtime, static = contrib_pairs(contrib_runtime, contrib_static)
    missed = {receiver for _, receiver in runtime - static}
    assert (
        missed
        <= {
            "django.db.models.options.Options.setting_changed",  # Options.contribute_to_class, per model class
            "django.utils.translation.reloader.watch_for_translation_changes",  # Trans.__getattr__
            "django.utils.translation.reloader.translation_file_changed",  # Trans.__getattr__
        }
    )


def test_every_receiver_a_running_django_connects_is_in_the_graph_with_its_status(
    contrib_runtime, contrib_static
):
    """At start-up: live (the few the graph cannot follow are listed, but connected later);
    after ``import django.test``, as a test run does: test-only."""
    statuses = static_statuses(contrib_static)
    setup = runtime_pairs(contrib_runtime["setup"], contrib_static)
    tests = runtime_pairs(contrib_runtime["tests"], contrib_static) - setup
    live = {pair for pair in setup if any(s == "live" for s, _ in statuses.get(pair, ()))}
    at_start_up = {pair for pair in live if ("live", False) in statuses[pair]}
    test_only = {pair for pair in tests if any(s == "test-only" for s, _ in statuses.get(pair, ()))}
    print(
        f"\nDjango {contrib_runtime['version']}: {len(setup)} receivers after django.setup(), "
        f"{len(live)} live in the graph ({len(at_start_up)} connected at start-up, "
        f"{len(live) - len(at_start_up)} marked as connected later); "
        f"{len(tests)} more after `import django.test`, {len(test_only)} of them test-only "
        "in the graph"
    )
    print("connected later in the graph:", *sorted(live - at_start_up), sep="\n  ")
    assert setup - live == set()
    # the test client imports the request handler, as serving does: its receiver is live
    served = {pair for pair in tests if ("live", False) in statuses.get(pair, ())}
    assert served == {
        ("django.core.signals.request_finished", "django.core.handlers.base.reset_urlconf")
    }
    assert tests - served == test_only
    assert len([pair for pair in test_only if pair[1].startswith("django.test.signals.")]) == 16
    assert (
        {receiver for _, receiver in live - at_start_up}
        <= {
            "django.db.models.options.Options.setting_changed",  # Options.contribute_to_class, per model class
            "django.utils.translation.reloader.watch_for_translation_changes",  # Trans.__getattr__
            "django.utils.translation.reloader.translation_file_changed",  # Trans.__getattr__
        }
    )


# --- fixtures/projects/senders: one sender however spelled ------------------------------------

SENDERS = ROOT / "fixtures" / "projects" / "senders"
SAVE_EACH_MODEL = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    call_command("migrate", run_syncdb=True, verbosity=0)
    from shop.models import Member, Order
    from shop.receivers import CALLS

    ran = {}
    for model, fields in ((Order, {}), (Member, {"username": "u"}), (Group, {"name": "g"})):
        CALLS.clear()
        model.objects.create(**fields)
        ran[f"{model.__module__}.{model.__qualname__}"] = sorted({name for name, _ in CALLS})
    print(json.dumps(ran))
    """
)


def test_each_models_receivers_however_their_sender_is_spelled_are_the_ones_that_run():
    """Saving ``Order``, the user model and Django's ``Group`` runs exactly the receivers the graph
    has live for that class, whatever spelling connected them (class, lazy label in any case,
    ``settings.AUTH_USER_MODEL``, ``get_user_model()``, ``apps.get_model()``, ``self.get_model()``)."""
    ran = json.loads(run_in_project(SENDERS, SAVE_EACH_MODEL))
    static: dict[str, list[str]] = defaultdict(list)
    for edge in static_graph([str(SENDERS)], ROOT)["connections"]:
        if edge["signal"] == "django.db.models.signals.post_save" and edge["status"] == "live":
            static[edge["sender"]].append(edge["receiver"].rsplit(".", 1)[-1])
    assert {sender: sorted(receivers) for sender, receivers in static.items()} == ran
    assert len(ran["shop.models.Member"]) == 5 and len(ran["shop.models.Order"]) == 5


BULK_WRITE_USERS = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", run_syncdb=True, verbosity=0)
    from shop import services
    from shop.models import Member
    from shop.receivers import CALLS

    Member.objects.create(username="saved")
    saved = sorted({name for name, _ in CALLS})
    CALLS.clear()
    services.create_in_bulk(["a", "b"])  # Member.objects.bulk_create()
    services.deactivate_everyone()  # get_user_model().objects.update()
    written = Member.objects.filter(is_active=False).count()
    print(json.dumps({"saved": saved, "bulk": sorted({n for n, _ in CALLS}), "written": written}))
    """
)


def test_uid_collisions_and_bulk_writes_compare_the_user_model_however_it_is_spelled():
    """SIG102: ``settings.AUTH_USER_MODEL`` and ``get_user_model()`` (as ``Order`` and
    ``"store.Order"``) are one lookup key, so Django ignores the second receiver with the uid.
    SIG107: ``get_user_model().objects.update()`` and ``Member.objects.bulk_create()`` write the
    rows without running any of the receivers a save of the user model runs, and name them all."""
    import re

    from signal_lint.config import Config
    from signal_lint.engine import check_paths

    outcome = json.loads(run_in_project(SENDERS, BULK_WRITE_USERS))
    findings = check_paths([str(SENDERS)], Config(root=str(SENDERS)), jobs=1, use_cache=False)
    ignored = {
        re.search(r"receiver `(\w+)`", f.message).group(1)
        for f in findings.findings
        if f.code == "SIG102"
    }
    assert ignored == {"on_order_audit_second", "on_member_audit_second"}
    assert "on_member_audit_first" in outcome["saved"]
    assert ignored.isdisjoint(outcome["saved"])
    assert outcome["written"] == 3 and outcome["bulk"] == []  # rows written, no receiver ran
    bulk = [f for f in findings.findings if f.code == "SIG107"]
    assert [(f.path.rsplit("/", 1)[-1], f.line) for f in bulk] == [
        ("services.py", 9),
        ("services.py", 13),
    ]
    for finding in bulk:
        named = finding.message.split("its receivers ", 1)[1].split(" do not run", 1)[0]
        assert sorted(re.findall(r"`(\w+)`", named)) == outcome["saved"]


# --- fixtures/projects/receivers: argument findings against what Django raises -------------------

RECEIVERS = ROOT / "fixtures" / "projects" / "receivers"
CALL_EVERY_RECEIVER = textwrap.dedent(
    """
    import inspect, json, sys
    sys.path.append(sys.argv[1])  # dump_receivers.py
    import django
    django.setup()
    from django.conf import settings
    from django.contrib.auth import authenticate
    from django.core.management import call_command
    from django.db.models.signals import post_save
    from django.dispatch import Signal
    import dump_receivers
    from shop.login_hooks import FAILURES
    from shop.models import Order

    call_command("migrate", run_syncdb=True, verbosity=0)

    def code_name(receiver):
        # the name a finding gives the receiver: the function Django ends up calling
        if not inspect.isfunction(receiver) and not inspect.ismethod(receiver):
            return type(receiver).__qualname__ + ".__call__"  # a callable instance
        if hasattr(receiver, "__wrapped__"):
            return receiver.__wrapped__.__name__  # functools.wraps
        for cell in receiver.__closure__ or ():
            if inspect.isfunction(cell.cell_contents):
                return cell.cell_contents.__name__  # a wrapper without wraps: what it wraps
        return receiver.__name__

    def live(sender):
        found = post_save._live_receivers(sender)
        return found[0] if isinstance(found, tuple) else found  # (sync, async) since Django 5.0

    # Django's save sends post_save with these arguments; each receiver is called with them as
    # send() calls it, and what it raises is kept instead of stopping at the first (send_robust()
    # would do that, but its error logging reads __qualname__, which a callable instance lacks).
    outcomes = {}
    def send(sender, **named):
        for receiver in live(sender):
            try:
                receiver(signal=post_save, sender=sender, **named)
                outcomes[code_name(receiver)] = None
            except Exception as error:
                outcomes[code_name(receiver)] = type(error).__name__
        return []
    post_save.send = send
    Order.objects.create()

    # Under DEBUG, connect() checks the receiver with func_accepts_kwargs (inspect.signature).
    settings.DEBUG = True
    rejected = []
    for receiver in live(Order):
        try:
            Signal().connect(receiver)
        except ValueError:
            rejected.append(code_name(receiver))
    settings.DEBUG = False

    authenticate(username="nobody", password="wrong")
    print(json.dumps({"outcomes": outcomes, "rejected": sorted(rejected), "login_failed": FAILURES}))
    """
)


@pytest.fixture(scope="module")
def receivers_runtime() -> dict:
    return json.loads(run_in_project(RECEIVERS, CALL_EVERY_RECEIVER, str(EXAMPLE)))


@pytest.fixture(scope="module")
def receivers_findings() -> list:
    from signal_lint.config import Config
    from signal_lint.engine import check_paths

    return check_paths(
        [str(RECEIVERS)], Config(root=str(RECEIVERS)), jobs=1, use_cache=False
    ).findings


def finding_receiver(finding) -> str:
    """The receiver a SIG001/SIG004/SIG005 message names, as ``code_name`` names it at runtime."""
    import re

    match = re.search(r"receiver `([^`]+)`", finding.message) or re.search(
        r"registers `([^`]+)`", finding.message
    )
    assert match, finding.message
    name = match.group(1)
    return name if name.endswith(".__call__") else name.rsplit(".", 1)[-1]


def test_argument_findings_are_exactly_the_receivers_django_rejects_or_fails_to_call(
    receivers_runtime, receivers_findings
):
    """Callable instances (``__call__``), receivers below decorators with and without
    ``functools.wraps``, ``@staticmethod``/``@classmethod`` above ``@receiver``: every receiver
    that a running Django rejects under ``DEBUG`` (``ValueError``) or that raises ``TypeError``
    when a real save sends ``post_save`` has a SIG001, SIG004 or SIG005 finding, and no other."""
    outcomes, rejected = receivers_runtime["outcomes"], set(receivers_runtime["rejected"])
    failing = {name for name, raised in outcomes.items() if raised == "TypeError"}
    flagged = {
        finding_receiver(f) for f in receivers_findings if f.code in ("SIG001", "SIG004", "SIG005")
    }
    sig001 = {finding_receiver(f) for f in receivers_findings if f.code == "SIG001"}
    print("\nrejected under DEBUG:", sorted(rejected), "\nTypeError at dispatch:", sorted(failing))
    assert rejected <= sig001  # the ValueError is SIG001's
    assert flagged == rejected | failing
    assert {"Audit.__call__", "logged_ok", "forwarded_ok", "on_static", "on_saved"} <= {
        name for name, raised in outcomes.items() if raised is None
    }
    assert "bare_wrapped" in rejected  # the wrapper, not the function, is what DEBUG checks
    assert "forwarded_no_kwargs" in failing and "forwarded_no_kwargs" not in rejected


def test_a_string_sender_of_user_login_failed_never_matches(receivers_runtime, receivers_findings):
    assert receivers_runtime["login_failed"] == ["on_failure_any_sender"]
    (finding,) = [f for f in receivers_findings if f.code == "SIG009"]
    assert "on_failure_string_sender" in finding.message


# --- fixtures/projects/conditions: connections made under a setting ------------------------------

CONDITIONS = ROOT / "fixtures" / "projects" / "conditions"


@pytest.mark.parametrize("settings", ["config.settings", "config.settings_flipped"])
def test_conditional_connections_carry_their_condition_and_run_when_it_holds(settings):
    edges = startup_edges(CONDITIONS)
    conditions = {receiver.rsplit(".", 1)[-1]: condition for _, receiver, condition in edges}
    assert conditions == {
        "on_request_audit": "settings.FEATURE_AUDIT",
        "on_request_mail": "settings.FEATURE_MAIL",  # after ``if not settings.FEATURE_MAIL: return``
        "on_finished_always": None,
        "on_finished_mail": "settings.FEATURE_MAIL",
        "on_finished_without_mail": "not settings.FEATURE_MAIL",
    }
    texts = sorted({c for c in conditions.values() if c})
    runtime, true = setup_receivers(
        CONDITIONS, {signal for signal, _, _ in edges}, texts, settings=settings
    )
    assert true == (
        {"settings.FEATURE_AUDIT", "not settings.FEATURE_MAIL"}
        if settings == "config.settings"
        else {"settings.FEATURE_MAIL"}
    )
    assert holding(edges, true) == runtime
