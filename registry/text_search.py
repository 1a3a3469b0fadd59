"""Vietnamese-aware name search: case- and diacritics-insensitive, the same on both engines.

Neither engine folds Vietnamese diacritics by itself (FalkorDB's full-text index keeps 'lào' and 'lao' apart;
Neo4j's folding analyzer would, but the two must agree), so every entity carries a derived property,
`search_text`: its name and English name lower-cased with each accented letter replaced by its base letter
(đ → d). Each store keeps a full-text index on it per node type, and a search asks that index for every word of
the folded query as a word prefix — 'lao cai', 'LÀO CAI' and 'Lào Cai' all find 'Ủy ban nhân dân tỉnh Lào Cai'.

The property is written with every node (`registry.graph`), never read back as content (StoredNode drops it),
and back-filled by the Cypher twin of `fold` for nodes stored before it existed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

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


def search_text(props: Mapping[str, object]) -> str:
    """The derived, indexed text of a node: its folded name and English name, space-separated (RediSearch does not
    split words at a line break)."""
    names = (props.get("name"), props.get("name_en"))
    return " ".join(fold(name) for name in names if isinstance(name, str) and name)


def search_words(text: str) -> list[str]:
    """The words of a search, folded, split on anything but letters and digits: what each full-text index is
    asked for. Only [a-z0-9] survive, so no word can carry the query syntax of either engine."""
    return re.findall(r"[a-z0-9]+", fold(text))
