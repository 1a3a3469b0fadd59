"""A deterministic synthetic registry shaped like Vietnam's, with planted gaps and their ground truth.

`generate(out, scale, seed)` writes the CSV import template's folder layout (`registry import DIR` loads it) and
`ground-truth.json.txt` beside it. Modules, one job each: `sample` (the national part, from data/sample),
`vocabulary` (words), `jobs` (the catalogue of jobs the duplicate detector tells apart), `gazetteer` (communes),
`pools` (jobs handed out per jurisdiction), `systems` (a system with its data and APIs), `province` and `ministry`
(the background), `gaps` (planted gaps), `truth` (ground truth and scoring), `writer` (streaming CSV), `generator`.
See docs/synthetic-data.md.
"""

from registry.synthetic.generator import SCALES, GenerateError, Summary, generate
from registry.synthetic.truth import FILE_NAME as GROUND_TRUTH_FILE
from registry.synthetic.truth import Score, evaluate, load

__all__ = ["GROUND_TRUTH_FILE", "SCALES", "GenerateError", "Score", "Summary", "evaluate", "generate", "load"]
