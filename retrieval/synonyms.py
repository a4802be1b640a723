"""A general-purpose thesaurus for words people use in questions but articles don't.

A question word the article never uses searches for its relatives ("When did it start?" can
still meet "founded"/"established"), and a relative the quote holds counts as covering the
word. Two sources: a few dozen hand-made groups of general English, not fitted to any question
set (a word may sit in several), and WordNet's commonest senses of every common English word
(``data/thesaurus.txt``, built by :mod:`retrieval.wordnet`). British and American spellings
are folded by the analyzer, not here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from retrieval.wordstats import table_row

_GROUPS = """
found establish start begin launch create form inception origin originate
chair chairperson chairman chairwoman chairs president leader head boss charge leads
headquarters hq office base based seat secretariat address
address location located situated street
country nation state
company business firm corporation enterprise brand retailer
organisation organization group body network ngo association
meeting congress conference summit gathering forum assembly
treaty convention protocol agreement accord pact instrument
police enforcement
kid child minor youth juvenile young
online internet web cyber digital
travel tourism tourist trip traveler traveller holiday
campaign movement drive initiative
research study investigate
report publication document
goal aim purpose mission objective focus
focus concentrate target priority emphasis
website homepage site url
partner partnership collaborate cooperate cooperation alliance team ally partnered
end stop halt prevent fight combat tackle eliminate eradicate
develop devise design draft devised developed
abuse exploitation exploit
original originally initial initially first early
today now currently nowadays present
global worldwide international world
protect safeguard defend shield
run operate manage organise organize coordinate
join member membership affiliate
collect gather
produce publish issue
city town capital
ask call urge petition
sign signature signatory endorse
grow become turn evolve transform expand
region area continent zone
employee staff worker personnel
""".strip().splitlines()

SYNONYMS: dict[str, frozenset[str]] = {}
for _line in _GROUPS:
    _words = _line.split()
    for _w in _words:
        SYNONYMS[_w] = SYNONYMS.get(_w, frozenset()) | frozenset(x for x in _words if x != _w)


def related(word: str) -> frozenset[str]:
    """Words interchangeable with ``word`` in a question (empty when none are known)."""
    return SYNONYMS.get(word, frozenset())


def _stem_table() -> dict[str, frozenset[str]]:
    from retrieval.analyzer import stem

    table: dict[str, set[str]] = {}
    for word, others in SYNONYMS.items():
        table.setdefault(stem(word), set()).update(stem(o) for o in others)
    return {term: frozenset(alts - {term}) for term, alts in table.items()}


_STEMS: dict[str, frozenset[str]] | None = None


@cache
def _wordnet_lines() -> list[str]:
    return (Path(__file__).parent / "data" / "thesaurus.txt").read_text("utf-8").splitlines()


def _wordnet(term: str) -> frozenset[str]:
    """``term``'s row of the WordNet table (:mod:`retrieval.wordnet`), found by bisection."""
    row = table_row(_wordnet_lines(), term)
    return frozenset(row.split()) if row is not None else frozenset()


def related_terms(term: str) -> frozenset[str]:
    """Index terms (stems) interchangeable with the index term ``term``: the hand-made
    groups above and WordNet's commonest senses."""
    global _STEMS
    if _STEMS is None:
        _STEMS = _stem_table()
    return _STEMS.get(term, frozenset()) | _wordnet(term)


# Phrasal verbs people ask with, and the one word an article would use instead. Applied to a
# question before it is analysed ("Who came up with it?" asks who devised it).
_PHRASES = (
    (r"(?:come|comes|came|coming) up with", "devised"),
    (r"(?:set|sets|setting) (?:it |them )?up", "established"),
    (r"(?:start|started|starting) (?:it |them )?up", "founded"),
    (r"(?:turn|turns|turned|turning) into", "became"),
    (r"(?:team|teams|teamed|teaming) up with", "partnered with"),
    (r"(?:carry|carries|carried|carrying) out", "conducted"),
    (r"(?:find|finds|found|finding) out", "discovered"),
    (r"(?:get|gets|got|getting) rid of", "eliminated"),
    (r"(?:look|looks|looked|looking) after", "protected"),
    (r"(?:put|puts|putting) together", "compiled"),
    (r"(?:be|is|are|was|were) in charge(?: of)?", "leads"),
    (r"(?:came|come|comes) into being", "founded"),
)
_PHRASE = re.compile(
    r"\b(?:" + "|".join(f"(?P<p{i}>{p})" for i, (p, _) in enumerate(_PHRASES)) + r")\b",
    re.IGNORECASE,
)


def single_words(text: str) -> str:
    """``text`` with each phrasal verb replaced by the single word that means it."""

    def one(match: re.Match[str]) -> str:
        return next(_PHRASES[int(k[1:])][1] for k, v in match.groupdict().items() if v)

    return _PHRASE.sub(one, text)
