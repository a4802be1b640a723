"""Plain records for a parsed article: what every other layer reads, never mutates."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    """The unit of retrieval: one paragraph (or a slice of a long one) of one section."""

    id: str
    section: str
    text: str
    sentences: tuple[Sentence, ...]
    citations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Article:
    """A parsed article: title, infobox facts, sections in order, references, passages."""

    title: str
    passages: tuple[Passage, ...]
    sections: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    references: tuple[Reference, ...] = field(default=())

    def reference(self, n: int) -> Reference | None:
        """The reference numbered ``n``, if the list has it."""
        for ref in self.references:
            if ref.n == n:
                return ref
        return None
