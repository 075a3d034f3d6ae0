"""The catalog loader: versions, lookups, the SignalSpec shape, user-declared signals, docs.

The generated part of docs/catalog.md is rendered here; rewrite it with
``python tests/catalog/test_catalog_loader.py --write-docs``.
"""

from __future__ import annotations

import dataclasses
import pickle
import sys
from pathlib import Path

import pytest

from signal_lint.catalog import (
    DEFAULT_VERSION,
    MODEL_SIGNAL_CLASSES,
    RECEIVER_DECORATORS,
    SIGNAL_CLASSES,
    SUPPORTED_VERSIONS,
    Catalog,
    SignalSpec,
    load_catalog,
    normalize_version,
    read_signals_file,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "catalog.md"
BEGIN = "<!-- BEGIN GENERATED: python tests/catalog/test_catalog_loader.py --write-docs -->"
END = "<!-- END GENERATED -->"

POST_SAVE = "django.db.models.signals.post_save"
M2M = "django.db.models.signals.m2m_changed"
SETTING_CHANGED = "django.core.signals.setting_changed"
ALLAUTH = {"qualname": "allauth.account.signals.user_signed_up", "always": ["request", "user"]}


# --- versions ------------------------------------------------------------------


def test_supported_versions() -> None:
    assert SUPPORTED_VERSIONS == ("4.2", "5.2", "6.0", "6.1")
    assert DEFAULT_VERSION == "6.1"


def test_default_holds_for_every_supported_version_and_is_cached() -> None:
    assert load_catalog() is load_catalog(None)
    assert load_catalog().django_version == ""
    m2m = load_catalog().get("django.db.models.signals.m2m_changed")
    assert "raw" in m2m.sometimes and "raw" not in m2m.always  # 6.1 added it; 5.2 does not send it
    assert "raw" in load_catalog("6.1").get("django.db.models.signals.m2m_changed").always


def test_default_merges_every_version() -> None:
    merged = load_catalog()
    assert {s.qualname for s in merged.signals} == {
        s.qualname for v in SUPPORTED_VERSIONS for s in load_catalog(v).signals
    }
    for spec in merged.signals:
        per_version = [load_catalog(v).get(spec.qualname) for v in SUPPORTED_VERSIONS]
        present = [s for s in per_version if s is not None]
        assert spec.always == frozenset.intersection(*(s.always for s in present)), spec.qualname
        assert spec.arguments == frozenset.union(*(s.arguments for s in present)), spec.qualname
        assert spec.nullable == frozenset.union(*(s.nullable for s in present)), spec.qualname
        assert spec.model_signal == present[-1].model_signal
        assert "/en/6.1/" not in spec.doc_url


@pytest.mark.parametrize("version", ["4.2", "5.2", "6.0", "6.1"])
def test_every_supported_version_loads(version: str) -> None:
    catalog = load_catalog(version)
    assert isinstance(catalog, Catalog)
    assert catalog.django_version == version
    assert load_catalog(version) is catalog


@pytest.mark.parametrize(
    "given, expected",
    [("5.2.3", "5.2"), (" 4.2 ", "4.2"), ("6.0", "6.0"), (5.2, "5.2"), ("", "6.1")],
)
def test_version_normalization(given: object, expected: str) -> None:
    assert normalize_version(given) == expected


@pytest.mark.parametrize("version", ["5.1", "3.2", "7.0", "abc", "5", "five.two"])
def test_unsupported_version_is_a_clear_error(version: str) -> None:
    with pytest.raises(ValueError, match="Django version"):
        load_catalog(version)


# --- lookups ---------------------------------------------------------------------


def test_get_by_canonical_name_and_alias() -> None:
    catalog = load_catalog("5.2")
    spec = catalog.get(SETTING_CHANGED)
    assert spec is not None and spec.qualname == SETTING_CHANGED
    assert catalog.get("django.test.signals.setting_changed") is spec
    assert catalog.get("django.contrib.auth.user_logged_in") is catalog.get(
        "django.contrib.auth.signals.user_logged_in"
    )
    assert catalog.canonical("django.test.signals.setting_changed") == SETTING_CHANGED
    assert "django.test.signals.setting_changed" in catalog


def test_get_unknown() -> None:
    catalog = load_catalog()
    assert catalog.get("shop.signals.order_paid") is None
    assert catalog.get(None) is None
    assert catalog.get("post_save") is None  # only qualified names
    assert not catalog.is_model_signal("shop.signals.order_paid")


def test_signals_sorted_and_unique() -> None:
    for version in SUPPORTED_VERSIONS:
        names = [spec.qualname for spec in load_catalog(version).signals]
        assert names == sorted(set(names))


def test_no_alias_shadows_another_signal() -> None:
    for version in SUPPORTED_VERSIONS:
        catalog = load_catalog(version)
        canonical = {spec.qualname for spec in catalog.signals}
        for spec in catalog.signals:
            assert not set(spec.aliases) & canonical, spec.qualname


# --- the data ----------------------------------------------------------------------

EVERYWHERE = {
    "django.db.models.signals.pre_init", "django.db.models.signals.post_init",
    "django.db.models.signals.pre_save", POST_SAVE,
    "django.db.models.signals.pre_delete", "django.db.models.signals.post_delete",
    M2M, "django.db.models.signals.class_prepared",
    "django.db.models.signals.pre_migrate", "django.db.models.signals.post_migrate",
    "django.core.signals.request_started", "django.core.signals.request_finished",
    "django.core.signals.got_request_exception", SETTING_CHANGED,
    "django.test.signals.template_rendered", "django.db.backends.signals.connection_created",
    "django.contrib.auth.signals.user_logged_in", "django.contrib.auth.signals.user_logged_out",
    "django.contrib.auth.signals.user_login_failed",
    "django.utils.autoreload.autoreload_started", "django.utils.autoreload.file_changed",
}  # fmt: skip
TASKS = {
    "django.tasks.signals.task_enqueued",
    "django.tasks.signals.task_started",
    "django.tasks.signals.task_finished",
}


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_signal_set_per_version(version: str) -> None:
    expected = EVERYWHERE | (TASKS if version >= "6.0" else set())
    assert {spec.qualname for spec in load_catalog(version).signals} == expected


def test_model_signals() -> None:
    model = {spec.name for spec in load_catalog().signals if spec.model_signal}
    assert model == {
        "pre_init",
        "post_init",
        "pre_save",
        "post_save",
        "pre_delete",
        "post_delete",
        "m2m_changed",
    }


def test_well_known_arguments() -> None:
    catalog = load_catalog("5.2")
    post_save = catalog.get(POST_SAVE)
    assert post_save is not None
    assert post_save.always == {"instance", "created", "raw", "using", "update_fields"}
    assert post_save.nullable == {"update_fields"}
    assert catalog.get("django.db.models.signals.pre_delete").always == {
        "instance",
        "using",
        "origin",
    }  # type: ignore[union-attr]
    started = catalog.get("django.core.signals.request_started")
    assert (
        started is not None
        and started.always == set()
        and started.sometimes == {"environ", "scope"}
    )
    migrate = catalog.get("django.db.models.signals.post_migrate")
    assert migrate is not None and not migrate.model_signal
    assert migrate.always == {"app_config", "verbosity", "interactive", "using"}
    assert migrate.sometimes == {"apps", "plan", "stdout"}
    assert catalog.get("django.contrib.auth.signals.user_logged_out").nullable == {"user"}  # type: ignore[union-attr]
    assert catalog.get("django.contrib.auth.signals.user_login_failed").nullable == {"request"}  # type: ignore[union-attr]
    assert catalog.get("django.core.signals.got_request_exception").always == {"request"}  # type: ignore[union-attr]


def test_m2m_changed_values_and_raw_in_6_1() -> None:
    actions = {"pre_add", "post_add", "pre_remove", "post_remove", "pre_clear", "post_clear"}
    for version in SUPPORTED_VERSIONS:
        spec = load_catalog(version).get(M2M)
        assert spec is not None and spec.values == {"action": actions}
        assert spec.nullable == {"pk_set"}
        assert ("raw" in spec.always) == (version == "6.1")


def test_only_class_prepared_is_sent_before_ready() -> None:
    assert [s.name for s in load_catalog().signals if s.sent_before_ready] == ["class_prepared"]


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_specs_are_consistent(version: str) -> None:
    for spec in load_catalog(version).signals:
        assert spec.qualname == f"{spec.module}.{spec.name}"
        assert not spec.always & spec.sometimes, spec.qualname
        assert not (spec.always | spec.sometimes) & {"sender", "signal"}, spec.qualname
        assert spec.nullable <= spec.arguments, spec.qualname
        assert set(spec.values) <= spec.arguments, spec.qualname
        assert spec.sender_description, spec.qualname
        assert spec.doc_url.startswith("https://") and "{version}" not in spec.doc_url, (
            spec.qualname
        )
        assert spec.builtin


def test_sends() -> None:
    spec = load_catalog().get("django.core.signals.request_started")
    assert spec is not None
    assert spec.sends("environ") and spec.sends("scope")
    assert not spec.sends("request")
    assert not spec.sends("sender")  # dispatcher arguments are not counted
    assert load_catalog().get(POST_SAVE).sends("created")  # type: ignore[union-attr]


def test_spec_is_frozen_hashable_and_picklable() -> None:
    catalog = load_catalog()
    for spec in catalog.signals:
        assert pickle.loads(pickle.dumps(spec)) == spec
        hash(spec)
    spec = catalog.get(M2M)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.always = frozenset()  # type: ignore[misc,union-attr]
    with pytest.raises(TypeError):
        spec.values["action"] = frozenset()  # type: ignore[index,union-attr]
    assert pickle.loads(pickle.dumps(catalog)).get(M2M) == spec


def test_constants() -> None:
    assert {"django.dispatch.Signal", "django.dispatch.dispatcher.Signal"} <= SIGNAL_CLASSES
    assert MODEL_SIGNAL_CLASSES == {"django.db.models.signals.ModelSignal"}
    assert {
        "django.dispatch.receiver",
        "django.dispatch.dispatcher.receiver",
    } <= RECEIVER_DECORATORS
    assert not SIGNAL_CLASSES & MODEL_SIGNAL_CLASSES


# --- extra (user-declared) signals -------------------------------------------------


def test_extra_signal() -> None:
    catalog = load_catalog("5.2", [ALLAUTH])
    spec = catalog.get("allauth.account.signals.user_signed_up")
    assert spec == SignalSpec(
        qualname="allauth.account.signals.user_signed_up",
        name="user_signed_up",
        module="allauth.account.signals",
        always=frozenset({"request", "user"}),
        builtin=False,
    )
    assert catalog.get(POST_SAVE) is load_catalog("5.2").get(POST_SAVE)
    assert (
        load_catalog("5.2").get("allauth.account.signals.user_signed_up") is None
    )  # the cache is untouched


def test_extra_signal_all_keys_both_spellings() -> None:
    entry = {
        "qualname": "shop.signals.order_changed",
        "aliases": ["shop.order_changed"],
        "model-signal": True,
        "always": ["instance", "action"],
        "sometimes": ["reason"],
        "nullable": ["reason"],
        "values": {"action": ["paid", "shipped"]},
        "sent_before_ready": False,
        "sender": "the Order class",
        "doc-url": "https://example.invalid/docs",
        "notes": "ours",
    }
    catalog = load_catalog(extra=[entry])
    spec = catalog.get("shop.order_changed")
    assert spec is not None and spec.qualname == "shop.signals.order_changed"
    assert spec.model_signal and spec.sometimes == {"reason"} and spec.nullable == {"reason"}
    assert spec.values == {"action": {"paid", "shipped"}}
    assert (
        spec.sender_description == "the Order class"
        and spec.doc_url == "https://example.invalid/docs"
    )
    assert catalog.is_model_signal("shop.signals.order_changed")


def test_extra_signal_replaces_builtin() -> None:
    catalog = load_catalog(
        extra=[{"qualname": POST_SAVE, "always": ["instance"], "model_signal": True}]
    )
    assert catalog.get(POST_SAVE).always == {"instance"}  # type: ignore[union-attr]
    assert len(catalog) == len(load_catalog())


@pytest.mark.parametrize(
    "extra, message",
    [
        ([{"always": ["x"]}], "missing `qualname`"),
        ([{"qualname": "order_paid"}], "not a dotted name"),
        ([{"qualname": "shop.signals.order-paid"}], "not a dotted name"),
        ([{"qualname": 3}], "must be a string"),
        ([{"qualname": "a.b", "colour": "red"}], "unknown key 'colour'"),
        ([{"qualname": "a.b", "always": "request"}], "`always` must be a list"),
        ([{"qualname": "a.b", "always": ["not valid"]}], "invalid argument name"),
        ([{"qualname": "a.b", "always": ["sender"]}], "must not list 'sender'"),
        ([{"qualname": "a.b", "sometimes": ["signal"]}], "must not list 'signal'"),
        (
            [{"qualname": "a.b", "always": ["x"], "sometimes": ["x"]}],
            "both `always` and `sometimes`",
        ),
        ([{"qualname": "a.b", "nullable": ["x"]}], "`nullable` lists 'x'"),
        ([{"qualname": "a.b", "always": ["x"], "values": {"y": ["1"]}}], "`values` names 'y'"),
        ([{"qualname": "a.b", "always": ["x"], "values": {"x": []}}], "non-empty list"),
        ([{"qualname": "a.b", "always": ["x"], "values": {"x": [1]}}], "only strings"),
        ([{"qualname": "a.b", "always": ["x"], "values": ["x"]}], "`values` must be a table"),
        ([{"qualname": "a.b", "model_signal": "yes"}], "true or false"),
        ([{"qualname": "a.b", "aliases": "a.c"}], "`aliases` must be a list"),
        ([{"qualname": "a.b", "aliases": ["c"]}], "not a dotted name"),
        ([{"qualname": "a.b", "model_signal": True, "model-signal": True}], "given twice"),
        ([ALLAUTH, ALLAUTH], "already declared"),
        (
            [{"qualname": "a.b", "aliases": [POST_SAVE]}],
            "already the name of `django.db.models.signals.post_save`",
        ),
        (
            [{"qualname": "a.b", "aliases": ["x.y"]}, {"qualname": "c.d", "aliases": ["x.y"]}],
            "alias `x.y` is already",
        ),
        (["allauth.account.signals.user_signed_up"], "expected a table"),
        ("allauth.account.signals.user_signed_up", "must be a list"),
    ],
)
def test_bad_extra_is_a_clear_value_error(extra: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        load_catalog(extra=extra)  # type: ignore[arg-type]
    assert "extra signal" in str(info.value)


def test_read_signals_file(tmp_path: Path) -> None:
    path = tmp_path / "signals.toml"
    path.write_text(
        '[[signal]]\nqualname = "allauth.account.signals.user_signed_up"\nalways = ["request", "user"]\n\n'
        '[[signal]]\nqualname = "allauth.account.signals.email_confirmed"\nalways = ["request", "email_address"]\n',
        encoding="utf-8",
    )
    entries = read_signals_file(path)
    catalog = load_catalog(extra=entries)
    assert catalog.get("allauth.account.signals.email_confirmed").always == {
        "request",
        "email_address",
    }  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text, message",
    [
        ("[[signal]\n", "not valid TOML"),
        ('signal = "x"\n', "array of tables"),
        ('[[signals]]\nqualname = "a.b"\n', "unknown top-level key"),
    ],
)
def test_read_signals_file_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "signals.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_signals_file(path)


def test_read_signals_file_missing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read signals file"):
        read_signals_file(tmp_path / "nope.toml")


# --- docs/catalog.md ----------------------------------------------------------------


def _args(names: object) -> str:
    return ", ".join(f"`{n}`" for n in sorted(names)) or "—"  # type: ignore[call-overload]


def _version_notes(qualname: str) -> str:
    """What changes across the supported versions, computed from the catalogs."""
    notes: list[str] = []
    previous = None
    present = [
        v
        for v in SUPPORTED_VERSIONS
        if load_catalog(v).get(qualname) is not None
        and load_catalog(v).get(qualname).qualname == qualname
    ]  # type: ignore[union-attr]
    if present and present[0] != SUPPORTED_VERSIONS[0]:
        notes.append(f"since {present[0]}")
    for version in present:
        spec = load_catalog(version).get(qualname)
        assert spec is not None
        if previous is not None:
            for label, before, after in (
                ("always", previous.always, spec.always),
                ("sometimes", previous.sometimes, spec.sometimes),
                ("nullable", previous.nullable, spec.nullable),
            ):
                if after - before:
                    notes.append(f"{version}: {label} adds {_args(after - before)}")
                if before - after:
                    notes.append(f"{version}: {label} drops {_args(before - after)}")
        previous = spec
    return "; ".join(notes) or "all"


def render_docs() -> str:
    newest = load_catalog()
    lines = [
        "| signal | model signal | always | sometimes | nullable | values | versions |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec in newest.signals:
        values = "; ".join(f"`{k}`: {_args(v)}" for k, v in spec.values.items()) or "—"
        flag = "yes" if spec.model_signal else "no"
        if spec.sent_before_ready:
            flag += " (sent before `ready()`)"
        stable_url = spec.doc_url.replace(f"/en/{newest.django_version}/", "/en/stable/")
        lines.append(
            f"| [`{spec.qualname}`]({stable_url}) | {flag} | {_args(spec.always)} "
            f"| {_args(spec.sometimes)} | {_args(spec.nullable)} | {values} | {_version_notes(spec.qualname)} |"
        )
    lines += ["", "| signal | sender | notes |", "|---|---|---|"]
    for spec in newest.signals:
        lines.append(f"| `{spec.name}` | {spec.sender_description} | {spec.notes or '—'} |")
    lines += [
        "",
        "Aliases (other dotted names bound to the same object, resolved by `Catalog.get`):",
        "",
    ]
    aliases: dict[str, set] = {}
    for version in SUPPORTED_VERSIONS:
        for spec in load_catalog(version).signals:
            aliases.setdefault(spec.qualname, set()).update(spec.aliases)
    for qualname in sorted(aliases):
        if aliases[qualname]:
            lines.append(f"- `{qualname}`: {_args(aliases[qualname])}")
    return "\n".join(lines) + "\n"


def _generated_part(text: str) -> str:
    assert BEGIN in text and END in text, f"{DOCS} lacks the generated-table markers"
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def test_docs_table_is_up_to_date() -> None:
    assert _generated_part(DOCS.read_text(encoding="utf-8")) == render_docs(), (
        "docs/catalog.md is stale: run python tests/catalog/test_catalog_loader.py --write-docs"
    )


if __name__ == "__main__":
    if sys.argv[1:] != ["--write-docs"]:
        sys.exit("usage: python tests/catalog/test_catalog_loader.py --write-docs")
    text = DOCS.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOCS.write_text(f"{head}{BEGIN}\n{render_docs()}{END}{tail}", encoding="utf-8")
