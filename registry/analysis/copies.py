"""`dataCopies` (the part Cypher cannot say): local datasets that duplicate a national database.

A provincial or sector dataset whose normalised subject equals a national database's ("Cơ sở dữ liệu đất đai
tỉnh Lào Cai" ~ "Cơ sở dữ liệu quốc gia về đất đai") is a second copy of national data — unless its master system
is integrated with the national master (feeds it, or reads it through an API): then it is the province's part of
the national database, as the law intends. The other `dataCopies` findings are query rules (rules/*.yaml).
"""

from __future__ import annotations

from rapidfuzz import fuzz

from registry.analysis import queries
from registry.analysis.context import AnalysisContext
from registry.analysis.finding import EntityRef, Finding
from registry.analysis.rulebook import Rule

SUBJECT_THRESHOLD = 90  # token_sort_ratio of the subjects: "y te co so" is not "y te"
LOCAL_CATEGORIES = frozenset({"local", "sector"})
NATIONAL_CATEGORY = "national_database"


def _national_subjects(job: str, index: dict[str, list[tuple[dict, str]]]) -> list[tuple[dict, float]]:
    """The national databases (rows) whose subject shares a word with `job` and matches it, with the similarity."""
    found = []
    seen: set[str] = set()
    for token in set(job.split()):
        for other, other_job in index.get(token, []):
            if other["id"] in seen:
                continue
            seen.add(other["id"])
            similarity = fuzz.token_sort_ratio(job, other_job)
            if similarity >= SUBJECT_THRESHOLD:
                found.append((other, similarity / 100))
    return found


def local_datasets_duplicating_national(context: AnalysisContext, rule: Rule) -> list[Finding]:
    """Local and sector datasets whose subject is a national database's, and whose master is not integrated with
    the national master. Only names are read for the (many) local datasets; masters for the few that match."""
    norm = context.normaliser
    national = [(row, norm.job(row["name"])) for row in queries.datasets(context.graph, [NATIONAL_CATEGORY])]
    index: dict[str, list[tuple[dict, str]]] = {}
    for row, job in national:
        for token in set(job.split()):
            index.setdefault(token, []).append((row, job))
    by_job: dict[str, list[tuple[dict, float]]] = {}  # a nation's local datasets say a few thousand subjects
    subjects: list[tuple[str, str, str, dict, str, float]] = []
    for category in sorted(LOCAL_CATEGORIES):
        for node_id, name in queries.dataset_names(context.graph, category):
            job = norm.job(name)
            found = by_job.get(job)
            if found is None:
                found = by_job[job] = _national_subjects(job, index)
            if found:
                subjects.extend((node_id, name, category, other, job, similarity) for other, similarity in found)
    subjects.sort(key=lambda subject: subject[0])
    mastered = queries.masters(context.graph, sorted({node_id for node_id, *_ in subjects}))
    matches = [({"id": node_id, "name": name, "category": category, "master": master}, other, job, similarity)
               for node_id, name, category, other, job, similarity in subjects
               for master in mastered.get(node_id, [None])]
    masters = sorted({row["master"] for row, _, _, _ in matches if row["master"]})
    linked = queries.links(context.graph, masters)
    reads = queries.consumed_datasets(context.graph, masters)
    refs = queries.owners(context.graph, [row["id"] for row, _, _, _ in matches])
    findings = []
    for row, other, job, similarity in matches:
        master = row["master"]
        if master and (other["master"] in linked.get(master, set()) or other["id"] in reads.get(master, set())):
            continue
        owner = refs.get(row["id"])
        why = ("chưa có hệ thống nguồn" if not master else "hệ thống nguồn của nó không kết nối với hệ thống "
               "của cơ sở dữ liệu quốc gia")
        why_en = ("it has no master system" if not master else "its master system is not connected to the national "
                  "database's system")
        findings.append(Finding(
            rule=rule.id, title=rule.title, title_en=rule.title_en, principle=rule.principle, pillar=rule.pillar,
            legal_basis=rule.legal_basis, severity=rule.severity, score=round(similarity, 3),
            evidence=[f"subject “{job}” ({similarity:.0%})", f"category {row['category']} vs national_database",
                      f"master: {master or 'none'}"],
            entities=[EntityRef(id=row["id"], type="Dataset", name=row["name"]),
                      EntityRef(id=other["id"], type="Dataset", name=other["name"], role="national"),
                      *([EntityRef(id=owner[0], type="Agency", name=owner[1], role="owner")] if owner else [])],
            reason=(f"“{row['name']}” trùng nội dung với “{other['name']}” và {why}: dữ liệu bị lưu thành nhiều bản "
                    "không đồng bộ."),
            reason_en=(f"“{row['name']}” covers the same subject as “{other['name']}” and {why_en}: the same data "
                       "kept in unsynchronised copies."),
        ))
    return findings
