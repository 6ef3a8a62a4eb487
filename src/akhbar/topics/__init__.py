"""Topics people can trust: quality scores, choosing K, guided topics, labels and timelines.

Everything here works on fitted arrays (a topic-word matrix, documents' topic shares, word
counts) and the shared analyzer, so it serves training (``akhbar train``), the report
(:mod:`akhbar.report`) and ``akhbar topics`` alike. ``quality`` scores topics (NPMI, diversity),
``choose`` fits a range of K and picks one, ``seeded`` turns a seed-word file into an LDA prior,
``labels`` names topics by their most distinctive words (and reads the user's renames),
``timeline`` spreads topic shares over weeks or months.
"""
