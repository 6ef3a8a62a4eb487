"""Which classifier settings carry over to an outlet never seen in training (leave one outlet out).

    python experiments/outlets.py --data ../shared/data --out experiments/outlets.md

The cross-outlet evaluation holds out BBC; choosing settings on it would tune on its test set.
This runs the same kind of test *inside* ant2's train split without BBC: each of the other
outlets is held out in turn, the classifier is fit on the rest, and macro-F1 is taken over the
labels the held-out outlet has (AlArabiya files nothing under middleEast); two random validation
splits of the same articles sit beside it, since a setting that travels better may lose at home.
Each row changes one thing against the default (word TF-IDF over light-stemmed tokens + char
2-5-grams over ``char_view`` text with ``max_df=0.03``, LinearSVC C=0.2 balanced).

Two rows use the outlet of each *training* article (never as a feature, and never the held-out
outlet's): "outlet-specific features dropped" removes word and n-gram features (in at least 10
training articles) that, within a label, occur mostly in one outlet (label-conditioned share of
the per-outlet rates above 0.9: bylines, datelines, house style), so the classifier cannot lean
on them; "outlet-balanced sample weights" gives each outlet the same total weight.
"LDA topic shares as features" appends the 30 topic shares of an LDA fitted on the fold's
training articles (times 0.5); "SVM + logistic regression" adds the standardized decision
values of the two models.

"title x3" writes each article's title three times before its text (titles are short and
carry the topic). "NB-weighted SVMs" is NBSVM (Wang and Manning 2012) one label against the
rest: each label's SVM sees the features scaled by their log-count ratio between the label's
articles and the others. "self-training on SaudiNewsNet" labels the 29,904 unlabelled Saudi
articles with the default model fit on the fold, keeps those whose best decision value leads the
second by at least 1.0, and refits on the fold plus them (weight 0.5), the one semi-supervised
use of that corpus tried here; the features stay fitted on the fold alone. The "word2vec
vectors" rows append each article's TF-IDF-weighted sum of word vectors (gensim ``Word2Vec``,
100 dimensions, 5 epochs, seed 0, on the analyzer's tokens), scaled to unit length (times 0.5
in the last row), trained on the fold's articles alone or on them plus SaudiNewsNet's: a
second, unsupervised way to let unlabelled Saudi text shape the features. The "word bigrams"
rows put unigrams and bigrams in the word block (300,000 most frequent, as ``TrainConfig``
caps it), the block ``weighting="column", word_ngrams=(1, 2)`` gives.

``--variants NAME ...`` runs only some rows (the others are deterministic and kept from the
last full run by pasting the rows in); a full run rewrites the whole table.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from akhbar.estimators import CharNgrams, LdaTopics, WordTfidf
from akhbar.text import Analyzer, char_view, normalize

VARIANTS = {
    "default": {},
    "chars over normalized text": {"view": "normalized"},
    "C=0.1": {"C": 0.1},
    "C=0.05": {"C": 0.05},
    "char max_df=0.05": {"max_df": 0.05},
    "words only": {"chars": False},
    "outlet-specific features dropped": {"drop_outlet_specific": 0.9},
    "outlet-balanced sample weights": {"outlet_weights": True},
    "LDA topic shares as features": {"topic_weight": 0.5},
    "SVM + logistic regression": {"ensemble": True},
    "title x3": {"title_repeats": 3},
    "NB-weighted SVMs": {"nb": True},
    "self-training on SaudiNewsNet": {"self_train": 1.0},
    "word2vec vectors (fold)": {"w2v": "fold", "w2v_weight": 1.0},
    "word2vec vectors (fold + SaudiNewsNet)": {"w2v": "saudi", "w2v_weight": 1.0},
    "word2vec vectors (fold + SaudiNewsNet) x0.5": {"w2v": "saudi", "w2v_weight": 0.5},
    "word bigrams": {"word_ngrams": (1, 2)},
    "word bigrams, C=0.1": {"word_ngrams": (1, 2), "C": 0.1},
}


def embedded(X: sp.csr_matrix, vocabulary: list[str], vectors) -> np.ndarray:
    """Each row's TF-IDF-weighted sum of its words' vectors, scaled to unit length."""
    E = np.zeros((len(vocabulary), vectors.vector_size), dtype=np.float32)
    for j, word in enumerate(vocabulary):
        if word in vectors.key_to_index:
            E[j] = vectors[word]
    D = np.asarray(X @ E, dtype=np.float64)
    return D / np.maximum(np.linalg.norm(D, axis=1, keepdims=True), 1e-12)


def nb_svm_predict(X_fit, y_fit, X_test, C: float, alpha: float = 1.0) -> np.ndarray:
    """NBSVM one label against the rest: features scaled by the label's log-count ratio."""
    labels = np.unique(y_fit)
    scores = np.zeros((X_test.shape[0], labels.size))
    for k, label in enumerate(labels):
        inside = y_fit == label
        p = alpha + np.asarray(X_fit[inside].sum(axis=0)).ravel()
        q = alpha + np.asarray(X_fit[~inside].sum(axis=0)).ravel()
        ratio = sp.diags(np.log((p / p.sum()) / (q / q.sum())))
        svm = LinearSVC(C=C, class_weight="balanced", random_state=0).fit(X_fit @ ratio, inside)
        scores[:, k] = svm.decision_function(X_test @ ratio)
    return labels[np.argmax(scores, axis=1)]


