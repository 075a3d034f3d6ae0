"""Load the catalog of Django's built-in signals (``django.toml``) plus user-declared ones.

https://docs.djangoproject.com/en/stable/ref/signals/
"""

from __future__ import annotations

import functools
import keyword
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import (
    Any,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

__all__ = [
    "DEFAULT_VERSION",
    "MODEL_SIGNAL_CLASSES",
    "RECEIVER_DECORATORS",
    "SIGNAL_CLASSES",
    "SUPPORTED_VERSIONS",
    "Catalog",
    "FrozenMapping",
    "ModelSpec",
    "SignalSpec",
    "load_catalog",
    "read_signals_file",
]

# Qualified names under which code reaches the dispatcher's classes and decorator:
# the definition, the `django.dispatch` re-export, and every other Django module
# that imports it at module level (`from django.db.models.signals import Signal`
# works too).  Union over the supported versions; checked against Django's source
# by tests/catalog/test_catalog_matches_django.py.
SIGNAL_CLASSES = frozenset(
    {
        "django.dispatch.Signal",
        "django.dispatch.dispatcher.Signal",
        "django.contrib.auth.signals.Signal",
        "django.core.signals.Signal",
        "django.db.backends.signals.Signal",
        "django.db.models.signals.Signal",
        "django.tasks.signals.Signal",  # Django 6.0+
        "django.test.signals.Signal",
        "django.utils.autoreload.Signal",
    }
)
MODEL_SIGNAL_CLASSES = frozenset({"django.db.models.signals.ModelSignal"})
RECEIVER_DECORATORS = frozenset(
    {
        "django.dispatch.receiver",
        "django.dispatch.dispatcher.receiver",
        "django.contrib.auth.hashers.receiver",
        "django.tasks.signals.receiver",  # Django 6.0+
        "django.template.autoreload.receiver",
        "django.test.signals.receiver",
        "django.utils.translation.trans_real.receiver",
    }
)

_DATA = Path(__file__).with_name("django.toml")

# Arguments every receiver gets from the dispatcher itself; never listed in a spec.
_DISPATCH_ARGS = frozenset({"sender", "signal"})


class FrozenMapping(Mapping[str, frozenset[str]]):
    """An immutable, hashable, picklable mapping (``SignalSpec.values``).

    Compares equal to any mapping with the same items, e.g. a plain ``dict``.
    """

    __slots__ = ("_data",)

    def __init__(
        self, data: Iterable[tuple[str, Iterable[str]]] | Mapping[str, Iterable[str]] = ()
    ) -> None:
        items = data.items() if isinstance(data, Mapping) else data
        self._data: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in sorted(items)}

    def __getitem__(self, key: str) -> frozenset[str]:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k!r}: {sorted(v)!r}" for k, v in self._data.items())
        return f"FrozenMapping({{{inner}}})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMapping, (tuple((k, tuple(sorted(v))) for k, v in self._data.items()),))


