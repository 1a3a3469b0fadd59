"""Identifier rules.

An entity id is unique across every node type, so a relationship names its two ends by id alone.
Ids are ASCII (they appear in URLs, file names and Cypher parameters); names keep their Vietnamese
diacritics. The recommended form is `<prefix>:<local part>`, e.g. `agency:000.00.00.G22` or
`system:79.mot-cua`, where the local part may carry an official code.
"""

from __future__ import annotations

import re
import unicodedata

ENTITY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$"
PILLAR_ID_PATTERN = r"^[a-z][a-z0-9_]{0,49}$"
ENTITY_ID_RE = re.compile(ENTITY_ID_PATTERN)

ID_RULE_TEXT = (
    "an id is 1–200 ASCII characters: letters, digits and . _ : / @ + -, starting with a letter or digit"
)


def is_valid_entity_id(value: str) -> bool:
    """True when `value` follows the entity id rule."""
    return bool(ENTITY_ID_RE.match(value))


def slugify(text: str) -> str:
    """An ASCII slug of a Vietnamese name (đ→d, diacritics dropped), for building ids from names."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
