"""Synthetic payloads for the report tests.

The Arabic words below are written for these tests (no corpus text), and a
few hostile strings are planted on purpose to prove escaping."""

import math

WORDS = ("مباراة فريق هدف الدوري لاعب مدرب حكومة وزير برلمان انتخابات اقتصاد سوق "
         "أسعار نفط بنك شركة مدرسة جامعة طلاب صحة مستشفى طبيب فيلم مهرجان فنان مطر "
         "طقس زراعة ماء سيارة طريق قطار مدينة قرية بحر شاطئ سياحة فندق كتاب معرض "
         "شعر رواية مسرح موسيقى أغنية علم بحث فضاء تقنية هاتف").split()
LABELS = ("كرة القدم · الدوري", "السياسة · البرلمان", "الاقتصاد · النفط", "التعليم · الجامعة",
          "الصحة · المستشفى", "السينما · المهرجان", "الطقس · المطر", "النقل · القطار",
          "السياحة · الفنادق", "الثقافة · الكتاب")
SCRIPT_TITLE = "<script>alert(1)</script>"
SCRIPT_WORD = "</script><script>alert(2)</script>"
RARE_WORD = "نادرة"          # tops topic 0 at λ=0 only
COMMON_WORD = "شائعة"        # tops topic 0 at λ=1 only


def _topic(i, n_topics, categories, periods, n_articles):
    words = [WORDS[(i * 3 + j) % len(WORDS)] for j in range(40)]
    weights = [0.09 * math.exp(-0.18 * j) for j in range(40)]
    p_corpus = [0.004 + 0.002 * ((i + j) % 5) for j in range(40)]
    if i == 0:   # common word: high p(w|t) but also high p(w); rare: low p, huge lift
        words = [COMMON_WORD, SCRIPT_WORD] + words[:30] + [RARE_WORD]
        weights = [0.2, 0.05] + weights[:30] + [0.006]
        p_corpus = [0.2, 0.01] + p_corpus[:30] + [0.00001]
    cats = {c: w / sum(range(1, len(categories) + 1)) for c, w in
            zip(categories, [((i + k) % len(categories)) + 1 for k in range(len(categories))])}
    return {
        "id": i, "label": LABELS[i % len(LABELS)] + ("" if i < len(LABELS) else f" {i}"),
        "name": "sport-seed" if i == 0 else None,
        "seed": {"words": ["مباراة", "فريق", "هدف", "ملعب"], "found": 3} if i == 0 else None,
        "words": [[w, round(x, 5)] for w, x in zip(words, weights)][:15],
        "relevance": {"words": words, "p_topic": weights, "p_corpus": p_corpus},
        "coherence": round(0.05 + 0.01 * (i % 7), 3) if i != 2 else None,
        "share": round((n_topics - i) / (n_topics * (n_topics + 1) / 2), 4),
        "categories": cats,
        "timeline": {p: 0.01 + 0.03 * abs(math.sin(i + k / 3)) for k, p in enumerate(periods)},
        "articles": [{"title": SCRIPT_TITLE if (i, a) == (0, 0) else
                      f"{words[a % 10]} و{words[(a + 3) % 10]} في خبر رقم {a + 1}",
                      "id": f"doc-{i}-{a}", "weight": round(0.95 - 0.04 * a, 3)}
                     for a in range(n_articles)],
    }


def make_payload(n_topics=6, n_articles=4, n_periods=8, n_categories=4, choose_k=True):
    categories = ["sport", "politics", "اقتصاد", "culture & arts", "health", "local"][:n_categories]
    periods = [f"{2018 + m // 12}-{m % 12 + 1:02d}" for m in range(n_periods)]
    topics = [_topic(i, n_topics, categories, periods, n_articles) for i in range(n_topics)]
    return {
        "model": "ant2", "created": "2026-12-04T12:00:00+00:00",
        "corpus": {"source": "training", "path": "data/train.jsonl", "documents": 12345},
        "coherence": 0.081, "diversity": 0.87,
        "categories": categories, "periods": periods, "period_unit": "month",
        "topics": topics,
        "map": [[math.cos(i * 2.4) * (1 + i / 5), math.sin(i * 2.4) * (1 + i / 5)]
                for i in range(n_topics)],
        "choose_k": {"k": [10, 20, 30, 40, 50], "coherence": [0.05, 0.07, 0.09, 0.08, 0.06],
                     "diversity": [0.95, 0.9, 0.86, 0.78, 0.7], "chosen": 30,
                     "why": "أعلى ترابط مع تنوع مقبول / best coherence with diversity > 0.8"}
        if choose_k else None,
        "warnings": ["20 مقالة بلا تاريخ / 20 articles have no date", "A & B <i>x</i>"],
    }
