"""Which errors a client may read: its own mistakes, not the server's internals."""

from __future__ import annotations

from graphql.error import GraphQLError

from registry.store import StoreUnavailable


class UserError(Exception):
    """A mistake in the request (bad cursor, page too large): its message is shown to the client."""


def should_mask(error: GraphQLError) -> bool:
    """Mask everything raised inside resolvers except UserError; validation errors (no original error) and
    graphql-core's own errors about the request (a variable missing or of the wrong type) pass."""
    original = error.original_error
    if isinstance(original, StoreUnavailable):
        # The client may retry later: say so, without the detail (addresses, driver reasons), which is logged.
        error.message = StoreUnavailable.public
        return False
    return original is not None and not isinstance(original, UserError | GraphQLError)
