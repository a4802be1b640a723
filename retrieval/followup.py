"""Deciding whether a question leans on the previous turn, and what it inherits.

A follow-up uses a pronoun ("When did it run?"), opens with an ellipsis ("and in how many
countries?", "what about ..."), or has no content word of its own ("When?", "How many?").
It inherits the previous turn's terms at a lower weight, so its own words still lead.
A question that stands on its own ("When was ECPAT founded?") inherits nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_PRONOUNS = frozenset(
    "it its it's they them their theirs this these those there he she him his her hers "
    "that one same".split()
)
# The pronouns that stand for an organisation, a thing or a people: what a question opening a
# conversation about one article means by them is the article's subject ("who founded it?").
_SUBJECT_PRONOUNS = frozenset("it its it's they them their theirs".split())
# The pronouns that stand for a person: after an answer naming one, "when did she start?"
# asks about that person, not about what the previous question asked.
_PERSONAL_PRONOUNS = frozenset("he him his himself she her hers herself".split())
_OPENERS = re.compile(
    r"^\s*(?:and|also|but|so|then|what about|how about|and what about|what of|same for|"
    r"in which|in what|in how|of which|for which|for how)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def is_followup(question: str, content_terms: int) -> bool:
    """True when ``question`` probably needs the previous turn to be understood."""
    if content_terms == 0:
        return True
    if _OPENERS.search(question):
        return True
    tokens = {t.casefold().replace("’", "'") for t in _WORD.findall(question)}
    return bool(tokens & _PRONOUNS)


def names_by_pronoun(question: str) -> bool:
    """True when ``question`` speaks of something only by a pronoun that could stand for an
    article's subject ("when did they start?")."""
    tokens = {t.casefold().replace("’", "'") for t in _WORD.findall(question)}
    return bool(tokens & _SUBJECT_PRONOUNS)


def names_a_person(question: str) -> bool:
    """True when ``question`` speaks of someone as "he" or "she"."""
    tokens = {t.casefold() for t in _WORD.findall(question)}
    return bool(tokens & _PERSONAL_PRONOUNS)


def inherited(terms: Mapping[str, float], weight: float) -> dict[str, float]:
    """The previous turn's terms scaled down for a follow-up."""
    return {term: w * weight for term, w in terms.items() if w * weight > 0.05}
