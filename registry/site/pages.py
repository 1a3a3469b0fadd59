"""The markdown pages of one site (a scope in one language), rendered with the Jinja2 templates beside this module.

`scope_pages` turns the in-memory `SiteData` into `Page`s; nothing here reads the store. Every text that comes
from the registry goes through `md()` (markdown and HTML escaped), so an inventory cannot inject markup.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import jinja2

from graph_model import NODE_TYPES
from graph_model.nodes import PROVENANCE_FIELDS
from registry.analysis import Finding, Rule
from registry.analysis.compliance import ComplianceScore
from registry.analysis.normalise import fold
from registry.site import i18n, mermaid
from registry.site.collect import Entity, SiteData
from registry.site.i18n import Lang
from registry.site.links import TYPE_FOLDERS, Linker
from registry.site.scopes import NATIONAL, Scope, ScopeMap, slug_for

LIST_LIMIT = 50  # items of one relationship listed on a page before they are summed up per site
TABLE_LIMIT = 500  # rows of an entity table on a pillar or agency page
NATIONAL_FINDINGS_LIMIT = 200  # findings of one rule listed on the national site (each scope lists all of its own)
LISTED_TYPES = ("System", "Platform", "Dataset", "Api", "PublicService", "Infrastructure", "Standard", "Team")
NAV_TYPES = ("System", "Platform", "Dataset", "Api", "PublicService")
# The tiers every ministry and province must run (docs/findings.md): an information system for administrative
# procedures (a one-stop-shop; Decree 61/2018, 107/2021), document management (Decree 30/2020) and an LGSP, the
# ministry's or province's integration and sharing platform (e-government architecture framework 3.0).
_TIERS = (("System", "one_stop_shop"), ("System", "document_management"), ("Platform", "integration"))
REQUIRED_TIERS: dict[str, tuple[tuple[str, str], ...]] = {"province": _TIERS, "ministry": _TIERS}
KIND_FIELD = {"System": "kind", "Platform": "kind", "Dataset": "category", "Api": "protocol",
              "PublicService": "online_level", "Infrastructure": "kind", "Standard": "kind", "Team": "headcount",
              "Agency": "level"}
ROLE_NAMES = {"subject": ("đối tượng", "subject"), "owner": ("chủ quản", "owner"), "related": ("liên quan", "related"),
              "duplicate": ("trùng lặp", "duplicate"), "dataset": ("dữ liệu", "dataset"),
              "national": ("quốc gia", "national"), "master": ("hệ thống gốc", "master")}
SKIPPED_FACTS = {"id", "name", "name_en", "description", "pillar", "type", "tags"} | set(PROVENANCE_FIELDS)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")
_URL = re.compile(r"^https?://[^\s<>()\[\]|\"']+$")

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("registry.site", "templates"), undefined=jinja2.StrictUndefined,
    autoescape=False, keep_trailing_newline=True, trim_blocks=False, lstrip_blocks=False, auto_reload=False,
)


@dataclass(frozen=True)
class Page:
    """One generated markdown file: its path inside the site's docs folder, and its text."""

    path: str
    content: str


@lru_cache(maxsize=200_000)
def name_key(name: str) -> tuple[str, str]:
    """Sort key of a name: letters without diacritics first, so accented names do not sink to the end."""
    return (fold(name), name)


def md(text: object) -> str:
    """Text from the registry, safe in markdown and HTML: special characters escaped, line breaks kept as spaces."""
    return _md(str(text))


