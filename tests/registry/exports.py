"""The JSON Lines export as tests compare it: a restore or re-import records its own import run, the one line by
which a later export differs from the backup it read."""

from __future__ import annotations

import io
import json

from graph_model import DEFAULT_PILLARS
from registry.export import write_jsonl
from registry.graph import RegistryGraph


def export_text(graph: RegistryGraph, *leave_out_runs: str, tokens: bool = True) -> str:
    """The whole export, less the lines of the named import runs."""
    buffer = io.StringIO()
    write_jsonl(graph, buffer, DEFAULT_PILLARS, tokens)
    return "".join(line + "\n" for line in buffer.getvalue().splitlines()
                   if not (line.startswith('{"type":"ImportRun"') and json.loads(line)["id"] in leave_out_runs))
