"""Frozen dataclasses as plain JSON data and back, driven by their declared field types.

The caches live inside the checked tree, where anyone who can open a pull
request can put a file, so they hold data only (a pickle runs code): a
dataclass is written as the JSON array of its field values in field order,
tuples and frozensets as arrays, ``None`` as ``null``.  Reading checks every
value against the declared type and raises ``Invalid`` on the first mismatch,
so a damaged or hostile cache entry is dropped and rebuilt, never returned as
an object of the wrong shape.

The codec knows ``str``, ``int``, ``bool``, ``None``, ``X | None``,
``tuple[X, ...]``, ``tuple[X, Y]``, ``frozenset[X]`` and frozen dataclasses
made of these.  Building it for any other type raises ``TypeError``; the
test suite builds it for ``FileFacts``, so a field added later with a type
this module does not know fails there, not in a user's run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar, cast

T = TypeVar("T")
Decoder = Callable[[Any], Any]


class Invalid(ValueError):
    """Data that does not have the declared shape."""


def encode(value: object) -> str:
    """``value`` (JSON data holding codec-supported dataclasses) as compact ASCII JSON text.

    ASCII: a file name that is not valid UTF-8 (held as lone surrogates) is written as ``\\udcff``
    escapes, which ``json.loads`` turns back into the same string.
    """
    return json.dumps(value, default=_plain, separators=(",", ":"))


def _plain(value: object) -> object:
    """What ``json`` cannot write itself: dataclasses (field values in order) and frozensets."""
    if type(value) is frozenset:
        return list(value)
    getter = _getters.get(type(value))
    if getter is None:
        if not dataclasses.is_dataclass(value):
            raise TypeError(f"cannot encode {type(value).__name__}")
        _decoder(cast(Any, type(value)))  # checks the field types and registers the getter
        getter = _getters[type(value)]
    return getter(value)


_getters: dict[type, Callable[[Any], Any]] = {}


def decoder(kind: type[T]) -> Callable[[Any], T]:
    """A function turning JSON data written by ``encode`` back into a ``kind``, or raising ``Invalid``."""
    # cast: typeshed's functools.cache wants Hashable arguments, and mypy does not count a
    # type[...] as one
    decode: Callable[[Any], T] = _decoder(cast(Any, kind))
    return decode


@cache
def schema(kind: type) -> str:
    """A short digest of ``kind``'s shape (field names and types, recursively): part of the cache key."""
    return hashlib.blake2b(_describe(kind).encode(), digest_size=8).hexdigest()


def _describe(kind: Any) -> str:
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = ",".join(f"{f.name}:{_describe(hints[f.name])}" for f in dataclasses.fields(kind))
        return f"{kind.__name__}({fields})"
    return repr(kind)


@cache
def _decoder(kind: Any) -> Decoder:
    if kind is str or kind is int or kind is bool:
        return _register(_primitive(kind), (kind,))
    if kind is type(None):
        return _register(_none, (type(None),))
    origin = typing.get_origin(kind)
    arguments = typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        others = [a for a in arguments if a is not type(None)]
        if len(arguments) == 2 and len(others) == 1:
            inner = _decoder(others[0])
            plain = _plain_types(inner)
            return _register(_optional(inner), (*plain, type(None)) if plain else ())
        raise TypeError(f"cannot decode {kind!r}: only unions with None are supported")
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        return _sequence(_decoder(arguments[0]), tuple)
    if origin is tuple and arguments and Ellipsis not in arguments:
        return _fixed_tuple(tuple(_decoder(a) for a in arguments))
    if origin is frozenset and len(arguments) == 1:
        return _sequence(_decoder(arguments[0]), frozenset)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind)
    raise TypeError(f"cannot encode or decode {kind!r} in a cache file")


_PLAIN: dict[Decoder, tuple[type, ...]] = {}


def _register(decode: Decoder, plain: tuple[type, ...]) -> Decoder:
    if plain:
        _PLAIN[decode] = plain
    return decode


def _primitive(kind: type) -> Decoder:
    def decode(value: Any) -> Any:
        if type(value) is not kind:
            raise Invalid(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return decode


def _none(value: Any) -> None:
    if value is not None:
        raise Invalid(f"expected null, got {type(value).__name__}")


def _optional(inner: Decoder) -> Decoder:
    def decode(value: Any) -> Any:
        return None if value is None else inner(value)

    return decode


def _sequence(item: Decoder, make: type) -> Decoder:
    kind = _primitive_kind(item)
    if kind is not None:  # the common case, a tuple of str: no call per element

        def decode_primitives(value: Any) -> Any:
            if type(value) is not list:
                raise Invalid(f"expected an array, got {type(value).__name__}")
            for element in value:
                if type(element) is not kind:
                    raise Invalid(f"expected {kind.__name__}, got {type(element).__name__}")
            return make(value)

        return decode_primitives

    def decode(value: Any) -> Any:
        if type(value) is not list:
            raise Invalid(f"expected an array, got {type(value).__name__}")
        return make([item(element) for element in value])

    return decode


def _fixed_tuple(items: tuple[Decoder, ...]) -> Decoder:
    size = len(items)
    plain = [_plain_types(item) for item in items]
    if all(plain):  # ``(name, target)`` pairs and the like: checked inline

        def decode_plain(value: Any) -> Any:
            if type(value) is not list or len(value) != size:
                raise Invalid(f"expected an array of {size}")
            for allowed, element in zip(plain, value, strict=True):
                if type(element) not in allowed:
                    raise Invalid(f"got {type(element).__name__} in a tuple")
            return tuple(value)

        return decode_plain

    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != size:
            raise Invalid(f"expected an array of {size}")
        return tuple([item(element) for item, element in zip(items, value, strict=True)])

    return decode


def _dataclass(kind: type) -> Decoder:
    fields = dataclasses.fields(kind)
    if any(not f.init for f in fields):
        raise TypeError(f"cannot decode {kind.__name__}: every field must be an __init__ argument")
    try:
        hints = typing.get_type_hints(kind)
    except NameError as error:  # an annotation naming something out of scope
        raise TypeError(f"cannot decode {kind.__name__}: {error}") from None
    names = [f.name for f in fields]
    items = [_decoder(hints[name]) for name in names]
    # a one-field attrgetter returns the value, not a 1-tuple
    _getters[kind] = (
        operator.attrgetter(*names)
        if len(names) > 1
        else (lambda value: (getattr(value, names[0]),))
    )
    size = len(items)
    # Fields of plain values are checked inline (most of them: a call each would double the time);
    # the others are converted in place (the list is the freshly parsed JSON's, nobody else's).
    checked = [(i, _plain_types(item)) for i, item in enumerate(items) if _plain_types(item)]
    converted = [(i, item) for i, item in enumerate(items) if not _plain_types(item)]

    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != size:
            raise Invalid(f"expected {kind.__name__}")
        for index, allowed in checked:
            if type(value[index]) not in allowed:
                raise Invalid(f"{kind.__name__}.{names[index]}: got {type(value[index]).__name__}")
        for index, item in converted:
            value[index] = item(value[index])
        return kind(*value)

    return decode


def _plain_types(item: Decoder) -> tuple[type, ...]:
    """The types a decoder of a plain value (``str``, ``int | None``...) accepts as they are; () for others."""
    return _PLAIN.get(item, ())


def _primitive_kind(item: Decoder) -> type | None:
    """The type a ``_primitive`` decoder checks, or None for any other decoder."""
    allowed = _plain_types(item)
    return allowed[0] if len(allowed) == 1 else None
