"""The rows the decision model learns from: each question's candidates, asked the real way.

Every question runs through the real pipeline (the same stages ``Pipeline.answer`` runs), and
each candidate's signals become one row, labelled 1 when its quote holds a gold answer. Rows
come from

* question sets about the configured article (JSONL; unanswerable rows are negatives),
* a SQuAD file: each answerable question against its own article, and
* cross-article negatives: each SQuAD question against the configured article and against
  another SQuAD article, and each JSONL question against a SQuAD article - realistic
  questions that share words with an article yet ask about something else.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.config import Config
from bot.engine import Engine
from bot.evaluation.questions import Question, contains_answer, load_questions
from bot.intents import intent
from corpus import article_from_paragraphs, load_collection
from retrieval.associations import Tables
from retrieval.pipeline import Context, Decision, Pipeline
from retrieval.quoting import quote
from retrieval.records import Hit
from retrieval.records import Question as Analysed


@dataclass(frozen=True)
class Row:
    """One question's best candidate: where it came from, its signals and whether it is right."""

    source: str  # the question set or SQuAD article the question belongs to (the CV group)
    family: str  # article, squad or cross
    answerable: bool
    label: int
    values: dict[str, float]
    question: str = ""  # which question (family:source:id): its candidates share it
    share: float = 1.0  # of its question's weight


def analysed(pipeline: Pipeline, question: Question, context: bool = True) -> Analysed | None:
    """``question`` read by the pipeline after its context was asked (None: small talk), as
    the engine reads a conversation: a follow-up leans on the latest answered question, the
    first question on the article's subject (:meth:`Pipeline.opening`)."""
    if intent(question.question) is not None:
        return None
    asked: list[Decision] = []
    for earlier in question.context if context else ():
        if intent(earlier) is None:
            asked.append(pipeline.answer(earlier, _lent(pipeline, asked)))
    return pipeline.analyse(question.question, _lent(pipeline, asked))


def _lent(pipeline: Pipeline, asked: Sequence[Decision]) -> Context | None:
    """What the next question leans on after the decisions ``asked`` (see ``Engine``)."""
    if not asked:
        return pipeline.opening()
    return next((c for d in reversed(asked) if (c := d.context()) is not None), None)


def ask(
    pipeline: Pipeline, question: Question, context: bool = True
) -> list[tuple[Hit, dict[str, float], float]]:
    """Every candidate the decision weighs for ``question``, asked after its context."""
    read = analysed(pipeline, question, context)
    return [] if read is None else pipeline.assess(read, pipeline.rank(read))


def _rows(
    pipeline: Pipeline, questions: Iterable[Question], source: str, family: str, own: bool = True
) -> list[Row]:
    """One row per candidate; a question's candidates share one question's weight."""
    rows = []
    for q in questions:
        candidates = ask(pipeline, q, context=own)
        answerable = own and not q.unanswerable
        for hit, values, _ in candidates:
            right = answerable and contains_answer(quote(hit), q.answers)
            share = 1 / len(candidates)
            key = f"{family}:{source}:{q.id}"
            rows.append(Row(source, family, answerable, int(right), values, key, share))
    return rows


@dataclass(frozen=True)
class Sources:
    """Every question a training run reads, with a pipeline for each article."""

    home: Pipeline  # the configured article's
    sets: tuple[tuple[str, tuple[Question, ...]], ...]  # (name, questions) about it
    squad: tuple[tuple[str, Pipeline, tuple[Question, ...]], ...]  # (source, pipeline, own)

    def pipelines(self) -> list[Pipeline]:
        return [self.home, *(p for _, p, _ in self.squad)]

    def names(self) -> list[str]:
        return [name for name, _ in self.sets] + [source for source, _, _ in self.squad]


def sources(config: Config, sets: Sequence[str], squad: str | None) -> Sources:
    """The question sets ``sets`` (JSONL about the configured article) and ``squad``'s
    articles and questions, each article with its pipeline."""
    article = load_collection(
        config.article.path, config.article.max_passage_chars, config.article.max_file_bytes
    )
    others = []
    if squad:
        qset = load_questions(squad, "squad")
        for title, paragraphs in qset.articles:
            pipeline = Engine(article_from_paragraphs(title, list(paragraphs)), config).pipeline
            own = tuple(q for q in qset.questions if q.article == title)
            others.append((f"squad:{title}", pipeline, own))
    named = tuple((Path(p).name, load_questions(p, "jsonl").questions) for p in sets)
    return Sources(Engine(article, config).pipeline, named, tuple(others))


def rows_of(
    given: Sources,
    associations: Tables | None = None,
    only: Collection[str] | None = None,
) -> list[Row]:
    """The training rows of ``given``'s sources (those named in ``only``, when given), read
    with ``associations`` as the word associations (None: each model's own)."""
    if associations is not None:
        for pipeline in given.pipelines():
            pipeline.use_associations(associations)
    rows: list[Row] = []
    others = given.squad
    for name, questions in given.sets:
        if only is not None and name not in only:
            continue
        rows += _rows(given.home, questions, name, "article")
        for i, q in enumerate(questions):  # each question against one other article in turn
            if others:
                _, pipeline, _ = others[i % len(others)]
                rows += _rows(pipeline, [q], name, "cross", own=False)
    for n, (source, pipeline, questions) in enumerate(others):
        if only is not None and source not in only:
            continue
        rows += _rows(pipeline, [q for q in questions if not q.unanswerable], source, "squad")
        rows += _rows(given.home, questions, source, "cross", own=False)
        _, other, _ = others[(n + 1) % len(others)]
        if len(others) > 1:
            rows += _rows(other, questions, source, "cross", own=False)
    return rows


def collect(config: Config, sets: Sequence[str], squad: str | None) -> list[Row]:
    """The training rows of ``sets`` (JSONL about the configured article) and ``squad``."""
    return rows_of(sources(config, sets, squad))
