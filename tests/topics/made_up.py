"""Made-up Arabic words for the topic tests, in six vocabularies of thirty, and corpora planted
with them (written for these tests; no corpus text)."""

from __future__ import annotations

import numpy as np

_SAFE = "بجحخدذرزسشصضطظعغفق"  # letters no stemmer takes for an affix: every made-up word stays distinct
_ENDINGS = [a + b for a in _SAFE for b in _SAFE][:30]
GROUPS = [[stem + end for end in _ENDINGS] for stem in ("درب", "نفط", "مسرح", "صرخ", "مطر", "هاتف")]


def planted(k: int, n_docs: int = 240, length: int = 40, seed: int = 0) -> list[list[str]]:
    """Each document draws its words from one of the first *k* vocabularies."""
    rng = np.random.default_rng(seed)
    return [list(rng.choice(GROUPS[d % k], size=length)) for d in range(n_docs)]
