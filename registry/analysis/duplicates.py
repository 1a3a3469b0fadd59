"""`duplicateSystems`: systems that do the same job twice, and provincial copies of national platforms.

Decisions (docs/findings.md):
- Only operational systems are compared (docs/findings.md): a planned successor or a retired predecessor is a
  replacement, not a second system doing the job.
- Pairs are compared only within one *realm*: the same province or ministry (its units and communes included),
  or the national scope. Two provinces' one-stop-shops are not duplicates: the law gives each province one.
  A duplicate is a second one inside the same province — e.g. one inherited from a merged-in province.
- A national system USED by many agencies is one node, so it never pairs with itself.
- The systems the law gives each province or ministry exactly one of (one-stop-shop, document management, LGSP,
  reporting) are duplicates whenever a jurisdiction runs two operational ones, whatever their names say ("Hệ thống
  eOffice tỉnh Hà Nam (cũ)" and "HTTT quản lý văn bản tỉnh Ninh Bình"): the kind is the job. They are reported as one
  cluster per jurisdiction (linear in its systems, never all pairs of a large group).
- Names lose their owner's name too: "… Bộ Tài chính" says who, not what (ministries and central bodies join the
  place names of the gazetteer).
- A provincial system whose job matches a national Platform/System, and that is not integrated with it
  (CONNECTS_TO or an API between them), is a parallel copy. A national Platform is shared by definition; a national
  System is shared when agencies USE it — one nobody uses is its ministry's own tool, and a province's register of the
  same subject (water resources, dykes) is the local part the law asks for, not a copy of it. The tiers the law asks each province to run
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
from registry.analysis.normalise import Normaliser, is_former
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
# One per province or ministry (Decree 118/2025/NĐ-CP one-stop-shops; Decree 09/2019/NĐ-CP reporting systems; the
# provincial LGSP and document management of the e-government architecture): two in one jurisdiction are duplicates.
ONE_PER_JURISDICTION = MANDATED_LOCAL | {("System", "reporting")}
SHOWN = 5  # members of a cluster named in its evidence and reason
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
    """Pairs of ids sharing the whole job or a rare job token (an inverted index; never all pairs), each once, in
    the order first met."""
    index: dict[str, list[str]] = defaultdict(list)
    for node_id, job in jobs.items():
        for key in {f"={job}", *job.split()} if job else ():
            index[key].append(node_id)
    limit = max(RARE_MIN, int(len(jobs) * RARE_TOKEN_SHARE))
    found: list[tuple[str, str]] = []
    for key, ids in index.items():
        if len(ids) < 2 or (len(ids) > limit and not key.startswith("=")):
            continue
        found.extend(itertools.combinations(sorted(ids), 2))
    return iter(dict.fromkeys(found))  # deduplicated in C: a nation's groups give close to a million pairs


@dataclass(frozen=True)
class Scored:
    a: Candidate
    b: Candidate
    score: float
    evidence: list[str]


def _active(systems: Iterable[Candidate]) -> list[Candidate]:
    return [system for system in systems if system.status != "retired"]


def _operational(systems: Iterable[Candidate]) -> list[Candidate]:
    """Systems running now: a planned successor replaces, a retired predecessor was replaced — neither duplicates."""
    return [system for system in systems if system.status in (None, "operational")]


def _realm(context: AnalysisContext, system: Candidate) -> str | None:
    if system.scope == "national":
        return "national"
    return context.jurisdiction(system.owner)


def _jaccard(a: set[str], b: set[str]) -> float | None:
    return len(a & b) / len(a | b) if a or b else None


def normaliser(context: AnalysisContext) -> Normaliser:
    """The context's gazetteer of places, plus ministries and central bodies (owners named inside names)."""
    return context.owner_normaliser


def _score(norm: Normaliser, a: Candidate, b: Candidate, jobs: dict[str, str],
           targets: dict[str, set[str]], same_job: bool = False) -> Scored | None:
    """The pair's score, or None when its names do not say the same job. `same_job`: the kind already says it
    (one per jurisdiction), so the names only add evidence and the text part counts in full."""
    shared = targets.get(a.id, set()) & targets.get(b.id, set())
    overlap = _jaccard(targets.get(a.id, set()), targets.get(b.id, set()))
    if not same_job and _cannot_pass(jobs[a.id], jobs[b.id], bool(a.description and b.description), overlap):
        return None
    name = name_similarity(jobs[a.id], jobs[b.id])
    text = name
    evidence = [f"same kind: {a.kind}",
                f"names match after normalisation: “{jobs[a.id]}” ~ “{jobs[b.id]}” ({name:.0%})"]
    if a.description and b.description:
        described = name_similarity(norm.job(a.description), norm.job(b.description))
        text = 0.7 * name + 0.3 * described
        evidence.append(f"descriptions {described:.0%} alike")
    if shared:
        evidence.append(f"share {len(shared)} dataset(s)/service(s): {', '.join(sorted(shared)[:5])}"
                        + (" …" if len(shared) > 5 else ""))
    if same_job:
        text = 1.0
    elif not (text >= NAME_THRESHOLD or (text >= NAME_WITH_OVERLAP and (overlap or 0) >= OVERLAP_THRESHOLD)):
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


