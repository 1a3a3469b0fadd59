"""Mermaid flowcharts of an entity's neighbourhood: the entity, what it links to and what links to it.

MkDocs Material renders ```mermaid blocks in the browser. A hub (a national platform used by thousands of
agencies) would give an unreadable diagram, so the edges are capped, the most telling relationship types first,
and the rest summed up in one node.
"""

from __future__ import annotations

import re
from functools import lru_cache

from registry.site.collect import Edge, Snapshot
from registry.site.i18n import Lang, relation_phrase, t

MAX_EDGES = 20
MAX_LABEL = 48
# Relationship types in the order a reader needs them: ownership and data first, standards last.
EDGE_ORDER = ("OWNS", "PART_OF", "MASTERS", "HOLDS_COPY_OF", "EXPOSES", "CONSUMES", "PROVIDES", "ROUTED_VIA",
              "CONNECTS_TO", "DELIVERS", "OFFERED_ON", "REQUIRES", "HOSTED_ON", "OPERATES", "EMPLOYS", "USES",
              "ISSUES", "CONFORMS_TO")
SHAPES: dict[str, tuple[str, str]] = {
    "Agency": ('(["', '"])'), "System": ('["', '"]'), "Platform": ('[["', '"]]'), "Dataset": ('[("', '")]'),
    "Api": ('{{"', '"}}'), "PublicService": ('>"', '"]'), "Infrastructure": ('[/"', '"/]'),
    "Standard": ('[\\"', '"\\]'), "Team": ('("', '")'),
}
CLASSES = {
    "focus": "fill:#ffe08a,stroke:#b38600,stroke-width:2px,color:#000",
    "Agency": "fill:#e3f2fd,stroke:#1565c0,color:#000",
    "System": "fill:#e8f5e9,stroke:#2e7d32,color:#000",
    "Platform": "fill:#f3e5f5,stroke:#6a1b9a,color:#000",
    "Dataset": "fill:#fff3e0,stroke:#e65100,color:#000",
    "Api": "fill:#e0f7fa,stroke:#00838f,color:#000",
    "PublicService": "fill:#fce4ec,stroke:#ad1457,color:#000",
    "Infrastructure": "fill:#eceff1,stroke:#455a64,color:#000",
    "Standard": "fill:#f5f5f5,stroke:#616161,color:#000",
    "Team": "fill:#f1f8e9,stroke:#558b2f,color:#000",
    "more": "fill:#ffffff,stroke:#9e9e9e,stroke-dasharray:4 3,color:#000",
}


_CLASS_DEFS = "\n".join(f"  classDef {name} {style}" for name, style in CLASSES.items())
# One pass (str.translate), character by character, so the entity codes put in are not replaced again.
_LABEL_CHARACTERS = str.maketrans({'"': "#quot;", "<": "#lt;", ">": "#gt;", "|": "/", "`": "'", "#": "＃", ";": ",",
                                   "{": "(", "}": ")", "[": "(", "]": ")"})


@lru_cache(maxsize=200_000)  # names recur on many pages' diagrams
def label(text: str) -> str:
    """Text safe inside a quoted Mermaid label: no quotes, brackets or markup characters, and not too long."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1].rstrip() + "…"
    return text.translate(_LABEL_CHARACTERS)


def _edge_rank(edge: Edge) -> int:
    return EDGE_ORDER.index(edge.type) if edge.type in EDGE_ORDER else len(EDGE_ORDER)


def neighbourhood(snapshot: Snapshot, entity_id: str, lang: Lang, max_edges: int = MAX_EDGES) -> str | None:
    """The Mermaid source of the entity and its neighbours (None when it has no relationships)."""
    entity = snapshot.entities[entity_id]
    edges = [(edge, True) for edge in snapshot.out(entity_id)] + [(edge, False) for edge in snapshot.into(entity_id)]
    if not edges:
        return None

    def sort_key(item: tuple[Edge, bool]) -> tuple[int, int, str]:
        edge, outgoing = item
        other = snapshot.entities.get(edge.target if outgoing else edge.source)
        return (_edge_rank(edge), 0 if outgoing else 1, other.name if other else "")

    edges.sort(key=sort_key)
    shown, hidden = edges[:max_edges], len(edges) - max_edges
    lines = ["flowchart LR"]
    ids = {entity_id: "n0"}
    lines.append(_node("n0", entity.display_name(lang), entity.type, "focus"))
    for edge, outgoing in shown:
        other_id = edge.target if outgoing else edge.source
        if other_id not in ids:
            ids[other_id] = f"n{len(ids)}"
            other = snapshot.entities.get(other_id)
            lines.append(_node(ids[other_id], other.display_name(lang) if other else other_id,
                               other.type if other else "System", other.type if other else "System"))
        verb = label(relation_phrase(edge.type, True, lang).lower())
        source, target = (ids[entity_id], ids[other_id]) if outgoing else (ids[other_id], ids[entity_id])
        lines.append(f'  {source} -->|"{verb}"| {target}')
    if hidden > 0:
        lines.append(f'  more["{label(t("diagram_more", lang, n=hidden))}"]:::more')
        lines.append("  n0 -.- more")
    lines.append(_CLASS_DEFS)
    return "\n".join(lines)


def _node(node_id: str, name: str, node_type: str, css_class: str) -> str:
    """One node; its type shows in its shape and colour (a legend would cost the reader more than it tells)."""
    start, end = SHAPES.get(node_type, SHAPES["System"])
    return f"  {node_id}{start}{label(name)}{end}:::{css_class}"
