"""``ecpat-bot eval``, ``tune`` and ``train``: flags, engines from config, gates, printing.

Thin on purpose: the scoring lives in :mod:`.evaluate`, the search in :mod:`.tune`, the
training in :mod:`.train` and the reports in :mod:`.eval_report` and :mod:`.tune_report`, so
tests and other tools get the same figures as the terminal.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.config import Config
from bot.errors import UsageError
from bot.terminal.cli import config_from_args, warn

if TYPE_CHECKING:
    from bot.evaluation.questions import QuestionSet

# The question sets, evaluate, tune and the reports are imported by the commands that use
# them, so `ecpat-bot ask` does not pay for them at start-up. The question formats and the
# objectives `tune` knows (questions.FORMATS, tune.OBJECTIVES; a test keeps them equal):
FORMATS = ("jsonl", "squad")
OBJECTIVES = ("accuracy", "answer_accuracy", "decline_rate", "hit_at_1", "hit_at_k", "mrr")

PROGRESS_MIN = 50  # sets shorter than this finish before a bar is worth drawing


def register(subparsers: Any, add_common_flags: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``eval``, ``tune`` and ``train`` to the ``ecpat-bot`` parser."""
    ev = subparsers.add_parser("eval", help="measure the bot on a question set")
    _question_flags(ev)
    ev.add_argument("--json", action="store_true", help="print one JSON object (summary, results)")
    ev.add_argument("--k", type=int, metavar="N", help="passages ranked per question (top_k)")
    for flag, word in (("--fail-under", "below"), ("--fail-over", "above")):
        ev.add_argument(
            flag,
            nargs="+",
            action="extend",
            default=[],
            metavar="METRIC=VALUE",
            help=f"exit 1 when a figure is {word} VALUE (METRIC or CATEGORY.METRIC)",
        )
    ev.add_argument("--no-context", action="store_true", help="ask questions without context")
    ev.add_argument(
        "--collection",
        action="store_true",
        help="SQuAD: ask every question against all the file's articles at once",
    )
    ev.add_argument(
        "--max-failures",
        type=int,
        default=50,
        metavar="N",
        help="failed questions listed (default 50; 0: all)",
    )
    add_common_flags(ev)
    ev.set_defaults(handler=run_eval)
    tu = subparsers.add_parser("tune", help="search BM25 settings and the decline threshold")
    _question_flags(tu)
    tu.add_argument("--variants", metavar="LIST", help="BM25 variants, comma-separated")
    tu.add_argument("--k1", metavar="LIST", help="k1 values, comma-separated")
    tu.add_argument("--b", metavar="LIST", help="b values, comma-separated")
    tu.add_argument("--min-confidence", metavar="LIST", help="decline thresholds, comma-separated")
    tu.add_argument("--folds", type=int, default=5, metavar="N", help="cross-validation folds")
    objectives = ", ".join(OBJECTIVES)
    tu.add_argument(
        "--objective",
        default="accuracy",
        metavar="METRIC",
        help=f"figure to maximise (one of {objectives})",
    )
    tu.add_argument("--seed", type=int, default=0, help="fold assignment seed")
    tu.add_argument("--json", action="store_true", help="print one JSON object (the outcome)")
    tu.add_argument("--write", metavar="PATH", help="also write the best settings to PATH")
    tu.add_argument("--force", action="store_true", help="let --write replace an existing file")
    add_common_flags(tu)
    tu.set_defaults(handler=run_tune)
    tr = subparsers.add_parser("train", help="fit the answer-or-decline model on question sets")
    tr.add_argument("sets", nargs="*", metavar="FILE", help="JSONL question sets about the article")
    tr.add_argument("--squad", metavar="FILE", help="a SQuAD JSON file (answers and negatives)")
    tr.add_argument(
        "--learner",
        choices=("blend", "trees", "logistic"),
        default="blend",
        help="logistic regression (numpy), boosted trees (scikit-learn), or a weighted mean "
        "of both (default)",
    )
    tr.add_argument(
        "--trees-share",
        type=float,
        metavar="S",
        help="the trees' share of a blend's probability, 0 to 1 (default 0.7)",
    )
    tr.add_argument("--l2", type=float, default=1.0, help="L2 penalty (default 1.0)")
    for flag, what in (
        ("--rounds", "trees grown"),
        ("--leaves", "most leaves a tree has"),
        ("--min-leaf", "fewest rows a leaf holds"),
    ):
        tr.add_argument(flag, type=int, metavar="N", help=f"{what} (default: the shipped model's)")
    tr.add_argument(
        "--learning-rate",
        type=float,
        metavar="R",
        help="each tree's shrinkage, above 0 and at most 1 (default: the shipped model's)",
    )
    tr.add_argument(
        "--no-associations",
        dest="associations",
        action="store_false",
        help="learn no word associations (retrieval/associations.py)",
    )
    tr.add_argument("--write", metavar="PATH", help="write the model (JSON) to PATH")
    tr.add_argument("--shipped", action="store_true", help="write it as the shipped model")
    add_common_flags(tr)
    tr.set_defaults(handler=run_train)


def _question_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="question set (JSONL or SQuAD JSON)")
    parser.add_argument("--format", choices=FORMATS, help="question format (default: detected)")


# -- shared ---------------------------------------------------------------------------------


def _load(args: argparse.Namespace) -> QuestionSet:
    from bot.evaluation.questions import QuestionSetError, load_questions

    try:
        qset = load_questions(args.file, args.format)
    except QuestionSetError as err:
        raise UsageError(str(err)) from None
    for problem in qset.problems:
        print(f"{args.file}: {problem} (skipped)", file=sys.stderr)
    return qset


