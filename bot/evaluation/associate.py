"""Learn the word associations (:mod:`retrieval.associations`) without a source teaching itself.

A question set's rows must be read with associations learned from *other* sets, or the model
would learn to trust associations more than they deserve on questions nobody has seen: each
source's row is read with the table learned from the sources of the other folds (``FOLDS``,
by whole question set or SQuAD article). The shipped table is learned from all of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.evaluation.questions import Question, contains_answer
from bot.evaluation.training_rows import Row, Sources, analysed, rows_of
from retrieval.associations import Example, LearnSettings, Tables, learn
from retrieval.pipeline import Pipeline
from retrieval.quoting import quote, terms_of
from retrieval.weighing import asked_of
from retrieval.wordstats import information

FOLDS = 4


def examples(
    pipeline: Pipeline, questions: Sequence[Question], source: str, min_information: float
) -> list[Example]:
    """For each answerable question with a right candidate, the terms of it at least
    ``min_information`` informative that the first right quote leaves uncovered (thesaurus
    counted, no associations), and the quote's terms; for each unanswerable one, its terms
    that informative."""
    out, least = [], min_information
    for q in questions:
        read = analysed(pipeline, q)
        if read is None:
            continue
        if q.unanswerable:
            terms = frozenset(t for t, w in read.words if information(w) >= least)
            out.append(Example(pipeline.title, source, terms, frozenset(), right=False))
            continue
        ranked = pipeline.rank(read)
        asked = asked_of(read, pipeline.retriever)
        for i, hit in enumerate(ranked[: pipeline.settings.candidates]):
            picked = pipeline.choose(hit, read)
            if not contains_answer(quote(picked), q.answers):
                continue
            candidate = pipeline.candidate(read, ranked, picked, i, asked)
            missing = frozenset(
                t for t, info, ok in candidate.coverage_of("quoted") if not ok and info >= least
            )
            said = frozenset(candidate.said) | frozenset(terms_of(picked.passage.section))
            if missing:
                article = picked.passage.article or pipeline.title
                out.append(Example(article, source, missing, said))
            break
    return out


def all_examples(given: Sources, min_information: float) -> list[Example]:
    """:func:`examples` of every question set and SQuAD article."""
    out = []
    for name, questions in given.sets:
        out += examples(given.home, questions, name, min_information)
    for source, pipeline, questions in given.squad:
        out += examples(pipeline, questions, source, min_information)
    return out


def folded_rows(
    given: Sources, settings: LearnSettings | None = None, folds: int = FOLDS
) -> tuple[list[Row], Tables]:
    """Every source's rows read with associations learned without its fold, and the tables
    learned from all sources (the ones to ship)."""
    settings = settings or LearnSettings()
    learned = all_examples(given, settings.min_information)
    names = given.names()
    fold = {name: i % folds for i, name in enumerate(names)}
    rows: list[Row] = []
    for k in range(folds):
        table = learn([e for e in learned if fold[e.source] != k], settings)
        rows += rows_of(given, table, only={n for n in names if fold[n] == k})
    return rows, learn(learned, settings)