@dataclass(frozen=True)
class SignalSpec:
    """What a signal sends: the arguments of its send sites and their values.

    ``always``/``sometimes``/``nullable`` never contain ``sender`` or ``signal``
    (the dispatcher passes those to every receiver).
    """

    qualname: str  # canonical dotted name: "django.db.models.signals.post_save"
    name: str  # "post_save"
    module: str  # "django.db.models.signals"
    aliases: tuple[str, ...] = ()  # other dotted names of the same object (re-exports)
    model_signal: bool = (
        False  # a ModelSignal: lazy "app_label.Model" senders, sender must be a class
    )
    always: frozenset[str] = frozenset()  # passed by every send site
    sometimes: frozenset[str] = frozenset()  # passed by some send sites only
    nullable: frozenset[str] = frozenset()  # may be None where attribute access is a bug
    values: Mapping[str, frozenset[str]] = field(default_factory=FrozenMapping)  # enumerated values
    sent_before_ready: bool = (
        False  # sent while the app registry populates, before AppConfig.ready()
    )
    sender_description: str = ""
    doc_url: str = ""
    notes: str = ""  # version notes, for docs
    builtin: bool = True  # False for signals added from config (`extra`) or read from a package
    # Some send site expands a dict we cannot follow (or none is known): it may send names
    # outside always/sometimes, so only a close misspelling of an always-sent one is an error.
    open_ended: bool = False
    package: str = ""  # "django-allauth 65.3.0" for a signal read from an installed package

    def sends(self, arg: str) -> bool:
        """True if at least one send site passes ``arg`` (in ``always | sometimes``).

        ``sender`` and ``signal`` are not counted: the dispatcher passes them to
        every receiver of every signal.
        """
        return arg in self.always or arg in self.sometimes

    @property
    def arguments(self) -> frozenset[str]:
        """Every argument some send site passes (``always | sometimes``)."""
        return self.always | self.sometimes

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name followed by the aliases."""
        return (self.qualname,) + self.aliases


@dataclass(frozen=True)
class ModelSpec:
    """A model class Django itself defines (``auth.User``, ``contenttypes.ContentType``, ...)."""

    qualname: str  # where the class is defined: "django.contrib.auth.models.User"
    label: str | None  # "auth.User" as the app registry keys it; None for an abstract model
    abstract: bool = False
    proxy: bool = False
    swappable: str | None = None  # the setting that may replace it: "AUTH_USER_MODEL"
    aliases: tuple[str, ...] = ()  # other module-level names Django binds the class to

    @property
    def key(self) -> str | None:
        """``"auth.user"``: the label with the model name lower-cased, as the registry looks it up."""
        if self.label is None:
            return None
        app_label, _, name = self.label.partition(".")
        return f"{app_label}.{name.lower()}"


class Catalog:
    """The signals known for one Django version, looked up by qualified name or alias; and the
    models Django defines, by class name, alias or registry label."""

    def __init__(
        self,
        signals: Iterable[SignalSpec],
        django_version: str = "",
        models: Iterable[ModelSpec] = (),
    ) -> None:
        self.django_version = django_version
        self.models: tuple[ModelSpec, ...] = tuple(sorted(models, key=lambda m: m.qualname))
        self._models: dict[str, ModelSpec] = {}  # qualname or alias -> spec
        self._labels: dict[str, ModelSpec] = {}  # "auth.user" -> spec
        for model in self.models:
            for name in (*model.aliases, model.qualname):
                self._models[name] = model
            if model.key:
                self._labels[model.key] = model
        by_name: dict[str, SignalSpec] = {}
        for spec in signals:
            by_name[spec.qualname] = spec
        self.signals: tuple[SignalSpec, ...] = tuple(
            sorted(by_name.values(), key=lambda s: s.qualname)
        )
        self._index: dict[str, SignalSpec] = {}
        for spec in self.signals:  # aliases first, so a canonical name always wins
            for alias in spec.aliases:
                self._index[alias] = spec
        for spec in self.signals:
            self._index[spec.qualname] = spec

    def get(self, qualname: str | None) -> SignalSpec | None:
        """The spec for a canonical name or a re-export alias, or None."""
        if qualname is None:
            return None
        return self._index.get(qualname)

    def canonical(self, qualname: str | None) -> str | None:
        spec = self.get(qualname)
        return spec.qualname if spec is not None else None

    def is_model_signal(self, qualname: str | None) -> bool:
        spec = self.get(qualname)
        return spec is not None and spec.model_signal

    def model(self, qualname: str | None) -> ModelSpec | None:
        """The Django model a class name or one of its aliases names, or None."""
        return self._models.get(qualname) if qualname else None

    def model_by_label(self, reference: str) -> ModelSpec | None:
        """The Django model of a lazy ``"app_label.ModelName"`` reference: the app label compares
        exactly, the model name case-insensitively (``make_model_tuple``)."""
        app_label, dot, name = reference.partition(".")
        return self._labels.get(f"{app_label}.{name.lower()}") if dot else None

    @functools.cached_property
    def app_labels(self) -> frozenset[str]:
        """The labels of Django's apps that define models (``auth``, ``contenttypes``, ...)."""
        return frozenset(model.label.split(".")[0] for model in self.models if model.label)

    def extended(self, specs: Iterable[SignalSpec]) -> Catalog:
        """A new catalog with ``specs`` added (replacing specs with the same qualname)."""
        return Catalog(list(self.signals) + list(specs), self.django_version, self.models)

    def with_installed(self, specs: Iterable[SignalSpec]) -> Catalog:
        """A new catalog with the signals read from installed packages added under what it
        has: a signal already known (Django's, or declared in ``extra-signals``) keeps its entry."""
        added = []
        for spec in specs:
            if spec.qualname in self:
                continue
            aliases = tuple(alias for alias in spec.aliases if alias not in self)
            added.append(spec if aliases == spec.aliases else replace(spec, aliases=aliases))
        return self.extended(added) if added else self

    def __contains__(self, qualname: object) -> bool:
        return isinstance(qualname, str) and qualname in self._index

    def __iter__(self) -> Iterator[SignalSpec]:
        return iter(self.signals)

    def __len__(self) -> int:
        return len(self.signals)

    def __repr__(self) -> str:
        return f"<Catalog django={self.django_version!r} signals={len(self.signals)}>"


