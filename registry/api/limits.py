"""The API's protective limits, in one place so the docs, the schema and the tests agree."""

DEFAULT_FIRST = 20
"""Page size of a connection when the query names none."""
MAX_FIRST = 100
"""Largest page a connection returns; asking for more is an error, not a silent cut."""
MAX_DEPTH = 10
"""Deepest selection accepted (`systems { edges { node { owner { … } } } }` is depth 5 at `owner`'s fields)."""
MAX_ALIASES = 15
"""Aliases per document: each alias can repeat an expensive field."""
MAX_TOKENS = 2000
"""Tokens per document, checked while parsing, before any work is done."""
MAX_SEARCH_WORDS = 10
"""Words in a `search` text (each is one more test per scanned node)."""
MAX_BODY_BYTES = 1 << 20
"""Largest request body (1 MiB): a GraphQL document is at most MAX_TOKENS tokens and a write's fields a few
thousand characters, so anything larger is refused with 413 before it is read to the end."""
