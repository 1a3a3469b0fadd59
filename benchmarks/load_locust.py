"""The locustfile of `python -m benchmarks load-test` (run by it as `locust --headless -f …`, never imported by the
benchmark itself: locust patches the standard library with gevent).

Readers ask for an entity with its neighbours (GraphQL), search (GraphQL) and the REST entity; writers, each with
its own entities, upsert them with an agency token, link and unlink them, and now and then try to write another
agency's system (an intended 403). Every acknowledged write is recorded — entity id and the version written, link
state — and dumped as JSON when the run stops, so the benchmark can check that none was lost.
Inputs come from the JSON file named by LOAD_INPUT; the acknowledgements go to LOAD_ACKS.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, constant, events, task

INPUT: dict[str, Any] = json.loads(Path(os.environ["LOAD_INPUT"]).read_text(encoding="utf-8"))
ENTITIES_PER_WRITER = 5
_writer_numbers = itertools.count()
ACKS: dict[str, Any] = {"entities": {}, "upserts": 0, "links": {}, "in_doubt_links": [], "intended_4xx": 0}

ENTITY_QUERY = """
query ($id: ID!) {
  entity(id: $id) {
    id name
    ... on System { status kind owner { id name } mastersDatasets { nodes { id name } }
                    consumesApis { nodes { id name } } connectsTo { nodes { id name } } }
  }
}"""
SEARCH_QUERY = "query ($words: String!) { systems(first: 10, filter: {search: $words}) { edges { node { id name } } } }"
UPSERT = """
mutation ($input: EntityInput!, $expected: Int) {
  upsertEntity(input: $input, expectedRevision: $expected) { entity { id name revision } errors { field message } }
}"""
LINK = """
mutation ($from: String!, $to: String!, $expected: Int) {
  link(type: "CONNECTS_TO", from: $from, to: $to, expectedRevision: $expected) { ok errors { message } }
}"""
UNLINK = """
mutation ($from: String!, $to: String!, $expected: Int) {
  unlink(type: "CONNECTS_TO", from: $from, to: $to, expectedRevision: $expected) { ok errors { message } }
}"""
REVISION = "query ($id: ID!) { entity(id: $id) { revision } }"


def entity_name(writer: int, entity: int, version: int) -> str:
    """The value a writer writes; the benchmark parses the version back out of it."""
    return f"Hệ thống tải thử w{writer} e{entity} v{version}"


class Reader(HttpUser):
    fixed_count = int(os.environ.get("LOAD_READERS", "6"))
    wait_time = constant(0)

    def on_start(self) -> None:
        self.random = random.Random(next(_writer_numbers) + 1000)

    def _graphql(self, name: str, query: str, variables: dict[str, Any]) -> None:
        with self.client.post("/graphql", json={"query": query, "variables": variables}, name=name,
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif response.json().get("errors"):
                response.failure(f"GraphQL error: {response.json()['errors'][0].get('message', '')[:80]}")

    @task(3)
    def graphql_entity(self) -> None:
        self._graphql("graphql-entity", ENTITY_QUERY, {"id": self.random.choice(INPUT["read_ids"])})

    @task(1)
    def graphql_search(self) -> None:
        self._graphql("graphql-search", SEARCH_QUERY, {"words": self.random.choice(INPUT["search_words"])})

    @task(2)
    def rest_entity(self) -> None:
        entity_id = self.random.choice(INPUT["read_ids"])
        with self.client.get(f"/api/entities/{entity_id}", name="rest-entity", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Writer(HttpUser):
    fixed_count = int(os.environ.get("LOAD_WRITERS", "4"))
    wait_time = constant(0)

    def on_start(self) -> None:
        self.number = next(_writer_numbers)
        self.random = random.Random(self.number)
        self.version = 0
        self.created: set[int] = set()
        # The revision of each of its entities as this writer last wrote it; forgotten after a write in doubt, and
        # then read again before the next write (a write to an existing entity carries the revision it is based on).
        self.revisions: dict[str, int] = {}
        self.headers = {"Authorization": f"Bearer {INPUT['token']}"}

    def entity_id(self, entity: int) -> str:
        return f"{INPUT['id_prefix']}.w{self.number}.e{entity}"

    def _mutation(self, name: str, query: str, variables: dict[str, Any], field: str) -> dict[str, Any] | None:
        """The mutation's payload when the server acknowledged it (200, no errors), else None (a failure)."""
        with self.client.post("/graphql", json={"query": query, "variables": variables}, headers=self.headers,
                              name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            body = response.json()
            payload = (body.get("data") or {}).get(field)
            if body.get("errors") or payload is None or payload.get("errors"):
                problems = body.get("errors") or (payload or {}).get("errors") or [{}]
                response.failure(f"refused: {str(problems[0].get('message', ''))[:80]}")
                return None
            return payload

    def _revision(self, entity_id: str) -> int | None:
        """The revision a write to `entity_id` is based on: as last written, else read (None: not created yet)."""
        if entity_id not in self.revisions:
            with self.client.post("/graphql", json={"query": REVISION, "variables": {"id": entity_id}},
                                  name="read-revision", catch_response=True) as response:
                body = response.json() if response.status_code == 200 else {}
                if not body.get("data") or body.get("errors"):
                    response.failure(f"HTTP {response.status_code}: {str(body.get('errors'))[:80]}")
                    return None
                entity = body["data"]["entity"]
                if entity is None:
                    return None
                self.revisions[entity_id] = entity["revision"]
        return self.revisions[entity_id]

    @task(4)
    def upsert_entity(self) -> None:
        entity = self.random.randrange(ENTITIES_PER_WRITER)
        self.version += 1
        entity_id, name = self.entity_id(entity), entity_name(self.number, entity, self.version)
        fields = {"id": entity_id, "name": name, "owner": INPUT["agency"]}
        variables = {"input": {"type": "System", "fields": fields}, "expected": self._revision(entity_id)}
        payload = self._mutation("upsert-entity", UPSERT, variables, "upsertEntity")
        if payload is not None and payload["entity"]["id"] == entity_id and payload["entity"]["name"] == name:
            ACKS["entities"][entity_id] = {"writer": self.number, "version": self.version}
            ACKS["upserts"] += 1
            self.created.add(entity)
            self.revisions[entity_id] = payload["entity"]["revision"]
        else:
            self.revisions.pop(entity_id, None)

    def _link_or_unlink(self, linked: bool) -> None:
        if linked:
            if not self.created:
                return
            source = self.entity_id(self.random.choice(sorted(self.created)))
            key = f"{source} {self.random.choice(INPUT['link_targets'])}"
        else:
            mine = sorted(key for key, state in ACKS["links"].items()
                          if state and key.startswith(f"{INPUT['id_prefix']}.w{self.number}."))
            if not mine:
                return
            key = self.random.choice(mine)
        source, target = key.split(" ")
        name, query, field = ("link", LINK, "link") if linked else ("unlink", UNLINK, "unlink")
        payload = self._mutation(name, query, {"from": source, "to": target, "expected": self._revision(source)},
                                 field)
        if payload is not None and payload["ok"]:
            ACKS["links"][key] = linked
            if linked:  # a link that was already there changes nothing: read the revision again before the next write
                self.revisions.pop(source, None)
            else:  # an unlink always raises its `from` entity's revision
                self.revisions[source] += 1
        else:
            ACKS["in_doubt_links"].append(key)
            self.revisions.pop(source, None)

    @task(2)
    def link(self) -> None:
        self._link_or_unlink(True)

    @task(1)
    def unlink(self) -> None:
        self._link_or_unlink(False)

    @task(1)
    def forbidden_write(self) -> None:
        """Another agency's system: the server must answer 403 and write nothing."""
        fields = {"id": self.random.choice(INPUT["foreign_ids"]), "name": INPUT["forbidden_name"]}
        with self.client.post("/graphql", json={"query": UPSERT, "variables": {
                "input": {"type": "System", "fields": fields}}}, headers=self.headers, name="forbidden-write",
                catch_response=True) as response:
            if response.status_code == 403:
                ACKS["intended_4xx"] += 1
                response.success()
            else:
                response.failure(f"expected 403, got HTTP {response.status_code}")


@events.quitting.add_listener
def _dump_acknowledgements(environment: Any, **_: Any) -> None:
    Path(os.environ["LOAD_ACKS"]).write_text(json.dumps(ACKS, ensure_ascii=False), encoding="utf-8")
