"""The GraphQL schema's protective extensions: token, depth and alias limits, and masked internal errors.

Parsing and validating a document cost more than answering a typical entity query (py-spy on `registry serve`:
validation was a quarter of the server's time). Clients send the same few documents again and again with other
variables, so parsed documents and validation results are cached by query text, in bounded LRU caches
(`CACHED_DOCUMENTS`), so unique texts cannot grow memory. The limit rules are made once, at import: the
validation cache is keyed by the rule classes too, and the library's limiters make new classes per request.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit

from registry.api.errors import should_mask
from registry.api.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS

CACHED_DOCUMENTS = 256
"""Distinct query texts whose parse and validation are remembered."""

LIMIT_RULES = [depth_limit(MAX_DEPTH, None, None), alias_limit(MAX_ALIASES)]


def protective_extensions() -> list[Any]:
    """Factories (each request gets fresh extension instances) in the order they must run: the token limit is set
    before parsing, the limit rules are added before validation."""
    return [
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(ParserCache, maxsize=CACHED_DOCUMENTS),
        partial(AddValidationRules, LIMIT_RULES),
        partial(ValidationCache, maxsize=CACHED_DOCUMENTS),
        partial(MaskErrors, should_mask_error=should_mask),
    ]
