"""The CLI through ``main([...])``: every command, its outputs and its one-line errors."""

from __future__ import annotations

import json
import shutil

import pytest

from akhbar.cli import main
from conftest import SEEDS


@pytest.fixture(scope="module")
def cli_model(tmp_path_factory):
    work = tmp_path_factory.mktemp("cli")
    out = work / "models" / "m"
    code = main(["train", "--corpus", str(SEEDS), "--out", str(out), "--topics", "5", "--quiet",
                 "--topics-dir", str(work / "topics")])
    assert code == 0
    return out


def test_train_writes_model_and_topic_report(cli_model, capsys):
    assert (cli_model / "manifest.json").exists()
    topics_dir = cli_model.parent.parent / "topics"
    assert "| 0 |" in (topics_dir / "m.md").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in (topics_dir / "m.html").read_text(encoding="utf-8")
    topics = json.loads((topics_dir / "m.json").read_text(encoding="utf-8"))
    assert topics["num_topics"] == 5 and all(len(t["words"]) == 15 for t in topics["topics"])
    assert all(isinstance(t["label"], str) and t["label"] for t in topics["topics"])
    assert -1 <= topics["coherence"] <= 1 and 0 < topics["diversity"] <= 1
    assert abs(sum(t["share"] for t in topics["topics"]) - 1) < 1e-3


def test_report_command_with_and_without_corpus(cli_model, tmp_path, capsys):
    assert main(["report", "--model", str(cli_model), "--out", str(tmp_path / "r1"), "--quiet"]) == 0
    first = json.loads((tmp_path / "r1" / "topics.json").read_text(encoding="utf-8"))
    assert first["corpus"]["source"] == "training" and first["corpus"]["documents"] == 213
    # a corpus without labels or dates: categories are predicted labels, the timeline is empty
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in [
        "فاز الفريق في الدوري بعد مباراة قوية وسجل اللاعب هدفين", "ارتفعت أسعار النفط في الأسواق العالمية",
        "hello world only latin text here"]) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["report", "--model", str(cli_model), "--corpus", str(corpus), "--out", str(tmp_path / "r2"),
                 "--quiet"]) == 0
    err = capsys.readouterr().err
    second = json.loads((tmp_path / "r2" / "topics.json").read_text(encoding="utf-8"))
    assert second["corpus"]["source"] == "corpus" and second["corpus"]["documents"] == 2
    assert "no article has a readable date" in err and "categories are the labels the model predicts" in err
    assert set(second["categories"]) <= {"culture", "economy", "internationalNews", "middleEast", "sport", "technology"}
    assert (tmp_path / "r2" / "report.html").exists() and (tmp_path / "r2" / "topics.md").exists()


def test_report_of_a_model_without_topics_is_still_written(tmp_path, capsys):
    out = tmp_path / "m0"
    assert main(["train", "--corpus", str(SEEDS), "--out", str(out), "--topics", "0", "--quiet",
                 "--topics-dir", str(tmp_path / "t")]) == 0
    capsys.readouterr()
    assert main(["report", "--model", str(out), "--out", str(tmp_path / "r"), "--quiet"]) == 0
    assert "no topic model" in capsys.readouterr().err
    assert json.loads((tmp_path / "r" / "topics.json").read_text(encoding="utf-8"))["topics"] == []
    assert "no topic model" in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")


