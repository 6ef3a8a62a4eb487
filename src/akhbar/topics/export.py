"""A trained model's topics as a gensim ``LdaModel`` + ``Dictionary`` (``akhbar export --gensim``),
for gensim's ``CoherenceModel``, pyLDAvis and one's own gensim code.

:meth:`FittedLdaTopics.to_gensim` builds the pair in memory (the work is
:func:`akhbar.features.lda.gensim_model`); :func:`write_gensim` writes it to a folder
(``akhbar export``: :func:`akhbar.topic_commands.export_gensim`).

What matches akhbar:

- ``get_topics()`` is akhbar's ``topic_word_`` and ``expElogbeta`` is its ``exp_elog_beta_``, the
  array akhbar's own inference reads; ``alpha`` is ``alpha_``; the state (``eta + sstats``) is the
  posterior the two came from, so ``sync_state()`` or further training start where akhbar ended.
- The ``Dictionary`` maps id ``i`` to akhbar's vocabulary entry ``i``: analysed stems. Bags of words
  are made from akhbar's analyser, ``dictionary.doc2bow(predictor.model.analyzer(text))``; words
  outside the vocabulary (topic filler among them) are dropped as akhbar drops them.
- ``model[bow]`` / ``get_document_topics`` run the same variational update with the same stopping
  rule (``iterations``, ``gamma_threshold`` = akhbar's ``infer_iterations``, ``infer_tol``) to the
  same fixed point, so the top topic agrees and the proportions agree to about that tolerance.

What differs:

- gensim starts each document from a random gamma (drawn from the model's ``random_state``, so
  asking twice can differ in the last digits); akhbar from one deterministic step, accelerated
  (SQUAREM), in float32 for beta. Both stop within ``gamma_threshold``, not at the same point.
- ``get_document_topics`` drops topics under ``minimum_probability`` (gensim's 0.01; pass
  ``minimum_probability=0`` for all, floored by gensim at 1e-8); akhbar returns every topic.
- The dictionary has no document frequencies (an akhbar model does not keep them): ``dfs``/``cfs``
  are empty, so do not ``filter_extremes`` it.
- The words a reader sees are ``display_``, one readable written form per stem; gensim shows the
  stems. The export saves the readable forms (``export.json``: ``display``) to show instead.
"""

from __future__ import annotations

import json
from pathlib import Path

LDA_FILE = "lda.gensim"
DICTIONARY_FILE = "dictionary.gensim"
JSON_FILE = "export.json"
README_FILE = "README.txt"


class ExportError(ValueError):
    """A model that cannot be exported (no topic model): one-line message."""


_README = """\
gensim export of the akhbar model {model}: {k} topics over {v} words ({sampler} sampler).

  {lda:<18} gensim LdaModel (with its {lda}.* companion files: keep them together)
  {dictionary:<18} gensim Dictionary: id i is akhbar's vocabulary entry i (an analysed stem)
  {json:<18} what this is; "display" holds a readable form of each stem, by id

Load them from this folder (gensim {gensim} wrote them):

  from gensim.models import LdaModel
  from gensim.corpora import Dictionary
  lda = LdaModel.load("{lda}")
  dictionary = Dictionary.load("{dictionary}")
  lda.get_topics()                     # akhbar's topic-word matrix, rows sum to one

Bags of words must be made of akhbar's stems, from the model's own analyser:

  import akhbar
  tokens = akhbar.load("{model}").model.analyzer(text)
  lda.get_document_topics(dictionary.doc2bow(tokens))

get_document_topics runs gensim's inference from a random start: the same update and stopping rule
as akhbar's, so the top topic agrees with akhbar's predict() and the shares agree to about 1e-3;
it drops topics under 0.01 (minimum_probability). The dictionary has no document frequencies.
"""


def write_gensim(predictor, model_dir, out_dir) -> dict:
    """Write the topics of *predictor* (``akhbar.load(model_dir)``; loading is the caller's, as
    this layer sits below the predictor: :func:`akhbar.topic_commands.export_gensim`) into
    *out_dir* as gensim files; return where.

    ``lda.gensim`` (``LdaModel.save``, with its ``lda.gensim.*`` companions), ``dictionary.gensim``
    (``Dictionary.save``), ``export.json`` (what they are, the readable form of each stem, the
    topic labels) and ``README.txt`` (how to load them). A model without topics is refused
    (:class:`ExportError`); a missing or foreign folder is the loader's ``ModelError``.
    """
    import gensim

    from akhbar import __version__

    topics = predictor.model.topics
    if topics is None:
        raise ExportError(f"the model {model_dir} has no topic model (trained with --topics 0): "
                          "nothing to export to gensim")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(LDA_FILE + ".*"):  # a previous export's companion files
        old.unlink()
    num_docs = int(predictor.manifest.get("training", {}).get("documents") or 0)
    lda, dictionary = topics.to_gensim(num_docs)
    lda.save(str(out / LDA_FILE))
    dictionary.save(str(out / DICTIONARY_FILE))
    k, v = topics.topic_word_.shape
    info = {
        "what": "an akhbar topic model as a gensim LdaModel and Dictionary",
        "akhbar": __version__, "gensim": gensim.__version__, "model": str(model_dir),
        "num_topics": int(k), "vocabulary_size": int(v), "sampler": topics.sampler,
        "training_documents": num_docs,
        "files": {"lda": LDA_FILE, "dictionary": DICTIONARY_FILE},
        "load": [f'lda = gensim.models.LdaModel.load("{LDA_FILE}")',
                 f'dictionary = gensim.corpora.Dictionary.load("{DICTIONARY_FILE}")'],
        "tokens": "dictionary ids are akhbar's vocabulary entries (analysed stems) in column order; "
                  "make bags of words with dictionary.doc2bow(akhbar.load(MODEL).model.analyzer(text))",
        "display": list(topics.display_) if topics.display_ is not None else None,
        "topic_labels": predictor.topic_labels,
    }
    (out / JSON_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / README_FILE).write_text(_README.format(
        model=model_dir, k=k, v=v, sampler=topics.sampler, lda=LDA_FILE, dictionary=DICTIONARY_FILE,
        json=JSON_FILE, gensim=gensim.__version__), encoding="utf-8")
    return {"out": str(out), "lda": str(out / LDA_FILE), "dictionary": str(out / DICTIONARY_FILE),
            "json": str(out / JSON_FILE), "readme": str(out / README_FILE), "topics": int(k),
            "vocabulary": int(v), "files": sorted(p.name for p in out.iterdir())}
