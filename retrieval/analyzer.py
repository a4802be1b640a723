"""One analyzer for passages and questions, so both sides of a match see the same terms.

Unicode normalisation, case folding and accent folding (a question typed without accents,
"Herve", must still meet "Hervé"), digit grouping removed ("1,300" -> "1300"), English stop
words dropped, irregular forms led to their base ("stood" -> "stand", "children" -> "child",
"chairmen" -> "chairman", which Snowball leaves apart), Snowball stemming (PyStemmer),
"-ify" verbs joined to their "-ification" nouns.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import Stemmer

from retrieval.lemmas import IRREGULAR
from retrieval.stopwords import STOP_WORDS

_DIGIT_GROUP = re.compile(r"(?<=\d)[,\u00a0\u202f](?=\d{3}(?!\d))")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# PyStemmer's own cache (10,000 words by default) is off: it would keep every long word
# ``stem`` deliberately does not remember (see CACHED_WORD_CHARS); short ones are remembered
# by ``stem`` anyway.
_STEMMER = Stemmer.Stemmer("english", 0)
# PyStemmer's stemmers must not be called from two threads at once, and the Telegram front end
# answers in worker threads.
_STEMMER_LOCK = threading.Lock()


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _drop_combining(match: re.Match[str]) -> str:
    return "".join(c for c in match.group() if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """NFKC, case and accent folding, typographic apostrophes made plain, digit groups joined."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        # Only non-ASCII characters can be combining marks: a per-character loop over the
        # whole text was most of the cost of analysing an article with a few accents.
        text = unicodedata.normalize("NFKC", _NON_ASCII.sub(_drop_combining, decomposed))
    text = text.replace("’", "'").replace("‘", "'").replace("´", "'")
    return _DIGIT_GROUP.sub("", text)


def words(text: str) -> list[str]:
    """Normalised words with stop words removed (surface forms, before stemming)."""
    out = []
    for word in _WORD.findall(normalize(text)):
        if word.endswith("'s"):
            word = word[:-2]
        word = word.replace("'", "")
        if word and word not in STOP_WORDS and (len(word) > 1 or word.isdigit()):
            out.append(word)
    return out


# British spellings folded to American before stemming, so "organisation" meets
# "organization" and "centre" meets "center". Applied to article and question alike, and only
# to words long enough that no two distinct English words differ by these endings alone.
_BRITISH = (  # (shortest word it applies to, pattern, replacement)
    (7, re.compile(r"is(ation|ations|e|ed|es|ing|er|ers)$"), r"iz\1"),
    (7, re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),
    (6, re.compile(r"our(s|ed|ing|ite|ites|able)?$"), r"or\1"),
    (5, re.compile(r"tre(s)?$"), r"ter\1"),
)


def american(word: str) -> str:
    """``word`` with a British ending spelled the American way."""
    for shortest, pattern, replacement in _BRITISH:
        if len(word) >= shortest:
            folded = pattern.sub(replacement, word)
            if folded != word:
                return folded
    return word


# Words up to this long are remembered once stemmed. Longer ones are stemmed each time: no
# English word is that long, and remembering 65,536 "words" of thousands of letters each, which
# a stream of hostile messages would bring, would hold hundreds of megabytes.
CACHED_WORD_CHARS = 40


def stem(word: str) -> str:
    """Snowball stem of one normalised word, irregular forms first led to their base."""
    return _stem(word) if len(word) > CACHED_WORD_CHARS else remembered_stem(word)


# "chairmen", "businessmen": a plural Snowball leaves apart from its singular. From seven
# letters on, no English word ending in "men" is anything else whose "-man" form is a word
# of its own ("abdomen", "specimen" fold to non-words, harmlessly; "omen" and "ramen" are
# shorter).
_PLURAL_MEN = 7


def _stem(word: str) -> str:
    if word.isdigit():
        return word
    base = IRREGULAR.get(word, word)
    if len(base) >= _PLURAL_MEN and base.endswith("men"):
        base = base[:-3] + "man"
    with _STEMMER_LOCK:
        term = _STEMMER.stemWord(american(base))
    # Snowball leaves "ratification" (ratif) apart from "ratify" (ratifi), and would join
    # "specify" to "specific" if the verb were cut instead: the noun joins its verb.
    if word.endswith(("ification", "ifications")) and term.endswith("if"):
        return term + "i"
    return term


remembered_stem = lru_cache(maxsize=65536)(_stem)


def analyze(text: str) -> list[str]:
    """The index terms of ``text``: normalised, stop words out, stemmed, in order."""
    return [stem(w) for w in words(text)]
