"""MkDocs hook: search that finds Vietnamese words typed with or without diacritics ("Lao Cai" finds "Lào Cai").

Material's search (lunr, with its Vietnamese pipeline) matches words exactly as written, and people often type
without diacritics. After the search plugin has written `search/search_index.json`, this hook adds to every entry
two fields the search worker indexes but never displays: `folded_title`, the title without diacritics, and
`folded_text`, the words of the text whose folded form differs from the word itself. The fields are declared in
the index's own `config.fields` (the worker indexes the fields listed there), with the boosts of `title` and
`text`. Results and highlighting still show the original text.

It also writes the entity pages straight to HTML (`fastpages`) when the site's configuration names their folders
in `extra.registry.direct_pages`: those pages leave MkDocs' build when it lists the files, and are written, and
added to the search index, after it; the site's other generated pages are converted by `fastpages` instead of
Python-Markdown when their markdown allows.

Registered in the root `mkdocs.yml` (`hooks:`) and in every generated site's configuration.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

from registry.analysis.normalise import fold
from registry.site.fastpages import DirectPages

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


def _plain(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup))


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    """A word's folded form, or '' when folding does not change it (words repeat a lot across a site's pages)."""
    folded = fold(word)
    return folded if folded != word else ""


def folded_words(text: str) -> str:
    """The words of `text` (once each, in order) whose folded form differs from the word: 'Lào Cai' → 'lao'."""
    found: dict[str, None] = {}
    for word in _WORD.findall(_plain(text).lower()):
        folded = _fold_word(word)
        if folded:
            found.setdefault(folded, None)
    return " ".join(found)


def add_folded_fields(index: dict[str, Any]) -> dict[str, Any]:
    """The search index with `folded_title` and `folded_text` on every entry that has diacritics."""
    fields = index.setdefault("config", {}).setdefault("fields", {})
    fields.setdefault("folded_title", {"boost": fields.get("title", {}).get("boost", 1e3)})
    fields.setdefault("folded_text", {"boost": fields.get("text", {}).get("boost", 1.0)})
    for doc in index.get("docs", []):
        title = fold(_plain(doc.get("title", "")))
        if title and title != _plain(doc.get("title", "")).lower():
            doc["folded_title"] = title
        text = folded_words(doc.get("text", ""))
        if text:
            doc["folded_text"] = text
    return index


_direct: DirectPages | None = None  # this build's direct pages (one build at a time per process)


def on_config(config: Any, **_: Any) -> None:
    global _direct
    folders = ((config.get("extra") or {}).get("registry") or {}).get("direct_pages") or []
    _direct = DirectPages(config, list(folders)) if folders else None


def on_files(files: Any, config: Any, **_: Any) -> Any:
    if _direct is not None:
        _direct.take(files)
    return files


def on_nav(nav: Any, **_: Any) -> Any:
    if _direct is not None:
        _direct.nav = nav
    return nav


def on_page_markdown(markdown: str, page: Any, files: Any, **_: Any) -> str:
    if _direct is not None and not page.file.src_uri.startswith("guide/"):  # the guides are hand-written
        _direct.render_in_place(page, markdown, files)
    return markdown


def on_env(env: Any, **_: Any) -> Any:
    if _direct is not None:
        _direct.env = env
    return env


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config: Any, **_: Any) -> None:
    global _direct
    entries = _direct.write() if _direct is not None else []
    _direct = None
    path = Path(config["site_dir"]) / "search" / "search_index.json"
    if not path.exists():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index.setdefault("docs", []).extend(entries)
    index = add_folded_fields(index)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