# --- loading -------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _raw_data() -> dict[str, Any]:
    with _DATA.open("rb") as fh:
        return tomllib.load(fh)


def _supported_versions() -> tuple[str, ...]:
    return tuple(_raw_data()["versions"])


SUPPORTED_VERSIONS: tuple[str, ...] = _supported_versions()
DEFAULT_VERSION: str = max(SUPPORTED_VERSIONS, key=lambda v: tuple(int(p) for p in v.split(".")))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def normalize_version(django_version: object | None) -> str:
    """``None`` → the newest supported version; ``"5.2.3"`` → ``"5.2"``; unsupported → ValueError."""
    if django_version is None or django_version == "":
        return DEFAULT_VERSION
    text = str(django_version).strip()
    parts = text.split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
        raise ValueError(
            f"invalid Django version {django_version!r}: expected 'MAJOR.MINOR' such as "
            f"{', '.join(repr(v) for v in SUPPORTED_VERSIONS)}"
        )
    version = f"{int(parts[0])}.{int(parts[1])}"
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(
            f"unsupported Django version {django_version!r}: signal-lint knows the signals of "
            f"Django {', '.join(SUPPORTED_VERSIONS)}; set `django-version` to the nearest one"
        )
    return version


def load_catalog(
    django_version: str | None = None, extra: Sequence[Mapping[str, Any]] = ()
) -> Catalog:
    """The catalog for ``django_version`` plus ``extra`` signals.

    Without a version (``None`` or ``""``: no ``django-version`` configured) the
    catalog holds what is true for every supported version: an argument is
    ``always`` only if every version always sends it, ``sometimes`` if any
    version sends it; it lists the signals of every version, described and
    linked as in the newest one (``DEFAULT_VERSION``).

    ``extra`` is a sequence of mappings as in ``[tool.signal-lint] extra-signals``
    (see docs/catalog.md); invalid entries raise ``ValueError``.  An extra signal
    with the qualname of a built-in one replaces it.
    """
    version = normalize_version(django_version)
    base = _builtin_catalog(version) if django_version else _any_version_catalog()
    if not extra:
        return base
    if isinstance(extra, (str, bytes)) or not isinstance(extra, Sequence):
        raise ValueError(f"extra signals must be a list of tables, got {type(extra).__name__}")
    specs: list[SignalSpec] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(extra):
        spec = parse_signal_entry(entry, where=f"extra signal #{index + 1}", builtin=False)
        if spec.qualname in seen:
            raise ValueError(
                f"extra signal #{index + 1}: `{spec.qualname}` is already declared by extra "
                f"signal #{seen[spec.qualname]}"
            )
        seen[spec.qualname] = index + 1
        specs.append(spec)
    catalog = base.extended(specs)
    for index, spec in enumerate(specs):
        for alias in spec.aliases:
            other = catalog.get(alias)
            if other is not spec:
                raise ValueError(
                    f"extra signal #{index + 1} ({spec.qualname}): alias `{alias}` is already "
                    f"the name of `{other.qualname if other else alias}`"
                )
    return catalog


@functools.lru_cache(maxsize=1)
def _any_version_catalog() -> Catalog:
    """With no ``django-version`` set: what holds for every supported version.

    An argument is ``always`` only if every version always sends it (so a send
    site written for Django 5.2 is not told it omits 6.1's ``raw`` of
    ``m2m_changed``), and ``sometimes`` if any version sends it at all (so a
    receiver requiring it is still told that some Djangos don't).
    """
    catalogs = [_builtin_catalog(version) for version in SUPPORTED_VERSIONS]
    newest = catalogs[SUPPORTED_VERSIONS.index(DEFAULT_VERSION)]
    merged: dict[str, SignalSpec] = {}
    for catalog in catalogs:
        for spec in catalog.signals:
            seen = merged.get(spec.qualname)
            if (
                seen is None
            ):  # start from the newest version's spec (descriptions, links), then merge this one
                seen = newest.get(spec.qualname) or spec
            always = seen.always & spec.always
            sent = seen.arguments | spec.arguments
            values = {
                key: seen.values.get(key, frozenset()) | spec.values.get(key, frozenset())
                for key in set(seen.values) | set(spec.values)
            }
            merged[spec.qualname] = replace(
                seen,
                aliases=tuple(sorted(set(seen.aliases) | set(spec.aliases))),
                always=always,
                sometimes=sent - always,
                nullable=seen.nullable | spec.nullable,
                values=FrozenMapping(values),
            )
    stable = [
        replace(spec, doc_url=spec.doc_url.replace(f"/en/{DEFAULT_VERSION}/", "/en/stable/"))
        for spec in merged.values()
    ]
    models: dict[str, ModelSpec] = {}
    for catalog in reversed(catalogs):  # a model of any version; the newest version describes it
        for model in catalog.models:
            models.setdefault(model.qualname, model)
    return Catalog(stable, "", models.values())


