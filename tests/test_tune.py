"""``ecpat-bot tune``: the TOML it prints loads as config, the threshold shortcut, the folds."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from cli_helpers import GUILD_FACTS, write_jsonl

from bot.config import Config, load_config
from bot.engine import Engine
from bot.evaluation import eval_cli, questions, tune, tune_report
from bot.evaluation.evaluate import EngineFor, run
from bot.evaluation.questions import Question, load_questions
from bot.terminal.cli import main
from corpus import Article

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "corpus" / "questions" / "ecpat.jsonl"

ROWS = [
    *GUILD_FACTS,
    {
        "id": "u1",
        "question": "What is the capital of Peru?",
        "answers": [],
        "unanswerable": True,
        "category": "unrelated",
    },
    {"id": "u2", "question": "Hello", "answers": [], "unanswerable": True, "category": "unrelated"},
]
SMALL_GRID = (
    "--variants",
    "lucene,okapi",
    "--k1",
    "1.2",
    "--b",
    "0.75",
    "--min-confidence",
    "0.3,0.6",
)


@pytest.fixture
def qfile(isolated: Path) -> Path:
    return write_jsonl(isolated, ROWS)


def test_tune_prints_toml_that_load_config_accepts(qfile, small_article, capsys):
    out_path = qfile.parent / "best.toml"
    argv = ["tune", str(qfile), "--article", str(small_article), *SMALL_GRID, "--folds", "2"]
    assert main([*argv, "--write", str(out_path)]) == 0
    out = capsys.readouterr().out
    printed = tomllib.loads(out)  # the whole report is TOML: the figures are comments
    assert set(printed) == {"retrieval", "answer"}
    assert printed["retrieval"]["variant"] in ("lucene", "okapi")
    assert printed["answer"]["min_confidence"] in (0.3, 0.6)
    assert "2-fold cross-validated" in out and "fold 2:" in out
    config = load_config(out_path)
    assert config.retrieval.variant == printed["retrieval"]["variant"]
    assert (config.retrieval.k1, config.retrieval.b) == (1.2, 0.75)
    assert config.answer.min_confidence == printed["answer"]["min_confidence"]
    assert config.retrieval.top_k == Config().retrieval.top_k  # untouched keys keep defaults


def test_write_does_not_replace_a_file_without_force(qfile, small_article, capsys):
    target = qfile.parent / "config.toml"
    target.write_text("# mine\n", encoding="utf-8")
    argv = [
        "tune",
        str(qfile),
        "--article",
        str(small_article),
        *SMALL_GRID,
        "--write",
        str(target),
    ]
    assert main(argv) == 2
    assert "add --force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "# mine\n"
    assert main([*argv, "--force"]) == 0
    assert load_config(target).answer.min_confidence in (0.3, 0.6)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--b", "1.5"), "between 0 and 1"),
        (("--variants", "bm99"), "unknown BM25 variant 'bm99'"),
        (("--k1", "x"), "cannot read the list"),
        (("--objective", "latency_p95_ms"), "unknown objective"),
        (("--folds", "1"), "at least 2"),
    ],
)
def test_bad_tune_options_are_usage_errors(qfile, capsys, flags, message):
    assert main(["tune", str(qfile), *flags]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_default_grid_puts_configured_values_first() -> None:
    config = Config()
    config = dataclasses.replace(
        config, answer=dataclasses.replace(config.answer, min_confidence=0.45)
    )
    grid = tune.grid_from_flags(config)
    assert grid.variants[0] == config.retrieval.variant
    assert grid.k1[0] == config.retrieval.k1 and grid.b[0] == config.retrieval.b
    assert grid.min_confidence[0] == 0.45 and 0.5 in grid.min_confidence
    assert tune.grid_from_flags(config, k1="2, 1.2").k1 == (1.2, 2.0)


def one_engine(article: Article, config: Config) -> EngineFor:
    engine = Engine(article, config)
    return lambda question: engine


def test_threshold_shortcut_matches_a_real_engine(article: Article) -> None:
    """Varying min_confidence after the run gives what an engine built with it would."""
    questions = load_questions(SHIPPED).questions
    base = Config()
    loose = tune.configured(base, tune.Setting("lucene", 1.2, 0.75, 0.0))
    at_zero = run(questions, one_engine(article, loose), compare_alone=False)
    for threshold in (0.2, 0.5, 0.8):
        cfg = tune.configured(base, tune.Setting("lucene", 1.2, 0.75, threshold))
        real = run(questions, one_engine(article, cfg), compare_alone=False)
        setting = tune.Setting("lucene", 1.2, 0.75, threshold)
        engines = lambda c: one_engine(article, c)  # noqa: E731
        shortcut = tune.at_setting(questions, engines, base, setting, at_zero)
        assert [(r.abstained, r.correct) for r in real] == [
            (r.abstained, r.correct) for r in shortcut
        ], threshold


def test_folds_are_stratified_and_deterministic() -> None:
    questions = [Question(f"q{i}", "Q?", ("a",), category="abc"[i % 3]) for i in range(30)]
    folds = tune.assign_folds(questions, 5, seed=1)
    assert folds == tune.assign_folds(questions, 5, seed=1)
    assert Counter(folds) == {f: 6 for f in range(5)}
    for category in "abc":
        assert Counter(
            f for q, f in zip(questions, folds, strict=True) if q.category == category
        ) == {f: 2 for f in range(5)}


def test_to_toml_round_trips() -> None:
    setting = tune.Setting("plus", 2.0, 0.5, 0.35)
    data = tomllib.loads(tune_report.to_toml(setting, header="x"))
    assert data == {
        "retrieval": {"variant": "plus", "k1": 2.0, "b": 0.5},
        "answer": {"min_confidence": 0.35},
    }


def test_cli_lists_the_objectives_and_formats_the_code_knows() -> None:
    assert eval_cli.OBJECTIVES == tune.OBJECTIVES
    assert eval_cli.FORMATS == questions.FORMATS


@pytest.mark.e2e
def test_ask_does_not_import_the_eval_machinery() -> None:
    code = (
        "import sys; from bot.terminal.cli import main; main(['ask', 'When was ECPAT founded?']); "
        "print(sorted(m for m in sys.modules if m in ('bot.evaluation.evaluate', "
        "'bot.evaluation.tune', 'bot.evaluation.eval_report', 'bot.evaluation.questions', "
        "'telegram')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


# -- --json and folds too small ----------------------------------------------------------------


def test_tune_json_is_one_object_with_the_same_choice_as_the_toml(qfile, small_article, capsys):
    argv = ["tune", str(qfile), "--article", str(small_article), *SMALL_GRID, "--folds", "2"]
    assert main(argv) == 0
    printed = tomllib.loads(capsys.readouterr().out)
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)  # the whole of stdout
    assert set(data) == {
        "file",
        "questions",
        "objective",
        "folds",
        "best",
        "cross_validated",
        "in_sample",
        "fold_picks",
        "ranking",
    }
    assert (data["file"], data["questions"], data["objective"], data["folds"]) == (
        str(qfile),
        5,
        "accuracy",
        2,
    )
    assert data["best"] == {**printed["retrieval"], **printed["answer"]}
    assert len(data["fold_picks"]) == 2
    assert len(data["ranking"]) == 4  # 2 variants x 1 k1 x 1 b x 2 thresholds
    scores = [row["score"] for row in data["ranking"]]
    assert scores == sorted(scores, reverse=True)
    assert {k: v for k, v in data["ranking"][0].items() if k != "score"} == data["best"]
    for figures in (data["cross_validated"], data["in_sample"]):
        assert figures["questions"] == 5 and 0 <= figures["accuracy"] <= 1


def test_tune_json_with_write_keeps_stdout_json(qfile, small_article, capsys):
    target = qfile.parent / "best.toml"
    argv = ["tune", str(qfile), "--article", str(small_article), *SMALL_GRID, "--folds", "2"]
    assert main([*argv, "--json", "--write", str(target)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert load_config(target).answer.min_confidence == data["best"]["min_confidence"]


@pytest.mark.parametrize(
    ("folds", "warning", "used"),
    [
        (
            2,
            "5 questions make 2 folds of about 2 each, fewer than 5: the cross-validated "
            "figures are rough (use fewer --folds or more questions)",
            2,
        ),
        (
            8,
            "5 questions are too few for 8 folds: using 5 folds of one question each, so the "
            "cross-validated figures are rough",
            5,
        ),
    ],
)
def test_too_few_questions_for_the_folds_is_a_one_line_warning(
    qfile, small_article, capsys, folds: int, warning: str, used: int
):
    argv = ["tune", str(qfile), "--article", str(small_article), *SMALL_GRID]
    assert main([*argv, "--folds", str(folds), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == f"ecpat-bot: warning: {warning}\n"
    assert json.loads(out)["folds"] == used


def test_enough_questions_for_the_folds_give_no_warning(isolated, small_article, capsys):
    rows = [{**row, "id": f"{row['id']}-{n}"} for n in range(4) for row in ROWS]
    qfile = write_jsonl(isolated, rows)
    argv = ["tune", str(qfile), "--article", str(small_article), *SMALL_GRID, "--folds", "4"]
    assert main(argv) == 0
    assert capsys.readouterr().err == ""
    assert tune.fold_warning(20, 4) is None and tune.fold_warning(19, 4) is not None
