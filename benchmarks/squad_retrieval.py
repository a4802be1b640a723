"""Passage retrieval quality on a SQuAD 2.0 excerpt, against rank-bm25 baselines in the same run.

Each article's paragraphs form its own corpus (one passage per paragraph); every answerable
question is asked against its own article, and a question "hits" when the ranked passage is
the paragraph it was written from. Baselines (plain BM25Okapi on lowercase whitespace tokens,
on lowercase word tokens, and on our analyzer's tokens) are measured in the same run, so a
figure can be read as a ratio against them. "sent@1" counts the hits whose answering sentences
(what the bot would quote) hold an answer text. ``--ecpat`` adds the shipped-article check
(answer sentence holds an answer; unanswerable questions declined), so a change tuned on SQuAD
cannot quietly hurt the bot.

Usage: python benchmarks/squad_retrieval.py [PATH] [--ecpat] [--set retrieval.KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rank_bm25 import BM25Okapi  # noqa: E402

from bot.config import load_config  # noqa: E402
from corpus.parse import article_from_paragraphs  # noqa: E402
from retrieval.analyzer import analyze  # noqa: E402
from retrieval.ranker import RetrievalSettings, Retriever  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "squad-v2-dev-head.json"
# A ranker: (article title, paragraph texts) -> (question -> (passage indices best first, the
# top passage's answering sentences, or None when the ranker does not pick sentences)).
Ranked = tuple[list[int], str | None]
Ranker = Callable[[str, Sequence[str]], Callable[[str], Ranked]]


def ours(settings: RetrievalSettings, max_sentences: int = 2) -> Ranker:
    def build(title: str, paragraphs: Sequence[str]) -> Callable[[str], Ranked]:
        article = article_from_paragraphs(title, list(paragraphs))
        retriever = Retriever(article.passages, settings)
        index = {p.id: i for i, p in enumerate(article.passages)}

        def rank(question: str) -> Ranked:
            hits = retriever.search(retriever.query(question), None, max_sentences)
            said = None
            if hits:
                said = " ".join(hits[0].passage.sentences[i].text for i in hits[0].sentences)
            return [index[h.passage.id] for h in hits], said

        return rank

    return build


def okapi(tokenize: Callable[[str], list[str]]) -> Ranker:
    def build(title: str, paragraphs: Sequence[str]) -> Callable[[str], Ranked]:
        bm25 = BM25Okapi([tokenize(p) or ["\x00"] for p in paragraphs])

        def rank(question: str) -> Ranked:
            scores = bm25.get_scores(tokenize(question))
            return sorted(range(len(paragraphs)), key=lambda i: (-scores[i], i)), None

        return rank

    return build


Result = dict[str, tuple[int, int, float, int, int]]


def evaluate(data: dict, build: Ranker) -> Result:
    """Per article: (hits@1, hits@3, reciprocal-rank sum, questions, sentence hits).

    A sentence hit is a hit@1 whose answering sentences hold one of the answer texts (what the
    bot would quote); -1 everywhere when the ranker picks no sentences.
    """
    out = {}
    for art in data["data"]:
        paragraphs = [p["context"] for p in art["paragraphs"]]
        rank = build(art["title"], paragraphs)
        h1 = h3 = n = sh = 0
        rr = 0.0
        for gold, para in enumerate(art["paragraphs"]):
            for qa in para["qas"]:
                if qa.get("is_impossible"):
                    continue
                n += 1
                ranked, said = rank(qa["question"])
                pos = ranked.index(gold) + 1 if gold in ranked else 0
                if said is None:
                    sh = -1
                elif pos == 1 and any(_norm(a["text"]) in _norm(said) for a in qa["answers"]):
                    sh += 1
                h1 += pos == 1
                h3 += 0 < pos <= 3
                rr += 1 / pos if pos else 0.0
        out[art["title"]] = (h1, h3, rr, n, sh)
    return out


def report(name: str, result: Result) -> None:
    tot = [sum(r[i] for r in result.values()) for i in range(5)]
    sentences = all(r[4] >= 0 for r in result.values())
    print(f"\n{name}")
    head = f"  {'article':34} {'n':>4} {'hit@1':>7} {'hit@3':>7} {'MRR':>7}"
    print(head + (f" {'sent@1':>7}" if sentences else ""))
    for title, (h1, h3, rr, n, sh) in [*result.items(), ("ALL", tuple(tot))]:
        row = f"  {title[:34]:34} {n:4d} {h1 / n:7.1%} {h3 / n:7.1%} {rr / n:7.3f}"
        print(row + (f" {sh / n:7.1%}" if sentences else ""))


def _norm(text: str) -> str:
    text = re.sub(r"[^\w\s]", "", text.casefold())
    return " ".join(w for w in text.split() if w not in {"a", "an", "the"})


def ecpat_check(overrides: dict[str, str]) -> None:
    """Shipped questions through the engine: answered, with an answer in the quoted sentences;
    unanswerable ones declined (best coverage under answer.min_coverage, or no hit)."""
    from bot.engine import Conversation, Engine

    config = load_config(ROOT / "config.toml", overrides, env={})
    engine = Engine.from_config(config)
    ok = {"answerable": [0, 0], "unanswerable": [0, 0]}
    misses = []
    path = ROOT / "corpus" / "questions" / "ecpat.jsonl"
    for line in path.read_text("utf-8").splitlines():
        q = json.loads(line)
        if q["category"] == "smalltalk":
            continue
        conv = Conversation()
        for prior in q.get("context", []):
            conv = engine.reply(conv, prior, now=0.0)[1]
        reply, _ = engine.reply(conv, q["question"], now=0.0)
        hits = reply.answer.hits if reply.answer else ()
        if q["category"] in {"unrelated", "out-of-scope"} or q.get("unanswerable"):
            good = not hits or hits[0].coverage < config.answer.min_coverage
            bucket = "unanswerable"
        else:
            top = hits[0] if hits and reply.kind == "answer" else None
            said = " ".join(top.passage.sentences[i].text for i in top.sentences) if top else ""
            good = any(_norm(a) in _norm(said) for a in q["answers"])
            bucket = "answerable"
        ok[bucket][0] += good
        ok[bucket][1] += 1
        if not good:
            misses.append(f"{q['id']}: {q['question']}")
    print("\nECPAT check (engine, config.toml + overrides)")
    for bucket, (good, n) in ok.items():
        print(f"  {bucket:13} {good}/{n}")
    for miss in misses:
        print(f"    miss {miss}")
    article_q = "When was ECPAT founded?"
    engine.ask(article_q)
    times = []
    for _ in range(300):
        t0 = time.perf_counter()
        engine.ask(article_q)
        times.append(time.perf_counter() - t0)
    print(f"  answer p50 {statistics.median(times) * 1000:.3f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_DATA))
    parser.add_argument("--ecpat", action="store_true", help="also run the ECPAT article check")
    parser.add_argument("--no-baselines", action="store_true", help="skip the rank-bm25 baselines")
    parser.add_argument("--set", action="append", default=[], metavar="retrieval.KEY=VALUE")
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.set)
    config = load_config(ROOT / "config.toml", overrides, env={})
    data = json.loads(Path(args.path).read_text("utf-8"))
    if not args.no_baselines:
        plain = okapi(lambda text: text.lower().split())
        report("BM25Okapi, lowercase whitespace tokens", evaluate(data, plain))
        plain = okapi(lambda text: re.findall(r"\w+", text.lower()))
        report("BM25Okapi, lowercase word (\\w+) tokens", evaluate(data, plain))
        report("BM25Okapi, our analyzer's tokens", evaluate(data, okapi(analyze)))
    t0 = time.perf_counter()
    result = evaluate(data, ours(config.retrieval.settings(), config.answer.max_sentences))
    report(f"ecpat-bot Retriever ({time.perf_counter() - t0:.1f} s)", result)
    if args.ecpat:
        ecpat_check(overrides)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