@functools.cache
def _builtin_catalog(version: str) -> Catalog:
    data = _raw_data()
    specs = []
    for index, entry in enumerate(data["signal"]):
        entry = dict(entry)
        since = entry.pop("since", None)
        until = entry.pop("until", None)
        if since is not None and _version_key(version) < _version_key(since):
            continue
        if until is not None and _version_key(version) > _version_key(until):
            continue
        for override in entry.pop("override", ()):
            override = dict(override)
            versions = override.pop("versions")
            unknown = set(versions) - set(data["versions"])
            if unknown:
                raise ValueError(
                    f"django.toml signal #{index + 1}: override for unknown version(s) {sorted(unknown)}"
                )
            if version not in versions:
                continue
            added = override.pop("add-aliases", [])
            entry.update(override)
            entry["aliases"] = list(entry.get("aliases", [])) + list(added)
        if "doc" in entry:
            entry["doc"] = entry["doc"].replace("{version}", version)
        specs.append(
            parse_signal_entry(entry, where=f"django.toml signal #{index + 1}", builtin=True)
        )
    models = []
    for entry in data.get("model", ()):
        entry = dict(entry)
        since, until = entry.pop("since", None), entry.pop("until", None)
        if (since is not None and _version_key(version) < _version_key(since)) or (
            until is not None and _version_key(version) > _version_key(until)
        ):
            continue
        for override in entry.pop("override", ()):
            override = dict(override)
            if version in override.pop("versions"):
                added = override.pop("add-aliases", [])
                entry.update(override)
                entry["aliases"] = list(entry.get("aliases", [])) + list(added)
        models.append(
            ModelSpec(
                qualname=entry.pop("qualname"),
                label=entry.pop("label", None),
                abstract=entry.pop("abstract", False),
                proxy=entry.pop("proxy", False),
                swappable=entry.pop("swappable", None),
                aliases=tuple(entry.pop("aliases", ())),
            )
        )
        if entry:
            raise ValueError(
                f"django.toml model {models[-1].qualname}: unknown keys {sorted(entry)}"
            )
    return Catalog(specs, version, models)


def read_signals_file(path: str | Path) -> list[dict[str, Any]]:
    """The ``[[signal]]`` tables of a user's TOML signals file, for ``load_catalog(extra=...)``."""
    from signal_lint.reading import DEFAULT_MAX_FILE_SIZE, read_regular_file

    try:  # named by a repository's configuration: a regular file of sensible size only
        data = tomllib.loads(read_regular_file(str(path), DEFAULT_MAX_FILE_SIZE).decode("utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read signals file {str(path)!r}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"signals file {str(path)!r} is not valid TOML: {exc}") from exc
    entries = data.get("signal", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(
            f"signals file {str(path)!r}: `signal` must be an array of tables ([[signal]])"
        )
    unknown = sorted(set(data) - {"signal"})
    if unknown:
        raise ValueError(
            f"signals file {str(path)!r}: unknown top-level key(s) {', '.join(unknown)}; expected [[signal]] tables"
        )
    return entries


# --- validation ----------------------------------------------------------------

# Accepted keys (kebab-case and snake_case spellings are both accepted) → SignalSpec field.
_KEYS = {
    "qualname": "qualname",
    "aliases": "aliases",
    "model_signal": "model_signal",
    "always": "always",
    "sometimes": "sometimes",
    "nullable": "nullable",
    "values": "values",
    "sent_before_ready": "sent_before_ready",
    "sender": "sender_description",
    "sender_description": "sender_description",
    "doc": "doc_url",
    "doc_url": "doc_url",
    "notes": "notes",
}


def _is_dotted(name: str) -> bool:
    parts = name.split(".")
    return len(parts) >= 2 and all(p.isidentifier() and not keyword.iskeyword(p) for p in parts)


def _is_argument(name: object) -> bool:
    return isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)


def _names(value: object, key: str, where: str) -> frozenset[str]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)):
        raise ValueError(f"{where}: `{key}` must be a list of argument names, got {value!r}")
    bad = [v for v in value if not _is_argument(v)]
    if bad:
        raise ValueError(
            f"{where}: `{key}` has invalid argument name(s) {', '.join(repr(b) for b in bad)}"
        )
    reserved = sorted(set(value) & _DISPATCH_ARGS)
    if reserved:
        raise ValueError(
            f"{where}: `{key}` must not list {', '.join(repr(r) for r in reserved)}: "
            "every receiver gets `sender` and `signal` from the dispatcher"
        )
    return frozenset(value)