@lru_cache(maxsize=200_000)  # names recur on many pages (owners, neighbours)
def _md(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s*\n\s*", " ", escaped)).strip()


class SiteIndex:
    """What the sites of one build draw on, computed once for all of them: at national scale 85 scopes in two
    languages, each walking the 510,000 entities for its lists and pillar pages, would spend minutes on it alone."""

    def __init__(self, data: SiteData, scopes: ScopeMap) -> None:
        self.data = data
        snapshot = data.snapshot
        home = scopes.home
        self.members: dict[str, list[str]] = scopes.by_scope()
        self.member_types: dict[str, set[str]] = defaultdict(set)
        # scope → (pillar, type) → the ids its pillar pages and lists show: its own, or nationally the national ones
        # (homed on the national site, or national in scope wherever their owner sits)
        self.shown: dict[str, dict[tuple[str | None, str], list[str]]] = defaultdict(lambda: defaultdict(list))
        self.scopes_by_pillar: dict[str | None, Counter[str]] = defaultdict(Counter)  # home scopes of every entity
        self.scopes_by_type: dict[str, Counter[str]] = defaultdict(Counter)
        for entity in snapshot.entities.values():
            key = home.get(entity.id, NATIONAL)
            self.member_types[key].add(entity.type)
            self.shown[key][(entity.pillar, entity.type)].append(entity.id)
            if key != NATIONAL and (entity.props.get("scope") == "national"
                                    or entity.props.get("category") == "national_database"):
                self.shown[NATIONAL][(entity.pillar, entity.type)].append(entity.id)
            self.scopes_by_pillar[entity.pillar][key] += 1
            self.scopes_by_type[entity.type][key] += 1
        self.findings_by_scope: dict[str, list[Finding]] = defaultdict(list)
        """Each finding belongs to the sites of all the entities it names."""
        self.findings_by_agency: dict[str, list[Finding]] = defaultdict(list)
        """Findings by the agency they are about: the subject itself when an agency, else the subject's owner."""
        for finding in data.findings:
            for key in dict.fromkeys(home.get(ref.id, NATIONAL) for ref in finding.entities):
                self.findings_by_scope[key].append(finding)
            subject = snapshot.entities.get(finding.subject.id)
            agency = subject.id if subject is not None and subject.type == "Agency" else snapshot.owner(finding.subject.id)
            if agency is not None:
                self.findings_by_agency[agency].append(finding)

    def shown_of(self, scope_key: str, node_type: str, pillar: str | None = None,
                 any_pillar: bool = False) -> list[str]:
        """The ids of a type the site shows, of one pillar or of any."""
        shown = self.shown.get(scope_key, {})
        if not any_pillar:
            return shown.get((pillar, node_type), [])
        return [entity_id for (_, kind), ids in shown.items() if kind == node_type for entity_id in ids]

    @staticmethod
    def of(data: SiteData, scopes: ScopeMap) -> SiteIndex:
        """The index of this build, kept with its scope map (every site of a build shares that map)."""
        cached = scopes.cache.get("site_index")
        if cached is None or cached.data is not data:
            cached = scopes.cache["site_index"] = SiteIndex(data, scopes)
        return cached


class SiteContext:
    """What the pages of one site share: the data, the scope, the language and precomputed indexes."""

    def __init__(self, data: SiteData, scopes: ScopeMap, scope: Scope, lang: Lang) -> None:
        self.data = data
        self.scopes = scopes
        self.scope = scope
        self.lang = lang
        self.linker = Linker(scopes, scope, lang)
        self.rules = {rule.id: rule for rule in data.rules}
        self.pillar_ids = data.pillars.ids()
        self.index = SiteIndex.of(data, scopes)
        self.members = self.index.members  # ids homed in each scope, by scope key
        self.findings_by_scope = self.index.findings_by_scope
        self.findings_by_agency = self.index.findings_by_agency

    @cached_property
    def standards_by_code(self) -> list[tuple[str, str]]:
        return sorted(((str(entity.props["code"]), entity.id) for entity in self.data.snapshot.of_type("Standard")
                       if entity.props.get("code")), key=lambda pair: -len(pair[0]))

    @cached_property
    def scope_findings(self) -> list[Finding]:
        return self.data.findings if self.scope.is_national else self.findings_by_scope.get(self.scope.key, [])

    def responsible(self, entity_id: str) -> str | None:
        """Who answers for an entity: its owner, the agency employing a team, the issuer of a standard."""
        snapshot = self.data.snapshot
        for rel_type in ("OWNS", "EMPLOYS", "ISSUES"):
            for edge in snapshot.into(entity_id, rel_type):
                return edge.source
        return None

    def page(self, path: str) -> PageContext:
        return PageContext(self, path)


class PageContext:
    """The helpers a template calls, bound to the page being written (links are relative to it)."""

    def __init__(self, site: SiteContext, path: str) -> None:
        self.site = site
        self.path = path
        self.lang: Lang = site.lang
        self.pillar_ids = site.pillar_ids

    # --- words and numbers ---------------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        return i18n.t(key, self.lang, **values)

    def num(self, value: int) -> str:
        return i18n.number(value, self.lang)

    def pct(self, value: float | None) -> str:
        return i18n.percent(value, self.lang)

    def level(self, level: str | None) -> str:
        return i18n.level_name(level, self.lang)

    def severity(self, severity: str) -> str:
        return i18n.severity_name(str(severity), self.lang)

    def principle(self, principle: str) -> str:
        return i18n.principle_name(str(principle), self.lang)

    def type_name(self, node_type: str, plural: bool = False) -> str:
        return i18n.type_name(node_type, self.lang, plural)

    def pillar_name(self, pillar_id: str | None) -> str:
        if pillar_id is None or pillar_id not in self.site.data.pillars:
            return pillar_id or "—"
        pillar = self.site.data.pillars.get(pillar_id)
        return pillar.name if self.lang == "vi" else pillar.name_en

    def md(self, text: object) -> str:
        return md(text)

    # --- links ---------------------------------------------------------------------------------------------
    def link(self, entity_id: str) -> str:
        entity = self.site.data.snapshot.entities.get(entity_id)
        if entity is None:
            return f"`{md(entity_id)}`"
        target = self.site.linker.entity(self.path, entity_id)
        return f"[{md(entity.display_name(self.lang))}]({target})"

    def to(self, scope: Scope, path: str) -> str:
        return self.site.linker.to(self.path, scope, path)

    def local(self, path: str) -> str:
        return self.to(self.site.scope, path)

    def national_home(self) -> str:
        return self.to(self.site.scopes.scope(NATIONAL), "index.md")

    def findings_index(self) -> str:
        return self.local("findings/index.md")

    def pillar_page(self, index: int) -> str:
        return self.local(f"pillars/{self.pillar_ids[index]}.md")

    def rule_title(self, rule: Rule) -> str:
        return rule.title if self.lang == "vi" else rule.title_en

    def rule_link(self, rule_id: str) -> str:
        rule = self.site.rules.get(rule_id)
        title = self.rule_title(rule) if rule else rule_id
        return f"[{md(title)}]({self.local(f'findings/{rule_id}.md')})"

    def rule_links(self, rule_ids: Iterable[str]) -> str:
        return ", ".join(self.rule_link(rule_id) for rule_id in rule_ids)

    def legal_basis(self, documents: Iterable[str]) -> str:
        """Document numbers, each linked to its Standard page when the registry holds it."""
        parts = []
        for document in documents:
            standard = next((entity_id for code, entity_id in self.site.standards_by_code if code in document), None)
            parts.append(f"[{md(document)}]({self.site.linker.entity(self.path, standard)})" if standard
                         else md(document))
        return "; ".join(parts)

    # --- entities ------------------------------------------------------------------------------------------
    def value(self, value: Any) -> str:
        if isinstance(value, str) and _URL.match(value):
            return f"<{value}>"
        return md(i18n.value_name(value, self.lang))

    def column(self, entity_id: str, column: str) -> str:
        entity = self.site.data.snapshot.entities[entity_id]
        if column == "owner":
            owner = self.site.responsible(entity_id)
            return self.link(owner) if owner else "—"
        if column == "kind":
            value = entity.props.get(KIND_FIELD.get(entity.type, "kind"))
        else:
            value = entity.props.get(column)
        return "—" if value is None or value == "" else self.value(value)

    def badges(self, entity: Entity) -> str:
        parts = [self.type_name(entity.type), self.pillar_name(entity.pillar)]
        for key in ("level", "status"):
            if entity.props.get(key):
                parts.append(md(i18n.value_name(entity.props[key], self.lang)))
        return " · ".join(f"**{part}**" if index == 0 else part for index, part in enumerate(parts))

    def facts(self, entity: Entity) -> list[tuple[str, str]]:
        rows = [(i18n.field_name("id", self.lang), f"`{entity.id}`")]
        other_name = entity.name if self.lang == "en" else entity.name_en
        if other_name and other_name != entity.display_name(self.lang):
            key = "vietnamese_name" if self.lang == "en" else None
            rows.append((self.t(key) if key else i18n.field_name("name_en", self.lang), md(other_name)))
        rows.append((self.t("pillar"), f"[{self.pillar_name(entity.pillar)}]"
                                       f"({self.local(f'pillars/{entity.pillar}.md')})"
                     if entity.pillar in self.site.data.pillars else md(entity.pillar or "—")))
        responsible = self.site.responsible(entity.id)
        if responsible and entity.type != "Agency":
            rows.append((self.t("owner"), self.link(responsible)))
        if entity.type == "Agency":
            parent = self.site.data.snapshot.parent(entity.id)
            if parent:
                rows.append((self.t("parent"), self.link(parent)))
        model = NODE_TYPES.get(entity.type)
        names = [name for name in (model.model_fields if model else entity.props) if name not in SKIPPED_FACTS]
        for name in names:
            value = entity.props.get(name)
            if value is None or value == "" or value == []:
                continue
            rows.append((i18n.field_name(name, self.lang), self.value(value)))
        if entity.props.get("tags"):
            rows.append((i18n.field_name("tags", self.lang), md(", ".join(map(str, entity.props["tags"])))))
        return rows

    def provenance(self, entity: Entity) -> list[tuple[str, str]]:
        return [(i18n.field_name(name, self.lang), md(entity.props[name]))
                for name in ("source", "import_run", "created_at", "updated_at") if entity.props.get(name)]

    def change_rows(self, entity: Entity) -> tuple[list[tuple[str, str, str]], int]:
        """The entity's later changes as (when, by, what) rows, newest first, and how many older ones are left out."""
        log = self.site.data.changes.get(entity.id)
        if log is None:
            return [], 0
        rows = []
        for change in log.latest:
            what = self.t(f"action_{change.action}") if f"action_{change.action}" in i18n.TEXT else md(change.action)
            if change.rel_type and change.target:
                outgoing = change.entity == entity.id
                other = change.target if outgoing else change.entity
                what += f": {md(i18n.relation_phrase(change.rel_type, outgoing, self.lang))} {self.link(other)}"
            fields = [f"{md(i18n.field_name(name, self.lang))} {_before_after(self, values)}"
                      for name, values in sorted(change.fields.items()) if name not in PROVENANCE_FIELDS]
            if fields:
                what += " — " + "; ".join(fields)
            rows.append((md(change.at[:19].replace("T", " ")), md(change.by), what))
        return rows, log.total - len(log.latest)

    # --- findings ------------------------------------------------------------------------------------------
    def reason(self, finding: Finding) -> str:
        return finding.reason if self.lang == "vi" else finding.reason_en

    def finding_entities(self, finding: Finding) -> str:
        parts = []
        for ref in finding.entities:
            role = ROLE_NAMES.get(ref.role)
            role_text = (role[0] if self.lang == "vi" else role[1]) if role else ref.role
            parts.append(f"{self.link(ref.id)} ({md(role_text)})")
        return ", ".join(parts)


def _before_after(page: PageContext, values: dict[str, Any]) -> str:
    def shown(value: Any) -> str:
        if value is None or value == "" or value == []:
            return "∅"
        text = i18n.value_name(value, page.lang)
        return md(text if len(text) <= 80 else text[:79] + "…")  # cut before escaping, never inside an escape

    return f"{shown(values.get('before'))} → {shown(values.get('after'))}"


# --- page builders -----------------------------------------------------------------------------------------

def _render(template: str, page: PageContext, **context: Any) -> Page:
    return Page(page.path, _env.get_template(template).render(c=page, **context))


def _by_name(site: SiteContext, ids: Iterable[str]) -> list[str]:
    """Ids in the order of their names as a Vietnamese reader sorts them (Hà Nội before Huế)."""
    entities = site.data.snapshot.entities
    return sorted(ids, key=lambda entity_id: (name_key(entities[entity_id].display_name(site.lang)), entity_id))


def _relation_groups(page: PageContext, entity_id: str, skip: set[tuple[str, bool]] = frozenset()) -> list[dict]:
    """The entity's relationships grouped by type and direction, long lists summed up per site."""
    site = page.site
    snapshot = site.data.snapshot
    grouped: dict[tuple[str, bool], list[Any]] = defaultdict(list)
    for edge in snapshot.out(entity_id):
        grouped[(edge.type, True)].append(edge)
    for edge in snapshot.into(entity_id):
        grouped[(edge.type, False)].append(edge)
    order = {rel: index for index, rel in enumerate(mermaid.EDGE_ORDER)}
    groups = []
    for (rel_type, outgoing), edges in sorted(grouped.items(), key=lambda item: (order.get(item[0][0], 99),
                                                                                 not item[0][1])):
        if (rel_type, outgoing) in skip:
            continue
        others = _by_name(site, [edge.target if outgoing else edge.source for edge in edges
                                 if (edge.target if outgoing else edge.source) in snapshot.entities])
        props = {(edge.target if outgoing else edge.source): edge.props for edge in edges}
        items = []
        for other in others[:LIST_LIMIT]:
            extra = "; ".join(f"{i18n.field_name(key, page.lang)}: {page.value(value)}"
                              for key, value in sorted(props.get(other, {}).items()) if value not in (None, ""))
            items.append(page.link(other) + (f" — {extra}" if extra else ""))
        more = None
        if len(others) > LIST_LIMIT:
            counts = Counter(site.scopes.home.get(other, NATIONAL) for other in others[LIST_LIMIT:])
            more = page.t("more", n=page.num(len(others) - LIST_LIMIT)) + ": " + ", ".join(
                f"{_scope_link(page, key)} ({page.num(count)})" for key, count in counts.most_common())
        groups.append({"title": i18n.relation_phrase(rel_type, outgoing, page.lang), "entries": items,
                       "more": more, "total": len(others)})
    return groups


def _scope_name(site: SiteContext, key: str) -> str:
    if key == NATIONAL:
        return i18n.t("national", site.lang)
    agency = site.data.snapshot.entities[site.scopes.scope(key).agency_id or ""]
    return str(agency.props.get("short_name") or agency.display_name(site.lang)) if site.lang == "vi" \
        else agency.display_name(site.lang)


def _scope_link(page: PageContext, key: str, path: str = "index.md") -> str:
    return f"[{md(_scope_name(page.site, key))}]({page.to(page.site.scopes.scope(key), path)})"


def _findings_of_agency(site: SiteContext, agency_id: str) -> list[Finding]:
    """Findings about the agency and its sub-agencies or about what they own (what its score counts)."""
    found = [finding for member in site.data.snapshot.descendants(agency_id)
             for finding in site.findings_by_agency.get(member, [])]
    return sorted(found, key=Finding.sort_key)


def _missing_tiers(page: PageContext, agency: Entity) -> list[str]:
    site = page.site
    snapshot = site.data.snapshot
    required = REQUIRED_TIERS.get(agency.level or "")
    if not required:
        return []
    owned = [snapshot.entities[edge.target] for member in snapshot.descendants(agency.id)
             for edge in snapshot.out(member, "OWNS") if edge.target in snapshot.entities]
    missing = []
    for node_type, kind in required:
        if not any(entity.type == node_type and entity.props.get("kind") == kind
                   and entity.props.get("status", "operational") == "operational" for entity in owned):
            missing.append(f"{page.type_name(node_type)} — {md(i18n.value_name(kind, page.lang))}")
    return missing


def _agency_page(site: SiteContext, agency: Entity, path: str, home: bool) -> Page:
    page = site.page(path)
    snapshot = site.data.snapshot
    owned_by_type: dict[str, list[str]] = defaultdict(list)
    for edge in snapshot.out(agency.id, "OWNS"):
        if edge.target in snapshot.entities:
            owned_by_type[snapshot.entities[edge.target].type].append(edge.target)
    owned = [(node_type, _by_name(site, ids)[:TABLE_LIMIT], len(ids))
             for node_type in NODE_TYPES if (ids := owned_by_type.get(node_type))]
    used = _by_name(site, [edge.target for edge in snapshot.out(agency.id, "USES") if edge.target in snapshot.entities])
    children = []
    for child_id in _by_name(site, snapshot.children(agency.id)):
        child = snapshot.entities[child_id]
        score = site.data.scores.get(child_id)
        findings = sum(len(site.findings_by_agency.get(member, [])) for member in snapshot.descendants(child_id))
        children.append({"id": child_id, "level": child.level, "owned": score.entities if score else 0,
                         "score": score.score if score else None, "findings": findings})
    home_context = None
    if home:
        home_context = {"counts": _counts_rows(page, site.members.get(site.scope.key, [])),
                        "by_rule": _rule_counts(site, site.scope_findings, keep_empty=False)}
    return _render("agency.md.j2", page, entity=agency, home=home_context,
                   score=site.data.scores.get(agency.id) or ComplianceScore(agency=agency.id),
                   owned=owned, used=used[:TABLE_LIMIT], lacks_tiers=_missing_tiers(page, agency),
                   lacks_findings=_findings_of_agency(site, agency.id), children=children,
                   groups=_relation_groups(page, agency.id, {("OWNS", True), ("USES", True), ("PART_OF", False)}),
                   diagram=mermaid.neighbourhood(snapshot, agency.id, site.lang))


def _counts_rows(page: PageContext, ids: Iterable[str]) -> list[dict[str, Any]]:
    """Per type, the number of entities under each pillar (types with none left out)."""
    entities = page.site.data.snapshot.entities
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for entity_id in ids:
        entity = entities[entity_id]
        counts[entity.type][entity.pillar or "?"] += 1
    rows = []
    for node_type in NODE_TYPES:
        if counts.get(node_type):
            cells = [page.num(counts[node_type][pillar]) if counts[node_type][pillar] else "·"
                     for pillar in page.pillar_ids]
            rows.append({"type": page.type_name(node_type, plural=True), "cells": cells,
                         "total": page.num(sum(counts[node_type].values()))})
    return rows


def _rule_counts(site: SiteContext, findings: list[Finding], keep_empty: bool = True) -> list[tuple[Rule, int]]:
    counts = Counter(finding.rule for finding in findings)
    return [(rule, counts[rule.id]) for rule in site.data.rules if keep_empty or counts[rule.id]]


def _entity_page(site: SiteContext, entity: Entity, path: str) -> Page:
    page = site.page(path)
    return _render("entity.md.j2", page, entity=entity, groups=_relation_groups(page, entity.id),
                   diagram=mermaid.neighbourhood(site.data.snapshot, entity.id, site.lang),
                   findings=site.data.findings_about(entity.id))


def _stub_page(site: SiteContext, agency: Entity, path: str) -> Page:
    """The national site's summary of a ministry or province, pointing to its own site."""
    page = site.page(path)
    scope = site.scopes.scope(agency.id)
    members = site.members.get(scope.key, [])
    counts = Counter(site.data.snapshot.entities[entity_id].type for entity_id in members)
    return _render("stub.md.j2", page, entity=agency, site=page.to(scope, "index.md"),
                   counts=[(node_type, counts[node_type]) for node_type in LISTED_TYPES if counts[node_type]],
                   sub_agencies=counts["Agency"] - 1, findings=len(site.findings_by_scope.get(scope.key, [])),
                   score=site.data.scores.get(agency.id) or ComplianceScore(agency=agency.id))


def _home_page(site: SiteContext) -> Page:
    page = site.page("index.md")
    snapshot = site.data.snapshot
    pillar_counts = Counter(entity.pillar for entity in snapshot.entities.values())
    pillars = [(page.pillar_name(pillar), pillar_counts[pillar]) for pillar in page.pillar_ids]
    pie_rows = [f'    "{mermaid.label(name)}" : {count}' for name, count in pillars if count]
    pie = "\n".join([f'pie showData title {mermaid.label(page.t("counts_by_pillar"))}', *pie_rows]) if pie_rows else None
    levels = [*i18n.LEVELS, None]
    matrix_counts: dict[str, Counter[str | None]] = defaultdict(Counter)
    for entity in snapshot.entities.values():
        if entity.type == "Agency":
            continue
        responsible = site.responsible(entity.id)
        level = snapshot.entities[responsible].level if responsible in snapshot.entities else None
        matrix_counts[entity.pillar or "?"][level] += 1
    matrix = [(page.pillar_name(pillar), [page.num(matrix_counts[pillar][level]) if matrix_counts[pillar][level]
                                          else "·" for level in levels]) for pillar in page.pillar_ids]
    agencies_by_level = Counter(entity.level for entity in snapshot.of_type("Agency"))
    types = Counter(entity.type for entity in snapshot.entities.values())
    provinces = _score_rows(page, "province")
    return _render("home.md.j2", page, as_of=site.data.as_of, pillars=pillars, pie=pie, levels=levels, matrix=matrix,
                   agencies_by_level=[(level, agencies_by_level[level]) for level in i18n.LEVELS
                                      if agencies_by_level[level]],
                   types=[(node_type, types[node_type]) for node_type in NODE_TYPES if types[node_type]],
                   by_rule=_rule_counts(site, site.data.findings),
                   severe=[finding for finding in site.data.findings if finding.severity == "high"],
                   provinces=provinces, ministries=_score_rows(page, "ministry"), bars=_bars(page, provinces))


def _score_rows(page: PageContext, level: str) -> list[dict[str, Any]]:
    site = page.site
    rows = []
    for scope in site.scopes.scopes.values():
        if scope.level != level or scope.agency_id is None:
            continue
        score = site.data.scores.get(scope.agency_id)
        rows.append({"name": _scope_name(site, scope.key), "link": _scope_link(page, scope.key),
                     "score": score.score if score else None, "checks": score.checks if score else 0,
                     "findings": len(site.findings_by_scope.get(scope.key, []))})
    return sorted(rows, key=lambda row: (row["score"] is None, -(row["score"] or 0), name_key(row["name"])))


def _bars(page: PageContext, rows: list[dict[str, Any]]) -> str:
    """A bar chart in plain HTML and CSS (no script): one bar per province, its length the score."""
    lines = ['<div class="registry-bars" role="img" aria-label="' + html.escape(page.t("compliance_by_province")) + '">']
    for row in rows:
        width = 0 if row["score"] is None else round(row["score"] * 100)
        lines.append(f'<div class="registry-bar"><span class="registry-bar__label">{html.escape(row["name"])}</span>'
                     f'<span class="registry-bar__track"><span class="registry-bar__fill" style="width: {width}%">'
                     f'</span></span><span class="registry-bar__value">{html.escape(page.pct(row["score"]))}</span>'
                     "</div>")
    lines.append("</div>")
    return "\n".join(lines)


def _hierarchy_page(site: SiteContext) -> Page:
    page = site.page("agencies/index.md")
    snapshot = site.data.snapshot
    sections = []

    def tree(agency_id: str, depth: int, lines: list[str], seen: set[str]) -> None:
        seen.add(agency_id)
        agency = snapshot.entities[agency_id]
        children = [child for child in _by_name(site, snapshot.children(agency_id)) if child not in seen]
        local_children = [child for child in children if site.scopes.home.get(child) == site.scope.key]
        note = f" — {page.level(agency.level)}"
        if site.scope.is_national and agency_id in site.scopes.scopes:
            note += f" · [{page.t('site')} →]({page.to(site.scopes.scope(agency_id), 'index.md')})"
        elif len(children) > len(local_children):
            note += f" · {page.num(len(children))} {page.t('communes_units').lower()}"
        target = page.local(f"agencies/{slug_for(agency_id)}.md") \
            if site.scope.is_national and agency_id in site.scopes.scopes else None
        name = f"[{md(agency.display_name(site.lang))}]({target})" if target else page.link(agency_id)
        lines.append("    " * depth + f"- {name}{note}")
        if site.scope.is_national and agency_id in site.scopes.scopes:
            return
        for child in local_children:
            tree(child, depth + 1, lines, seen)
    if site.scope.is_national:
        roots = [agency.id for agency in snapshot.of_type("Agency")
                 if site.scopes.home.get(agency.id) == NATIONAL and snapshot.parent(agency.id) is None]
        lines: list[str] = []
        seen: set[str] = set()
        for root in _by_name(site, roots):
            tree(root, 0, lines, seen)
        sections.append({"title": page.t("central"), "lines": lines})
        for level, key in (("ministry", "compliance_by_ministry"), ("province", "compliance_by_province")):
            rows = [f"| {page.t('name')} | {page.t('communes_units')} | {page.t('owns')} | {page.t('score')} | "
                    f"{page.t('site')} |", "| --- | ---: | ---: | ---: | --- |"]
            for scope in sorted((s for s in site.scopes.scopes.values() if s.level == level),
                                key=lambda s: name_key(_scope_name(site, s.key))):
                score = site.data.scores.get(scope.agency_id or "")
                stub = page.local(f"agencies/{scope.slug}.md")
                agency = snapshot.entities[scope.agency_id or ""]
                rows.append(f"| [{md(agency.display_name(site.lang))}]({stub}) | "
                            f"{page.num(len(score.agencies) - 1 if score else 0)} | "
                            f"{page.num(score.entities if score else 0)} | {page.pct(score.score if score else None)} | "
                            f"[{md(_scope_name(site, scope.key))} →]({page.to(scope, 'index.md')}) |")
            sections.append({"title": page.t("ministry" if level == "ministry" else "local"), "lines": rows})
    else:
        lines = [f"[{page.t('back_national')}]({page.national_home()})", ""]
        tree(site.scope.agency_id or "", 0, lines, set())
        sections.append({"title": _scope_name(site, site.scope.key), "lines": lines})
    return _render("hierarchy.md.j2", page, sections=sections)


def _per_scope_counts(page: PageContext, counts: Counter[str], path: str) -> list[tuple[str, int]]:
    """Links to the page `path` of each ministry's and province's site, with how many of `counts` it holds."""
    return [(_scope_link(page, key, path), count)
            for key, count in sorted(((key, count) for key, count in counts.items() if key != NATIONAL and count),
                                     key=lambda item: name_key(_scope_name(page.site, item[0])))]


def _pillar_page(site: SiteContext, pillar_id: str) -> Page:
    """The entities of one pillar the site shows (its own; nationally the national ones), counted per site."""
    path = f"pillars/{pillar_id}.md"
    page = site.page(path)
    groups = [(node_type, _by_name(site, ids)[:TABLE_LIMIT], len(ids)) for node_type in NODE_TYPES
              if (ids := site.index.shown_of(site.scope.key, node_type, pillar_id))]
    by_scope = _per_scope_counts(page, site.index.scopes_by_pillar.get(pillar_id, Counter()), path) \
        if site.scope.is_national else []
    return _render("pillar.md.j2", page, pillar_name=page.pillar_name(pillar_id), groups=groups, by_scope=by_scope)


def _type_list_page(site: SiteContext, node_type: str) -> Page:
    path = f"{TYPE_FOLDERS[node_type]}/index.md"
    page = site.page(path)
    ids = site.index.shown_of(site.scope.key, node_type, any_pillar=True)
    columns = ("owner", "kind", "status") if node_type in ("System", "Platform", "Api", "Infrastructure") \
        else ("owner", "kind")
    by_scope = _per_scope_counts(page, site.index.scopes_by_type.get(node_type, Counter()), path) \
        if site.scope.is_national else []
    return _render("type_list.md.j2", page, node_type=node_type, ids=_by_name(site, ids), columns=columns,
                   by_scope=by_scope)


def _findings_pages(site: SiteContext) -> list[Page]:
    findings = site.scope_findings
    index = site.page("findings/index.md")
    by_principle: dict[str, list[tuple[Rule, int]]] = defaultdict(list)
    for rule, count in _rule_counts(site, findings):
        by_principle[str(rule.principle)].append((rule, count))
    title = index.t("findings") if site.scope.is_national else \
        index.t("findings_in_scope", scope=md(_scope_name(site, site.scope.key)))
    pages = [_render("findings_index.md.j2", index, title=title, by_principle=sorted(by_principle.items()))]
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.rule].append(finding)
    for rule in site.data.rules:
        path = f"findings/{rule.id}.md"
        page = site.page(path)
        items = grouped.get(rule.id, [])
        capped, by_scope = None, []
        if site.scope.is_national:
            if len(items) > NATIONAL_FINDINGS_LIMIT:
                capped = page.t("capped", shown=page.num(NATIONAL_FINDINGS_LIMIT), total=page.num(len(items)))
            counts = Counter(key for finding in items for key in dict.fromkeys(
                site.scopes.home.get(ref.id, NATIONAL) for ref in finding.entities))
            counts.pop(NATIONAL, None)
            by_scope = [(_scope_link(page, key, path), count)
                        for key, count in sorted(counts.items(), key=lambda item: name_key(_scope_name(site, item[0])))]
        pages.append(_render("findings_rule.md.j2", page, rule=rule, findings=items[:NATIONAL_FINDINGS_LIMIT]
                             if site.scope.is_national else items, total=len(items), capped=capped,
                             by_scope=by_scope))
    return pages


