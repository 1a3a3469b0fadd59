"""The bookkeeping records a backup carries (import runs, token hashes): what they accept, what they refuse, and
that a record survives stored → exported → validated unchanged, so a restore puts back exactly what was there."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from graph_model.ledger import LEDGER_TYPES, ApiTokenRecord, ImportRunRecord

RUN: dict[str, Any] = {
    "type": "ImportRun", "id": "run:20260105T000000Z-abcdef12", "status": "completed", "user": "Nguyễn Văn A",
    "started_at": "2026-01-05T00:00:00Z", "finished_at": "2026-01-05T00:00:03.250000Z",
    "files": ["data/sample/tỉnh-lào-cai.xlsx"], "checksums": ["sha256:" + "a" * 64], "formats": ["spreadsheet"],
    "importer_versions": ["spreadsheet/1.0"], "nodes_created": 12, "nodes_updated": 0, "nodes_unchanged": 3,
    "relationships_created": 20, "relationships_updated": 0, "relationships_unchanged": 0, "rejected": 1,
    "rejects_json": '[{"file": "tỉnh-lào-cai.xlsx", "line": 4, "field": "owner"}]',
}
TOKEN: dict[str, Any] = {"type": "ApiToken", "id": "token:0a1b2c3d4e5f", "name": "Sở TT&TT Lào Cai",
                         "scope": "agency", "agency": "agency:tinh-15", "created_at": "2026-01-05T00:00:00Z",
                         "hash": "0123456789abcdef" * 4}


@pytest.mark.parametrize("raw", [RUN, TOKEN], ids=["import-run", "token"])
def test_a_stored_record_exports_as_the_line_it_was_read_from(raw: dict[str, Any]):
    record = LEDGER_TYPES[raw["type"]].model_validate(raw)
    assert record.exported() == raw
    assert type(record).from_stored(record.stored()) == record
    assert "type" not in record.stored()


def test_an_import_run_line_lists_type_and_id_first_then_fields_by_name():
    exported = ImportRunRecord.model_validate(RUN).exported()
    assert list(exported)[:2] == ["type", "id"] and list(exported)[2:] == sorted(list(exported)[2:])


@pytest.mark.parametrize(("change", "message"), [
    ({"status": "paused"}, "status"),
    ({"checksums": ["md5:abc"]}, "checksums"),
    ({"nodes_created": -1}, "nodes_created must be a whole number"),
    ({"nodes_created": True}, "nodes_created must be a whole number"),
    ({"owner": "agency:a"}, "unknown field 'owner'"),
    ({"rejects_json": "{not json"}, "rejects_json is not JSON"),
    ({"started_at": "2026-01-05T00:00:00"}, "started_at"),  # no time zone
    ({"user": "a\x00b"}, "NUL"),
])
def test_an_import_run_refuses(change: dict[str, Any], message: str):
    with pytest.raises(ValidationError, match=message):
        ImportRunRecord.model_validate({**RUN, **change})


@pytest.mark.parametrize(("change", "message"), [
    ({"hash": "the-token-itself"}, "hash"),
    ({"scope": "owner"}, "scope"),
    ({"agency": None}, "needs an agency id"),
    ({"scope": "admin"}, "needs an agency id"),  # an admin token names no agency
    ({"token": "x"}, "token"),
])
def test_a_token_record_refuses(change: dict[str, Any], message: str):
    with pytest.raises(ValidationError, match=message):
        ApiTokenRecord.model_validate({**TOKEN, **change})


@given(counts=st.dictionaries(st.from_regex(r"[a-z]{1,12}_(created|updated|unchanged)", fullmatch=True),
                              st.integers(min_value=0, max_value=2**53), max_size=12),
       files=st.lists(st.text(min_size=1, max_size=40).filter(lambda text: text.strip() == text and "\x00" not in text),
                      max_size=5))
def test_any_counts_and_file_names_survive_a_round_trip(counts: dict[str, int], files: list[str]):
    raw = {**RUN, **counts, "files": files}
    record = ImportRunRecord.model_validate(raw)
    assert ImportRunRecord.model_validate(record.exported()) == record
    assert record.stored() == {key: value for key, value in raw.items() if key != "type"}