def _cannot_pass(job_a: str, job_b: str, described: bool, overlap: float | None) -> bool:
    """A cheap, exact early rejection: the lowest name similarity that could still pass `_score`'s test (with a
    perfect description match where both have one), and one rapidfuzz ratio with that as its cutoff — most of a
    nation's candidate pairs fail it, and the second ratio and the descriptions are never computed for them.
    The name similarity is the mean of two ratios, so it reaches `floor` only if each reaches 2·floor − 1."""
    needed = NAME_WITH_OVERLAP if (overlap or 0) >= OVERLAP_THRESHOLD else NAME_THRESHOLD
    floor = (needed - 0.3) / 0.7 if described else needed
    cutoff = (2 * floor - 1) * 100
    if cutoff <= 0 or not job_a or not job_b:
        return not job_a or not job_b
    return fuzz.token_sort_ratio(job_a, job_b, score_cutoff=cutoff) == 0


def _plausible(pairs: Iterable[tuple[str, str]], jobs: dict[str, str], targets: dict[str, set[str]],
               described: set[str]) -> list[tuple[str, str]]:
    """The pairs `_score` might keep. Most of a nation's ~800,000 candidate pairs share no target, have no
    descriptions and names under the plain threshold: they are what `_cannot_pass` rejects, decided here with one
    rapidfuzz call and no sets built; the rest go to `_score`, which decides for itself."""
    cutoff = (2 * NAME_THRESHOLD - 1) * 100
    ratio = fuzz.token_sort_ratio
    no_targets: frozenset[str] = frozenset()
    kept = []
    for pair in pairs:
        id_a, id_b = pair
        job_a, job_b = jobs[id_a], jobs[id_b]
        if ((job_a and job_b and ratio(job_a, job_b, score_cutoff=cutoff))
                or not targets.get(id_a, no_targets).isdisjoint(targets.get(id_b, no_targets))
                or (id_a in described and id_b in described)):
            kept.append(pair)
    return kept


def _ref(system: Candidate, role: str) -> EntityRef:
    return EntityRef(id=system.id, type=system.type, name=system.name, role=role)


def _owner_ref(system: Candidate) -> list[EntityRef]:
    if not system.owner:
        return []
    return [EntityRef(id=system.owner, type="Agency", name=system.owner_name or system.owner, role="owner")]


def _primary(context: AnalysisContext, realm: str, members: list[Candidate]) -> list[Candidate]:
    """The jurisdiction's own system first (not inherited "(cũ)", owned by the province or ministry itself)."""
    return sorted(members, key=lambda system: (is_former(system.name), system.owner != realm, system.id))


def _cluster_finding(context: AnalysisContext, rule: Rule, realm: str, members: list[Candidate],
                     norm: Normaliser, jobs: dict[str, str], targets: dict[str, set[str]]) -> Finding:
    """Two or more operational systems of a one-per-jurisdiction kind in one jurisdiction: one finding."""
    first, *others = _primary(context, realm, members)
    scores = [_score(norm, first, other, jobs, targets, same_job=True) for other in others]
    place = context.agencies[realm].name if realm in context.agencies else (first.owner_name or "—")
    evidence = [f"one per jurisdiction: {len(members)} operational {first.type} of kind {first.kind} in {place}"]
    for scored in scores[:SHOWN]:
        assert scored is not None
        evidence.extend(line for line in scored.evidence if not line.startswith("same kind"))
    if len(scores) > SHOWN:
        evidence.append(f"… and {len(scores) - SHOWN} more")
    score = round(sum(scored.score for scored in scores if scored) / len(scores), 3)
    owners: dict[str, EntityRef] = {}
    for system in [first, *others]:
        for ref in _owner_ref(system):
            owners.setdefault(ref.id, ref)
    names = ", ".join(f"“{system.name}”" for system in [first, *others][:SHOWN + 1])
    names += f" (+{len(others) - SHOWN})" if len(others) > SHOWN else ""
    return Finding(
        rule=rule.id, title=rule.title, title_en=rule.title_en, principle=rule.principle, pillar=rule.pillar,
        legal_basis=rule.legal_basis, severity=rule.severity, score=score, evidence=evidence,
        entities=[_ref(first, "subject"), *(_ref(other, "duplicate") for other in others), *owners.values()],
        reason=(f"{names} cùng loại {first.kind}, cùng phạm vi quản lý ({place}), mà mỗi tỉnh, bộ chỉ vận hành "
                f"một hệ thống loại này (độ tương đồng {score:.2f}): nên hợp nhất thành một hệ thống."),
        reason_en=(f"{names} are of the same kind ({first.kind}) in one jurisdiction ({place}), which runs one "
                   f"system of this kind (score {score:.2f}): they should be merged into one."),
    )


