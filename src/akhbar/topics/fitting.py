"""Fitting the topic model for training: which tokens, how many topics, which prior, which process.

Training (:func:`akhbar.train.train`) asks three things of this module, in order:
:func:`begin` drops topic filler from the tokens, chooses K when asked (:mod:`~akhbar.topics.choose`),
turns seed topics into the prior (:mod:`~akhbar.topics.seeded`), builds the compact corpus and
starts LDA, in a separate process when training runs two jobs; :meth:`TopicJob.finish` waits for
it, infers every training article's topics and keeps what reports show of them
(:mod:`~akhbar.topics.summary`, with coherence counted over the training articles), and says how
many of each seeded topic's seed words reached its top words.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from akhbar.features.lda import BowCorpus, FittedLdaTopics
from akhbar.topics.seeded import SeedTopic, resolve, seed_hits
from akhbar.topics.summary import summarize


class TopicFitError(ValueError):
    """The corpus or options cannot give a topic model; the message says why."""


@dataclass
class TopicPlan:
    """The topic-model settings training decided on (plain values, so this layer needs no config)."""

    topics: int | str | None  # K, "auto", None (the size rule) or 0 (none)
    k_range: str | None
    passes: int | None
    iterations: int
    no_below: int
    no_above: float
    keep_n: int
    seed: int
    parallel: bool
    filler: bool = True
    seed_topics: list[dict] | None = None
    sampler: str = "variational"  # or "gibbs" (akhbar.features.gibbs)
    sweeps: int = 300


def start(lda, corpus: BowCorpus, parallel: bool) -> Callable[[], FittedLdaTopics]:
    """Fit the topic model, in a separate process when *parallel*; return a function that waits.

    LDA and the classifier need nothing from each other, so on a machine with two cores they run
    side by side. The topic model gets a fresh Python process fed with the compact corpus (a few
    numpy arrays in a temporary folder), not a fork: a forked child keeps a copy-on-write image
    of the trainer's whole heap, and every page the trainer writes afterwards (it goes on to
    build the largest objects of training) becomes the child's private memory; measured on
    ant2, 280 MB against about 100 MB for the fresh process. Results come back as arrays, never pickles.
    """
    if not parallel:
        fitted = lda.fit(corpus)
        return lambda: fitted
    folder = Path(tempfile.mkdtemp(prefix="akhbar-lda-"))
    try:
        corpus.save(folder)
        (folder / "params.json").write_text(json.dumps(lda.get_params()), "utf-8")
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])  # akhbar importable even when not installed
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        with open(folder / "stderr.txt", "wb") as stderr:
            process = subprocess.Popen([sys.executable, "-m", "akhbar.topics.fitting", "--worker", str(folder)],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    except OSError:  # no usable interpreter to start (embedded Python): fit here instead
        shutil.rmtree(folder, ignore_errors=True)
        fitted = lda.fit(corpus)
        return lambda: fitted

    def wait():
        try:
            code = process.wait()
            if code != 0:
                tail = (folder / "stderr.txt").read_text("utf-8", errors="replace").strip().splitlines()[-3:]
                raise TopicFitError(f"the topic model process failed (exit code {code}): " + " | ".join(tail))
            with np.load(folder / "state.npz", allow_pickle=False) as arrays:
                state = {name: arrays[name] for name in arrays.files}
            state["vocabulary"], state["display"] = corpus.vocabulary, None
            return type(lda).from_state(lda.get_params(), state)
        finally:
            cleanup()

    # If training stops before waiting (an error, Ctrl-C), the process and its folder go with the
    # last reference to ``wait``, and at interpreter exit at the latest.
    cleanup = weakref.finalize(wait, _stop, process, folder)
    return wait


def _stop(process: subprocess.Popen, folder: Path) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
    shutil.rmtree(folder, ignore_errors=True)


def _worker(folder: Path) -> None:
    """The topic-model process (``python -m akhbar.topics.fitting --worker FOLDER``)."""
    from akhbar.features.estimators import LdaTopics

    params = json.loads((folder / "params.json").read_text("utf-8"))
    lda = LdaTopics(**params).fit(BowCorpus.load(folder))
    state = lda.get_state()
    np.savez(folder / "state.npz", alpha=state["alpha"], topic_word=state["topic_word"],
             exp_elog_beta=state["exp_elog_beta"])


def topic_tokens(tokens: Sequence[list[str]], analyzer, filler: bool) -> list[list[str]]:
    """The tokens the topic model sees: the classifier's, less topic filler when *filler*."""
    if not filler:
        return list(tokens)
    from akhbar.topics.filler import drop_filler, filler_stems

    return drop_filler(tokens, filler_stems(analyzer))


