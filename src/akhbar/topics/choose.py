"""Choosing K: fit a range of topic counts, score each on articles it did not see, pick one.

A fifth of the articles (drawn with the run's seed) is held out. For every K the topic model
is fitted on the rest and scored on the held-out part: coherence (NPMI of each topic's top 10
words, counted in the held-out articles) and diversity (distinct share of the top 25 words).
Too few topics merge subjects, whose words then rarely meet in one article, and coherence
falls; too many split a subject in two, whose halves repeat each other's words, and diversity
falls. The pick maximises their product, the *topic quality* of Dieng, Ruiz and Blei (2020),
ties going to the smaller K; the curve itself is kept so a reader can disagree.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

from akhbar.features.estimators import LdaTopics
from akhbar.features.lda import BowCorpus
from akhbar.topics.quality import presence, score_presence

HELD_OUT = 0.2
MAX_RANGE = 40  # fits at most; a wider range is refused rather than left running for hours
_RANGE = re.compile(r"^\s*(\d+)\s*(?:\.\.|-|:)\s*(\d+)\s*(?:(?:step|/|:|,)\s*(\d+))?\s*$")


class ChooseKError(ValueError):
    """A K range that cannot be fitted; the message says why."""


def parse_range(text: str, n_docs: int | None = None) -> list[int]:
    """``"10..60"`` (step 10, or a tenth of the span when smaller), ``"10..60:5"`` → the Ks."""
    match = _RANGE.match(str(text))
    if not match:
        raise ChooseKError(f"K range must look like 10..60 or 10..60:5, not {text!r}")
    low, high = int(match.group(1)), int(match.group(2))
    step = int(match.group(3)) if match.group(3) else max(1, min(10, (high - low) // 5 or 1))
    if low < 2 or high < low or step < 1:
        raise ChooseKError(f"K range {text!r} must go from 2 or more up to at least its start, in steps of 1 or more")
    ks = list(range(low, high + 1, step))
    if len(ks) > MAX_RANGE:
        raise ChooseKError(f"K range {text!r} asks for {len(ks)} fits; at most {MAX_RANGE} (use a larger step)")
    if n_docs is not None and high > max(2, n_docs // 2):
        raise ChooseKError(f"K up to {high} for {n_docs} articles: at most {max(2, n_docs // 2)} topics "
                           f"(half the articles) can be told apart")
    return ks


def topic_quality(coherence: float, diversity: float) -> float:
    return coherence * diversity


def choose_k(token_lists: Sequence[Sequence[str]], ks: Sequence[int], *, seed: int = 0, passes: int = 3,
             iterations: int = 50, no_below: int = 5, no_above: float = 0.5, keep_n: int = 50_000,
             sampler: str = "variational", sweeps: int = 300, log: Callable[[str], None] | None = None) -> dict:
    """Fit every K in *ks* on 80% of *token_lists*, score each on the other 20% (see the module
    docstring). Returns the curve and the pick: ``{"k", "coherence", "diversity", "quality",
    "chosen", "why", "held_out_documents", "fit_documents"}``."""
    n = len(token_lists)
    if n < 10:
        raise ChooseKError(f"choosing K needs at least 10 articles, not {n}")
    order = np.random.default_rng(seed).permutation(n)
    cut = max(1, int(round(n * HELD_OUT)))
    held, fit = [token_lists[i] for i in order[:cut]], [token_lists[i] for i in order[cut:]]
    bow = BowCorpus.from_tokens(fit, no_below, no_above, keep_n)
    if len(bow.vocabulary) < max(ks):
        raise ChooseKError(f"only {len(bow.vocabulary)} distinct words survive the frequency filter "
                           f"(no_below={no_below}); too few for {max(ks)} topics")
    held_docs = presence(held, bow.vocabulary)
    curve = {"k": [], "coherence": [], "diversity": [], "quality": []}
    for k in ks:
        lda = LdaTopics(num_topics=k, passes=passes, iterations=iterations, no_below=no_below,
                        no_above=no_above, keep_n=keep_n, random_state=seed, sampler=sampler,
                        sweeps=sweeps).fit(bow)
        score = score_presence(lda.topic_word_, held_docs)
        curve["k"].append(int(k))
        curve["coherence"].append(score["coherence"])
        curve["diversity"].append(score["diversity"])
        curve["quality"].append(round(topic_quality(score["coherence"], score["diversity"]), 4))
        if log:
            log(f"K={k}: held-out coherence {score['coherence']:.3f}, diversity {score['diversity']:.3f}")
    best = int(np.argmax(curve["quality"]))  # first maximum: ties go to the smaller K
    chosen = curve["k"][best]
    why = (f"K={chosen} has the best topic quality (held-out NPMI {curve['coherence'][best]:.3f} × "
           f"diversity {curve['diversity'][best]:.3f} = {curve['quality'][best]:.3f}) of the "
           f"{len(ks)} values tried, {ks[0]}–{ks[-1]}, on {cut} held-out articles")
    return {**curve, "chosen": chosen, "why": why, "held_out_documents": cut, "fit_documents": n - cut,
            "rule": "max held-out NPMI × diversity (Dieng et al. 2020); ties to the smaller K"}