def scope_pages(data: SiteData, scopes: ScopeMap, scope: Scope, lang: Lang) -> list[Page]:
    """Every generated page of one site."""
    site = SiteContext(data, scopes, scope, lang)
    snapshot = data.snapshot
    pages: list[Page] = []
    if scope.is_national:
        pages.append(_home_page(site))
    for pillar_id in site.pillar_ids:
        pages.append(_pillar_page(site, pillar_id))
    pages.append(_hierarchy_page(site))
    for node_type in list_types(site):
        pages.append(_type_list_page(site, node_type))
    pages.extend(_findings_pages(site))
    for entity_id in site.members.get(scope.key, []):
        entity = snapshot.entities[entity_id]
        scope_of_entity, path = site.linker.entity_path(entity_id)
        if entity.type == "Agency":
            pages.append(_agency_page(site, entity, path, home=path == "index.md"))
        else:
            pages.append(_entity_page(site, entity, path))
    if scope.is_national:
        for key, other in scopes.scopes.items():
            if other.agency_id:
                pages.append(_stub_page(site, snapshot.entities[other.agency_id], f"agencies/{other.slug}.md"))
    return pages


def list_types(site: SiteContext) -> list[str]:
    """The types with a list page in this site: the main five always, the others when the site holds any."""
    present = site.index.member_types.get(site.scope.key, set())
    return [node_type for node_type in LISTED_TYPES if node_type in NAV_TYPES or node_type in present]