def _national_members(groups: dict[tuple[str, str | None, str | None], list[Candidate]]) -> list[Candidate]:
    return [system for (_, _, realm), members in groups.items() if realm == "national" for system in members]


def duplicate_systems(context: AnalysisContext, rule: Rule) -> list[Finding]:
    """Pairs of operational systems in one realm, of one kind, doing the same job; and clusters of the systems a
    jurisdiction must run exactly one of."""
    groups: dict[tuple[str, str | None, str | None], list[Candidate]] = defaultdict(list)
    for system in _operational(context.systems):
        groups[(system.type, system.kind, _realm(context, system))].append(system)
    by_id = {system.id: system for system in context.systems}
    norm = normaliser(context)
    jobs = {system.id: norm.job(system.name) for system in context.systems}
    clusters = [(realm, members) for (type_, kind, realm), members in groups.items()
                if realm not in (None, "national") and len(members) > 1 and (type_, kind) in ONE_PER_JURISDICTION]
    # A national system is also compared with its own ministry's systems: two units of one ministry running the
    # same job is a duplicate whichever scope each declares (not for the one-per-jurisdiction kinds, where the
    # national system is the tier above the ministry's own).
    by_name_groups = {key: list(members) for key, members in groups.items()
                      if key[2] is not None and (key[2] == "national" or key[:2] not in ONE_PER_JURISDICTION)}
    for system in _national_members(groups):
        home = context.jurisdiction(system.owner)
        key = (system.type, system.kind, home)
        if home is not None and (system.type, system.kind) not in ONE_PER_JURISDICTION and key in by_name_groups:
            by_name_groups[key].append(system)
    pairs = list(dict.fromkeys(itertools.chain.from_iterable(
        candidate_pairs({member.id: jobs[member.id] for member in members})
        for members in by_name_groups.values() if len(members) > 1)))
    targets = queries.targets(context.graph, sorted(set(itertools.chain.from_iterable(pairs))
                                                    | {member.id for _, members in clusters for member in members}))
    findings = [_cluster_finding(context, rule, realm, members, norm, jobs, targets)  # type: ignore[arg-type]
                for realm, members in clusters]
    for id_a, id_b in _plausible(pairs, jobs, targets, {system.id for system in context.systems
                                                         if system.description}):
        scored = _score(norm, by_id[id_a], by_id[id_b], jobs, targets)
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
    used = queries.used(context.graph, [system.id for system in national if system.type == "System"])
    national = [system for system in national if system.type == "Platform" or system.id in used]
    by_key: dict[tuple[str, str | None], list[Candidate]] = defaultdict(list)
    for system in national:
        by_key[_counterpart_key(system)].append(system)
    # Only the local systems of a kind some national one has are compared, so only their names are normalised.
    local = [system for system in active if system.scope in ("province", "commune", "ministry")
             and (system.type, system.kind) not in MANDATED_LOCAL and (system.type, system.kind) in by_key]
    norm = normaliser(context)
    jobs = {system.id: norm.job(system.name) for system in [*national, *local]}
    peers_by_key: dict[tuple[str, str | None], list[Candidate]] = defaultdict(list)
    for system in local:
        peers_by_key[(system.type, system.kind)].append(system)
    pairs: list[tuple[Candidate, Candidate, float]] = []
    for key, members in by_key.items():
        # Only local–national pairs matter: look each local system up in an index of the few national jobs'
        # tokens (never pairs of local systems, which a nation holds tens of thousands of).
        by_token: dict[str, list[Candidate]] = defaultdict(list)
        for member in members:
            for token in set(jobs[member.id].split()):
                by_token[token].append(member)
        for copy in peers_by_key.get(key, ()):
            compared: set[str] = set()
            for token in set(jobs[copy.id].split()):
                for original in by_token.get(token, ()):
                    if original.id in compared:
                        continue
                    compared.add(original.id)
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
