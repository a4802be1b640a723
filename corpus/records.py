"""Plain records for a parsed article: what every other layer reads, never mutates."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

# The sections the parser names itself: the text before the first heading, and the infobox.
# Their names are not the article's words (see :attr:`Passage.heading`).
LEAD = "Lead"
INFOBOX = "Infobox"


@dataclass(frozen=True)
class Reference:
    """One entry of the article's numbered reference list."""

    n: int
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Sentence:
    """A sentence with its footnote markers removed and kept as citation numbers.

    ``citations`` are all its markers; ``sources`` the footnotes that source it, the one for
    the sentence as a whole first (see :func:`corpus.sentences.split_sentences`).
    """

    text: str
    citations: tuple[int, ...] = ()
    sources: tuple[int, ...] = ()


@dataclass(frozen=True)
class Passage:
    """The unit of retrieval: one paragraph (or a slice of a long one) of one section.

    ``article`` is the title of the article it belongs to once it is part of a
    :class:`Collection` (empty straight from the parser), so ranking can tell articles apart
    without a lookup table.
    """

    id: str
    section: str
    text: str
    sentences: tuple[Sentence, ...]
    citations: tuple[int, ...] = ()
    article: str = ""

    @property
    def heading(self) -> str:
        """Its section's heading as readers see it: none for the lead and the infobox, whose
        names only the parser gives ("who leads ECPAT?" is not about the lead section)."""
        return "" if self.section in (LEAD, INFOBOX) else self.section


@dataclass(frozen=True)
class Article:
    """A parsed article: title, infobox facts, sections in order, references, passages.

    ``url`` is the link its file gives on a ``URL:`` line (None when it gives none);
    ``examples`` are questions it answers well, for greetings and help (shipped beside the
    default article; built from the content otherwise, see :func:`example_questions`).
    """

    title: str
    passages: tuple[Passage, ...]
    sections: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    references: tuple[Reference, ...] = field(default=())
    url: str | None = None
    examples: tuple[str, ...] = ()

    def reference(self, n: int) -> Reference | None:
        """The reference numbered ``n``, if the list has it."""
        return self._numbered.get(n)

    @cached_property
    def _numbered(self) -> dict[int, Reference]:
        """References by number, the first of a repeated number (looked up once per citation:
        a scan of the list each time is quadratic in a list of thousands)."""
        numbered: dict[int, Reference] = {}
        for ref in self.references:
            numbered.setdefault(ref.n, ref)
        return numbered


@dataclass(frozen=True)
class Collection:
    """Articles answered from together: one index over all their passages.

    ``passages`` are every article's passages, each labelled with its article's title and,
    when there is more than one article, its id prefixed with the article's slug
    (``prefixes``, parallel to ``articles``) so ids stay unique across articles. A collection
    of one article keeps the parser's ids, so question sets written for it keep working.
    """

    articles: tuple[Article, ...]
    passages: tuple[Passage, ...]
    prefixes: tuple[str, ...] = ()

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(a.title for a in self.articles)

    def article(self, title: str) -> Article:
        """The article titled ``title``; KeyError when there is none."""
        for article in self.articles:
            if article.title == title:
                return article
        raise KeyError(title)

    def article_of(self, passage: Passage) -> Article:
        """The article ``passage`` comes from (the only one for a one-article collection)."""
        if len(self.articles) == 1 or not passage.article:
            return self.articles[0]
        return self.article(passage.article)

    def passage_id(self, title: str, local_id: str) -> str:
        """The collection's id for the passage ``local_id`` of the article ``title``."""
        for article, prefix in zip(self.articles, self.prefixes, strict=True):
            if article.title == title:
                return f"{prefix}/{local_id}" if prefix else local_id
        raise KeyError(title)


def example_questions(article: Article) -> tuple[str, ...]:
    """Questions an article can answer, from its own content: what it is, an infobox fact,
    a section. The article's own ``examples`` when it has them."""
    if article.examples:
        return article.examples
    name = dict(article.facts).get("Name", article.title)
    found = [f"What is {name}?"]
    for label, _ in article.facts:
        if label != "Name":
            found.append(f"What is the {label.casefold()} of {name}?")
            break
    sections = [s for s in article.sections if s not in (LEAD, INFOBOX)]
    if sections:
        found.append(f"Tell me about {sections[0]}")
    return tuple(found)
