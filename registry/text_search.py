"""Vietnamese-aware name search: case- and diacritics-insensitive, the same on both engines.

Neither engine folds Vietnamese diacritics by itself (FalkorDB's full-text index keeps 'lào' and 'lao' apart;
Neo4j's folding analyzer would, but the two must agree), so every entity carries a derived property,
`search_text`: the words of its name and English name, lower-cased with each accented letter replaced by its base
letter (đ → d), reduced to runs of [a-z0-9] and joined by single spaces. Each store keeps a full-text index on it
per node type, and a search asks that index for every word of the folded query as a word prefix — 'lao cai',
'LÀO CAI' and 'Lào Cai' all find 'Ủy ban nhân dân tỉnh Lào Cai'. The indexed text holds exactly the words a query
is split into, so both engines' tokenisers (RediSearch's and Lucene's, which split at different punctuation: a
backslash, a typographic quote, the dot of `db.labels`) see only spaces between words and answer alike.

The property is written with every node (`registry.graph`), never read back as content (StoredNode drops it),
and back-filled (computed here, written by id) for nodes stored before it existed.
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
"""[accented lower-case letter or combining mark, replacement], applied in this order by `fold`."""


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics (đ → d) — what the Cypher side computes."""
    folded = unicodedata.normalize("NFC", text).lower()
    for letter, base in FOLDS:
        folded = folded.replace(letter, base)
    return " ".join(folded.split())


def search_text(props: Mapping[str, object]) -> str:
    """The derived, indexed text of a node: the search words of its name and English name, space-separated (so no
    engine's word splitting can differ from `search_words`; "" for a node without a name)."""
    names = (props.get("name"), props.get("name_en"))
    return " ".join(word for name in names if isinstance(name, str) for word in search_words(name))


def search_words(text: str) -> list[str]:
    """The words of a search, folded, split on anything but letters and digits: what each full-text index is
    asked for. Only [a-z0-9] survive, so no word can carry the query syntax of either engine."""
    return re.findall(r"[a-z0-9]+", fold(text))
