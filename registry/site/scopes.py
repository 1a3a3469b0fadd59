"""Which site each agency and entity belongs to: one national site and one site per ministry or province.

Every entity has exactly one *home* scope, where its page is; other scopes link to it. An agency's home is its
jurisdiction (itself when it is a ministry or province, else the first such agency up its PART_OF chain; central
bodies and agencies under them are national). What an agency owns lives with the owner, a team with the agency
employing it; standards and unowned entities are national. So a province's officials find their own systems,
datasets, communes and findings on their province's site, and each site stays small enough to build fast.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from registry.site.collect import Snapshot

NATIONAL = "national"
RESERVED_SLUGS = frozenset({"index", "assets", "search", "en", "scopes", "guide"})  # names the sites use themselves
SCOPE_LEVELS = frozenset({"ministry", "province"})


@dataclass(frozen=True)
class Scope:
    """One published site: `national`, or a ministry's or province's (key = the agency id)."""

    key: str
    slug: str
    agency_id: str | None = None
    level: str | None = None

    @property
    def is_national(self) -> bool:
        return self.agency_id is None

    def site_root(self, lang: str) -> str:
        """Where the site sits in the published tree, relative to its root ('' for the national Vietnamese site):
        `scopes/<slug>/`, with `en/` in front for English."""
        base = "" if self.is_national else f"scopes/{self.slug}/"
        return base if lang == "vi" else f"en/{base}"


NATIONAL_SCOPE = Scope(NATIONAL, NATIONAL)


@lru_cache(maxsize=1_000_000)
def slug_for(entity_id: str) -> str:
    """A file- and URL-safe name for an id, unique per id: the part after the prefix, with any character outside
    `[A-Za-z0-9._-]` replaced and a short hash added when something was replaced."""
    local = entity_id.split(":", 1)[1] if ":" in entity_id else entity_id
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", local).strip(".-") or "x"
    if safe != local or safe.lower() in RESERVED_SLUGS:
        safe = f"{safe}-{hashlib.sha1(entity_id.encode()).hexdigest()[:6]}"
    return safe


class ScopeMap:
    """The scopes of a registry and the home scope of each of its entities."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.cache: dict[str, Any] = {}  # what the pages of every site of a build share (`pages.SiteIndex`)
        self.scopes: dict[str, Scope] = {NATIONAL: NATIONAL_SCOPE}
        for agency in snapshot.of_type("Agency"):
            if agency.level in SCOPE_LEVELS:
                self.scopes[agency.id] = Scope(agency.id, slug_for(agency.id), agency.id, agency.level)
        self._jurisdiction: dict[str, str] = {}
        self.home: dict[str, str] = {entity_id: self._home_of(entity_id) for entity_id in snapshot.entities}

    def jurisdiction(self, agency_id: str) -> str:
        """The scope key of an agency: itself or the ministry/province above it, else national."""
        if agency_id in self._jurisdiction:
            return self._jurisdiction[agency_id]
        chain: list[str] = []
        current: str | None = agency_id
        found = NATIONAL
        while current is not None and current not in chain:
            if current in self._jurisdiction:
                found = self._jurisdiction[current]
                break
            chain.append(current)
            if current in self.scopes:
                found = current
                break
            current = self.snapshot.parent(current)
        for member in chain:
            self._jurisdiction[member] = found
        return found

    def _home_of(self, entity_id: str) -> str:
        entity = self.snapshot.entities[entity_id]
        if entity.type == "Agency":
            return self.jurisdiction(entity_id)
        if entity.type == "Standard":
            return NATIONAL
        if entity.type == "Team":
            employer = next((edge.source for edge in self.snapshot.into(entity_id, "EMPLOYS")), None)
            return self.jurisdiction(employer) if employer else NATIONAL
        owner = self.snapshot.owner(entity_id)
        return self.jurisdiction(owner) if owner else NATIONAL

    def scope(self, key: str) -> Scope:
        return self.scopes[key]

    def scope_of(self, entity_id: str) -> Scope:
        return self.scopes[self.home.get(entity_id, NATIONAL)]

    def members(self, key: str) -> list[str]:
        """The ids whose page is in scope `key`."""
        return [entity_id for entity_id, home in self.home.items() if home == key]

    def by_scope(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {key: [] for key in self.scopes}
        for entity_id, home in self.home.items():
            grouped[home].append(entity_id)
        return grouped

    def resolve(self, name: str) -> Scope:
        """A scope named on the command line: `national`, an agency id, or a site slug."""
        if name in self.scopes:
            return self.scopes[name]
        for scope in self.scopes.values():
            if scope.slug == name or scope.agency_id == f"agency:{name}":
                return scope
        agency = self.snapshot.entities.get(name)
        if agency is not None and agency.type == "Agency":
            raise KeyError(f"{name} is a {agency.level} agency; sites are published for the national level and "
                           f"for each ministry and province (its site: {self.jurisdiction(name)})")
        raise KeyError(f"no scope {name!r}: use 'national' or the id of a ministry or province, e.g. "
                       f"{next((key for key in self.scopes if key != NATIONAL), 'agency:tinh-15')}")
