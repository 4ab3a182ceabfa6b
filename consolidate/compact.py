"""A file's values kept compactly: one shared key index per layout, one array of doubles per file.

A submission's values as a dict (spec cell key -> float) take ~10 KB: the dict's table and a
float object per cell. A province's round holds 10,000 of them for the whole roll-up. Nearly
every file of a format has the same keys in the same order (the reader reads them in the
layout's order), so :func:`compact` keeps the keys once, in a :class:`KeyIndex` shared by every
file with that order, and each file's numbers in an ``array('d')`` (8 bytes a cell, NaN and
-0.0 kept bit for bit). :class:`Values` is a read-only ``Mapping``: every reader of
``FileResult.values`` (``[]``, ``get``, ``in``, ``items()``, iteration in the same order,
``==`` with a dict) works unchanged.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import ItemsView, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported by the one function that needs it: this module stays import-light
    import numpy as np

MAX_INDEXES = 256  # distinct key orders kept; beyond (cannot happen with our specs) values stay dicts


class KeyIndex:
    """The keys of a layout, in order, and each key's position."""

    __slots__ = ("_orders", "keys", "position")

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self.position = {k: i for i, k in enumerate(keys)}
        self._orders: dict[tuple[str, ...], list[int] | None] = {}

    def order_of(self, keys: tuple[str, ...]) -> list[int] | None:
        """The positions of ``keys`` in this index (None when one is not here), worked out once:
        values kept in another order (PostgreSQL's jsonb sorts an object's keys) read in ``keys``'."""
        if keys not in self._orders:
            found = [self.position.get(k) for k in keys]
            self._orders[keys] = None if None in found else found  # type: ignore[assignment]
        return self._orders[keys]


_INDEXES: dict[tuple[str, ...], KeyIndex] = {}


def key_index(keys: tuple[str, ...]) -> KeyIndex | None:
    """The shared index for ``keys`` (made on first use), or None once too many were made."""
    index = _INDEXES.get(keys)
    if index is None and len(_INDEXES) < MAX_INDEXES:
        index = _INDEXES[keys] = KeyIndex(keys)
    return index


class Values(Mapping[str, float]):
    """A file's values, read-only: the keys shared (``KeyIndex``), the numbers in an array."""

    __slots__ = ("_data", "_index")

    def __init__(self, index: KeyIndex, data: array) -> None:  # type: ignore[type-arg]
        self._index = index
        self._data = data

    def __getitem__(self, key: str) -> float:
        return self._data[self._index.position[key]]

    def get(self, key: str, default: Any = None) -> Any:
        i = self._index.position.get(key)
        return default if i is None else self._data[i]

    def __contains__(self, key: object) -> bool:
        return key in self._index.position

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.keys)

    def __len__(self) -> int:
        return len(self._index.keys)

    def items(self) -> ItemsView[str, float]:
        return as_dict(self).items()  # pairs made in C, not one __getitem__ a key

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self._index.keys, self._data))


def _restore(keys: tuple[str, ...], data: array) -> Mapping[str, float]:  # type: ignore[type-arg]
    index = key_index(keys)
    return Values(index, data) if index is not None else dict(zip(keys, data, strict=True))


def as_dict(values: Mapping[str, float]) -> dict[str, float]:
    """``values`` as a plain dict (a new one), the same keys in the same order."""
    if type(values) is Values:
        return dict(zip(values._index.keys, values._data, strict=True))
    return dict(values)


def compact(values: Mapping[str, float] | None) -> Mapping[str, float] | None:
    """``values`` kept compactly (the same keys, order and numbers), or as given when empty
    or already compact."""
    if not values or type(values) is Values:
        return values
    index = key_index(tuple(values))
    if index is None:
        return values
    return Values(index, array("d", values.values()))


def from_json(values: Mapping[str, float | None]) -> Mapping[str, float]:
    """Values as a JSON report keeps them (``null`` for a number that could not be read: NaN
    again), compact as the reader makes them (no dict of floats made first)."""
    index = key_index(tuple(values))
    numbers = [math.nan if v is None else v for v in values.values()]
    if index is None:
        return dict(zip(values, map(float, numbers), strict=True))
    return Values(index, array("d", numbers))


def row_numbers(values: Mapping[str, float], keys: tuple[str, ...], missing: float) -> Sequence[float]:
    """The numbers of ``keys`` in order (``missing`` where absent): a compact file's own array
    when its keys are these (no copy), else a list."""
    if type(values) is Values:
        if values._index.keys == keys:
            return values._data
        order = values._index.order_of(keys)
        if order is not None:
            return list(map(values._data.__getitem__, order))
    return [values.get(k, missing) for k in keys]


def matrix(rows: Sequence[Mapping[str, float] | None], keys: tuple[str, ...], missing: float) -> np.ndarray:
    """One row per mapping, one float64 column per key (``missing`` where a key is absent, or
    the whole row when the mapping is None): compact rows of these very keys are copied as
    they are, without making a Python float per cell."""
    import numpy as np

    out = np.empty((len(rows), len(keys)), dtype=np.float64)
    for i, values in enumerate(rows):
        if type(values) is Values and values._index.keys == keys:
            out[i] = np.frombuffer(values._data, dtype=np.float64)
        elif type(values) is Values and (order := values._index.order_of(keys)) is not None:
            out[i] = np.frombuffer(values._data, dtype=np.float64)[order]
        elif values is None:
            out[i] = missing
        else:
            out[i] = [values.get(k, missing) for k in keys]
    return out