def test_topic_names_file_renames_and_bad_ones_are_named(cli_model, tmp_path, capsys):
    names = tmp_path / "names.txt"
    names.write_text("# my names\n0 رياضة\n", encoding="utf-8")
    assert main(["topics", "--model", str(cli_model), "--names", str(names), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["topics"][0]["label"] == "رياضة"
    assert main(["predict", "--model", str(cli_model), "--topic-names", str(names), "--top-topics", "5",
                 "فاز الفريق في المباراة"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert len(row["topic_labels"]) == 5 and "رياضة" in row["topic_labels"]
    names.write_text("7 غير موجود\n", encoding="utf-8")
    assert main(["topics", "--model", str(cli_model), "--names", str(names)]) == 1
    assert "names.txt:1" in capsys.readouterr().err


def test_predict_texts_one_json_line_each(cli_model, capsys):
    texts = ["سجل المنتخب هدفين في المباراة النهائية للبطولة وتوج باللقب",
             "ارتفعت أسعار النفط وتراجعت البورصة مع صعود الدولار"]
    assert main(["predict", "--model", str(cli_model), *texts]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    rows = [json.loads(line) for line in lines]
    assert [r["label"] for r in rows] == ["sport", "economy"]
    assert all(set(r) >= {"label", "probabilities", "topics"} for r in rows)


def test_predict_input_keeps_ids_and_order_and_writes_output_atomically(cli_model, tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    docs = [{"id": f"a{i}", "title": "عنوان الخبر", "text": t} for i, t in enumerate([
        "فاز الفريق في الدوري بعد مباراة قوية", "", "أعلنت الشركة عن هاتف ذكي جديد بمعالج سريع"])]
    src.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["predict", "--model", str(cli_model), "--input", str(src), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a0", "a2"]  # the empty one and the broken line are reported
    err = capsys.readouterr().err
    assert "in.jsonl:2" in err and "in.jsonl:4" in err and "skipped 2" in err
    assert not list(tmp_path.glob(".out.jsonl.partial-*"))


def test_predict_input_text_file_and_folder(cli_model, tmp_path, capsys):
    (tmp_path / "one.txt").write_text("ارتفعت أسعار الذهب في الأسواق العالمية", encoding="utf-8")
    assert main(["predict", "--model", str(cli_model), "--input", str(tmp_path / "one.txt")]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["id"] == "one" and row["label"] in {"economy", "internationalNews", "middleEast", "technology", "culture", "sport"}


def test_evaluate_reports_metrics(cli_model, tmp_path, capsys):
    out = tmp_path / "metrics.json"
    assert main(["evaluate", "--model", str(cli_model), "--corpus", str(SEEDS / "sport.jsonl"),
                 "--output", str(out)]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics == json.loads(out.read_text(encoding="utf-8"))
    assert set(metrics) >= {"accuracy", "macro_f1", "per_label", "confusion"}
    assert metrics["per_label"]["sport"]["support"] == metrics["documents"]


def test_topics_command(cli_model, capsys):
    assert main(["topics", "--model", str(cli_model), "--words", "4"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 6 and all(line.split()[0] == str(i) for i, line in enumerate(lines[:5]))
    assert lines[5].startswith("coherence (NPMI, top 10)")
    assert main(["topics", "--model", str(cli_model), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["topics"]) == 5


@pytest.mark.parametrize("argv, message", [
    (["predict", "--model", "/nonexistent/model", "نص"], "model folder not found"),
    (["evaluate", "--model", "MODEL", "--corpus", "/nonexistent.jsonl"], "corpus not found"),
    (["train", "--corpus", "/nonexistent", "--out", "OUT"], "corpus not found"),
])
def test_errors_are_one_line_with_exit_1(cli_model, tmp_path, capsys, argv, message):
    argv = [a.replace("MODEL", str(cli_model)).replace("OUT", str(tmp_path / "o")) for a in argv]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("akhbar: error:") and message in err and "\n" not in err


def test_foreign_folder_is_refused(tmp_path, capsys):
    (tmp_path / "x.txt").write_text("hello")
    assert main(["topics", "--model", str(tmp_path)]) == 1
    assert "not an akhbar model folder" in capsys.readouterr().err


def test_train_on_one_label_fails_cleanly(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    shutil.copy(SEEDS / "sport.jsonl", corpus)
    assert main(["train", "--corpus", str(corpus), "--out", str(tmp_path / "m"), "--quiet"]) == 1
    assert "at least two labels" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["predict"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "train" in capsys.readouterr().out


def test_plain_functions_behind_the_commands(cli_model, tmp_path):
    """The commands are plain functions; the CLI only parses. Call them directly."""
    from akhbar.cli import CorpusOptions, evaluate_command, predict_command, topics_command
    from akhbar.corpus import Fields

    src = tmp_path / "c.csv"
    src.write_text("body,category\n\"فاز المنتخب في المباراة\",sport\n\"ارتفعت أسعار النفط\",economy\n",
                   encoding="utf-8")
    options = CorpusOptions(format="csv", fields=Fields(text="body", label="category", title=None))
    metrics = evaluate_command(cli_model, src, options=options)
    assert metrics["documents"] == 2 and metrics["errors"] == 0
    out = tmp_path / "p.jsonl"
    assert predict_command(cli_model, input_path=src, output=out, options=options) == 2
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    only_sport = CorpusOptions(format="csv", fields=options.fields, where=("category=sport",))
    assert predict_command(cli_model, input_path=src, output=out, options=only_sport) == 1
    assert len(topics_command(cli_model, 3)["topics"]) == 5


def test_predict_jobs_gives_the_same_lines_in_the_same_order(cli_model, tmp_path):
    import random

    rng = random.Random(0)
    seeds = [json.loads(line) for f in sorted(SEEDS.glob("*.jsonl")) for line in f.read_text(encoding="utf-8").splitlines()]
    rows = [dict(rng.choice(seeds), id=str(i)) for i in range(1300)]  # three batches of 512
    rows[700]["text"] = ""  # a bad record in the middle
    src = tmp_path / "many.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["predict", "--model", str(cli_model), "--input", str(src), "--output", str(one)]) == 0
    assert main(["predict", "--model", str(cli_model), "--input", str(src), "--output", str(two), "--jobs", "2"]) == 0
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
    assert len(one.read_text(encoding="utf-8").splitlines()) == 1299


def test_train_config_file_and_its_errors(tmp_path, capsys):
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"char_ngrams": None, "C": 0.5, "topics": 0}), encoding="utf-8")
    out = tmp_path / "m"
    assert main(["train", "--quiet", "--config", str(config), "--out", str(out),
                 "--topics-dir", str(tmp_path / "t")]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["char_ngrams"] is None and manifest["config"]["C"] == 0.5
    assert not any(name.startswith("chars.") for name in manifest["files"])
    capsys.readouterr()
    config.write_text(json.dumps({"no_such_option": 1}), encoding="utf-8")
    assert main(["train", "--quiet", "--config", str(config), "--out", str(out)]) == 1
    assert "unknown training option(s): no_such_option" in capsys.readouterr().err
    config.write_text("[1, 2]", encoding="utf-8")
    assert main(["train", "--quiet", "--config", str(config), "--out", str(out)]) == 1
    assert "JSON object" in capsys.readouterr().err
