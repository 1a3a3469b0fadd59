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
# The first token of each administrative word: where a name's place begins ("tỉnh", "xã", "thành phố", …).
_PLACE_STARTS = frozenset(prefix.split()[0] for prefix in ADMIN_PREFIXES)
PLACE_WORDS = 8  # how far from a name's end its place word is looked for
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


_SYNONYM_STARTS = frozenset(phrase.split()[0] for phrase in SYNONYMS)


def _canonical(tokens: list[str]) -> list[str]:
    """Set phrases replaced by their canonical wording (SYNONYMS)."""
    if _SYNONYM_STARTS.isdisjoint(tokens):
        return tokens
    text = f" {' '.join(tokens)} "
    for phrase, canonical in SYNONYMS.items():
        text = text.replace(f" {phrase} ", f" {canonical} ")
    return text.split()


_WORD_TOKENS: dict[str, tuple[str, ...]] = {}
_WORD_CACHE_LIMIT = 200_000
_STARTS_PLACE: dict[str, bool] = {}  # word → whether its first token begins a place ("tỉnh", "xã", …)


def words(text: str) -> list[str]:
    """`expand(fold(text).split())` without "(cũ)", folded one whitespace-separated word at a time through a cache:
    a nation's names repeat a few thousand words, and folding each name whole was most of an analysis's time.
    (Folding maps character by character and no token spans whitespace, so word by word gives the same tokens.)"""
    if "(" in text:
        text = _PARENTHESISED_FORMER.sub(" ", text)
    return _words_of(text.split())


def _word(word: str) -> tuple[str, ...]:
    """The folded, expanded tokens of one whitespace-free word (cached)."""
    found = _WORD_TOKENS.get(word)
    if found is None:
        found = tuple(expand(fold(word).split()))
        if len(_WORD_TOKENS) < _WORD_CACHE_LIMIT:
            _WORD_TOKENS[word] = found
    return found


def _words_of(parts: Iterable[str]) -> list[str]:
    """The tokens of whitespace-free words, in order (the cache looked up inline: this runs for every name)."""
    out: list[str] = []
    cache = _WORD_TOKENS
    for word in parts:
        found = cache.get(word)
        out.extend(_word(word) if found is None else found)
    return out


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

    @classmethod
    def grafted(cls, phrases: PhraseSet, paths: Iterable[tuple[str, ...]]) -> PhraseSet:
        """The set of `path + phrase` for each path and phrase. Sub-tries are shared, never changed in place:
        a node is copied before anything is added to it."""
        grafted = cls(())
        for path in paths:
            node = grafted._trie
            for token in path:
                node[token] = child = dict(node.get(token, {}))
                node = child
            for token, child in phrases._trie.items():
                node[token] = _merged(node[token], child) if token in node and token != cls._END else child
        return grafted

    def remove(self, tokens: list[str]) -> list[str]:
        """The tokens without any phrase of the set (longest match first, left to right)."""
        return self.scan(tokens)[0]

    def scan(self, tokens: list[str]) -> tuple[list[str], list[dict[str, Any]]]:
        """`remove`, and the trie nodes of the phrases that could go on past the last token: when none goes on with
        the next token of a longer text, the rest of that text is scanned on its own. One loop, no call per token:
        it runs for every token of every name a nation holds."""
        trie, end = self._trie, self._END
        out: list[str] = []
        index, count = 0, len(tokens)
        open_end: list[dict[str, Any]] = []
        while index < count:
            node = trie.get(tokens[index])
            longest = 0
            if node is not None:
                longest = 1 if end in node else 0
                offset = index + 1
                while offset < count:
                    node = node.get(tokens[offset])
                    if node is None:
                        break
                    offset += 1
                    if end in node:
                        longest = offset - index
                if node is not None and offset == count and len(node) > (end in node):
                    open_end.append(node)
            if longest:
                index += longest
            else:
                out.append(tokens[index])
                index += 1
        return out, open_end


