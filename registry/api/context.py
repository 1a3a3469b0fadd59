"""What every resolver of one request shares: the store reader, that request's DataLoaders and its API token."""

from __future__ import annotations

from strawberry.fastapi import BaseContext

from registry.api.loaders import Loaders, Reader
from registry.api.tokens import ApiToken
from registry.store import GraphStore


class RequestContext(BaseContext):
    """Built per request, so DataLoader caches never leak between requests."""

    def __init__(self, store: GraphStore, token: ApiToken | None = None) -> None:
        super().__init__()
        self.store = store
        self.reader = Reader(store)
        self.loaders = Loaders(self.reader)
        self.token = token
