"""Vietnamese-aware name normalisation, so names that mean the same job compare equal.

"HTTT một cửa tỉnh Bình Thuận (cũ)" and "Hệ thống thông tin một cửa tỉnh Lâm Đồng" both become the job
"mot cua": lower case, no diacritics (đ → d), abbreviations spelt out, places and scope words ("tỉnh X",
"quốc gia") and generic words ("hệ thống", "thông tin") removed. The same function serves systems and datasets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

ABBREVIATIONS: dict[str, str] = {
    "httt": "he thong thong tin",
    "csdl": "co so du lieu",
    "dvc": "dich vu cong",
    "tthc": "thu tuc hanh chinh",
    "ubnd": "uy ban nhan dan",
    "qlvb": "quan ly van ban",
    "cntt": "cong nghe thong tin",
    "cbccvc": "can bo cong chuc vien chuc",
    "tp": "thanh pho",
}
# Provinces merged into others in 2025 (Resolution 202/2025/QH15) and old names: names of inherited systems
# carry them ("… tỉnh Bình Thuận (cũ)") though no Agency of that name exists any more.
FORMER_PROVINCES = (
    "Hải Dương", "Quảng Nam", "Bình Dương", "Bà Rịa Vũng Tàu", "Sóc Trăng", "Hậu Giang", "Hà Giang", "Yên Bái",
    "Bắc Kạn", "Bắc Giang", "Vĩnh Phúc", "Hòa Bình", "Thái Bình", "Hà Nam", "Nam Định", "Quảng Bình", "Kon Tum",
    "Bình Định", "Ninh Thuận", "Phú Yên", "Đắk Nông", "Bình Thuận", "Bình Phước", "Long An", "Tiền Giang",
    "Bến Tre", "Trà Vinh", "Kiên Giang", "Bạc Liêu", "Thừa Thiên Huế",
)
ADMIN_PREFIXES = ("uy ban nhan dan", "thanh pho", "tinh", "xa", "phuong", "dac khu", "huyen", "quan", "thi xa")
# Words saying where or at which level, not what the system does.
SCOPE_WORDS = ("quoc gia", "viet nam", "chinh phu", "trung uong", "cap tinh", "cap xa", "dung chung")
# Words every system or dataset name carries; they say nothing about the job.
GENERIC_WORDS = ("he thong thong tin", "he thong", "thong tin", "phan mem", "ung dung", "nen tang",
                 "co so du lieu", "du lieu", "nganh", "ve", "va", "cua", "cho", "tren", "dien tu")
# Set phrases written two ways for one meaning, after generic words are gone: "cấp giấy phép" is "cấp phép";
# the education sector is "giáo dục và đào tạo" by its official name and "giáo dục" in speech.
SYNONYMS: dict[str, str] = {
    "cap giay phep": "cap phep",
    "giao duc dao tao": "giao duc",
}
_PARENTHESISED_FORMER = re.compile(r"\(\s*(cũ|cu)\s*\)", re.IGNORECASE)


def _fold_table() -> dict[int, str | None]:
    """Each accented Latin letter → its base letter, each combining mark → nothing (for decomposed text)."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        decomposed = unicodedata.normalize("NFD", chr(code))
        if len(decomposed) > 1 and decomposed[0].isascii():
            table[code] = decomposed[0]
    for code in range(0x0300, 0x0370):
        table[code] = None
    return table


_FOLD = _fold_table()
_WORDS = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d, punctuation → spaces, single spaces. (A translation table rather than
    decomposing and testing each character: the analyses fold hundreds of thousands of names.)"""
    return " ".join(_WORDS.findall(text.translate(_FOLD).lower()))


def _slow_fold(text: str) -> str:
    """The definition `fold` must agree with (tests compare them)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(char for char in text if unicodedata.category(char) != "Mn").lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def expand(tokens: list[str]) -> list[str]:
    """Spell out the common abbreviations (HTTT, CSDL, DVC, TTHC, UBND, QLVB, …)."""
    out: list[str] = []
    for token in tokens:
        out.extend(ABBREVIATIONS.get(token, token).split())
    return out


def _canonical(tokens: list[str]) -> list[str]:
    """Set phrases replaced by their canonical wording (SYNONYMS)."""
    text = f" {' '.join(tokens)} "
    for phrase, canonical in SYNONYMS.items():
        text = text.replace(f" {phrase} ", f" {canonical} ")
    return text.split()


