"""What one import remembers about the records it has seen, kept small: a national import sees millions.

The loader must tell a record repeated with the same content (counted unchanged) from one repeated with other
content (rejected, naming where it was first given), and must know which relationship ends this import already
claimed (cardinality). Keeping a Location object, a tuple and a set per record cost about 430 bytes each; here
the first location and the content digest are packed into one integer, ids are interned (the id in a
relationship key is the very string of its node), and a claimed end holds one id until it has two.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterator

from importers import Location

_DIGEST_BITS = 64
_LINE_BITS = 32


class SeenRecords:
    """key → (first location, content digest), one packed int per key."""

    def __init__(self) -> None:
        self._packed: dict[Hashable, int] = {}
        self._places: list[tuple[str, str | None]] = []  # (file, sheet) by index
        self._place_index: dict[tuple[str, str | None], int] = {}

    def _pack(self, location: Location, digest: int) -> int:
        place = (location.file, location.sheet)
        index = self._place_index.get(place)
        if index is None:
            index = self._place_index[place] = len(self._places)
            self._places.append(place)
        line = 0 if location.line is None else location.line + 1
        return (((index << _LINE_BITS) | line) << _DIGEST_BITS) | (digest & ((1 << _DIGEST_BITS) - 1))

    def _unpack(self, packed: int) -> tuple[Location, int]:
        digest = packed & ((1 << _DIGEST_BITS) - 1)
        rest = packed >> _DIGEST_BITS
        line = rest & ((1 << _LINE_BITS) - 1)
        file, sheet = self._places[rest >> _LINE_BITS]
        return Location(file, None if line == 0 else line - 1, sheet), digest

    def add(self, key: Hashable, location: Location, digest: int) -> None:
        self._packed[key] = self._pack(location, digest)

    def get(self, key: Hashable) -> tuple[Location, int] | None:
        """(where it was first given, its content digest masked to 64 bits), or None if not seen."""
        packed = self._packed.get(key)
        return None if packed is None else self._unpack(packed)

    def discard(self, key: Hashable) -> None:
        self._packed.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._packed

    def __len__(self) -> int:
        return len(self._packed)


def digest_bits(digest: int) -> int:
    """A digest as SeenRecords gives it back, for comparison with a fresh one."""
    return digest & ((1 << _DIGEST_BITS) - 1)


class ClaimedEnds:
    """For each (relationship type, direction), the other ends this import linked to each end id: one id kept
    as a string until a second arrives."""

    def __init__(self) -> None:
        self._ends: dict[tuple[str, bool], dict[str, str | set[str]]] = {}

    def others(self, rel_type: str, end: str, incoming: bool) -> set[str]:
        found = self._ends.get((rel_type, incoming), {}).get(end)
        if found is None:
            return set()
        return {found} if isinstance(found, str) else set(found)

    def claim(self, rel_type: str, end: str, incoming: bool, other: str) -> None:
        ends = self._ends.setdefault((rel_type, incoming), {})
        end, other = sys.intern(end), sys.intern(other)
        found = ends.get(end)
        if found is None:
            ends[end] = other
        elif isinstance(found, str):
            if found != other:
                ends[end] = {found, other}
        else:
            found.add(other)

    def __iter__(self) -> Iterator[tuple[str, bool]]:
        return iter(self._ends)
