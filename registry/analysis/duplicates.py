"""`duplicateSystems`: systems that do the same job twice, and provincial copies of national platforms.

Decisions (docs/findings.md):
- Pairs are compared only within one *realm*: the same province or ministry (its units and communes included),
  or the national scope. Two provinces' one-stop-shops are not duplicates: the law gives each province one.
  A duplicate is a second one inside the same province — e.g. one inherited from a merged-in province.
- A national system USED by many agencies is one node, so it never pairs with itself.
- A provincial system whose job matches a national Platform/System, and that is not integrated with it
  (CONNECTS_TO or an API between them), is a parallel copy. The tiers the law asks each province to run
  (one-stop-shop, document management, LGSP) are exempt: they are the local half of the national design.
- Candidates come from an inverted index on the normalised job tokens (only tokens shared by few systems),
  never from all pairs; rapidfuzz scores the survivors.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz

from registry.analysis import queries
from registry.analysis.context import AnalysisContext
from registry.analysis.finding import EntityRef, Finding
from registry.analysis.queries import Candidate
from registry.analysis.rulebook import Rule

NAME_THRESHOLD = 0.85  # job names this close are the same job on their own
NAME_WITH_OVERLAP = 0.6  # … or this close when they also share half their data and services
OVERLAP_THRESHOLD = 0.5
NATIONAL_COPY_THRESHOLD = 0.9
RARE_TOKEN_SHARE = 0.05  # a token in more than 5 % of a group's systems (and more than RARE_MIN) blocks nothing
RARE_MIN = 25
# One per province by law: the local tier of the national design, never a "copy" of the national system.
MANDATED_LOCAL = frozenset({("System", "one_stop_shop"), ("System", "document_management"),
                            ("Platform", "integration")})
# National platform kinds and the system kind that does the same job locally.
EQUIVALENT_KIND = {("Platform", "public_service_portal"): ("System", "portal"),
                   ("Platform", "reporting"): ("System", "reporting"),
                   ("Platform", "identity"): ("System", "identity"),
                   ("Platform", "document_exchange"): ("System", "document_management")}


def name_similarity(job_a: str, job_b: str) -> float:
    """0..1: token-set and token-sort ratios averaged, so a name that merely contains the other scores less."""
    if not job_a or not job_b:
        return 0.0
    return (fuzz.token_set_ratio(job_a, job_b) + fuzz.token_sort_ratio(job_a, job_b)) / 200


def candidate_pairs(jobs: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Pairs of ids sharing the whole job or a rare job token (an inverted index; never all pairs)."""
    index: dict[str, list[str]] = defaultdict(list)
    for node_id, job in jobs.items():
        for key in {f"={job}", *job.split()} if job else ():
            index[key].append(node_id)
    limit = max(RARE_MIN, int(len(jobs) * RARE_TOKEN_SHARE))
    seen: set[tuple[str, str]] = set()
    for key, ids in index.items():
        if len(ids) < 2 or (len(ids) > limit and not key.startswith("=")):
            continue
        for pair in itertools.combinations(sorted(ids), 2):
            if pair not in seen:
                seen.add(pair)
                yield pair


@dataclass(frozen=True)
class Scored:
    a: Candidate
    b: Candidate
    score: float
    evidence: list[str]


def _active(systems: Iterable[Candidate]) -> list[Candidate]:
    return [system for system in systems if system.status != "retired"]


def _realm(context: AnalysisContext, system: Candidate) -> str | None:
    if system.scope == "national":
        return "national"
    return context.jurisdiction(system.owner)


def _jaccard(a: set[str], b: set[str]) -> float | None:
    return len(a & b) / len(a | b) if a or b else None


def _score(context: AnalysisContext, a: Candidate, b: Candidate, jobs: dict[str, str],
           targets: dict[str, set[str]]) -> Scored | None:
    name = name_similarity(jobs[a.id], jobs[b.id])
    text = name
    evidence = [f"same kind: {a.kind}",
                f"names match after normalisation: “{jobs[a.id]}” ~ “{jobs[b.id]}” ({name:.0%})"]
    if a.description and b.description:
        norm = context.normaliser
        described = name_similarity(norm.job(a.description), norm.job(b.description))
        text = 0.7 * name + 0.3 * described
        evidence.append(f"descriptions {described:.0%} alike")
    shared = targets.get(a.id, set()) & targets.get(b.id, set())
    overlap = _jaccard(targets.get(a.id, set()), targets.get(b.id, set()))
    if shared:
        evidence.append(f"share {len(shared)} dataset(s)/service(s): {', '.join(sorted(shared)[:5])}"
                        + (" …" if len(shared) > 5 else ""))
    if not (text >= NAME_THRESHOLD or (text >= NAME_WITH_OVERLAP and (overlap or 0) >= OVERLAP_THRESHOLD)):
        return None
    if a.owner and a.owner == b.owner:
        owner_score = 1.0
        evidence.append(f"same owner: {a.owner_name}")
    elif a.owner_level and a.owner_level == b.owner_level:
        owner_score = 0.5
        evidence.append(f"owners at the same level: {a.owner_level}")
    else:
        owner_score = 0.0
    score = 0.6 * text + 0.3 * (overlap or 0.0) + 0.1 * owner_score
    return Scored(a, b, round(score, 3), evidence)


