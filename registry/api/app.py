"""The web application: `/graphql` (with GraphiQL), `/api/entities/{id}` (plain REST), `/health` and the published
sites under `/site`, on one store opened for the app's lifetime."""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

import anyio.to_thread
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from strawberry.fastapi import GraphQLRouter

from registry.api import queries, rest
from registry.api.context import RequestContext
from registry.api.limits import MAX_BODY_BYTES
from registry.api.schema import build_schema
from registry.api.tokens import ApiToken, find_token
from registry.graph import RegistryGraph
from registry.settings import RegistrySettings
from registry.store import GraphStore, StoreError, StoreUnavailable, open_store

audit = logging.getLogger("registry.audit")


class Health(BaseModel):
    """Whether the API can reach its store, and which engine that is (no paths, hosts or credentials)."""

    status: Literal["ok", "unavailable"]
    store: str
    engine: str | None = None
    version: str | None = None


def create_app(settings: RegistrySettings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The FastAPI application. It opens the store the settings name at start-up and closes it at shutdown;
    a `store` passed in (tests, embedding) is used as is and left open."""
    settings = settings or RegistrySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store or await anyio.to_thread.run_sync(functools.partial(open_store, settings, serving=True))
        # Once here, not at every write: a mutation is a load of one or two records (registry/api/mutations.py).
        await anyio.to_thread.run_sync(RegistryGraph(opened).ensure_schema)
        app.state.store = opened
        # What is alive now (modules, the schema, the drivers) lives as long as the server. Frozen, it is left out
        # of the cyclic collector's full passes, which otherwise walk all of it: 100-150 ms each, several a second
        # under load, every request in flight stalled (measured on Neo4j with 8 clients; p95 is mostly those).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()  # an app in a longer process (tests, embedding) must not leave it frozen
            # The async client belongs to this app's event loop: close it here even for a store passed in.
            try:
                await opened.aclose()
            finally:
                if store is None:
                    await anyio.to_thread.run_sync(opened.close)

    app = FastAPI(title="OneGov Architecture Registry",
                  description="Read the registry of Vietnam's digital-government architecture. "
                              "The data is served by GraphQL at `/graphql` (GraphiQL in a browser).",
                  version="0.1.0", lifespan=lifespan,
                  # Refused with 413 by its Content-Length before a byte is read, or while a chunked body streams
                  # in: the token limit is checked only once a document is parsed, and 10 MB of whitespace has few.
                  max_body_size=MAX_BODY_BYTES)

    async def context(request: Request) -> RequestContext:
        store_: GraphStore = request.app.state.store
        return RequestContext(store_, await _authenticate(request, store_, settings.reads_require_token))

    app.include_router(GraphQLRouter(build_schema(), context_getter=context, graphql_ide="graphiql"),
                       prefix="/graphql", include_in_schema=False)

    async def read_access(request: Request) -> None:
        """REST reads are gated like GraphQL reads (REGISTRY_READS_REQUIRE_TOKEN)."""
        await _authenticate(request, request.app.state.store, settings.reads_require_token)

    app.include_router(rest.router, dependencies=[Depends(read_access)])

    @app.get("/health", response_model=Health, responses={503: {"model": Health}}, tags=["operations"])
    async def health(request: Request) -> Health | JSONResponse:
        """The store answers a query: 200 with its engine and version, else 503."""
        current: GraphStore = request.app.state.store
        try:
            await current.aread(queries.PING)
            info = await anyio.to_thread.run_sync(current.describe)
        except StoreError:
            down = Health(status="unavailable", store=settings.store)
            return JSONResponse(down.model_dump(), status_code=503)
        return Health(status="ok", store=str(info.get("store", settings.store)), engine=info.get("engine"),
                      version=None if info.get("version") is None else str(info["version"]))

    if settings.site_dir.is_dir():  # the published sites (`registry docs build`), when built
        app.mount("/site", StaticFiles(directory=settings.site_dir, html=True), name="site")
    app.add_exception_handler(RecursionError, _too_deep)
    app.add_exception_handler(StoreUnavailable, _store_unavailable)
    return app


async def _too_deep(request: Request, error: Exception) -> JSONResponse:
    """A body nested past Python's recursion limit (`[[[[…]]]]` in the variables: 200 KB is enough) is the
    client's doing: 400 with the reason, not a 500."""
    message = "the request is nested too deeply to read"
    return JSONResponse({"detail": message, "errors": [{"message": message}]}, status_code=400)


async def _store_unavailable(request: Request, error: Exception) -> JSONResponse:
    """The store is down or restarting: 503 with a retry hint and a message free of addresses and driver detail
    (those go to the log), not a 500."""
    logging.getLogger("registry.api").warning("store unavailable: %s", error)
    message = StoreUnavailable.public
    return JSONResponse({"detail": message, "errors": [{"message": message}]}, status_code=503,
                        headers={"Retry-After": "5"})


async def _authenticate(request: Request, store: GraphStore, token_required: bool) -> ApiToken | None:
    """The request's API token (None without one): 401 for a malformed header or a token the registry never
    issued, and for no token at all when reads require one. Each refusal is one WARNING on `registry.audit`
    naming the method, path, client address and reason; never the token, nor any part of it."""
    header = request.headers.get("authorization")
    challenge = {"WWW-Authenticate": "Bearer"}
    if header is None:
        if token_required:
            _refused(request, "no API token, and reads require one")
            raise HTTPException(401, "this registry requires an API token: send Authorization: Bearer <token>",
                                headers=challenge)
        return None
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        _refused(request, "malformed Authorization header (expected 'Bearer <token>')")
        raise HTTPException(401, "the Authorization header must be 'Bearer <token>'", headers=challenge)
    token = await anyio.to_thread.run_sync(find_token, store, presented.strip())
    if token is None:
        _refused(request, "unknown API token (not one this registry issued)")
        raise HTTPException(401, "unknown API token", headers=challenge)
    return token


def _refused(request: Request, reason: str) -> None:
    """The audit line of a refused credential: what was asked, from where, and why (the header's value is never
    logged: a mistyped token is one character from the real one)."""
    client = request.client.host if request.client is not None else "unknown"
    path = request.url.path if request.url.path.isprintable() else ascii(request.url.path)  # no forged log lines
    audit.warning("refused credentials for %s %s from %s: %s", request.method, path, client, reason)
