"""Serving stays within bounded memory: per-word caches forget, the build leaves gc as found."""

from __future__ import annotations

import gc

from corpus import Article
from corpus.parse import parse_article
from retrieval import RetrievalSettings, Retriever
from retrieval.analyzer import remembered_stem
from retrieval.typos import CACHE_SIZE, build_speller
from retrieval.wordstats import remembered_zipf


def test_the_speller_remembers_a_bounded_number_of_words() -> None:
    speller = build_speller([["lighthouse", "keeper", "harbour"]])
    for n in range(CACHE_SIZE + 500):
        speller.correct(f"lighthuose{n}")
    assert len(speller._cache) == CACHE_SIZE
    assert speller.correct("lighthuose") == "lighthouse"  # still corrects after forgetting


def test_word_caches_are_bounded() -> None:
    assert remembered_zipf.cache_info().maxsize is not None
    assert remembered_stem.cache_info().maxsize is not None


def test_building_leaves_the_collector_as_it_was(article: Article) -> None:
    assert gc.isenabled()
    Retriever(article.passages, RetrievalSettings())
    assert gc.isenabled()
    gc.disable()
    try:
        Retriever(article.passages, RetrievalSettings())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_many_sections_and_references_parse_in_order() -> None:
    sections = [f"Part {n}" for n in range(3000)]
    body = "".join(
        f"{s}[edit]\n\nThe harbour keeper lit lamp {n} every night.[{n + 1}]\n\n"
        for n, s in enumerate(sections)
    )
    refs = "".join(f"  {n}. ^ Source {n}.\n" for n in range(1, 3001))
    refs += "  5. ^ A repeated number keeps its first text.\n"
    article = parse_article(f"Keepers\n\n{body}References[edit]\n{refs}")
    assert article.sections == tuple(sections)
    assert [r.n for r in article.references] == list(range(1, 3001))
    assert article.references[4].text == "Source 5."