def _ref(system: Candidate, role: str) -> EntityRef:
    return EntityRef(id=system.id, type=system.type, name=system.name, role=role)


def _owner_ref(system: Candidate) -> list[EntityRef]:
    if not system.owner:
        return []
    return [EntityRef(id=system.owner, type="Agency", name=system.owner_name or system.owner, role="owner")]


def duplicate_systems(context: AnalysisContext, rule: Rule) -> list[Finding]:
    """Pairs of active systems in one realm, of one kind, doing the same job."""
    groups: dict[tuple[str, str | None, str | None], list[Candidate]] = defaultdict(list)
    for system in _active(context.systems):
        groups[(system.type, system.kind, _realm(context, system))].append(system)
    by_id = {system.id: system for system in context.systems}
    jobs = {system.id: context.normaliser.job(system.name) for system in context.systems}
    pairs = [pair for (_, _, realm), members in groups.items() if realm is not None and len(members) > 1
             for pair in candidate_pairs({member.id: jobs[member.id] for member in members})]
    targets = queries.targets(context.graph, sorted({node_id for pair in pairs for node_id in pair}))
    findings = []
    for id_a, id_b in pairs:
        scored = _score(context, by_id[id_a], by_id[id_b], jobs, targets)
        if scored is None:
            continue
        a, b = scored.a, scored.b
        place = a.owner_name or "—"
        findings.append(Finding(
            rule=rule.id, title=rule.title, title_en=rule.title_en, principle=rule.principle, pillar=rule.pillar,
            legal_basis=rule.legal_basis, severity=rule.severity, score=scored.score, evidence=scored.evidence,
            entities=[_ref(a, "subject"), _ref(b, "duplicate"), *_owner_ref(a),
                      *(_owner_ref(b) if b.owner != a.owner else [])],
            reason=(f"“{a.name}” và “{b.name}” cùng loại {a.kind}, cùng phạm vi quản lý ({place}) và làm cùng một "
                    f"việc (độ tương đồng {scored.score:.2f}): nên hợp nhất thành một hệ thống."),
            reason_en=(f"“{a.name}” and “{b.name}” are of the same kind ({a.kind}), in the same jurisdiction "
                       f"({place}), and do the same job (score {scored.score:.2f}): they should be merged into one."),
        ))
    return findings


def _counterpart_key(system: Candidate) -> tuple[str, str | None]:
    return EQUIVALENT_KIND.get((system.type, system.kind or ""), (system.type, system.kind))


def national_platform_copies(context: AnalysisContext, rule: Rule) -> list[Finding]:
    """Provincial (or ministry) systems that re-build a national platform without being integrated with it."""
    active = _active(context.systems)
    national = [system for system in active if system.scope == "national"]
    local = [system for system in active if system.scope in ("province", "commune", "ministry")
             and (system.type, system.kind) not in MANDATED_LOCAL]
    jobs = {system.id: context.normaliser.job(system.name) for system in active}
    by_key: dict[tuple[str, str | None], list[Candidate]] = defaultdict(list)
    for system in national:
        by_key[_counterpart_key(system)].append(system)
    pairs: list[tuple[Candidate, Candidate, float]] = []
    for key, members in by_key.items():
        peers = [system for system in local if (system.type, system.kind) == key]
        if not peers:
            continue
        group = {system.id: jobs[system.id] for system in [*members, *peers]}
        national_ids = {member.id for member in members}
        by_id = {system.id: system for system in [*members, *peers]}
        for id_a, id_b in candidate_pairs(group):
            if (id_a in national_ids) == (id_b in national_ids):
                continue
            copy, original = (by_id[id_b], by_id[id_a]) if id_a in national_ids else (by_id[id_a], by_id[id_b])
            similarity = name_similarity(jobs[copy.id], jobs[original.id])
            if similarity >= NATIONAL_COPY_THRESHOLD:
                pairs.append((copy, original, similarity))
    linked = queries.links(context.graph, sorted({copy.id for copy, _, _ in pairs}))
    findings = []
    for copy, original, similarity in pairs:
        if original.id in linked.get(copy.id, set()):
            continue  # a local tier integrated with the national system, not a parallel copy
        findings.append(Finding(
            rule=rule.id, title=rule.title, title_en=rule.title_en, principle=rule.principle, pillar=rule.pillar,
            legal_basis=rule.legal_basis, severity=rule.severity, score=round(similarity, 3),
            evidence=[f"kind: {copy.kind} ~ {original.type} {original.kind}",
                      f"names match after normalisation: “{jobs[copy.id]}” ({similarity:.0%})",
                      f"no CONNECTS_TO or API between {copy.id} and {original.id}"],
            entities=[_ref(copy, "subject"), _ref(original, "national"), *_owner_ref(copy)],
            reason=(f"“{copy.name}” ({copy.owner_name or 'chưa rõ chủ quản'}) làm cùng việc với hệ thống dùng chung "
                    f"quốc gia “{original.name}” nhưng không kết nối với nó: một bản xây dựng riêng song song."),
            reason_en=(f"“{copy.name}” ({copy.owner_name or 'no owner'}) does the job of the national shared "
                       f"“{original.name}” but is not connected to it: a parallel copy built locally."),
        ))
    return findings