class PhraseSet:
    """Token phrases in a trie, so removing them costs per token of the text, not per phrase: the gazetteer holds
    thousands of phrases that start alike ("xa …" for every commune)."""

    _END = ""  # key marking that a phrase ends at this node (tokens are never empty)

    def __init__(self, phrases: Iterable[tuple[str, ...]]) -> None:
        self._trie: dict[str, Any] = {}
        for phrase in phrases:
            if not phrase:
                continue
            node = self._trie
            for token in phrase:
                node = node.setdefault(token, {})
            node[self._END] = True

    def _longest(self, tokens: list[str], start: int) -> int:
        """Length of the longest phrase of the set at `start` (0: none)."""
        node, longest = self._trie, 0
        for offset in range(start, len(tokens)):
            node = node.get(tokens[offset])  # type: ignore[assignment]
            if node is None:
                break
            if self._END in node:
                longest = offset - start + 1
        return longest

    def remove(self, tokens: list[str]) -> list[str]:
        """The tokens without any phrase of the set (longest match first, left to right)."""
        out: list[str] = []
        index = 0
        while index < len(tokens):
            length = self._longest(tokens, index)
            if length:
                index += length
            else:
                out.append(tokens[index])
                index += 1
        return out


_NOISE = PhraseSet(tuple(word.split()) for word in SCOPE_WORDS + GENERIC_WORDS)


def place_phrases(names: Iterable[str]) -> set[tuple[str, ...]]:
    """Token phrases of place names, from agency names ("Ủy ban nhân dân tỉnh Lâm Đồng" → "lam dong")."""
    phrases: set[tuple[str, ...]] = set()
    for name in [*names, *FORMER_PROVINCES]:
        tokens = expand(fold(name).split())
        stripped = True
        while stripped:
            stripped = False
            for prefix in ADMIN_PREFIXES:
                words = prefix.split()
                if tokens[:len(words)] == words and len(tokens) > len(words):
                    tokens = tokens[len(words):]
                    stripped = True
        if tokens:
            phrases.add(tuple(tokens))
    return phrases


def body_phrases(names: Iterable[str]) -> set[tuple[str, ...]]:
    """Token phrases of whole agency names ("Bộ Tài chính" → "bo tai chinh"), for owners named inside a name."""
    return {tuple(tokens) for name in names if len(tokens := expand(fold(name).split())) > 1}


def is_former(name: str) -> bool:
    """True when the name marks its system as inherited from a former province or body: "… (cũ)"."""
    return _PARENTHESISED_FORMER.search(name) is not None


class Normaliser:
    """Normalises names with a gazetteer of place names (built from the registry's agencies)."""

    def __init__(self, places: Iterable[tuple[str, ...]] = ()) -> None:
        places = set(places)
        admin = [tuple(prefix.split()) for prefix in ADMIN_PREFIXES]
        committee = admin[0]  # "Ủy ban nhân dân tỉnh X": the owner's name inside a system's name
        self._places = PhraseSet(places | {head + prefix + place for head in ((), committee) for prefix in admin
                                           for place in places})
        self._jobs: dict[str, str] = {}

    @classmethod
    def from_place_names(cls, names: Iterable[str], body_names: Iterable[str] = ()) -> Normaliser:
        """Places from province and commune names; `body_names` (ministries, central bodies) are removed whole:
        "… Bộ Tài chính" names the owner, not the job."""
        return cls(place_phrases(names) | body_phrases(body_names))

    def tokens(self, text: str) -> list[str]:
        """Folded, expanded tokens with places (and the admin words before them) removed."""
        return self._places.remove(expand(fold(_PARENTHESISED_FORMER.sub(" ", text)).split()))

    def job(self, text: str) -> str:
        """What the name says the thing does: tokens without places, scope and generic words (remembered: the
        duplicate and copy checks ask for the same names)."""
        found = self._jobs.get(text)
        if found is None:
            found = self._jobs[text] = self._job(text)
        return found

    def _job(self, text: str) -> str:
        tokens = _canonical(_NOISE.remove(self.tokens(text)))
        if tokens[-1:] == ["cu"]:  # "… tỉnh Bình Thuận cũ": former, not "cư" of "cư trú"
            tokens = tokens[:-1]
        return " ".join(tokens)
