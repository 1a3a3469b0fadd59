"""Every query in docs/graphql.md runs as written over the sample and Lào Cai's inventory, and finds something."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

GUIDE = REPO / "docs" / "graphql.md"
QUERIES = re.findall(r"```graphql\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_guide_has_queries():
    assert len(QUERIES) >= 7


def _empty(value: object) -> bool:
    if isinstance(value, dict) and "edges" in value:
        return not value["edges"]
    return value in (None, [], {})


@pytest.mark.parametrize("query", QUERIES, ids=[f"query{index}" for index in range(len(QUERIES))])
def test_a_query_of_the_guide_answers(sample_api, query):
    data = sample_api.data(query)
    assert data and not any(_empty(value) for value in data.values()), data
