"""Tests for akhbar.corpus: every reader on good input, and malformed records that must be skipped
(and reported with file and line) without taking their neighbours with them.

All corpora are written by the tests into ``tmp_path``; every Arabic string was written for them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from akhbar.corpus import (
    CorpusError,
    Document,
    Fields,
    ReadReport,
    detect_format,
    read_corpus,
)

BAD_BYTES = b"\xff\xfe\xfa" * 50

GOOD = [
    {"id": 1, "title": "ارتفاع أسعار النفط", "text": "ارتفعت أسعار النفط اليوم في الأسواق العالمية.",
     "label": "اقتصاد", "date": "2024-03-01"},
    {"id": 2, "title": "فوز الفريق", "text": "فاز الفريق الوطني في المباراة النهائية.",
     "label": "رياضة", "date": "2024-03-02"},
    {"id": 3, "title": "مهرجان الشعر", "text": "افتتح مهرجان الشعر العربي دورته الجديدة.",
     "label": "ثقافة", "date": "2024-03-03"},
]


def read_all(path, **kwargs):
    report = ReadReport()
    docs = list(read_corpus(path, report=report, **kwargs))
    return docs, report


def write_lines(path: Path, lines, gz: bool = False) -> Path:
    """Write *lines* (str or raw bytes) one per line, as UTF-8."""
    data = b"".join((line if isinstance(line, bytes) else line.encode("utf-8")) + b"\n"
                    for line in lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        with gzip.open(path, "wb") as handle:
            handle.write(data)
    else:
        path.write_bytes(data)
    return path


def jline(record) -> str:
    return json.dumps(record, ensure_ascii=False)


# --- Document -------------------------------------------------------------------------------------


def test_full_text_joins_title_and_text():
    doc = Document(text="نص الخبر", title="العنوان")
    assert doc.full_text == "العنوان\nنص الخبر"


@pytest.mark.parametrize("title", [None, ""])
def test_full_text_without_title_is_the_text(title):
    assert Document(text="نص الخبر", title=title).full_text == "نص الخبر"


# --- JSONL ----------------------------------------------------------------------------------------


def assert_good_docs(docs, records=GOOD):
    assert [d.text for d in docs] == [r["text"] for r in records]
    assert [d.title for d in docs] == [r.get("title") for r in records]
    assert [d.label for d in docs] == [r.get("label") for r in records]
    assert [d.id for d in docs] == [str(r["id"]) for r in records]


def test_jsonl_reads_records_in_order(tmp_path):
    path = write_lines(tmp_path / "news.jsonl", [jline(r) for r in GOOD])
    docs, report = read_all(path)
    assert_good_docs(docs)
    assert [d.date for d in docs] == ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert docs[0].id == "1"  # numbers become strings
    assert [d.source for d in docs] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert (report.read, report.skipped, report.problems) == (3, 0, [])


def test_jsonl_gz(tmp_path):
    path = write_lines(tmp_path / "news.jsonl.gz", [jline(r) for r in GOOD], gz=True)
    docs, report = read_all(path)
    assert_good_docs(docs)
    assert report.read == 3 and report.skipped == 0


def test_jsonl_explicit_format_and_json_suffix(tmp_path):
    path = write_lines(tmp_path / "news.json", [jline(r) for r in GOOD])
    assert_good_docs(read_all(path)[0])
    assert_good_docs(read_all(path, format="jsonl")[0])


def test_jsonl_folder_of_files_in_name_order(tmp_path):
    write_lines(tmp_path / "b.jsonl", [jline(GOOD[2])])
    write_lines(tmp_path / "a.jsonl", [jline(r) for r in GOOD[:2]])
    docs, _ = read_all(tmp_path)
    assert_good_docs(docs)


def test_jsonl_blank_lines_bom_and_crlf(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + (jline(GOOD[0]) + "\r\n\r\n   \r\n" + jline(GOOD[1]) + "\r\n")
                     .encode("utf-8"))
    docs, report = read_all(path)
    assert_good_docs(docs, GOOD[:2])
    assert docs[1].source == f"{path}:4"  # line numbers count the blank lines
    assert report.skipped == 0  # blank lines are not problems


def test_jsonl_custom_field_names(tmp_path):
    records = [
        {"body": "أعلنت الوزارة خطة جديدة.", "category": "سياسة", "title": "يُتجاهل", "id": "x1"},
        {"body": "سجل اللاعب هدفين.", "category": "رياضة", "id": "x2"},
    ]
    path = write_lines(tmp_path / "news.jsonl", [jline(r) for r in records])
    docs, report = read_all(path, fields=Fields(text="body", label="category", title=None))
    assert [d.text for d in docs] == ["أعلنت الوزارة خطة جديدة.", "سجل اللاعب هدفين."]
    assert [d.label for d in docs] == ["سياسة", "رياضة"]
    assert [d.title for d in docs] == [None, None]
    assert [d.id for d in docs] == ["x1", "x2"]
    assert report.skipped == 0


def test_jsonl_custom_text_field_missing_is_skipped(tmp_path):
    path = write_lines(tmp_path / "news.jsonl", [jline(r) for r in GOOD])
    docs, report = read_all(path, fields=Fields(text="body"))
    assert docs == []
    assert report.skipped == 3
    assert all("'body'" in p.message for p in report.problems)


BAD_JSONL_LINES = {
    "bad json": ('{"text": "خبر ناقص", "label": ', "not valid JSON"),
    "json array": ('["نص الخبر", "اقتصاد"]', "list"),
    "json string": ('"نص الخبر"', "str"),
    "missing text": ('{"title": "عنوان بلا نص", "label": "اقتصاد"}', "missing"),
    "null text": ('{"text": null, "label": "اقتصاد"}', "missing"),
    "empty text": ('{"text": "", "label": "اقتصاد"}', "empty"),
    "blank text": ('{"text": " \\n\\t ", "label": "اقتصاد"}', "empty"),
    "number text": ('{"text": 42, "label": "اقتصاد"}', "int"),
    "list text": ('{"text": ["نص"], "label": "اقتصاد"}', "list"),
    "undecodable text": (b'{"text": "' + BAD_BYTES + b'", "label": "\xd8\xa7"}', "UTF-8"),
    "undecodable line": (BAD_BYTES, "not valid JSON"),
}


@pytest.mark.parametrize("bad, message", BAD_JSONL_LINES.values(), ids=BAD_JSONL_LINES.keys())
@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
def test_jsonl_bad_line_is_skipped_and_neighbours_read(tmp_path, bad, message, gz):
    name = "news.jsonl.gz" if gz else "news.jsonl"
    path = write_lines(tmp_path / name, [jline(GOOD[0]), jline(GOOD[1]), bad, jline(GOOD[2])], gz=gz)
    docs, report = read_all(path)
    assert_good_docs(docs)
    assert docs[2].source == f"{path}:4"
    assert report.read == 3
    assert report.skipped == 1
    [problem] = report.problems
    assert problem.place == f"{path}:3"
    assert problem.place.endswith(":3")
    assert message in problem.message
    assert str(problem).startswith(f"{path}:3: ")


def test_jsonl_many_bad_lines_all_counted(tmp_path):
    lines = [jline(GOOD[0]), "{", "[]", '{"text": 1}', jline(GOOD[1]), '{"x": 1}', jline(GOOD[2])]
    path = write_lines(tmp_path / "news.jsonl", lines)
    docs, report = read_all(path)
    assert_good_docs(docs)
    assert report.skipped == 4
    assert [p.place for p in report.problems] == [f"{path}:{n}" for n in (2, 3, 4, 6)]


def test_jsonl_a_few_bad_bytes_do_not_lose_the_record(tmp_path):
    text = "ارتفعت أسعار النفط اليوم في الأسواق العالمية بعد قرار خفض الإنتاج"
    raw = b'{"text": "' + text.encode("utf-8") + b"\xff" + b'"}'
    path = write_lines(tmp_path / "news.jsonl", [raw])
    docs, report = read_all(path)
    assert [d.text for d in docs] == [text + "\ufffd"]
    assert report.skipped == 0


# --- CSV / TSV ------------------------------------------------------------------------------------


def csv_text(rows, delimiter=",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


HEADER = ["id", "title", "text", "label"]
GOOD_ROWS = [[str(r["id"]), r["title"], r["text"], r["label"]] for r in GOOD]


@pytest.mark.parametrize("suffix, delimiter", [(".csv", ","), (".tsv", "\t")])
def test_csv_and_tsv_read_rows_in_order(tmp_path, suffix, delimiter):
    path = tmp_path / f"news{suffix}"
    path.write_text(csv_text([HEADER] + GOOD_ROWS, delimiter), encoding="utf-8")
    docs, report = read_all(path)
    assert_good_docs(docs)
    assert [d.source for d in docs] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert report.read == 3 and report.skipped == 0


def test_csv_explicit_format_and_gz(tmp_path):
    path = tmp_path / "news.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(csv_text([HEADER] + GOOD_ROWS))
    assert_good_docs(read_all(path)[0])
    assert_good_docs(read_all(path, format="csv")[0])


def test_tsv_explicit_format_on_other_suffix(tmp_path):
    path = tmp_path / "news.tsv"
    path.write_text(csv_text([HEADER] + GOOD_ROWS, "\t"), encoding="utf-8")
    assert_good_docs(read_all(path, format="tsv")[0])


def test_csv_quoted_commas_and_newlines(tmp_path):
    rows = [HEADER,
            ["1", "عنوان، بفاصلة", "سطر أول\nسطر ثان، مع فاصلة", "اقتصاد"],
            ["2", "بلا", "نص \"مقتبس\" هنا", "رياضة"]]
    path = tmp_path / "news.csv"
    path.write_text(csv_text(rows), encoding="utf-8-sig")  # with a BOM before the header
    docs, report = read_all(path)
    assert [d.text for d in docs] == ["سطر أول\nسطر ثان، مع فاصلة", "نص \"مقتبس\" هنا"]
    assert docs[0].title == "عنوان، بفاصلة"
    assert docs[0].id == "1"  # the BOM did not end up in the first column name
    assert docs[1].source == f"{path}:4"  # the quoted newline counts as a line
    assert report.skipped == 0


def test_csv_custom_field_names(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text(csv_text([["category", "body", "title"],
                              ["سياسة", "أعلنت الوزارة خطة جديدة.", "يُتجاهل"],
                              ["رياضة", "سجل اللاعب هدفين.", "يُتجاهل"]]), encoding="utf-8")
    docs, report = read_all(path, fields=Fields(text="body", label="category", title=None))
    assert [d.text for d in docs] == ["أعلنت الوزارة خطة جديدة.", "سجل اللاعب هدفين."]
    assert [d.label for d in docs] == ["سياسة", "رياضة"]
    assert [d.title for d in docs] == [None, None]
    assert [d.id for d in docs] == [None, None]  # no id column
    assert report.skipped == 0


def _row(cells, delimiter=","):
    return csv_text([cells], delimiter).rstrip("\n").encode("utf-8")


BAD_CSV_ROWS = {
    "too few columns": (lambda d: _row(["9", "عنوان", "نص بلا تصنيف"], d), "3 columns"),
    "too many columns": (lambda d: _row(["9", "عنوان", "نص", "اقتصاد", "زائد"], d), "5 columns"),
    "empty text": (lambda d: _row(["9", "عنوان", "", "اقتصاد"], d), "empty"),
    "undecodable text": (lambda d: d.encode().join([b"9", b"t", BAD_BYTES, b"x"]), "UTF-8"),
}


@pytest.mark.parametrize("make_bad, message", BAD_CSV_ROWS.values(), ids=BAD_CSV_ROWS.keys())
@pytest.mark.parametrize("suffix, delimiter", [(".csv", ","), (".tsv", "\t")])
def test_csv_bad_row_is_skipped_and_neighbours_read(tmp_path, make_bad, message, suffix, delimiter):
    lines = [_row(HEADER, delimiter), _row(GOOD_ROWS[0], delimiter), make_bad(delimiter),
             _row(GOOD_ROWS[1], delimiter), _row(GOOD_ROWS[2], delimiter)]
    path = write_lines(tmp_path / f"news{suffix}", lines)
    docs, report = read_all(path)
    assert_good_docs(docs)
    assert report.read == 3
    assert report.skipped == 1
    [problem] = report.problems
    assert problem.place == f"{path}:3"
    assert message in problem.message


def test_csv_bad_row_after_multiline_record_has_the_right_line(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text(csv_text([HEADER, ["1", "ع", "سطر\nوسطر", "اقتصاد"], ["2", "ناقص"],
                              GOOD_ROWS[1]]), encoding="utf-8")
    docs, report = read_all(path)
    assert [d.text for d in docs] == ["سطر\nوسطر", GOOD[1]["text"]]
    assert [p.place for p in report.problems] == [f"{path}:4"]


def test_csv_blank_lines_are_not_problems(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text(csv_text([HEADER, GOOD_ROWS[0]]) + "\n\n" + csv_text([GOOD_ROWS[1]]),
                    encoding="utf-8")
    docs, report = read_all(path)
    assert [d.text for d in docs] == [GOOD[0]["text"], GOOD[1]["text"]]
    assert report.skipped == 0


def test_csv_without_text_column_is_skipped(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text(csv_text([["id", "body", "label"], ["1", "نص", "اقتصاد"]]), encoding="utf-8")
    docs, report = read_all(path)
    assert docs == []
    assert report.skipped == 1
    assert report.problems[0].place == f"{path}:1"
    assert "'text'" in report.problems[0].message


def test_csv_without_text_column_does_not_stop_other_files(tmp_path):
    write_lines(tmp_path / "a.csv", [_row(HEADER), _row(GOOD_ROWS[0])])
    bad = write_lines(tmp_path / "b.csv", [_row(["id", "body", "label"]), _row(["1", "نص", "x"])])
    write_lines(tmp_path / "c.csv", [_row(HEADER), _row(GOOD_ROWS[1]), _row(GOOD_ROWS[2])])
    assert detect_format(tmp_path) == "csv"
    docs, report = read_all(tmp_path)
    assert_good_docs(docs)
    assert report.skipped == 1
    assert report.problems[0].place == f"{bad}:1"


def test_csv_empty_file_is_skipped(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    docs, report = read_all(path)
    assert docs == []
    assert report.skipped == 1
    assert report.problems[0].place == f"{path}:1"


# --- folder per label -----------------------------------------------------------------------------


def make_folder_corpus(root: Path) -> Path:
    (root / "economy").mkdir(parents=True)
    (root / "sport").mkdir()
    (root / "economy" / "1.txt").write_text("ارتفعت أسعار الذهب.", encoding="utf-8")
    (root / "economy" / "2.txt").write_text("تراجع التضخم في الربع الأول.\n", encoding="utf-8")
    (root / "sport" / "1.txt").write_text("فاز النادي بالكأس.", encoding="utf-8")
    (root / "sport" / "notes.md").write_text("ليس خبرا", encoding="utf-8")  # not .txt: ignored
    return root


def test_folder_per_label(tmp_path):
    root = make_folder_corpus(tmp_path / "corpus")
    assert detect_format(root) == "folder"
    docs, report = read_all(root)
    assert [d.text for d in docs] == ["ارتفعت أسعار الذهب.", "تراجع التضخم في الربع الأول.\n",
                                      "فاز النادي بالكأس."]
    assert [d.label for d in docs] == ["economy", "economy", "sport"]
    assert [d.id for d in docs] == ["1", "2", "1"]
    assert [d.title for d in docs] == [None, None, None]
    assert docs[0].source == str(root / "economy" / "1.txt")
    assert report.read == 3 and report.skipped == 0
    assert [d.text for d in read_all(root, format="folder")[0]] == [d.text for d in docs]


def test_folder_arabic_label_names(tmp_path):
    (tmp_path / "رياضة").mkdir()
    (tmp_path / "رياضة" / "1.txt").write_text("فاز النادي بالكأس.", encoding="utf-8")
    docs, _ = read_all(tmp_path)
    assert [d.label for d in docs] == ["رياضة"]


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b" \n\t\n", "empty"),
                                              (BAD_BYTES, "UTF-8")],
                         ids=["empty", "blank", "undecodable"])
def test_folder_bad_file_is_skipped_and_neighbours_read(tmp_path, content, message):
    root = make_folder_corpus(tmp_path / "corpus")
    bad = root / "economy" / "10.txt"  # sorts between 1.txt and 2.txt
    bad.write_bytes(content)
    docs, report = read_all(root)
    assert [d.id for d in docs] == ["1", "2", "1"]
    assert report.skipped == 1
    assert report.problems[0].place == str(bad)  # the whole file is the record
    assert message in report.problems[0].message


# --- ANT tagged format ----------------------------------------------------------------------------

ANT_FILE = """<DOC>
<DOCNO>ant-1</DOCNO>
<TITLE>ارتفاع أسعار النفط</TITLE>
<TEXT>
ارتفعت أسعار النفط اليوم في الأسواق العالمية.
</TEXT>
</DOC>
<DOC>
<DOCNO>ant-2</DOCNO>
<TITLE>تراجع البورصة</TITLE>
<TEXT>تراجعت البورصة في ختام التداول.</TEXT>
</DOC>
"""

ANT_LOWER = """<doc>
<title>فوز الفريق</title>
<text>فاز الفريق الوطني في المباراة.</text>
</doc>
"""


def make_ant_corpus(root: Path) -> Path:
    (root / "economy").mkdir(parents=True)
    (root / "sport").mkdir()
    (root / "economy" / "a.txt").write_text(ANT_FILE, encoding="utf-8")
    (root / "sport" / "b.txt").write_text(ANT_LOWER, encoding="utf-8")
    return root


def test_ant_several_docs_per_file_label_from_folder(tmp_path):
    root = make_ant_corpus(tmp_path / "ant")
    docs, report = read_all(root, format="ant")
    assert [d.text for d in docs] == ["ارتفعت أسعار النفط اليوم في الأسواق العالمية.",
                                      "تراجعت البورصة في ختام التداول.",
                                      "فاز الفريق الوطني في المباراة."]
    assert [d.title for d in docs] == ["ارتفاع أسعار النفط", "تراجع البورصة", "فوز الفريق"]
    assert [d.label for d in docs] == ["economy", "economy", "sport"]
    assert [d.id for d in docs] == ["ant-1", "ant-2", None]
    a = root / "economy" / "a.txt"
    assert [d.source for d in docs] == [f"{a}:1", f"{a}:8", f"{root / 'sport' / 'b.txt'}:1"]
    assert report.read == 3 and report.skipped == 0


def test_ant_single_file_takes_label_from_parent_folder(tmp_path):
    root = make_ant_corpus(tmp_path / "ant")
    docs, _ = read_all(root / "sport" / "b.txt", format="ant")
    assert [(d.title, d.label) for d in docs] == [("فوز الفريق", "sport")]


def test_ant_xml_suffix_is_detected(tmp_path):
    path = tmp_path / "culture" / "news.xml"
    path.parent.mkdir()
    path.write_text(ANT_FILE, encoding="utf-8")
    assert detect_format(path) == "ant"
    docs, _ = read_all(path)
    assert [d.id for d in docs] == ["ant-1", "ant-2"]
    assert {d.label for d in docs} == {"culture"}


def test_ant_label_tag_wins_over_folder(tmp_path):
    path = tmp_path / "misc" / "a.txt"
    path.parent.mkdir()
    path.write_text("<DOC><CATEGORY>صحة</CATEGORY><TEXT>افتتاح مستشفى جديد.</TEXT></DOC>",
                    encoding="utf-8")
    docs, _ = read_all(path, format="ant")
    assert [(d.text, d.label) for d in docs] == [("افتتاح مستشفى جديد.", "صحة")]


def test_ant_text_without_doc_wrapper(tmp_path):
    path = tmp_path / "misc" / "a.txt"
    path.parent.mkdir()
    path.write_text("<TITLE>عنوان</TITLE>\n<TEXT>خبر بلا غلاف.</TEXT>\n", encoding="utf-8")
    docs, report = read_all(path, format="ant")
    assert [(d.title, d.text, d.label) for d in docs] == [("عنوان", "خبر بلا غلاف.", "misc")]
    assert report.skipped == 0


BAD_ANT_DOCS = {
    "no text tag": ("<DOC>\n<TITLE>عنوان فقط</TITLE>\n</DOC>", "missing"),
    "empty text": ("<DOC>\n<TITLE>عنوان</TITLE>\n<TEXT>  </TEXT>\n</DOC>", "empty"),
    "undecodable text": (b"<DOC>\n<TEXT>" + BAD_BYTES + b"</TEXT>\n</DOC>", "UTF-8"),
}


@pytest.mark.parametrize("bad, message", BAD_ANT_DOCS.values(), ids=BAD_ANT_DOCS.keys())
def test_ant_bad_doc_is_skipped_and_neighbours_read(tmp_path, bad, message):
    first = "<DOC>\n<TITLE>أول</TITLE>\n<TEXT>الخبر الأول.</TEXT>\n</DOC>"
    last = "<doc>\n<title>أخير</title>\n<text>الخبر الأخير.</text>\n</doc>"
    path = write_lines(tmp_path / "economy" / "a.txt", [first, bad, last])
    docs, report = read_all(path, format="ant")
    assert [d.text for d in docs] == ["الخبر الأول.", "الخبر الأخير."]
    last_line = 5 + (bad.count(b"\n") if isinstance(bad, bytes) else bad.count("\n")) + 1
    assert [d.source for d in docs] == [f"{path}:1", f"{path}:{last_line}"]
    assert report.read == 2
    assert report.skipped == 1
    [problem] = report.problems
    assert problem.place == f"{path}:5"
    assert message in problem.message


def test_ant_file_without_doc_or_text_is_skipped(tmp_path):
    root = make_ant_corpus(tmp_path / "ant")
    bad = root / "economy" / "b.txt"  # between economy/a.txt and sport/b.txt
    bad.write_text("مجرد نص عادي بلا أي وسوم.\n<P>فقرة</P>\n", encoding="utf-8")
    docs, report = read_all(root, format="ant")
    assert [d.id for d in docs] == ["ant-1", "ant-2", None]
    assert report.skipped == 1
    assert report.problems[0].place == f"{bad}:1"
    assert "no <DOC>" in report.problems[0].message


# --- plain text -----------------------------------------------------------------------------------


def test_plain_text_file_is_one_document(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("عنوان الخبر\n\nنص الخبر في فقرتين.\n", encoding="utf-8")
    assert detect_format(path) == "text"
    docs, report = read_all(path)
    assert len(docs) == 1
    assert docs[0].text == "عنوان الخبر\n\nنص الخبر في فقرتين.\n"
    assert (docs[0].id, docs[0].label, docs[0].title) == ("article", None, None)
    assert docs[0].source == str(path)
    assert report.read == 1


def test_plain_text_folder_with_explicit_format(tmp_path):
    (tmp_path / "b.txt").write_text("الخبر الثاني", encoding="utf-8")
    (tmp_path / "a.txt").write_text("الخبر الأول", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(BAD_BYTES)
    docs, report = read_all(tmp_path, format="text")
    assert [(d.id, d.text, d.label) for d in docs] == [("a", "الخبر الأول", None),
                                                       ("b", "الخبر الثاني", None)]
    assert report.skipped == 1
    assert report.problems[0].place == str(tmp_path / "c.txt")


def test_plain_text_any_suffix(tmp_path):
    path = tmp_path / "article"
    path.write_text("نص بلا امتداد", encoding="utf-8")
    assert detect_format(path) == "text"
    assert [d.text for d in read_all(path)[0]] == ["نص بلا امتداد"]


# --- detect_format --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("news.jsonl", "jsonl"),
        ("news.jsonl.gz", "jsonl"),
        ("news.json", "jsonl"),
        ("news.json.gz", "jsonl"),
        ("NEWS.JSONL", "jsonl"),
        ("news.csv", "csv"),
        ("news.csv.gz", "csv"),
        ("news.tsv", "tsv"),
        ("news.tsv.gz", "tsv"),
        ("news.xml", "ant"),
        ("news.sgml", "ant"),
        ("news.txt", "text"),
        ("news", "text"),
    ],
)
def test_detect_format_files(tmp_path, name, expected):
    path = tmp_path / name
    path.write_bytes(b"")
    assert detect_format(path) == expected


@pytest.mark.parametrize(
    "children, expected",
    [
        (["economy/1.txt"], "folder"),
        (["a.jsonl", "b.jsonl.gz"], "jsonl"),
        (["a.json"], "jsonl"),
        (["a.csv"], "csv"),
        (["a.csv.gz"], "csv"),
        (["1.txt", "2.txt"], "folder"),
        ([".git/config", "a.jsonl"], "jsonl"),  # hidden folders do not make it a folder corpus
        ([], "folder"),
    ],
)
def test_detect_format_folders(tmp_path, children, expected):
    root = tmp_path / "corpus"
    root.mkdir()
    for child in children:
        (root / child).parent.mkdir(parents=True, exist_ok=True)
        (root / child).write_bytes(b"")
    assert detect_format(root) == expected


# --- errors and the report ------------------------------------------------------------------------


def test_missing_path_raises_corpus_error_naming_it(tmp_path):
    missing = tmp_path / "no_such_corpus.jsonl"
    with pytest.raises(CorpusError) as info:
        read_corpus(missing)  # raises at once, before any iteration
    assert str(missing) in str(info.value)


@pytest.mark.parametrize("fmt", ["xml", "JSONL", "parquet", ""])
def test_unknown_format_raises_corpus_error(tmp_path, fmt):
    path = write_lines(tmp_path / "news.jsonl", [jline(GOOD[0])])
    with pytest.raises(CorpusError, match="unknown corpus format"):
        read_corpus(path, format=fmt)


def test_read_corpus_streams_and_counts(tmp_path):
    path = write_lines(tmp_path / "news.jsonl", [jline(r) for r in GOOD])
    report = ReadReport()
    docs = read_corpus(path, report=report)
    assert report.read == 0
    next(docs)
    assert report.read == 1
    list(docs)
    assert report.read == 3
    assert report.summary() == "read 3 documents, skipped 0 malformed record(s)"


def test_report_keeps_first_problems_and_counts_all():
    report = ReadReport()
    for n in range(1005):
        report.skip(f"f.jsonl:{n + 1}", "bad")
    assert report.skipped == 1005
    assert len(report.problems) == 1000
    out = io.StringIO()
    report.print(out, limit=2)
    lines = out.getvalue().splitlines()
    assert lines == ["skipped f.jsonl:1: bad", "skipped f.jsonl:2: bad",
                     "... and 1003 more skipped",
                     "read 0 documents, skipped 1005 malformed record(s)"]
