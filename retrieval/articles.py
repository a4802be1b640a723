"""What ranking knows about the articles behind a set of passages.

A collection indexes several articles' passages together; each passage names its article
(``Passage.article``). This module keeps, per article, the terms of its subject (every passage
of an article is about it, named or not) and of its name (a question naming an article is
about that one), and lifts a follow-up's article. Plain data in and out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from corpus.records import Passage
from retrieval.analyzer import analyze
from retrieval.bm25 import BM25Index
from retrieval.definitions import defined_kind, definition_subject
from retrieval.quoting import INFOBOX
from retrieval.reading import about_the_article, bare_name, past_greetings
from retrieval.records import Hit, Query
from retrieval.wordstats import is_english


class ArticleTerms:
    """Each article's subject and name terms, keyed by ``Passage.article``.

    Passages straight from the parser have no article name (``""``); ``title`` names theirs.
    """

    def __init__(self, passages: Sequence[Passage], title: str = "") -> None:
        groups: dict[str, list[Passage]] = {}
        for passage in passages:
            groups.setdefault(passage.article, []).append(passage)
        self._subjects = {key: subject_terms(ps, key or title) for key, ps in groups.items()}
        self._names = {key: name_terms(ps, key or title) for key, ps in groups.items()}

    @property
    def all_subjects(self) -> frozenset[str]:
        """Every article's subject and name terms together."""
        return frozenset().union(*self._subjects.values(), *self._names.values())

    @property
    def several(self) -> bool:
        """True for a collection of more than one article."""
        return len(self._names) > 1

    def subject(self, article: str) -> frozenset[str]:
        """The subject terms of ``article`` (empty for an article it does not know)."""
        return self._subjects.get(article, frozenset())

    def names(self, article: str) -> frozenset[str]:
        """The terms of ``article``'s name (empty for an article it does not know)."""
        return self._names.get(article, frozenset())

    def most_used_name(self, index: BM25Index) -> tuple[str, str] | None:
        """For one article, the term of its name its passages use most ("ecpat", not "end"
        or "child"), with the article's key; None for a collection, or a name it never uses."""
        if self.several or not self._names:
            return None
        ((article, names),) = self._names.items()
        held = {t: len(row[0]) for t in sorted(names) if (row := index.row(t)) is not None}
        return (article, max(held, key=held.__getitem__)) if held else None

    def named(self, terms: Sequence[str]) -> str | None:
        """The article whose name holds every one of ``terms`` ("ecpat"), if any."""
        wanted = set(terms)
        if not wanted:
            return None
        return next((key for key, names in self._names.items() if wanted <= names), None)

    def overview(self, text: str, followed: str | None, title: str) -> str:
        """``text``, or "What is <article>?" when it asks what the article is about ("What is
        this article about?") or what an article's coined name is ("What is ecpat?", or just
        "ecpat"): the same overview. ``followed``: the article a follow-up continues (None for
        a first question); ``title``: the article of passages that name none.

        Only a coined name counts ("ECPAT"), not common words ("child prostitution").
        """
        asked = past_greetings(text)  # "hey, what's ecpat?" asks the same
        subject = definition_subject(asked) or bare_name(asked)
        article = followed or title
        if not subject or not article:
            return text
        if about_the_article(subject, followed is not None):
            return f"What is {article}?"
        coined = not all(is_english(w.casefold()) for w in subject.split())
        named = self.named(analyze(subject)) if coined else None
        return text if named is None else f"What is {named or title}?"

    def names_other(self, query: Query, article: str) -> bool:
        """Whether the question's own words name an article other than ``article`` ("And
        the guild?" after an answer about ECPAT): then a follow-up leaves ``article``."""
        own = query.terms.keys() - query.inherited
        current = self._names.get(article, frozenset())
        return any(own & (names - current) for key, names in self._names.items() if key != article)


def lift_article(ranked: Sequence[Hit], article: str, bonus: float, keep: int) -> tuple[Hit, ...]:
    """``ranked`` with every passage of ``article`` raised by ``bonus``, re-sorted (ties keep
    their order), the first ``keep``."""
    lifted = [
        replace(h, score=h.score + bonus) if h.passage.article == article else h for h in ranked
    ]
    lifted.sort(key=lambda h: -round(h.score, 9))
    return tuple(lifted[:keep])


def subject_terms(passages: Sequence[Passage], title: str) -> frozenset[str]:
    """The terms naming the article's subject: its title, the infobox's name and what the
    first sentence says it is ("a global network of civil society organisations")."""
    terms = set(analyze(title))
    for passage in passages:
        first = passage.sentences[0].text if passage.sentences else ""
        if passage.section == INFOBOX:
            terms.update(analyze(first))
            continue
        terms.update(analyze(defined_kind(first) or ""))
        break
    return frozenset(terms)


def name_terms(passages: Sequence[Passage], title: str) -> frozenset[str]:
    """The terms of an article's name: its title's and its infobox name's ("ECPAT")."""
    terms = set(analyze(title.replace("_", " ")))
    first = passages[0] if passages else None
    if first is not None and first.section == INFOBOX and first.sentences:
        terms.update(analyze(first.sentences[0].text))
    return frozenset(terms)
