"""Question sets for ``ecpat-bot eval`` and ``tune``: JSONL and SQuAD, read into frozen records.

A malformed row must not hide the rest of a set (one typo in a 150-question file should still
give 149 answers and a message naming the line), so loaders return the good questions plus a
list of :class:`Problem` records instead of raising on the first bad row. Only a set that
cannot be read at all raises :class:`QuestionSetError`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.evaluation.json_text import loads
from corpus.load import user_path

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "squad")


_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize(text: str) -> str:
    """SQuAD's answer normalisation: lowercase, drop punctuation and a/an/the, fold spaces.

    Punctuation is every Unicode punctuation character (SQuAD strips ASCII only), so the
    article's curly quotes and en dashes fold the same way as straight ones.
    """
    lowered = text.lower()
    kept = "".join(ch for ch in lowered if not unicodedata.category(ch).startswith("P"))
    return " ".join(_ARTICLES.sub(" ", kept).split())


def contains_answer(reply: str, answers: Sequence[str]) -> bool:
    """True when some normalised answer is a substring of the normalised reply."""
    text = normalize(reply)
    return any((gold := normalize(a)) and gold in text for a in answers)


class QuestionSetError(ValueError):
    """A question file that cannot be used at all (missing, unreadable, no questions)."""


@dataclass(frozen=True)
class Question:
    """One question to ask, with what counts as a right answer.

    ``article`` names the SQuAD article the question is asked against (None: the configured
    article); ``gold_passage`` is the id of the paragraph holding the answer (SQuAD only).
    """

    id: str
    question: str
    answers: tuple[str, ...] = ()
    unanswerable: bool = False
    context: tuple[str, ...] = ()
    category: str = "uncategorised"
    article: str | None = None
    gold_passage: str | None = None


@dataclass(frozen=True)
class Problem:
    """A row that was skipped: where it is (``line 7``) and what is wrong with it."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class QuestionSet:
    """The usable questions of a file, the rows skipped, and (SQuAD) each article's paragraphs."""

    format: str
    questions: tuple[Question, ...]
    problems: tuple[Problem, ...] = ()
    articles: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.category for q in self.questions))


# -- JSONL ----------------------------------------------------------------------------------


def _strings(row: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = row.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key!r} must be a list of strings")
    return tuple(value)


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} must be a non-empty string")
    return value


def question_from_row(row: Any) -> Question:
    """One JSONL object as a :class:`Question`; ValueError says what is wrong with it."""
    if not isinstance(row, dict):
        raise ValueError("expected a JSON object")
    qid, text = _text(row, "id"), _text(row, "question")
    answers = _strings(row, "answers")
    unanswerable = row.get("unanswerable", False)
    if not isinstance(unanswerable, bool):
        raise ValueError("'unanswerable' must be true or false")
    context = _strings(row, "context")
    if any(not c.strip() for c in context):
        raise ValueError("'context' questions must not be empty")
    category = row.get("category", "uncategorised")
    if not isinstance(category, str) or not category.strip():
        raise ValueError("'category' must be a non-empty string")
    if not unanswerable:
        if not answers:
            raise ValueError("an answerable question needs at least one entry in 'answers'")
        empty = [a for a in answers if not normalize(a)]
        if empty:
            # "the" normalises to nothing and would match every reply.
            raise ValueError(f"answer {empty[0]!r} is empty once normalised")
    return Question(qid, text, answers, unanswerable, context, category.strip())


def parse_jsonl(text: str) -> QuestionSet:
    """Questions from JSONL text; bad lines (and repeated ids) become problems, by line number."""
    questions: list[Question] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            row = loads(line)
        except ValueError as err:
            problems.append(Problem(where, str(err)))
            continue
        try:
            question = question_from_row(row)
        except ValueError as err:
            problems.append(Problem(where, str(err)))
            continue
        if question.id in seen:
            problems.append(
                Problem(where, f"id {question.id!r} already used on line {seen[question.id]}")
            )
            continue
        seen[question.id] = number
        questions.append(question)
    return QuestionSet("jsonl", tuple(questions), tuple(problems))


# -- SQuAD ----------------------------------------------------------------------------------


def _squad_question(qa: Any, title: str, gold: str) -> Question:
    if not isinstance(qa, dict):
        raise ValueError("expected a JSON object")
    qid, text = _text(qa, "id"), _text(qa, "question")
    impossible = qa.get("is_impossible", False)
    if not isinstance(impossible, bool):
        raise ValueError("'is_impossible' must be true or false")
    spans = qa.get("answers", [])
    if not isinstance(spans, list) or not all(
        isinstance(s, dict) and isinstance(s.get("text"), str) for s in spans
    ):
        raise ValueError("'answers' must be a list of objects with a 'text'")
    answers = tuple(dict.fromkeys(s["text"] for s in spans if normalize(s["text"])))
    if not impossible and not answers:
        raise ValueError("an answerable question has no usable answer text")
    category = "unanswerable" if impossible else "answerable"
    return Question(qid, text, answers, impossible, (), category, title, gold)