def outlet_specificity(X: sp.csr_matrix, y: np.ndarray, outlet: np.ndarray, min_docs: int = 30):
    """Per feature: how much its document rate within a label is concentrated in one outlet
    (max over outlets / sum over outlets, averaged over labels weighted by the feature's count
    there; 1/K is even, 1.0 one outlet only), and its document frequency."""
    present = (X > 0).astype(np.float32).tocsr()
    num, den = np.zeros(X.shape[1]), np.zeros(X.shape[1])
    for label in np.unique(y):
        groups = [np.flatnonzero((y == label) & (outlet == o)) for o in np.unique(outlet)]
        groups = [g for g in groups if g.size >= min_docs]
        if len(groups) < 2:
            continue
        rates = np.vstack([np.asarray(present[g].sum(axis=0)).ravel() / g.size for g in groups])
        total = rates.sum(axis=0)
        share = np.where(total > 0, rates.max(axis=0) / np.maximum(total, 1e-12), 0.0)
        in_label = np.asarray(present[np.flatnonzero(y == label)].sum(axis=0)).ravel()
        num += share * in_label
        den += in_label
    return np.where(den > 0, num / np.maximum(den, 1e-12), 0.0), np.asarray(present.sum(axis=0)).ravel()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--out", default="experiments/outlets.md")
    parser.add_argument("--variants", nargs="*", choices=list(VARIANTS), help="only these rows")
    args = parser.parse_args()
    variants = {name: VARIANTS[name] for name in (args.variants or VARIANTS)}
    with gzip.open(Path(args.data) / "ant2.jsonl.gz", "rt", encoding="utf-8") as f:
        records = [r for r in map(json.loads, f) if r["split"] == "train" and r["outlet"] != "BBC"]
    raw = [f"{r['title']}\n{r['text']}" for r in records]
    y = np.array([r["label"] for r in records])
    outlet = np.array([r["outlet"] for r in records])
    analyzer = Analyzer()
    tokens = [analyzer(t) for t in raw]
    views = {"written": [char_view(t) for t in raw], "normalized": [normalize(t) for t in raw]}
    if any("title_repeats" in o for o in variants.values()):
        titled = [f"{r['title']}\n" * 3 + r["text"] for r in records]
        tokens_titled = [analyzer(t) for t in titled]
        views["titled"] = [char_view(t) for t in titled]
    if any("self_train" in o or o.get("w2v") == "saudi" for o in variants.values()):
        with gzip.open(Path(args.data) / "saudinewsnet.jsonl.gz", "rt", encoding="utf-8") as f:
            saudi = [f"{r.get('title') or ''}\n{r['text']}" for r in map(json.loads, f)]
        saudi_tokens, saudi_view = [analyzer(t) for t in saudi], [char_view(t) for t in saudi]
    outlets = sorted(set(outlet))
    # the outlets held out one at a time, then two random 10% validation splits for comparison
    splits = [(o, np.flatnonzero(outlet != o), np.flatnonzero(outlet == o)) for o in outlets]
    for seed in (0, 1):
        fit, val = train_test_split(np.arange(len(y)), test_size=0.1, random_state=seed, stratify=y)
        splits.append((f"random {seed}", np.sort(fit), np.sort(val)))
    scores: dict[str, dict[str, float]] = {name: {} for name in variants}
    for held, fit, test in splits:
        words = WordTfidf(ngram_range=(1, 1), min_df=2, max_df=0.9)
        W_fit, W_test = words.fit_transform([tokens[i] for i in fit]), words.transform([tokens[i] for i in test])
        char_blocks, topic_shares, fitted, w2v, ngram_blocks = {}, None, {}, {}, {}
        for name, options in variants.items():
            t = time.perf_counter()
            X_fit, X_test = W_fit, W_test
            if "word_ngrams" in options:
                span = options["word_ngrams"]
                if span not in ngram_blocks:
                    ngrams = WordTfidf(ngram_range=span, min_df=2, max_df=0.9, max_features=300_000)
                    ngram_blocks[span] = (ngrams.fit_transform([tokens[i] for i in fit]),
                                          ngrams.transform([tokens[i] for i in test]))
                X_fit, X_test = ngram_blocks[span]
            if options.get("title_repeats"):
                titled_words = WordTfidf(ngram_range=(1, 1), min_df=2, max_df=0.9)
                X_fit = titled_words.fit_transform([tokens_titled[i] for i in fit])
                X_test = titled_words.transform([tokens_titled[i] for i in test])
            if options.get("chars", True):
                view = "titled" if options.get("title_repeats") else options.get("view", "written")
                max_df = options.get("max_df", 0.03)
                if (view, max_df) not in char_blocks:
                    chars = CharNgrams(ngram_range=(2, 5), min_df=2, max_df=max_df, max_features=300_000)
                    char_blocks[view, max_df] = (chars.fit_transform([views[view][i] for i in fit]),
                                                 chars.transform([views[view][i] for i in test]))
                    fitted[view, max_df] = chars
                C_fit, C_test = char_blocks[view, max_df]
                X_fit = sp.hstack([X_fit, C_fit], format="csr", dtype=np.float64)
                X_test = sp.hstack([X_test, C_test], format="csr", dtype=np.float64)
            weights = None
            if "drop_outlet_specific" in options:
                share, df = outlet_specificity(X_fit, y[fit], outlet[fit])
                kept = np.flatnonzero(~((share > options["drop_outlet_specific"]) & (df >= 10)))
                X_fit, X_test = X_fit[:, kept], X_test[:, kept]
            if options.get("outlet_weights"):
                names, sizes = np.unique(outlet[fit], return_counts=True)
                size = dict(zip(names, sizes))
                weights = np.array([len(fit) / (len(names) * size[o]) for o in outlet[fit]])
            if "topic_weight" in options:
                if topic_shares is None:
                    lda = LdaTopics(num_topics=30, passes=3, random_state=0).fit([tokens[i] for i in fit])
                    topic_shares = (lda.transform([tokens[i] for i in fit]), lda.transform([tokens[i] for i in test]))
                w = options["topic_weight"]
                X_fit = sp.hstack([X_fit, w * topic_shares[0]], format="csr")
                X_test = sp.hstack([X_test, w * topic_shares[1]], format="csr")
            if "w2v" in options:
                source = options["w2v"]
                if source not in w2v:
                    from gensim.models import Word2Vec
                    sentences = [tokens[i] for i in fit] + (saudi_tokens if source == "saudi" else [])
                    model = Word2Vec(sentences, vector_size=100, window=5, min_count=3, workers=2, epochs=5, seed=0)
                    w2v[source] = (embedded(W_fit, words.vocabulary_, model.wv),
                                   embedded(W_test, words.vocabulary_, model.wv))
                w = options["w2v_weight"]
                X_fit = sp.hstack([X_fit, w * w2v[source][0]], format="csr")
                X_test = sp.hstack([X_test, w * w2v[source][1]], format="csr")
            svm = LinearSVC(C=options.get("C", 0.2), class_weight="balanced", random_state=0)
            svm.fit(X_fit, y[fit], sample_weight=weights)
            predicted = svm.predict(X_test)
            if options.get("nb"):
                predicted = nb_svm_predict(X_fit, y[fit], X_test, C=options.get("C", 0.2))
            if "self_train" in options:
                X_saudi = sp.hstack([words.transform(saudi_tokens), fitted["written", 0.03].transform(saudi_view)],
                                    format="csr", dtype=np.float64)
                values = np.sort(svm.decision_function(X_saudi), axis=1)
                sure = np.flatnonzero(values[:, -1] - values[:, -2] >= options["self_train"])
                pseudo = svm.predict(X_saudi[sure])
                print(f"  {sure.size} Saudi articles pseudo-labelled: "
                      + ", ".join(f"{lab} {n}" for lab, n in zip(*np.unique(pseudo, return_counts=True))), flush=True)
                refit = LinearSVC(C=options.get("C", 0.2), class_weight="balanced", random_state=0)
                refit.fit(sp.vstack([X_fit, X_saudi[sure]], format="csr"), np.concatenate([y[fit], pseudo]),
                          sample_weight=np.concatenate([np.ones(len(fit)), np.full(sure.size, 0.5)]))
                predicted = refit.predict(X_test)
            if options.get("ensemble"):
                lr = LogisticRegression(C=20, class_weight="balanced", max_iter=300).fit(X_fit, y[fit])
                a, b = svm.decision_function(X_test), lr.decision_function(X_test)
                predicted = svm.classes_[np.argmax((a - a.mean()) / a.std() + (b - b.mean()) / b.std(), axis=1)]
            present = sorted(set(y[test]))
            f1 = f1_score(y[test], predicted, labels=present, average="macro")
            scores[name][held] = f1
            print(f"{held} ({len(test)}): {name}: macro-F1 {f1:.4f} ({time.perf_counter() - t:.0f} s)", flush=True)
    counts = {o: int((outlet == o).sum()) for o in outlets}
    lines = ["# Leave one outlet out (ant2 train split, BBC never used)", "",
             "Produced by `python experiments/outlets.py`; see its docstring. Macro-F1 on each held-out",
             "outlet over the labels it has (the outlet mean weighs outlets equally), then on two random",
             "10% validation splits of the same articles for comparison.", "",
             "| variant | " + " | ".join(f"{o} ({counts[o]})" for o in outlets)
             + " | **outlet mean** | random 0 | random 1 | **random mean** |",
             "|---|" + "---:|" * (len(outlets) + 4)]
    for name, row in scores.items():
        held_out = [row[o] for o in outlets]
        random = [row["random 0"], row["random 1"]]
        lines.append(f"| {name} | " + " | ".join(f"{v:.4f}" for v in held_out)
                     + f" | **{np.mean(held_out):.4f}** | {random[0]:.4f} | {random[1]:.4f} | **{np.mean(random):.4f}** |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
