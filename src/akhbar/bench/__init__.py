"""Benchmarks: akhbar's default against the plain scikit-learn/gensim route, in one run.

    python -m akhbar.bench classify --data ../shared/data --out experiments/
    python -m akhbar.bench memory --data ../shared/data --out experiments/

``classify`` runs the three standard evaluations of ``../shared/data/README.md`` (ant2 random
split, ant2 cross-outlet with BBC held out, ant2 → ant1 transfer on the five shared labels). For
each it trains and tests the *baseline* (``TfidfVectorizer()`` + ``LinearSVC()`` on title and text,
plus gensim ``LdaMulticore`` with 30 topics and 3 passes on the same texts, as a user gluing the
libraries by hand would) and *akhbar* (``akhbar.train`` with its defaults, saved, reloaded). Each
system is trained in its own forked process so its peak memory can be read from the kernel
(the summed PSS of the process and its children, sampled: :class:`TreeMemory`); both run on
the same machine in the same run, and every speed and memory figure is reported beside its ratio
to the baseline. Prediction throughput ratios are taken against the baseline's fitted model timed
again inside akhbar's process, just before and after each pass (see :func:`akhbar_job`).

``memory`` streams ``akhbar predict --input … --output …`` over JSONL files of growing size,
built at run time by repeating the shared corpora (nothing is written into the project), and
records the peak memory of each run: flat memory is what streaming means.

Outputs are ``NAME.md`` and ``NAME.json`` in ``--out``; machine details are recorded with them.
The harness: ``data`` reads the standard evaluations, ``process`` runs a job in a forked process
and samples its memory, ``jobs`` trains and times each system, ``classify`` and ``memory`` run
and render the two benchmarks, ``__main__`` is the command line. ``python -m akhbar.experiments``
is the same command under its earlier name.
"""