class ProgressBar:
    """A one-line bar on a terminal; silent when the stream is not a TTY (logs, CI, pipes)."""

    def __init__(self, stream: TextIO, total: int, label: str = "") -> None:
        self.stream, self.total, self.label = stream, total, label
        self.on = total >= PROGRESS_MIN and stream.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.on:
            return
        percent = done * 100 // max(total, 1)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\r{self.label}[{bar:<25}] {done}/{total}")
            if done >= total:
                self.stream.write("\r" + " " * (len(self.label) + 40) + "\r")
            self.stream.flush()


# -- eval -----------------------------------------------------------------------------------


def _gates(specs: list[str], flag: str) -> list[tuple[str, float]]:
    from bot.evaluation import evaluate

    gates = []
    for spec in specs:
        name, sep, value = spec.partition("=")
        try:
            threshold = float(value)
        except ValueError:
            threshold = math.nan
        if not sep or not math.isfinite(threshold):  # nan compares false: the gate would pass
            raise UsageError(f"{flag} expects METRIC=VALUE with a finite number, got {spec!r}")
        if name.rpartition(".")[2] not in evaluate.METRICS:
            known = ", ".join(evaluate.METRICS)
            raise UsageError(f"{flag}: unknown metric {name!r} (known: {known})")
        gates.append((name, threshold))
    return gates


def run_eval(args: argparse.Namespace, config: Config) -> int:
    """Ask every question, print the report, apply the gates (exit 1 when one fails)."""
    from bot.evaluation import evaluate
    from bot.evaluation.eval_report import report

    under, over = _gates(args.fail_under, "--fail-under"), _gates(args.fail_over, "--fail-over")
    if args.k is not None:
        config = config_from_args(args, **{"retrieval.top_k": args.k})
    qset = _load(args)
    categories = set(qset.categories)
    for name, _ in under + over:
        category = name.rpartition(".")[0]
        if category and category not in categories:
            raise UsageError(f"unknown category {category!r} in gate {name!r}")
    if args.collection:
        if qset.format != "squad":
            raise UsageError("--collection applies to SQuAD files only")
        collection, qset = evaluate.squad_collection(qset)
        engine_for = evaluate.collection_engines(collection)(config)
    else:
        engine_for = evaluate.engine_factory(qset, config)(config)
    bar = ProgressBar(sys.stderr, len(qset.questions), "eval ")
    results = evaluate.run(qset.questions, engine_for, not args.no_context, progress=bar)
    extra = {
        "file": str(args.file),
        "format": qset.format,
        "context": not args.no_context,
        "collection": bool(args.collection),
        "malformed": [str(p) for p in qset.problems],
    }
    summary = evaluate.summarize(results, config.retrieval.top_k, extra)
    if args.json:
        payload = {"summary": summary, "results": [evaluate.result_json(r) for r in results]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(report(summary, results, args.max_failures))
    return _check_gates(summary, under, over)


def _check_gates(
    summary: dict[str, Any], under: list[tuple[str, float]], over: list[tuple[str, float]]
) -> int:
    from bot.evaluation import evaluate

    failed = 0
    checks = [(n, t, True) for n, t in under] + [(n, t, False) for n, t in over]
    for name, threshold, below in checks:
        value = evaluate.metric_value(summary, name)
        if value is None:
            print(f"eval: {name} cannot be checked: no questions it applies to", file=sys.stderr)
            failed += 1
        elif (value < threshold) if below else (value > threshold):
            word = "below" if below else "above"
            print(f"eval: {name} {value:.4f} is {word} the threshold {threshold}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


# -- tune -----------------------------------------------------------------------------------


def run_tune(args: argparse.Namespace, config: Config) -> int:
    """Grid search with k-fold CV; prints a TOML document (report lines are comments) or JSON."""
    from bot.evaluation import evaluate, tune
    from bot.evaluation.tune_report import render, to_json, to_toml

    try:
        grid = tune.grid_from_flags(config, args.variants, args.k1, args.b, args.min_confidence)
        tune.check_options(args.objective, args.folds)
    except ValueError as err:
        raise UsageError(str(err)) from None
    target = Path(args.write) if args.write else None
    if target is not None and target.exists() and not args.force:
        raise UsageError(f"{target} exists; add --force to replace it")
    qset = _load(args)
    too_few = tune.fold_warning(len(qset.questions), args.folds)
    if too_few:
        warn(too_few)
    bar = ProgressBar(sys.stderr, grid.engines * len(qset.questions), "tune ")
    outcome = tune.search(
        qset.questions,
        evaluate.engine_factory(qset, config),
        config,
        grid,
        args.folds,
        args.objective,
        args.seed,
        progress=bar,
    )
    if args.json:
        print(json.dumps(to_json(outcome, str(args.file)), ensure_ascii=False, indent=2))
    else:
        print(render(outcome, str(args.file)))
    if target is not None:
        try:
            target.write_text(to_toml(outcome.best, header=f"ecpat-bot tune {args.file}"))
        except OSError as err:
            raise UsageError(f"cannot write {target}: {err.strerror}") from None
        if not args.json:  # stdout stays one JSON object
            print(f"# written to {target}")
    return 0


def run_train(args: argparse.Namespace, config: Config) -> int:
    from bot.evaluation import (
        train,  # imported when run: `ask` must not load the training machinery
    )

    return train.run_train(args, config)