@dataclass
class TopicJob:
    """A topic model being fitted, and what training records about it."""

    wait: Callable[[], FittedLdaTopics]
    bow: BowCorpus
    k: int
    no_below: int
    passes: int
    seeds: list[SeedTopic] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    choose: dict | None = None
    sampler: str = "variational"
    sweeps: int = 300

    def finish(self, docs: Sequence, display: Callable[[list[str]], list[str]]) -> tuple[FittedLdaTopics, dict, dict]:
        """Wait for the model; return it, its summary over *docs* (the training articles, in
        the order their tokens were given) and the training record of the topic model."""
        topics = self.wait()
        topics.display_ = display(topics.vocabulary_)
        counts = self.bow.matrix()
        summary = summarize(topics.infer(counts), docs, topics.topic_word_, topics.display_, counts)
        summary["quality"]["counted_over"] = "the training articles (intrinsic coherence, not a test score)"
        record = {"num_topics": self.k, "lda_passes": self.passes, "lda_no_below": self.no_below,
                  "lda_vocabulary": len(self.bow.vocabulary), "topic_sampler": self.sampler}
        if self.sampler == "gibbs":
            record["lda_passes"], record["topic_sweeps"] = 0, self.sweeps
        if self.seeds:
            top = [[w for w, _ in row] for row in topics.top_words(10)]
            hits = seed_hits(top, [s.stems for s in self.seeds])
            record["seed_topics"] = [{**s.to_dict(), "in_top_10": n} for s, n in zip(self.seeds, hits)]
        if self.warnings:
            record["topic_warnings"] = self.warnings
        if self.choose:
            record["choose_k"] = self.choose
        return topics, summary, record


def _seed_topics(plan: TopicPlan, analyzer, vocabulary: list[str], k: int) -> tuple[list[SeedTopic], list[str]]:
    seeds = [SeedTopic(t["name"], list(t["words"]), int(t.get("line", i + 1)))
             for i, t in enumerate(plan.seed_topics or [])]
    if len(seeds) > k:
        raise TopicFitError(f"{len(seeds)} seed topics for a model of {k} topics: ask for at least {len(seeds)}")
    return seeds, resolve(seeds, analyzer, vocabulary)


def begin(tokens: Sequence[list[str]], plan: TopicPlan, analyzer, log) -> TopicJob | None:
    """Start fitting the topic model on every document's *tokens*; None when K is 0."""
    from akhbar.features.estimators import LdaTopics

    n_docs = len(tokens)
    no_below = min(plan.no_below, max(1, n_docs // 50))  # small corpora keep rarer words
    passes = plan.passes if plan.passes is not None else max(3, min(50, 20_000 // max(n_docs, 1)))
    if plan.topics == 0:
        return None
    if plan.sampler == "gibbs":
        from akhbar.features.gibbs import require_tomotopy

        require_tomotopy(TopicFitError)  # before any work, not in the topic-model process
    tokens = topic_tokens(tokens, analyzer, plan.filler)
    choose = None
    if plan.topics == "auto":
        from akhbar.topics.choose import choose_k, parse_range  # fits LDA: scikit-learn and gensim, training only

        ks = parse_range(plan.k_range or default_range(n_docs), n_docs)
        log(f"choosing K among {ks[0]}..{ks[-1]} ({len(ks)} fits on 80% of the articles)")
        choose = choose_k(tokens, ks, seed=plan.seed, passes=passes, iterations=plan.iterations,
                          no_below=no_below, no_above=plan.no_above, keep_n=plan.keep_n,
                          sampler=plan.sampler, sweeps=plan.sweeps, log=log)
        log(choose["why"])
        k = choose["chosen"]
    else:
        k = plan.topics if plan.topics is not None else min(30, max(5, n_docs // 20))
    bow = BowCorpus.from_tokens(tokens, no_below, plan.no_above, plan.keep_n)
    if len(bow.vocabulary) < k:
        raise TopicFitError(f"only {len(bow.vocabulary)} distinct words survive the frequency filter "
                            f"(no_below={no_below}); too few for {k} topics")
    seeds, warnings = _seed_topics(plan, analyzer, bow.vocabulary, k)
    for warning in warnings:
        log(warning)
    effort = f"{plan.sweeps} Gibbs sweeps" if plan.sampler == "gibbs" else f"{passes} passes"
    log(f"topic model: {k} topics, {effort} over {n_docs} documents"
        + (f", {len(seeds)} of them seeded" if seeds else "")
        + (" (in a parallel process)" if plan.parallel else ""))
    lda = LdaTopics(num_topics=k, passes=passes, iterations=plan.iterations, workers=1, no_below=no_below,
                    no_above=plan.no_above, keep_n=plan.keep_n, random_state=plan.seed,
                    seed_words=[s.stems for s in seeds] or None, sampler=plan.sampler, sweeps=plan.sweeps)
    return TopicJob(start(lda, bow, plan.parallel), bow, k, no_below, passes, seeds, warnings, choose,
                    plan.sampler, plan.sweeps)


def default_range(n_docs: int) -> str:
    """10..60 for a large corpus; for a small one, up to a tenth of its articles."""
    high = max(4, min(60, n_docs // 10))
    low = min(10, max(2, high // 4))
    return f"{low}..{high}"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        _worker(Path(sys.argv[2]))
    else:
        sys.exit("internal entry point: python -m akhbar.topics.fitting --worker FOLDER")
