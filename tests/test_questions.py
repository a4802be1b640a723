"""Question-set loading: JSONL rows, SQuAD files, format detection, answer normalisation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.evaluation.questions import (
    QuestionSetError,
    contains_answer,
    detect_format,
    load_questions,
    normalize,
    parse_jsonl,
    parse_squad,
)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "corpus" / "questions" / "ecpat.jsonl"


def squad(*articles: tuple[str, list[tuple[str, list[dict]]]]) -> dict:
    """A SQuAD v2 document from (title, [(context, qas)]) tuples."""
    return {
        "version": "v2.0",
        "data": [
            {"title": t, "paragraphs": [{"context": c, "qas": qas} for c, qas in paragraphs]}
            for t, paragraphs in articles
        ],
    }


def qa(qid: str, question: str, *answers: str, impossible: bool = False) -> dict:
    return {
        "id": qid,
        "question": question,
        "answers": [{"text": a, "answer_start": 0} for a in answers],
        "is_impossible": impossible,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Body Shop", "body shop"),
        ("  An  apple,\ta day!  ", "apple day"),
        ("ECPAT’s “Code”", "ecpats code"),
        ("three-year", "threeyear"),
        ("Theme the", "theme"),
    ],
)
def test_normalize_is_squad_style(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_contains_answer_folds_case_punctuation_and_articles() -> None:
    assert contains_answer("It partnered with THE BODY SHOP, in 2009.", ["Body Shop"])
    assert contains_answer("ran a three year campaign", ["three-year"]) is False
    assert contains_answer("a three-year campaign", ["three-year"])
    assert not contains_answer("Founded: 1871.", ["1902", "Port Ellis"])


def test_jsonl_row_defaults_and_fields() -> None:
    text = "\n".join(
        [
            '{"id": "q1", "question": "When?", "answers": ["1990"]}',
            "",
            '{"id": "q2", "question": "Hi", "answers": [], "unanswerable": true, '
            '"context": ["Who?"], "category": "smalltalk"}',
        ]
    )
    qset = parse_jsonl(text)
    assert qset.problems == ()
    first, second = qset.questions
    assert (first.id, first.answers, first.unanswerable, first.context) == (
        "q1",
        ("1990",),
        False,
        (),
    )
    assert first.category == "uncategorised"
    assert (second.unanswerable, second.context, second.category) == (True, ("Who?",), "smalltalk")
    assert qset.categories == ("uncategorised", "smalltalk")


def test_malformed_jsonl_lines_are_reported_by_number_and_the_rest_kept() -> None:
    lines = [
        '{"id": "ok1", "question": "When?", "answers": ["1990"]}',
        "{not json",
        '["a list"]',
        '{"id": "bad", "question": "", "answers": ["x"]}',
        '{"id": "bad2", "question": "Why?", "answers": []}',
        '{"id": "bad3", "question": "Why?", "answers": ["x"], "unanswerable": "yes"}',
        '{"id": "ok1", "question": "Again?", "answers": ["x"]}',
        '{"id": "bad4", "question": "Why?", "answers": ["the"]}',
        '{"id": "bad5", "question": "Why?", "answers": "1990"}',
        '{"id": "ok2", "question": "Who?", "answers": [], "unanswerable": true}',
    ]
    qset = parse_jsonl("\n".join(lines))
    assert [q.id for q in qset.questions] == ["ok1", "ok2"]
    where = {p.where: p.message for p in qset.problems}
    assert list(where) == [f"line {n}" for n in (2, 3, 4, 5, 6, 7, 8, 9)]
    assert "not valid JSON" in where["line 2"]
    assert "JSON object" in where["line 3"]
    assert "'question'" in where["line 4"]
    assert "at least one" in where["line 5"]
    assert "'unanswerable'" in where["line 6"]
    assert "already used on line 1" in where["line 7"]
    assert "empty once normalised" in where["line 8"]
    assert "'answers'" in where["line 9"]


def test_squad_articles_gold_paragraphs_and_impossible_questions() -> None:
    data = squad(
        (
            "Alpha",
            [
                ("First para.", [qa("a1", "Q1?", "First", "First")]),
                ("Second para.", [qa("a2", "Q2?", impossible=True)]),
            ],
        ),
        ("Beta", [("Only para.", [qa("b1", "Q3?", "Only")])]),
    )
    qset = parse_squad(data)
    assert qset.format == "squad" and qset.problems == ()
    assert qset.articles == (("Alpha", ("First para.", "Second para.")), ("Beta", ("Only para.",)))
    a1, a2, b1 = qset.questions
    assert (a1.article, a1.gold_passage, a1.answers, a1.category) == (
        "Alpha",
        "p1",
        ("First",),
        "answerable",
    )
    assert (a2.unanswerable, a2.category, a2.gold_passage) == (True, "unanswerable", "p2")
    assert (b1.article, b1.gold_passage) == ("Beta", "p1")


def test_squad_v1_has_no_is_impossible_and_bad_questions_are_reported() -> None:
    data = squad(
        (
            "Alpha",
            [
                (
                    "Text.",
                    [
                        {
                            "id": "x1",
                            "question": "Q?",
                            "answers": [{"text": "Text", "answer_start": 0}],
                        },
                        {"id": "x2", "question": "Q?", "answers": []},
                        {"id": "x1", "question": "Q again?", "answers": [{"text": "Text"}]},
                    ],
                )
            ],
        )
    )
    qset = parse_squad(data)
    assert [q.id for q in qset.questions] == ["x1"]
    assert not qset.questions[0].unanswerable
    assert [p.where for p in qset.problems] == [
        "article 1 (Alpha), paragraph 1, question 2",
        "article 1 (Alpha), paragraph 1, question 3",
    ]


def test_detect_format() -> None:
    assert detect_format(json.dumps(squad(("A", [("t.", [])])), indent=2)) == "squad"
    assert detect_format('{"id": "q", "question": "Q?", "answers": ["a"]}\n') == "jsonl"
    assert detect_format('{"data": []}\n{"data": []}\n') == "jsonl"
    assert detect_format("") == "jsonl"


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(QuestionSetError, match="not found"):
        load_questions(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    with pytest.raises(QuestionSetError, match=r"no usable questions .*1 malformed"):
        load_questions(bad)
    with pytest.raises(QuestionSetError, match="not a SQuAD file"):
        load_questions(_write(tmp_path, "[]"), "squad")


def _write(folder: Path, text: str) -> Path:
    path = folder / "file.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_set_is_well_formed() -> None:
    qset = load_questions(SHIPPED)
    assert qset.problems == ()
    assert len(qset.questions) == 156
    assert {"followup", "standalone", "unrelated", "smalltalk"} <= set(qset.categories)
    assert all(q.context for q in qset.questions if q.category in ("followup", "standalone"))


@pytest.mark.parametrize(
    ("name", "size"), [("ecpat-holdout.jsonl", 61), ("ecpat-holdout-2.jsonl", 64)]
)
def test_holdout_sets_are_well_formed_and_their_answers_are_article_spans(
    name: str, size: int
) -> None:
    qset = load_questions(SHIPPED.parent / name)
    assert qset.problems == ()
    assert len(qset.questions) == size
    article = " ".join(
        (ROOT / "corpus" / "data" / "ecpat.txt").read_text(encoding="utf-8").split()
    ).casefold()
    for question in qset.questions:
        assert question.unanswerable == (not question.answers)
        assert all(" ".join(a.split()).casefold() in article for a in question.answers)