def _squad_paragraphs(
    paragraphs: list[Any], title: str, article_where: str, seen: set[str]
) -> tuple[tuple[str, ...], list[Question], list[Problem]]:
    """One article's paragraph texts ("" for a bad one), its questions and the rows skipped."""
    contexts: list[str] = []
    questions: list[Question] = []
    problems: list[Problem] = []
    for p_no, paragraph in enumerate(paragraphs, start=1):
        where = f"{article_where}, paragraph {p_no}"
        context = paragraph.get("context") if isinstance(paragraph, dict) else None
        if not isinstance(context, str):
            problems.append(Problem(where, "expected a 'context' string"))
            contexts.append("")
            continue
        contexts.append(context)
        qas = paragraph.get("qas", [])
        if not isinstance(qas, list):
            problems.append(Problem(where, "expected 'qas' to be a list"))
            continue
        for q_no, qa in enumerate(qas, start=1):
            at = f"{where}, question {q_no}"
            try:
                question = _squad_question(qa, title, f"p{p_no}")
            except ValueError as err:
                problems.append(Problem(at, str(err)))
                continue
            if question.id in seen:
                problems.append(Problem(at, f"id {question.id!r} repeated"))
                continue
            seen.add(question.id)
            questions.append(question)
    return tuple(contexts), questions, problems


def parse_squad(data: Any) -> QuestionSet:
    """Questions from SQuAD v1.1/v2.0 data: each article's paragraphs are its corpus.

    The gold passage of a question is ``p<n>``, its paragraph's position in the article
    (``corpus.parse.article_from_paragraphs`` numbers passages the same way).
    """
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise QuestionSetError("not a SQuAD file: expected an object with a 'data' list")
    questions: list[Question] = []
    problems: list[Problem] = []
    articles: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()
    for a_no, entry in enumerate(data["data"], start=1):
        paragraphs = entry.get("paragraphs") if isinstance(entry, dict) else None
        if not isinstance(paragraphs, list):
            problems.append(Problem(f"article {a_no}", "expected 'paragraphs' to be a list"))
            continue
        raw = entry.get("title")  # str() of a list nested thousands deep would fail
        title = str(raw) if raw and isinstance(raw, str | int | float) else f"article {a_no}"
        if title in dict(articles):
            title = f"{title} ({a_no})"
        where = f"article {a_no} ({title})"
        contexts, found, skipped = _squad_paragraphs(paragraphs, title, where, seen)
        problems += skipped
        if any(c.strip() for c in contexts):
            articles.append((title, contexts))
            questions += found
        else:
            problems.append(Problem(where, "no paragraph text"))
    return QuestionSet("squad", tuple(questions), tuple(problems), tuple(articles))


# -- files ----------------------------------------------------------------------------------


def detect_format(text: str) -> str:
    """``squad`` when the whole text is one JSON object with a ``data`` list, else ``jsonl``."""
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return "jsonl"
    try:
        data = loads(stripped)
    except ValueError:
        return "jsonl"
    return "squad" if isinstance(data, dict) and isinstance(data.get("data"), list) else "jsonl"


def parse_questions(text: str, fmt: str | None = None) -> QuestionSet:
    """A question set from text in ``fmt`` (detected when None)."""
    fmt = fmt or detect_format(text)
    if fmt not in FORMATS:
        raise QuestionSetError(
            f"unknown question format {fmt!r} (choose from {', '.join(FORMATS)})"
        )
    if fmt == "jsonl":
        return parse_jsonl(text)
    try:
        data = loads(text)
    except ValueError as err:
        raise QuestionSetError(f"SQuAD file is {err}") from None
    return parse_squad(data)


def load_questions(path: str | Path, fmt: str | None = None) -> QuestionSet:
    """Read a question file; a set with no usable question is an error (nothing to measure)."""
    file = user_path(path)
    try:
        if file.exists() and not file.is_dir() and not file.is_file():  # a pipe would block
            raise QuestionSetError(f"question file is not a regular file: {file}")
        text = file.read_text("utf-8")
    except FileNotFoundError:
        raise QuestionSetError(f"question file not found: {file}") from None
    except IsADirectoryError:
        raise QuestionSetError(f"question path is a folder, not a file: {file}") from None
    except UnicodeDecodeError:
        raise QuestionSetError(f"question file is not UTF-8 text: {file}") from None
    except OSError as err:
        raise QuestionSetError(f"cannot read question file {file}: {err.strerror}") from None
    questions = parse_questions(text, fmt)
    if not questions.questions:
        detail = f" ({len(questions.problems)} malformed)" if questions.problems else ""
        raise QuestionSetError(f"no usable questions in {file}{detail}")
    log.info("read %d questions from %s (%s)", len(questions.questions), file, questions.format)
    return questions