def _merged(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """A new trie node holding the phrases of both (neither is changed; unshared children are reused)."""
    merged = dict(a)
    for token, child in b.items():
        merged[token] = _merged(merged[token], child) if token in merged and token != PhraseSet._END else child
    return merged


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
        admin = [tuple(prefix.split()) for prefix in ADMIN_PREFIXES]
        committee = admin[0]  # "Ủy ban nhân dân tỉnh X": the owner's name inside a system's name
        # Each place, alone or after an administrative word (and "Ủy ban nhân dân" before that): one trie of the
        # places grafted under each of those 19 paths rather than 65,000 phrases inserted one by one.
        self._places = PhraseSet.grafted(PhraseSet(places), [(), *admin, *(committee + prefix for prefix in admin)])
        self._jobs: dict[str, str] = {}
        self._heads: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[dict[str, Any], ...]]] = {}
        self._tails: dict[tuple[str, ...], tuple[tuple[str, ...], str | None]] = {}
        self._finished: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}

    @classmethod
    def from_place_names(cls, names: Iterable[str], body_names: Iterable[str] = ()) -> Normaliser:
        """Places from province and commune names; `body_names` (ministries, central bodies) are removed whole:
        "… Bộ Tài chính" names the owner, not the job."""
        return cls(place_phrases(names) | body_phrases(body_names))

    def tokens(self, text: str) -> list[str]:
        """Folded, expanded tokens with places (and the admin words before them) removed."""
        return self._places.remove(words(text))

    def job(self, text: str) -> str:
        """What the name says the thing does: tokens without places, scope and generic words (remembered: the
        duplicate and copy checks ask for the same names)."""
        found = self._jobs.get(text)
        if found is None:
            found = self._jobs[text] = self._job(text)
        return found

    def _job(self, text: str) -> str:
        """Names end with their place ("… tỉnh Gia Lai", "… xã Tây Châu") and a nation's names share their other
        words: the words before the last place word and the place are each scanned once and remembered, and the
        job of each combination too. Exact: when a place phrase runs on from the head into the tail, the whole
        name is scanned as one."""
        if "(" in text:  # "( cũ )" may span words
            return self._finish(self.tokens(text))
        parts = text.split()
        cut = len(parts)
        starts = _STARTS_PLACE
        for index in range(cut - 1, max(cut - PLACE_WORDS, 0) - 1, -1):
            starts_place = starts.get(parts[index])
            if starts_place is None:
                first = _word(parts[index])[:1]
                starts_place = bool(first) and first[0] in _PLACE_STARTS
                if len(starts) < _WORD_CACHE_LIMIT:
                    starts[parts[index]] = starts_place
            if starts_place:
                cut = index
                break
        head_key = tuple(parts[:cut])
        head = self._heads.get(head_key)
        if head is None:
            removed, open_end = self._places.scan(_words_of(head_key))
            head = self._heads[head_key] = (tuple(removed), tuple(open_end))
        tail_key = tuple(parts[cut:])
        tail = self._tails.get(tail_key)
        if tail is None:
            tail_tokens = _words_of(tail_key)
            tail = self._tails[tail_key] = (tuple(self._places.remove(tail_tokens)),
                                            tail_tokens[0] if tail_tokens else None)
        if head[1] and any(tail[1] in node for node in head[1]):  # a place phrase runs on into the tail
            return self._finish(self.tokens(text))
        key = (head[0], tail[0])
        found = self._finished.get(key)
        if found is None:
            found = self._finished[key] = self._finish([*head[0], *tail[0]])
        return found

    @staticmethod
    def _finish(tokens: list[str]) -> str:
        """The job of place-free tokens: no scope or generic words, set phrases canonical."""
        tokens = _canonical(_NOISE.remove(tokens))
        if tokens[-1:] == ["cu"]:  # "… tỉnh Bình Thuận cũ": former, not "cư" of "cư trú"
            tokens = tokens[:-1]
        return " ".join(tokens)
