"""Words people ask with, learned from questions answered right: "cosmetics" for The Body Shop.

A thesaurus knows that "summit" may mean "congress"; it cannot know that readers of an article
call The Body Shop "a cosmetics company" or its secretariat "the central office". Questions
about that article that were answered right teach it: a question word the right quote does
not cover, seen again and again next to the same quote word, by several authors, stands for
that word. Such a word then counts as covered in the decision's signals (ranking is
unchanged), and is not read as a rare word the article never uses.

What is learned is about one article's wording, so each article has its own table, keyed by
its title, and applies only to it; an article nobody asked about has none, and the decision
knows (the ``familiar`` signal) not to expect any. The tables are learned by ``ecpat-bot
train`` (:func:`learn`) and shipped inside the decision model's file, so a model and the
associations it was trained with always go together. An associate must be specific to its
word: a quote word common to many answers ("children") is no associate (``min_lift``), nor is
one a single author's questions made (``min_sources``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Associations = Mapping[str, frozenset[str]]  # question term -> article terms it stands for
Tables = Mapping[str, Associations]  # article key (see :func:`article_key`) -> its table


def article_key(title: str) -> str:
    """The key an article's table is kept under: its title, case folded."""
    return " ".join(title.casefold().split())


@dataclass(frozen=True)
class Example:
    """One question answered right: the article it is about and the question set it comes
    from, the terms of it the right quote does not cover, and the quote's own terms. Or one
    the article does not answer (``right`` False), with its terms as ``missing``."""

    article: str
    source: str
    missing: frozenset[str]
    said: frozenset[str]
    right: bool = True  # False: a question the article does not answer, and its terms


@dataclass(frozen=True)
class LearnSettings:
    """How much evidence an association needs (see the module docstring)."""

    min_sources: int = 2  # question sets (authors) that made it, at least
    min_share: float = 0.5  # of the word's uncovered uses, the share next to the associate
    min_lift: float = 4.0  # how much likelier the associate is next to the word than anywhere
    per_term: int = 4  # associates kept per word, the most specific first
    # Only words at least this informative (retrieval.wordstats.information) learn any: a
    # common word ("first", "get") is asked with everything and stands for nothing.
    min_information: float = 3.5
    # A word asked in questions the article does not answer ("the capital of Sweden") more
    # than this share of its uses marks no answer: it stands for nothing.
    max_unanswered: float = 0.25


_DEFAULT = LearnSettings()


def learn(
    examples: Iterable[Example], settings: LearnSettings = _DEFAULT
) -> dict[str, dict[str, frozenset[str]]]:
    """Each article's table, learned from ``examples`` (articles without one are left out)."""
    by_article: defaultdict[str, list[Example]] = defaultdict(list)
    for e in examples:
        by_article[article_key(e.article)].append(e)
    tables = {key: _table(found, settings) for key, found in by_article.items()}
    return {key: table for key, table in tables.items() if table}


def _table(examples: list[Example], settings: LearnSettings) -> dict[str, frozenset[str]]:
    """One article's question term -> the quote terms it stands for."""
    unanswered = Counter(t for e in examples if not e.right for t in e.missing)
    examples = [e for e in examples if e.right]
    if not examples:
        return {}
    quoted = Counter(t for e in examples for t in e.said)  # in how many right quotes
    uses: Counter[str] = Counter()
    together: Counter[tuple[str, str]] = Counter()
    sources: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for e in examples:
        for word in e.missing:
            uses[word] += 1
            for term in e.said - e.missing:
                if term.isdigit():
                    continue  # a number answers one question; it stands for no word
                together[word, term] += 1
                sources[word, term].add(e.source)
    table: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (word, term), n in together.items():
        share = n / uses[word]
        lift = share / (quoted[term] / len(examples))
        if (
            unanswered[word] <= settings.max_unanswered * (uses[word] + unanswered[word])
            and len(sources[word, term]) >= settings.min_sources
            and share >= settings.min_share
            and lift >= settings.min_lift
        ):
            table[word].append((lift * n, term))
    return {
        word: frozenset(t for _, t in sorted(found, reverse=True)[: settings.per_term])
        for word, found in table.items()
    }


def merged(tables: Tables, articles: Iterable[str]) -> dict[str, frozenset[str]]:
    """One table for the articles (by title) of a collection: each word's associates in any."""
    out: dict[str, frozenset[str]] = {}
    for title in articles:
        for word, terms in tables.get(article_key(title), {}).items():
            out[word] = out.get(word, frozenset()) | terms
    return out


def to_json(tables: Tables) -> dict[str, dict[str, list[str]]]:
    """``tables`` as JSON data (sorted, so a retrained file diffs cleanly)."""
    return {
        key: {word: sorted(table[word]) for word in sorted(table)}
        for key, table in sorted(tables.items())
    }


def from_json(data: object) -> dict[str, dict[str, frozenset[str]]]:
    """The tables JSON data holds; ValueError when it is not articles -> words -> words."""
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and isinstance(table, dict) and all(_entry(*e) for e in table.items())
        for key, table in data.items()
    ):
        raise ValueError("associations must map each article to words and their associates")
    return {key: {w: frozenset(ts) for w, ts in table.items()} for key, table in data.items()}


def _entry(word: object, terms: object) -> bool:
    return (
        isinstance(word, str) and isinstance(terms, list) and all(isinstance(t, str) for t in terms)
    )


def known(tables: Tables, articles: Iterable[str]) -> frozenset[str]:
    """The titles among ``articles`` that have a table."""
    return frozenset(t for t in articles if article_key(t) in tables)


__all__ = [
    "Associations",
    "Example",
    "LearnSettings",
    "Tables",
    "article_key",
    "from_json",
    "known",
    "learn",
    "merged",
    "to_json",
]
