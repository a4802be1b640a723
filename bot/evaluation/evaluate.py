"""Running a question set through the conversational engine, and the figures that come out.

Pure apart from the clock: questions and engines in, :class:`Result` records and a summary
dict out. Every question goes through ``Engine.reply`` — the same call Telegram and the REPL
make — in a fresh conversation, its ``context`` questions first, so the figures describe what
users actually get. The summary is computed only from fields the ``--json`` results carry, so
anyone can recompute every figure from them.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from bot.config import Config
from bot.engine import Conversation, Engine, Reply
from bot.evaluation.questions import Question, QuestionSet, contains_answer, normalize
from bot.index_cache import load_or_build
from corpus import Collection, article_from_paragraphs, collect

# Figures a --fail-under / --fail-over gate may name (alone, or as CATEGORY.METRIC).
METRICS = (
    "accuracy",
    "answer_accuracy",
    "decline_rate",
    "false_decline_rate",
    "hit_at_1",
    "hit_at_k",
    "mrr",
    "latency_median_ms",
    "latency_p95_ms",
    "accuracy_without_context",
)

EngineFor = Callable[[Question], Engine]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RankedPassage:
    """One passage the reply ranked, as ``--json`` shows it."""

    id: str
    section: str
    score: float
    text: str


@dataclass(frozen=True)
class Result:
    """What the engine did with one question, and whether that was right.

    ``matches``: the reply text holds a gold answer (whether or not it abstained);
    ``rank``: 1-based rank of the first ranked passage holding the gold answer (SQuAD: the gold
    paragraph), None when absent or the question is unanswerable; ``confidence``: the decision
    model's probability that the answer is right (what ``answer.min_confidence`` is compared
    with), None for small talk and invalid input;
    ``correct_alone``: correctness when asked without its context (rows with context only).
    """

    question: Question
    answer: str
    kind: str
    abstained: bool
    matches: bool
    correct: bool
    latency_ms: float
    passages: tuple[RankedPassage, ...]
    rank: int | None
    confidence: float | None
    correct_alone: bool | None = None


def is_correct(question: Question, abstained: bool, matches: bool) -> bool:
    """Unanswerable: right when the bot abstains. Answerable: right when it answers with gold."""
    return abstained if question.unanswerable else (not abstained and matches)


def gold_rank(question: Question, passages: Sequence[RankedPassage]) -> int | None:
    """Rank of the first passage holding the answer (SQuAD: the gold paragraph id)."""
    if question.unanswerable:
        return None
    golds = [g for a in question.answers if (g := normalize(a))]
    for rank, passage in enumerate(passages, start=1):
        if question.gold_passage is not None:
            if passage.id == question.gold_passage:
                return rank
        elif any(g in normalize(passage.text) for g in golds):
            return rank
    return None


def _ask(engine: Engine, question: Question, use_context: bool) -> tuple[Reply, float]:
    """The reply to the final question and the wall time of that one engine call (ms)."""
    conversation = Conversation()
    if use_context:
        for earlier in question.context:
            _, conversation = engine.reply(conversation, earlier)
    start = time.perf_counter()
    reply, _ = engine.reply(conversation, question.question)
    return reply, (time.perf_counter() - start) * 1000


def evaluate_question(
    engine: Engine, question: Question, use_context: bool = True, compare_alone: bool = True
) -> Result:
    """Ask one question (after its context) and score the reply."""
    reply, latency = _ask(engine, question, use_context)
    hits = reply.answer.hits if reply.answer is not None else ()
    passages = tuple(
        RankedPassage(h.passage.id, h.passage.section, round(h.score, 6), h.passage.text)
        for h in hits
    )
    matches = not question.unanswerable and contains_answer(reply.text, question.answers)
    correct_alone = None
    if compare_alone and use_context and question.context:
        alone, _ = _ask(engine, question, use_context=False)
        alone_matches = contains_answer(alone.text, question.answers)
        correct_alone = is_correct(question, alone.abstained, alone_matches)
    return Result(
        question=question,
        answer=reply.text,
        kind=reply.kind,
        abstained=reply.abstained,
        matches=matches,
        correct=is_correct(question, reply.abstained, matches),
        latency_ms=round(latency, 3),
        passages=passages,
        rank=gold_rank(question, passages),
        confidence=reply.answer.confidence if reply.answer is not None else None,
        correct_alone=correct_alone,
    )


def run(
    questions: Sequence[Question],
    engine_for: EngineFor,
    use_context: bool = True,
    compare_alone: bool = True,
    progress: Progress | None = None,
) -> tuple[Result, ...]:
    """Every question through its engine, in order; ``progress(done, total)`` after each."""
    results = []
    for done, question in enumerate(questions, start=1):
        engine = engine_for(question)
        results.append(evaluate_question(engine, question, use_context, compare_alone))
        if progress is not None:
            progress(done, len(questions))
    return tuple(results)


def squad_engines(articles: Iterable[tuple[str, Sequence[str]]], config: Config) -> EngineFor:
    """One engine per SQuAD article (one passage per paragraph); questions go to their own."""
    engines = {
        title: Engine(article_from_paragraphs(title, list(paragraphs)), config)
        for title, paragraphs in articles
    }

    def engine_for(question: Question) -> Engine:
        return engines[question.article or ""]

    return engine_for


def squad_collection(qset: QuestionSet) -> tuple[Collection, QuestionSet]:
    """A SQuAD set's articles as one collection, and its questions with their gold passage
    ids in the collection's terms (``Normans/p3``), so every question can be asked against
    all the articles at once and its gold passage still found."""
    collection = collect([article_from_paragraphs(t, list(ps)) for t, ps in qset.articles])
    questions = tuple(
        replace(q, gold_passage=collection.passage_id(q.article, q.gold_passage))
        if q.article is not None and q.gold_passage is not None
        else q
        for q in qset.questions
    )
    return collection, replace(qset, questions=questions)


def collection_engines(collection: Collection) -> Callable[[Config], EngineFor]:
    """One engine per config over the whole ``collection``, for every question."""

    def build(cfg: Config) -> EngineFor:
        engine = Engine(collection, cfg)
        return lambda question: engine

    return build


def engine_factory(qset: QuestionSet, config: Config) -> Callable[[Config], EngineFor]:
    """Engines for a config: the configured article once, or one per SQuAD article."""
    if qset.format == "squad":
        return lambda cfg: squad_engines(qset.articles, cfg)
    article, retriever = load_or_build(config)

    def build(cfg: Config) -> EngineFor:
        # The cached index serves the settings it was built with (tune tries others).
        same = retriever is not None and cfg.retrieval.settings() == config.retrieval.settings()
        engine = Engine(article, cfg, retriever if same else None)
        return lambda question: engine

    return build


# -- figures --------------------------------------------------------------------------------


def _ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``share`` of them at or below."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def figures(results: Sequence[Result]) -> dict[str, Any]:
    """The metrics of a group of results (a whole run, or one category)."""
    answerable = [r for r in results if not r.question.unanswerable]
    unanswerable = [r for r in results if r.question.unanswerable]
    ranks = [r.rank for r in answerable]
    latencies = [r.latency_ms for r in results]
    with_context = [r for r in results if r.correct_alone is not None]
    return {
        "questions": len(results),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "accuracy": _ratio(sum(r.correct for r in results), len(results)),
        "answer_accuracy": _ratio(sum(r.correct for r in answerable), len(answerable)),
        "decline_rate": _ratio(sum(r.abstained for r in unanswerable), len(unanswerable)),
        "false_decline_rate": _ratio(sum(r.abstained for r in answerable), len(answerable)),
        "hit_at_1": _ratio(sum(rank == 1 for rank in ranks), len(ranks)),
        "hit_at_k": _ratio(sum(rank is not None for rank in ranks), len(ranks)),
        "mrr": _ratio(sum(1 / rank for rank in ranks if rank), len(ranks)),
        "latency_median_ms": statistics.median(latencies) if latencies else None,
        "latency_p95_ms": percentile(latencies, 0.95),
        "with_context": len(with_context),
        "accuracy_with_context": _ratio(sum(r.correct for r in with_context), len(with_context)),
        "accuracy_without_context": _ratio(
            sum(bool(r.correct_alone) for r in with_context), len(with_context)
        ),
        "lost_to_context": sum(bool(r.correct_alone) and not r.correct for r in with_context),
    }


def summarize(
    results: Sequence[Result], k: int, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Overall figures, the same per category (first-seen order) and per SQuAD article."""
    summary: dict[str, Any] = {**(extra or {}), "k": k, **figures(results)}
    categories = dict.fromkeys(r.question.category for r in results)
    summary["by_category"] = {
        cat: figures([r for r in results if r.question.category == cat]) for cat in categories
    }
    articles = dict.fromkeys(r.question.article for r in results if r.question.article)
    if articles:  # SQuAD: each article is its own corpus, so its own figures say most
        summary["by_article"] = {
            name: figures([r for r in results if r.question.article == name]) for name in articles
        }
    return summary


def metric_value(summary: Mapping[str, Any], name: str) -> float | None:
    """``METRIC`` or ``CATEGORY.METRIC`` from a summary; KeyError when it names nothing."""
    category, _, metric = name.rpartition(".")
    if metric not in METRICS:
        raise KeyError(name)
    if not category:
        return summary[metric]
    group = summary["by_category"].get(category)
    if group is None:
        raise KeyError(name)
    return group[metric]


def result_json(result: Result) -> dict[str, Any]:
    """One ``--json`` result: the question, what the bot said, the ranked passages."""
    q = result.question
    row: dict[str, Any] = {
        "id": q.id,
        "question": q.question,
        "category": q.category,
        "context": list(q.context),
        "answers": list(q.answers),
        "unanswerable": q.unanswerable,
        "answer": result.answer,
        "kind": result.kind,
        "abstained": result.abstained,
        "correct": result.correct,
        "correct_without_context": result.correct_alone,
        "rank": result.rank,
        "confidence": result.confidence,
        "latency_ms": result.latency_ms,
        "passages": [asdict(p) for p in result.passages],
    }
    if q.article is not None:
        row["article"] = q.article
        row["gold_passage"] = q.gold_passage
    return row
