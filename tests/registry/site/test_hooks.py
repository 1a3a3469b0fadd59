"""Search without diacritics: the index gets folded forms of titles and words, the displayed text stays as is."""

from __future__ import annotations

from registry.site.hooks import add_folded_fields, folded_words


def test_words_with_diacritics_get_their_folded_form_once():
    assert folded_words("<p>Ủy ban nhân dân tỉnh Lào Cai — Lào Cai</p>") == "uy nhan dan tinh lao"
    assert folded_words("API REST") == ""


def test_the_index_declares_and_fills_the_folded_fields():
    index = {"config": {"fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}},
             "docs": [{"location": "", "title": "Ủy ban nhân dân tỉnh Lào Cai", "text": "<p>Đắk Lắk và Huế</p>"},
                      {"location": "x/", "title": "GraphQL", "text": "plain"}]}
    result = add_folded_fields(index)
    assert result["config"]["fields"]["folded_title"] == {"boost": 1000.0}
    assert result["config"]["fields"]["folded_text"] == {"boost": 1.0}
    first, second = result["docs"]
    assert first["folded_title"] == "uy ban nhan dan tinh lao cai"
    assert first["folded_text"] == "dak lak va hue"
    assert first["title"] == "Ủy ban nhân dân tỉnh Lào Cai"  # what people see is unchanged
    assert "folded_title" not in second and "folded_text" not in second
