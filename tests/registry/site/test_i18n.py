"""Vietnamese first, English beside it: every text of the site exists in both."""

from __future__ import annotations

from graph_model import NODE_TYPES, RULES
from registry.site import i18n


def test_every_text_has_a_vietnamese_and_an_english_form():
    for key, (vi, en) in i18n.TEXT.items():
        assert vi.strip() and en.strip(), key
    assert set(i18n.TYPE_NAMES) == set(NODE_TYPES)
    assert set(i18n.RELATION_PHRASES) == set(RULES)


def test_numbers_and_values_read_the_local_way():
    assert i18n.number(12345, "vi") == "12.345" and i18n.number(12345, "en") == "12,345"
    assert i18n.percent(0.8, "vi") == "80%" and i18n.percent(None, "en") == "not assessed"
    assert i18n.value_name("one_stop_shop", "vi") == "Một cửa điện tử"
    assert i18n.value_name("one_stop_shop", "en") == "one-stop shop"
    assert i18n.value_name(True, "vi") == "Có"
    assert i18n.relation_phrase("OWNS", False, "vi") == "Cơ quan chủ quản"
    assert i18n.principle_name("One data", "vi") == "Một dữ liệu"
