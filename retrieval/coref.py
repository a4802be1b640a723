"""Coreference, lightly: a sentence that opens with a pronoun is about the previous subject.

"The End Child Prostitution and Trafficking (ECPAT) is a global network ... It focuses on
halting ..." - the second sentence is about ECPAT although it never names it. Sentence evidence
and the choice of the answering sentence look at one sentence at a time, so such a sentence
would lose to any other that names its subject. Here the opening pronoun is replaced by the
subject of the sentence before (itself resolved, when it opens with a pronoun too), so that
"What does ECPAT focus on?" meets "[ECPAT] focuses on".

The ranker uses the resolved sentences for phrase evidence and to choose the answering sentence
(and its neighbour), not for a passage's sentence evidence: there, on the SQuAD excerpt, the
subject's words made every "It ..." sentence of an article look like an answer to any question
naming the article (passage hit@1 86.4% -> 86.0%).

The subject is the words before the sentence's first auxiliary or copula ("is", "was", "has",
...), when one comes early; otherwise its first two content words ("ECPAT International works
with ..." -> "ECPAT International"). An opening phrase set off by a comma ("In 1996, ...") is
skipped. No parser: a wrong guess only adds a few words the passage already holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.analyzer import analyze

# Pronouns and determiners that, opening a sentence, point back to what came before.
PRONOUNS = frozenset("it its they their them this these he she his her".split())
_AUXILIARIES = frozenset(
    "is are was were be been being has have had will would can could may might must shall "
    "should does do did became becomes become remains remained".split()
)
_CLAUSE = frozenset(("that", "which", "who", "whom", "whose", "where", "when"))
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# The subject must end within this many words for the auxiliary rule to apply.
_SUBJECT_WORDS = 8
# Content terms taken from the start of a sentence when no auxiliary ends its subject early.
_FALLBACK_TERMS = 2
# An opening phrase set off by a comma: "In 1996, ...", "Between 2009 and 2012, ...".
_OPENING = re.compile(
    r"^(?:in|on|at|by|from|during|after|before|between|since|until|as|with|for|today)\b[^,]{0,60},\s*",
    re.IGNORECASE,
)


# Words that, opening a sentence, carry the one before on: its pronouns, and connectives.
CONTINUING = PRONOUNS | frozenset(
    "such but however yet thus therefore consequently accordingly hence".split()
)
# Opening phrases that say the sentence follows from the one before ("As a result, ...").
_FOLLOWING = re.compile(
    r"^\W*(?:as an? (?:result|consequence)|as such|because of (?:this|that|these|it)"
    r"|for (?:this|that|these) reasons?|in (?:response|turn))\b",
    re.IGNORECASE,
)


def continues(sentence: str) -> bool:
    """True when the sentence's first word carries the previous sentence on (``CONTINUING``),
    or an opening phrase says it follows from it ("As a result, ...")."""
    first = _WORD.search(sentence)
    if first is not None and first.group().casefold() in CONTINUING:
        return True
    return _FOLLOWING.match(sentence) is not None


def opens_with_pronoun(sentence: str) -> bool:
    """True when the sentence's first word points back (``PRONOUNS``)."""
    first = _WORD.search(sentence)
    return first is not None and first.group().casefold() in PRONOUNS


def subject_terms(sentence: str) -> list[str]:
    """The index terms of the sentence's subject (see the module docstring)."""
    text = _OPENING.sub("", sentence.lstrip(" (\"'“‘"), count=1)
    tokens = _WORD.findall(text)
    for i, token in enumerate(tokens[:_SUBJECT_WORDS]):
        word = token.casefold()
        if word in _AUXILIARIES:
            return analyze(" ".join(tokens[:i]))
        if word in _CLAUSE:  # "X produces reports that are ...": the verb came before
            break
    return analyze(text)[:_FALLBACK_TERMS]


def resolve(
    sentences: Sequence[str], analysed: Sequence[Sequence[str]] | None = None
) -> list[list[str]]:
    """Each sentence's index terms, an opening pronoun replaced by the previous subject.

    ``analysed``: each sentence's ``analyze`` terms when the caller has them already (an
    article's index is built from them), so no sentence is analysed twice.
    """
    streams: list[list[str]] = []
    subject: list[str] = []
    for i, sentence in enumerate(sentences):
        terms = list(analysed[i]) if analysed is not None else analyze(sentence)
        if i > 0 and opens_with_pronoun(sentence):
            terms = subject + terms
        else:
            subject = subject_terms(sentence)
        streams.append(terms)
    return streams
