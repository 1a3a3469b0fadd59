"""API tokens: created by `registry token create`, sent as `Authorization: Bearer <token>`.

The store keeps only the token's SHA-256 hash, on an `ApiToken` node outside the entity graph (no Entity label,
so statistics and findings never see it; the JSON Lines backup carries it, see graph_model.ledger). The token itself
is shown once, when it is created.
Every query here is parameterised and runs on both engines.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from registry.store import GraphStore

Scope = Literal["admin", "agency", "read_only"]
SCOPES: tuple[str, ...] = ("admin", "agency", "read_only")

_CREATE = ("CREATE (t:ApiToken {id: $id, name: $name, scope: $scope, agency: $agency, "
           "created_at: $created_at, hash: $hash})")
_BY_HASH = ("MATCH (t:ApiToken) WHERE t.hash = $hash "
            "RETURN t.id AS id, t.name AS name, t.scope AS scope, t.agency AS agency, t.created_at AS created_at")
_AGENCY_EXISTS = "MATCH (a:Agency {id: $id}) RETURN a.id AS id"


@dataclass(frozen=True)
class ApiToken:
    """What the registry knows about a token (never the token itself)."""

    id: str
    name: str
    scope: str
    agency: str | None
    created_at: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: GraphStore, scope: str, agency: str | None = None, name: str | None = None,
                 now: datetime | None = None) -> tuple[str, ApiToken]:
    """A new random token and its record; only the hash is stored. ValueError for a bad scope or agency."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; expected one of {', '.join(SCOPES)}")
    if (scope == "agency") != (agency is not None):
        raise ValueError("an agency token needs an agency id; admin and read-only tokens take none")
    if agency is not None and not store.read(_AGENCY_EXISTS, {"id": agency}):
        raise ValueError(f"no agency with id {agency!r} in the registry")
    token = secrets.token_urlsafe(32)
    token_id = f"token:{uuid.uuid4().hex[:12]}"
    created = (now or datetime.now(UTC)).astimezone(UTC).isoformat().replace("+00:00", "Z")
    record = ApiToken(token_id, name or token_id, scope, agency, created)
    store.write(_CREATE, {"id": record.id, "name": record.name, "scope": scope, "agency": agency,
                          "created_at": created, "hash": token_hash(token)})
    return token, record


def find_token(store: GraphStore, token: str) -> ApiToken | None:
    """The record of a presented token, or None when the registry never issued it."""
    rows = store.read(_BY_HASH, {"hash": token_hash(token)})
    if not rows:
        return None
    row = rows[0]
    return ApiToken(row["id"], row["name"], row["scope"], row.get("agency"), row["created_at"])
