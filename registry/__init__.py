"""OneGov Architecture Registry: the application (stores, loading, export, CLI)."""

__version__ = "0.1.0"
