"""Questions asking what something is, and the sentences that say what something is.

"What is ECPAT?" shares only "ECPAT" with the article, and every passage holds that word; the
sentence to quote is the one that defines it: "The End Child Prostitution and Trafficking
(ECPAT) is a global network ...". The ranker gives such a sentence the answer-type bonus.
"""

from __future__ import annotations

import re

# A subject: starts and ends with a word character's neighbourhood, never with white space, so
# the patterns below cannot try the same spaces as both subject and separator.
_SUBJECT = r"[^\s?!.](?:[^?!.]*[^\s?!.])?"
_DEFINITION_QUESTION = re.compile(
    r"^\W*(?:what(?:'s|’s|s\b|\s+(?:is|are|was|were))|(?:please\s+)?tell\s+me\s+about|about|"
    r"what\s+(?:do|can)\s+you\s+(?:know|tell\s+me)\s+about|"
    rf"describe|explain)\s+(?P<subject>{_SUBJECT})[\s?!.]*$"
    # "What does ECPAT do?", "what is ECPAT about": what it is, in other words.
    rf"|^\W*what\s+(?:does|do|did|is|was)\s+(?P<doer>{_SUBJECT})\s+(?:do|about)[\s?!.]*$",
    re.IGNORECASE,
)
# "Explain why ...", "About how many ...": a question of another kind.
_NOT_A_SUBJECT = frozenset("why how what when where who whom whose which".split())
# "The End Child Prostitution and Trafficking (ECPAT) is a global network ...": the subject
# before a copula and an article, in the sentence's first clause.
_DEFINING = re.compile(
    r"^(?P<subject>[^,;:]{2,120}?)\s+(?:is|are|was|were)\s+(?:a|an|the|one)\b", re.IGNORECASE
)


def definition_subject(question: str) -> str | None:
    """What a "What is X?" question asks to have defined (X, up to six words), if it is one;
    "Tell me about X", "What does X do?" and "What is X about?" ask the same."""
    match = _DEFINITION_QUESTION.match(" ".join(question.split()))
    if match is None:
        return None
    subject = match.group("subject") or match.group("doer")
    words = subject.split()
    if len(words) > 6 or words[0].casefold() in _NOT_A_SUBJECT:
        return None
    return subject


def defined_subject(sentence: str) -> str | None:
    """What ``sentence`` defines when it reads "X is a/an/the ...", else None."""
    match = _DEFINING.match(sentence)
    return match.group("subject") if match else None


_DEFINITION = re.compile(
    r"\s(?:is|are|was|were)\s+(?:a|an|the|one)\s+(?P<kind>[^,;:()]{2,80}?)"
    r"(?=\s+(?:that|which|who|whose|based|founded|and|in|with|for)\b|[,;:()]|\.?$)",
    re.IGNORECASE,
)


def defined_kind(sentence: str) -> str | None:
    """What ``sentence`` says its subject is: "X is a global network of civil society
    organisations that ..." gives "global network of civil society organisations"."""
    if defined_subject(sentence) is None:
        return None
    match = _DEFINITION.search(sentence)
    return match.group("kind") if match else None
