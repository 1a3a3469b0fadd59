"""The registry's read API: GraphQL (strawberry) and a small REST part (FastAPI), served by `registry serve`."""

from registry.api.app import create_app

__all__ = ["create_app"]