def _string(value: object, key: str, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where}: `{key}` must be a string, got {value!r}")
    return value


def _bool(value: object, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where}: `{key}` must be true or false, got {value!r}")
    return value


def parse_signal_entry(
    entry: Mapping[str, Any], where: str = "signal", builtin: bool = False
) -> SignalSpec:
    """Validate one signal table and build its ``SignalSpec``; ``ValueError`` on bad input."""
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where}: expected a table with at least `qualname`, got {entry!r}")
    fields: dict[str, Any] = {}
    for raw_key, value in entry.items():
        key = str(raw_key).replace("-", "_")
        if key not in _KEYS:
            allowed = ", ".join(sorted({k.replace("_", "-") for k in _KEYS}))
            raise ValueError(f"{where}: unknown key {raw_key!r} (allowed: {allowed})")
        target = _KEYS[key]
        if target in fields:
            raise ValueError(f"{where}: `{raw_key}` given twice (under two spellings)")
        fields[target] = (str(raw_key), value)

    if "qualname" not in fields:
        raise ValueError(
            f"{where}: missing `qualname` (the signal's dotted name, e.g. 'allauth.account.signals.user_signed_up')"
        )
    qualname = _string(fields["qualname"][1], "qualname", where)
    if not _is_dotted(qualname):
        raise ValueError(
            f"{where}: `qualname` {qualname!r} is not a dotted name such as 'myapp.signals.order_paid'"
        )
    where = f"{where} ({qualname})"

    def get(target: str, convert: Any, default: Any) -> Any:
        if target not in fields:
            return default
        raw_key, value = fields[target]
        return convert(value, raw_key, where)

    always = get("always", _names, frozenset())
    sometimes = get("sometimes", _names, frozenset())
    nullable = get("nullable", _names, frozenset())
    both = sorted(always & sometimes)
    if both:
        raise ValueError(
            f"{where}: {', '.join(repr(b) for b in both)} listed in both `always` and `sometimes`"
        )
    unsent = sorted(nullable - always - sometimes)
    if unsent:
        raise ValueError(
            f"{where}: `nullable` lists {', '.join(repr(u) for u in unsent)}, which is not in `always` or `sometimes`"
        )

    values_raw = fields.get("values", ("values", {}))[1]
    if not isinstance(values_raw, Mapping):
        raise ValueError(
            f"{where}: `values` must be a table of argument name -> list of strings, got {values_raw!r}"
        )
    values: dict[str, frozenset[str]] = {}
    for arg, allowed in values_raw.items():
        if not _is_argument(arg) or arg not in always | sometimes:
            raise ValueError(
                f"{where}: `values` names {arg!r}, which is not in `always` or `sometimes`"
            )
        if (
            isinstance(allowed, (str, bytes))
            or not isinstance(allowed, (list, tuple, set, frozenset))
            or not allowed
        ):
            raise ValueError(
                f"{where}: `values.{arg}` must be a non-empty list of strings, got {allowed!r}"
            )
        if not all(isinstance(a, str) for a in allowed):
            raise ValueError(f"{where}: `values.{arg}` must contain only strings, got {allowed!r}")
        values[arg] = frozenset(allowed)

    aliases_raw = fields.get("aliases", ("aliases", []))[1]
    if isinstance(aliases_raw, (str, bytes)) or not isinstance(aliases_raw, (list, tuple)):
        raise ValueError(f"{where}: `aliases` must be a list of dotted names, got {aliases_raw!r}")
    for alias in aliases_raw:
        if not isinstance(alias, str) or not _is_dotted(alias):
            raise ValueError(f"{where}: alias {alias!r} is not a dotted name")
    module, name = qualname.rsplit(".", 1)
    return SignalSpec(
        qualname=qualname,
        name=name,
        module=module,
        aliases=tuple(sorted(set(aliases_raw) - {qualname})),
        model_signal=get("model_signal", _bool, False),
        always=always,
        sometimes=sometimes,
        nullable=nullable,
        values=FrozenMapping(values),
        sent_before_ready=get("sent_before_ready", _bool, False),
        sender_description=get("sender_description", _string, ""),
        doc_url=get("doc_url", _string, ""),
        notes=get("notes", _string, ""),
        builtin=builtin,
    )
