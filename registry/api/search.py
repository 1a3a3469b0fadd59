"""Vietnamese-aware text search: case- and diacritics-insensitive, on both engines, without changing stored data.

Neither engine's Cypher has an 'unaccent' function both share, so the query folds the stored name itself:
lower-case it, then replace each accented Vietnamese letter (and each combining mark, for decomposed text) with
its base letter — a `reduce` over a list of replacement pairs passed as a parameter. The search text is folded the
same way in Python, so 'lao cai', 'LÀO CAI' and 'Lào Cai' all find 'Ủy ban nhân dân tỉnh Lào Cai'.
The cost is a scan of the type's nodes with ~80 `replace` calls each: fine at the registry's size today; a
full-text index in each adapter is the scalable follow-up.
"""

from __future__ import annotations

import unicodedata

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng
_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0306", "\u0302", "\u031b")  # tones, breve, hat, horn


def _fold_pairs() -> list[list[str]]:
    pairs: dict[str, str] = {"đ": "d"}
    for vowel in _VOWELS:
        for tone in _TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            base = unicodedata.normalize("NFD", letter)[0]
            if letter != base:
                pairs[letter] = base
    folded = [[letter, base] for letter, base in sorted(pairs.items())]
    return folded + [[mark, ""] for mark in _MARKS]


FOLDS: list[list[str]] = _fold_pairs()
"""[accented lower-case letter or combining mark, replacement]: the `$folds` parameter of a search."""


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics (đ → d) — what the Cypher side computes."""
    folded = unicodedata.normalize("NFC", text).lower()
    for letter, base in FOLDS:
        folded = folded.replace(letter, base)
    return " ".join(folded.split())


def folded_cypher(expression: str) -> str:
    """Cypher computing `fold(expression)`; it needs the `$folds` parameter."""
    return f"reduce(text = toLower({expression}), pair IN $folds | replace(text, pair[0], pair[1]))"
