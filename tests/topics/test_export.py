"""``akhbar export --gensim``: a model's topics as a gensim LdaModel + Dictionary that gensim loads,
scores (CoherenceModel) and infers with as akhbar does (made-up words: ``made_up``)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from akhbar.corpus import Document
from made_up import GROUPS, planted

K = 4


def _docs(k: int = K) -> list[Document]:
    """Planted articles: article d draws its words from vocabulary d % k; two labels."""
    return [Document(text=" ".join(words), label="a" if d % 2 else "b", id=str(d))
            for d, words in enumerate(planted(k))]


@pytest.fixture(scope="module", params=["gibbs", "variational"])
def trained(request, tmp_path_factory):
    """A model with K topics, by each sampler, saved, and its gensim export."""
    from akhbar.bundle import save
    from akhbar.topic_commands import export_gensim
    from akhbar.train import TrainConfig, train

    work = tmp_path_factory.mktemp(f"export-{request.param}")
    model = train(_docs(), TrainConfig(topics=K, topic_sampler=request.param, topic_sweeps=150, lda_no_above=0.9,
                                         seed=0))
    folder = save(model, work / "model")
    done = export_gensim(folder, work / "gensim")
    return folder, work / "gensim", done


def _loaded(out):
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    return LdaModel.load(str(out / "lda.gensim")), Dictionary.load(str(out / "dictionary.gensim"))


def test_topic_word_matrix_alpha_and_dictionary_round_trip(trained):
    import akhbar
    from gensim.matutils import dirichlet_expectation

    folder, out, done = trained
    topics = akhbar.load(folder).model.topics
    lda, dictionary = _loaded(out)
    assert lda.num_topics == K and lda.num_terms == len(topics.vocabulary_)
    np.testing.assert_allclose(lda.get_topics(), topics.topic_word_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(lda.expElogbeta, topics.exp_elog_beta_, rtol=1e-12)
    np.testing.assert_allclose(lda.alpha, topics.alpha_)
    assert [dictionary[i] for i in range(len(dictionary))] == topics.vocabulary_
    assert dictionary.token2id == {w: i for i, w in enumerate(topics.vocabulary_)}
    assert [lda.id2word[i] for i in range(len(dictionary))] == topics.vocabulary_
    # the state is the posterior both arrays came from: gensim's sync_state would not move inference
    assert np.all(lda.state.sstats >= 0)
    recomputed = np.exp(dirichlet_expectation(lda.state.get_lambda()))
    kept = topics.exp_elog_beta_ > 1e-29  # the Gibbs floor
    np.testing.assert_allclose(recomputed[kept], topics.exp_elog_beta_[kept], rtol=1e-8)
    assert {"lda.gensim", "dictionary.gensim", "export.json", "README.txt"} <= set(done["files"])


def test_gensim_inference_finds_akhbar_top_topic_for_every_planted_article(trained):
    import akhbar

    folder, out, _ = trained
    predictor = akhbar.load(folder)
    lda, dictionary = _loaded(out)
    texts = [d.text for d in _docs()]
    ours = [p.topics[0][0] for p in predictor.predict(texts, top_topics=1)]
    theirs = []
    for text in texts:
        shares = dict(lda.get_document_topics(dictionary.doc2bow(predictor.model.analyzer(text)),
                                              minimum_probability=0))
        theirs.append(max(shares, key=shares.get))
    # akhbar puts the articles of one planted vocabulary in one topic, not all in the same one
    # (gensim's variational fit may merge two vocabularies: tests/topics/test_gibbs.py checks
    # that Gibbs sampling finds all K) ...
    assert all(len(set(ours[g::K])) == 1 for g in range(K)) and len(set(ours)) > 1
    # ... and gensim, reading the export, puts every article in the same topic as akhbar
    assert theirs == ours
    assert lda[dictionary.doc2bow(predictor.model.analyzer(texts[0]))]  # model[bow] reads it too


def test_gensim_coherence_model_scores_the_export(trained):
    import akhbar
    from gensim.models import CoherenceModel

    folder, out, _ = trained
    predictor = akhbar.load(folder)
    topics = predictor.model.topics
    lda, dictionary = _loaded(out)
    texts = [predictor.model.analyzer(d.text) for d in _docs()]
    umass = CoherenceModel(model=lda, texts=texts, dictionary=dictionary, coherence="u_mass", topn=10)
    assert np.isfinite(umass.get_coherence())
    npmi = CoherenceModel(model=lda, texts=texts, dictionary=dictionary, coherence="c_npmi", topn=10, processes=1)
    # gensim scores akhbar's topics: its top words, read through the dictionary, are akhbar's
    words = [[dictionary[i] for i in ids] for ids in npmi.topics]
    assert words == [[w for w, _ in row] for row in topics.top_words(10)]
    # a topic whose top words are one planted vocabulary (they occur together) scores above
    # NPMI 0 and above any topic mixing vocabularies (which never share an article)
    group = {w: g for g, vocabulary in enumerate(GROUPS) for w in vocabulary}
    scores = npmi.get_coherence_per_topic()
    pure = [s for s, top in zip(scores, words) if len({group[w] for w in top}) == 1]
    mixed = [s for s, top in zip(scores, words) if len({group[w] for w in top}) > 1]
    assert pure and min(pure) > max(mixed + [0.0])


def test_export_json_and_readme_say_what_the_files_are(trained):
    import akhbar

    folder, out, _ = trained
    topics = akhbar.load(folder).model.topics
    info = json.loads((out / "export.json").read_text(encoding="utf-8"))
    assert info["num_topics"] == K and info["vocabulary_size"] == len(topics.vocabulary_)
    assert topics.display_ is not None and info["display"] == topics.display_
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "LdaModel.load" in readme and "Dictionary.load" in readme and "doc2bow" in readme


def test_to_gensim_in_memory_and_features_never_import_topics():
    code = ("import sys\n"
            "from akhbar.estimators import LdaTopics\n"
            "sys.path.insert(0, 'tests/topics')\n"
            "from made_up import GROUPS, planted\n"
            "lda = LdaTopics(num_topics=3, passes=2, no_below=1, no_above=1.0).fit(planted(3, n_docs=60))\n"
            "model, dictionary = lda.to_gensim()\n"
            "assert model.num_topics == 3 and len(dictionary) == len(lda.vocabulary_)\n"
            "assert not [m for m in sys.modules if m.startswith('akhbar.topics')], 'features imported topics'\n")
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("sampler", ["variational", "gibbs"])
def test_guided_topics_keep_their_seed_prior_as_eta(sampler):
    from akhbar.estimators import LdaTopics

    seeds = [GROUPS[0][:3], GROUPS[2][:3]]
    lda = LdaTopics(num_topics=3, passes=3, sweeps=50, sampler=sampler, no_below=1, no_above=1.0,
                    seed_words=seeds).fit(planted(3, n_docs=90))
    model, dictionary = lda.to_gensim()
    column = {w: i for i, w in enumerate(lda.vocabulary_)}
    assert model.eta.shape == lda.topic_word_.shape and np.all(model.state.sstats >= 0)
    seed, other = column[seeds[1][0]], column[GROUPS[1][0]]
    assert model.eta[1, seed] > model.eta[1, other] and model.eta[0, seed] < model.eta[0, other]
    if sampler == "variational":  # gensim fitted under this very prior; lambda never falls below it
        np.testing.assert_array_equal(model.eta, lda.prior())
    np.testing.assert_allclose(model.get_topics(), lda.topic_word_, rtol=1e-9, atol=1e-12)


@pytest.fixture(scope="module")
def no_topics(tmp_path_factory):
    from akhbar.bundle import save
    from akhbar.train import TrainConfig, train

    return save(train(_docs(), TrainConfig(topics=0, seed=0)), tmp_path_factory.mktemp("m0") / "model")


def test_a_model_without_topics_is_refused_by_name(no_topics, tmp_path):
    from akhbar.topic_commands import export_gensim
    from akhbar.topics.export import ExportError

    with pytest.raises(ExportError, match="no topic model"):
        export_gensim(no_topics, tmp_path / "out")
    assert not (tmp_path / "out" / "lda.gensim").exists()


def test_cli_export_writes_the_files_and_refuses_with_exit_2(trained, no_topics, tmp_path, capsys):
    from akhbar.cli import main

    folder, _, _ = trained
    assert main(["export", "--model", str(folder), "--gensim", str(tmp_path / "g")]) == 0
    captured = capsys.readouterr()
    done = json.loads(captured.out)
    assert done["lda"] == str(tmp_path / "g" / "lda.gensim") and str(tmp_path / "g") in captured.err
    lda, dictionary = _loaded(tmp_path / "g")
    assert lda.num_topics == K and len(dictionary) == done["vocabulary"]
    assert main(["export", "--model", str(no_topics), "--gensim", str(tmp_path / "h")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("akhbar: error:") and "no topic model" in err and "\n" not in err
    with pytest.raises(SystemExit) as exc:  # --gensim is required
        main(["export", "--model", str(folder)])
    assert exc.value.code == 2
