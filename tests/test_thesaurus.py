"""The WordNet thesaurus: how it is built, what ships, and where it must not reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config
from bot.engine import Engine
from corpus import Article
from retrieval import wordnet
from retrieval.analyzer import analyze, stem
from retrieval.signals import measure
from retrieval.synonyms import related_terms

# A WordNet in miniature, in WordNet's own file format: "found" (verb, two senses; the
# second links to its derived noun "foundation"), "go" (more senses than any synonym can
# stand for), and "founding" (stems like "found", but rarer: its row must not be used).
_DATA = {
    "verb": [
        "00000010 41 v 02 found 0 establish 0 000 | set up",
        "00000020 41 v 02 found 1 launch 0 001 + 00000100 n 0101 | start",
        "00000030 38 v 02 go 0 travel 0 000 | move",
    ],
    "noun": [
        "00000100 04 n 01 foundation 0 001 + 00000020 v 0101 | the act of founding",
        "00000200 04 n 02 founding 0 initiation 0 000 | the act of starting",
    ],
    "adj": [],
    "adv": [],
}
_INDEX = {
    "verb": [
        "found v 2 1 + 2 2 00000010 00000020",
        "go v 21 0 21 5 " + " ".join(["00000030"] * 21),
    ],
    "noun": [
        "foundation n 1 0 1 1 00000100",
        "founding n 1 0 1 1 00000200",
    ],
    "adj": [],
    "adv": [],
}
_ZIPF = {
    "found": 5.7,
    "establish": 4.5,
    "launch": 4.6,
    "foundation": 4.9,
    "founding": 4.3,
    "initiation": 3.5,
    "go": 6.0,
    "travel": 5.0,
}


@pytest.fixture
def wordnet_folder(tmp_path: Path) -> Path:
    header = "  1 This software and database is being provided to you\n"
    for part, lines in _DATA.items():
        (tmp_path / f"data.{part}").write_text(header + "\n".join(lines) + "\n")
    for part, lines in _INDEX.items():
        (tmp_path / f"index.{part}").write_text(header + "\n".join(lines) + "\n")
    return tmp_path


def test_build_keeps_common_senses_derived_forms_and_the_commonest_word(
    wordnet_folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "thesaurus.txt"
    rows = wordnet.build(wordnet_folder, target, lambda w: _ZIPF.get(w, 0.0))
    table = dict(line.split("\t") for line in target.read_text().splitlines())
    assert rows == len(table)
    # Both senses of "found", and "foundation", linked from the second sense.
    assert set(table[stem("found")].split()) == {stem("establish"), stem("launch"), "foundat"}
    assert table["foundat"] == stem("found")
    # "founding" shares the stem of "found", the commoner word, whose row it is:
    # "initiation" is not related to "found".
    assert stem("initiation") not in table[stem("found")]
    # "go" has more senses than MAX_SENSES: no row.
    assert "go" not in table
    assert list(table) == sorted(table)  # looked up by bisection


def test_shipped_table_is_sorted_stems_and_answers_lookups() -> None:
    lines = wordnet.TABLE.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) > 5000
    keys = [line.split("\t")[0] for line in lines]
    assert len(keys) == len(set(keys))
    assert stem("founded") in related_terms(stem("foundation"))
    assert stem("foundation") in related_terms(stem("founded"))
    assert related_terms("go") == frozenset()  # too many senses to stand for any one
    assert related_terms("zorblax") == frozenset()


def test_a_word_the_article_uses_only_in_a_name_covers_nothing(engine: Engine) -> None:
    # "Foundation" appears in the article only inside "Internet Watch Foundation": it is
    # related to "founded", but that name says nothing of when anything was founded.
    retriever = engine.pipeline.retriever
    query = retriever.query("When was ECPAT founded?")
    covering = retriever.covering(query)
    assert "foundat" in related_terms(stem("founded"))
    assert "foundat" not in covering.get(stem("founded"), frozenset())
    decision = engine.pipeline.answer("When was ECPAT founded?")
    online = [h for h in decision.ranked if h.passage.id == "protecting-children-online-1"]
    assert online and online[0].coverage < Config().answer.min_coverage


def test_heading_signal_is_the_share_of_the_question_its_heading_holds(
    engine: Engine, article: Article
) -> None:
    pipeline = engine.pipeline

    def heading(text: str) -> float:
        question = pipeline.analyse(text)
        ranked = pipeline.rank(question)
        best = pipeline.choose(ranked[0], question)
        return measure(pipeline.candidate(question, ranked, best))["heading"]

    assert heading("What is The Code?") == 1.0  # "The code of conduct for ..."
    assert heading("Where is the secretariat based?") == 0.0  # a "Lead" passage
    assert analyze("code") == ["code"]
