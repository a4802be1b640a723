"""The kind of answer a question expects, and which sentences could hold one.

"How many businesses signed The Code?" is answered by the sentence with a number in it, even
when an earlier sentence repeats more of the question's words; "When was it founded?" by one
with a year or a date. Questions asking for a count or measure expect a ``number``; "when" and
"what year/century" questions a ``date``. Other questions expect nothing in particular.

The ranker lets a sentence that already shares a word with the question and holds the expected
kind of answer count a little more (see ``ANSWER_TYPE_SHARE``), both when it picks the passage's
answering sentence and in the passage's sentence evidence.
"""

from __future__ import annotations

import re

# How much of the question's weight a sentence holding the expected kind of answer is credited
# with: a fraction of one full match, so it breaks near-ties rather than outvoting the words.
ANSWER_TYPE_SHARE = 0.3

_NUMBER_QUESTION = re.compile(
    r"\bhow (?:many|much|long|old|large|big|far|high|tall|often|fast|deep|wide)\b"
    r"|\bwhat (?:percentage|percent|number|amount|proportion|size|population)\b"
)
_DATE_QUESTION = re.compile(r"\bwhen\b|\b(?:year|years|decade|century|month|date)\b")
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|half)\b"
)
_DATE = re.compile(
    r"\b(?:1\d{3}|20\d{2})s?\b|\b(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|century|centuries)\b"
)


def expected_type(question: str) -> str | None:
    """``"number"``, ``"date"`` or None: what kind of answer ``question`` asks for."""
    text = question.casefold()
    if _NUMBER_QUESTION.search(text):
        return "number"
    if _DATE_QUESTION.search(text):
        return "date"
    return None


def answer_types(sentence: str) -> frozenset[str]:
    """The kinds of answer ``sentence`` could give (a year counts as a number too)."""
    text = sentence.casefold()
    kinds = set()
    if _NUMBER.search(text):
        kinds.add("number")
    if _DATE.search(text):
        kinds.add("date")
    return frozenset(kinds)
