"""The cache's data-only codec: faithful for every fact, loud for a type it does not know.

The caches are JSON written and checked by ``signal_lint.codec``, driven by
the dataclasses' field types.  These tests round-trip the facts of every
fixture file and rule example, check that every field of every facts class
is exercised by them (so a field added later is covered by the round trip),
and that anything but the declared shapes is refused.
"""

from __future__ import annotations

import dataclasses
import json
import textwrap
import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signal_lint.codec import Invalid, decoder, encode, schema
from signal_lint.extract import extract_source
from signal_lint.extract.facts import FileFacts
from signal_lint.findings import Finding
from signal_lint.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent


def _sources() -> list[tuple[str, bytes]]:
    found = [
        (path.relative_to(ROOT).as_posix(), path.read_bytes())
        for path in sorted((ROOT / "fixtures").rglob("*.py"))
    ]
    for rule in all_rules():
        for number, example in enumerate([*rule.VALID, *rule.INVALID]):
            found.append((f"{rule.code}_{number}.py", example.source().encode()))
            for path, source in sorted(example.files.items()):
                found.append((path, textwrap.dedent(source).lstrip("\n").encode()))
    return found


def _all_facts() -> list[FileFacts]:
    facts = []
    for path, source in _sources():
        module = path[: -len(".py")].replace("/", ".")
        for detailed in (None, True):  # the cheap pass and the full one
            facts.append(extract_source(source, path, module, detailed=detailed))
    return facts


ALL_FACTS = _all_facts()


def round_trip(value, kind):
    return decoder(kind)(json.loads(encode(value)))


def test_the_facts_of_every_fixture_and_rule_example_round_trip():
    assert len(ALL_FACTS) > 200
    for facts in ALL_FACTS:
        assert round_trip(facts, FileFacts) == facts, facts.path


def test_the_facts_survive_the_pickling_that_brings_them_from_the_workers():
    """Facts classes pickle as calls of a constructor made for them (``facts._pickled_as_calls``):
    every field of every class comes back (the test below proves the examples set every field),
    and the copies are still frozen."""
    import pickle

    for facts in ALL_FACTS:
        copy = pickle.loads(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
        assert copy == facts, facts.path
    import dataclasses

    imported = next(facts.imports[0] for facts in ALL_FACTS if facts.imports)
    copy = pickle.loads(pickle.dumps(imported))
    assert copy == imported and type(copy) is type(imported)
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.module = "elsewhere"


def test_findings_round_trip():
    from signal_lint.catalog import load_catalog
    from signal_lint.engine import check_one

    catalog = load_catalog()
    findings = tuple(f for facts in ALL_FACTS for f in check_one(facts, catalog))
    assert any(f.fix is not None for f in findings) and len(findings) > 100
    assert round_trip(findings, tuple[Finding, ...]) == findings


def _dataclasses(kind, seen=None):
    """Every dataclass reachable from ``kind``'s field types."""
    seen = {} if seen is None else seen
    if dataclasses.is_dataclass(kind) and kind not in seen:
        seen[kind] = typing.get_type_hints(kind)
        for hint in seen[kind].values():
            _dataclasses(hint, seen)
    for argument in typing.get_args(kind):
        _dataclasses(argument, seen)
    return seen


def test_every_field_of_every_facts_class_is_exercised_by_the_round_trip():
    """A field that no fixture sets is not proven to survive the cache: add an example that sets it."""
    unset = {
        (kind.__name__, field.name)
        for kind in _dataclasses(FileFacts)
        for field in dataclasses.fields(kind)
    }

    def visit(value):
        if dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                current = getattr(value, field.name)
                if field.default is dataclasses.MISSING or current != field.default:
                    unset.discard((type(value).__name__, field.name))
                visit(current)
        elif isinstance(value, (tuple, frozenset)):
            for item in value:
                visit(item)

    for facts in ALL_FACTS:
        visit(facts)
    assert not sorted(unset)


@pytest.mark.parametrize(
    "hint",
    [dict[str, int], list[str], float, typing.Any, object, str | int, tuple[str, list[int]]],
    ids=str,
)
def test_a_type_the_codec_does_not_know_fails_when_the_codec_is_built(hint):
    Later = dataclasses.make_dataclass("Later", [("name", str), ("added", hint)], frozen=True)
    with pytest.raises(TypeError):
        decoder(Later)
    with pytest.raises(TypeError):
        encode(Later("x", None))


def test_a_bare_frozenset_is_refused():
    """Element types must be declared: ``frozenset`` alone would let anything through."""

    @dataclasses.dataclass(frozen=True)
    class Bare:
        names: frozenset

    with pytest.raises(TypeError):
        decoder(Bare)


def test_the_schema_digest_changes_with_a_field():
    @dataclasses.dataclass(frozen=True)
    class Before:
        name: str

    @dataclasses.dataclass(frozen=True)
    class After:
        name: str
        line: int = 0

    After.__name__ = "Before"
    assert schema(Before) != schema(After)


EMPTY = json.loads(encode(FileFacts("a.py", "a", False, False)))


@pytest.mark.parametrize(
    "data",
    [
        "x",
        None,
        [],
        {},
        EMPTY[:-1],
        [*EMPTY, True],
        [*EMPTY[:2], 0, *EMPTY[3:]],  # is_package: an int
        [*EMPTY[:5], [[1.0, None]], *EMPTY[6:]],  # a noqa line: a float
        [*EMPTY[:5], [[1, ["SIG001", 2]]], *EMPTY[6:]],  # a noqa code: an int
        [*EMPTY[:5], [[True, None]], *EMPTY[6:]],  # a noqa line: a bool
    ],
    ids=["string", "null", "empty", "object", "short", "long", "int-bool", "float", "int-str", "bool-int"],
)  # fmt: skip
def test_wrong_shapes_are_invalid(data):
    assert decoder(FileFacts)(json.loads(json.dumps(EMPTY))) == FileFacts("a.py", "a", False, False)
    with pytest.raises(Invalid):
        decoder(FileFacts)(data)


def _mutations(value):
    """Every way of replacing one node of the JSON tree ``value``: (path, parent, key)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield value, index
            yield from _mutations(item)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=2)
    ),
    max_leaves=6,
)
SAMPLES = [facts for facts in ALL_FACTS if facts.connections and facts.functions][:20]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=st.sampled_from(SAMPLES), choice=st.integers(min_value=0), value=JSON_VALUES)
def test_a_mutated_entry_decodes_to_facts_of_the_right_shape_or_is_invalid(sample, choice, value):
    data = json.loads(encode(sample))
    places = list(_mutations(data))
    parent, key = places[choice % len(places)]
    parent[key] = value
    try:
        facts = decoder(FileFacts)(data)
    except Invalid:
        return
    # accepted: then every value has its declared type, so it survives another round trip
    assert round_trip(facts, FileFacts) == facts
