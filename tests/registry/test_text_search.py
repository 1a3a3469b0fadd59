"""The search text: Vietnamese names folded to the very words a query is split into, so that both engines'
full-text indexes, whatever their own word splitting, see the same words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from registry.text_search import fold, search_text, search_words


def test_names_are_folded_to_words_of_letters_and_digits():
    assert fold("Ủy ban nhân dân tỉnh Lào Cai") == "uy ban nhan dan tinh lao cai"
    assert search_text({"name": "Cổng Dịch vụ công (v2.1)", "name_en": "Đà Nẵng portal"}) == (
        "cong dich vu cong v2 1 da nang portal")
    assert search_text({"name": "db.labels\\‘trích’\u202e"}) == "db labels trich"


def test_a_node_without_a_name_has_an_empty_search_text():
    assert search_text({}) == "" and search_text({"name": "—"}) == ""


@given(st.text(max_size=80), st.one_of(st.none(), st.text(max_size=40)))
def test_the_indexed_text_holds_exactly_the_words_a_search_for_the_name_asks_for(name: str, name_en: str | None):
    indexed = search_text({"name": name, "name_en": name_en})
    assert (indexed.split(" ") if indexed else []) == search_words(name) + search_words(name_en or "")
    assert all(word.isascii() and word.isalnum() for word in indexed.split())
