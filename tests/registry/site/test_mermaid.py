"""Neighbourhood diagrams: readable, capped for hubs, and never broken by what a name contains."""

from __future__ import annotations

from registry.site.mermaid import MAX_EDGES, label, neighbourhood

from .conftest import snapshot_of


def test_labels_carry_no_character_that_ends_a_mermaid_label():
    text = label('Hệ thống "A" <b>|x|</b> [1] {2} #3; `4`')
    assert "#quot;A#quot;" in text and "#lt;b#gt;" in text
    assert not set(text.replace("#quot;", "").replace("#lt;", "").replace("#gt;", "")) & set('"<>|[]{}`;#')
    assert len(label("x" * 200)) <= 48


def test_the_diagram_shows_the_entity_its_neighbours_and_the_relationship_in_words():
    snapshot = snapshot_of(
        [{"type": "Agency", "id": "agency:lc", "name": "Lào Cai", "level": "province"},
         {"type": "System", "id": "system:mc", "name": "Một cửa"},
         {"type": "Dataset", "id": "dataset:hs", "name": "Hồ sơ"}],
        [("agency:lc", "OWNS", "system:mc"), ("system:mc", "MASTERS", "dataset:hs")])
    source = neighbourhood(snapshot, "system:mc", "vi")
    assert source is not None and source.startswith("flowchart LR")
    assert 'n0["Một cửa"]:::focus' in source
    assert 'n1(["Lào Cai"]):::Agency' in source and 'n1 -->|"sở hữu"| n0' in source
    assert 'n2[("Hồ sơ")]:::Dataset' in source and 'n0 -->|"là nguồn gốc của"| n2' in source
    english = neighbourhood(snapshot, "system:mc", "en")
    assert '-->|"owns"|' in english


def test_a_hub_shows_the_first_links_and_counts_the_rest():
    nodes = [{"type": "Platform", "id": "platform:hub", "name": "NDXP"}]
    nodes += [{"type": "Agency", "id": f"agency:{n}", "name": f"Tỉnh {n}", "level": "province"} for n in range(60)]
    snapshot = snapshot_of(nodes, [(f"agency:{n}", "USES", "platform:hub") for n in range(60)])
    source = neighbourhood(snapshot, "platform:hub", "vi")
    assert source.count("-->") == MAX_EDGES
    assert f"+{60 - MAX_EDGES} liên kết khác" in source


def test_an_entity_without_relationships_has_no_diagram():
    snapshot = snapshot_of([{"type": "System", "id": "system:x", "name": "X"}], [])
    assert neighbourhood(snapshot, "system:x", "vi") is None
