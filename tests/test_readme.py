"""Every ``python`` block of the README runs as written (issue #21: its pipeline, analyzer, gensim
and label-map examples are tests), in a folder where ``seeds/`` is the built-in corpus and
``models/default`` the session's model trained on it, as after the README's first command."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
BLOCKS = BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_its_examples():
    joined = "\n".join(BLOCKS)
    for used in ("ArabicTfidf", "ArabicAnalyzer", "GridSearchCV", "label_map=", "to_gensim"):
        assert used in joined, used


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_a_readme_python_block_runs(code, trained_dir, tmp_path, monkeypatch, capsys):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "default").symlink_to(trained_dir, target_is_directory=True)
    (tmp_path / "seeds").symlink_to(ROOT / "seeds", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert capsys.readouterr().out.strip(), "a README example prints what it shows"
