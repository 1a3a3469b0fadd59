"""What every resolver of one request shares: the store reader and that request's DataLoaders."""

from __future__ import annotations

from strawberry.fastapi import BaseContext

from registry.api.loaders import Loaders, Reader
from registry.store import GraphStore


class RequestContext(BaseContext):
    """Built per request, so DataLoader caches never leak between requests."""

    def __init__(self, store: GraphStore) -> None:
        super().__init__()
        self.reader = Reader(store)
        self.loaders = Loaders(self.reader)
