"""Reading a chat message as a question: what is noise, what asks about the article itself,
and what thing a question asks about.

People type questions inside greetings and apologies, with markup, and ask "what is this
article about?"; the pipeline's first stage (:meth:`retrieval.pipeline.Pipeline.analyse`)
reads them with these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.analyzer import analyze
from retrieval.wordstats import is_english

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_MARKDOWN = re.compile(r"```+|`|\*\*?|__|~~|^\s*(?:#{1,6}|>)\s*", re.MULTILINE)
_CLAUSE = re.compile(r"[^.!?,;\n]+[.!?,;]*")
_CHATTER = re.compile(
    r"^\W*(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|thanks?|thank you|thx|"
    r"sorry|excuse me|pardon|please|pls|ok|okay|quick question|one more|another one|"
    r"i have a question|question|lol|haha|hmm+|um+|uh+)\b[^?]*?$",
    re.IGNORECASE,
)
# Words at least this informative (a Zipf frequency under 4.5) name a topic of their own.
TOPIC_INFORMATION = 4.5
# "What is this article about?": the article itself is the subject.
_DEICTIC = frozenset("this that it here about all".split())
_ARTICLE = frozenset("article page bot you topic wiki wikipedia text".split())


def about_the_article(subject: str, followup: bool) -> bool:
    """Whether "What is <subject> about?" asks about the article itself: "this article",
    "this page"; or, with nothing said before it can refer to, "this" or "it"."""
    words = set(subject.casefold().split())
    if not words <= _DEICTIC | _ARTICLE:
        return False
    return bool(words & _ARTICLE) or not followup


BARE_NAME_WORDS = 3  # the longest message read as nothing but a name ("ecpat international")
_PUNCTUATION = "?!.,;:'\"()[]{}<>*_~`"


def bare_name(text: str) -> str | None:
    """``text`` when every word of it is one no English speaker uses ("ecpat", "ECPAT?"),
    stop words included: "where is ecpat" asks where, not what (it asks what ECPAT is)."""
    found = text.split()
    if not 0 < len(found) <= BARE_NAME_WORDS:
        return None
    if any(is_english(w.strip(_PUNCTUATION).casefold()) for w in found):
        return None
    return text


# "@ecpat_bot": a chat user's name, not an e-mail address's second half.
_MENTION = re.compile(r"(?<![\w.])@\w+")


def clean(text: str) -> str:
    """The question in a message: markup read as noise, greetings and apologies dropped.

    "<b>hi!!</b> sorry to bother you. when was it founded??" asks "when was it founded??";
    "@ecpat_bot who chairs ECPAT?" (a chat's mention of the bot) asks "who chairs ECPAT?".
    A clause is dropped only when the message has another one that is not chatter.
    """
    text = _MARKDOWN.sub(" ", _TAG.sub(" ", _MENTION.sub(" ", text)))
    clauses = [c.strip() for c in _CLAUSE.findall(text) if c.strip()]
    kept = [c for c in clauses if not _CHATTER.match(c)]
    text = " ".join(kept if kept else clauses)
    return " ".join(text.split())


_FOCUS = re.compile(
    r"\b(?:how\s+many|how\s+much|which|what|whose)\s+([^\W\d_][\w'’-]*)", re.IGNORECASE
)


def focus_term(text: str) -> str | None:
    """The term of the thing a question asks about: "how many *employees*", "which *city*"."""
    return _first_term(_FOCUS.search(text))


_COUNTED = re.compile(r"\bhow\s+(?:many|much)\s+([^\W\d_][\w'’-]*)", re.IGNORECASE)


def counted_term(text: str) -> str | None:
    """The term of what a question counts: "how many *employees*". An answer must name it (a
    number of members is no number of employees); "which *city*" names only the kind of
    answer, which "Bangkok" gives without the word."""
    return _first_term(_COUNTED.search(text))


def _first_term(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    terms = analyze(match.group(1))
    return terms[0] if terms else None


# Phrases of up to this many words are looked for repeated in a row.
_LONGEST_REPEATED = 4
_TOKEN = re.compile(r"[^\W_]+")  # words as the analyzer splits them, not at white space alone


def repeated_phrase(text: str, times: int) -> bool:
    """Whether ``text`` says one phrase of up to four words ``times`` times or more in a row
    ("how much how much how much ..."): nobody asks a question that way, and read as a
    question such a message matches whatever its words match, over and over.

    One pass per phrase length over the words (no pattern with nested repetition, so a long
    message costs its length, not its square): a phrase of n words said r times in a row is a
    run of (r - 1) * n words each equal to the word n before it.
    """
    if times < 2:
        return False
    tokens = _TOKEN.findall(text.casefold())
    for n in range(1, _LONGEST_REPEATED + 1):
        needed, run = (times - 1) * n, 0
        for i in range(n, len(tokens)):
            run = run + 1 if tokens[i] == tokens[i - n] else 0
            if run >= needed:
                return True
    return False


# Greetings, thanks and fillers before a question ("hey, when was it founded?", "ok so is it
# a charity"): the question's shape starts after them.
_LEAD_IN = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hiya|yo|ok|okay|so|and|but|then|well|um+|uh+|hmm+|btw|also|sorry|"
    r"pls|please|thanks|thank\s+you|thx|ty|excuse\s+me|quick\s+(?:question|q)|one\s+more|"
    r"good\s+(?:morning|afternoon|evening))\b\W*)+",
    re.IGNORECASE,
)


def shape_of(text: str, corrections: Sequence[tuple[str, str]], known: frozenset[str]) -> str:
    """The question as its kind, yes/no and "what is" patterns read it: its small words
    respelled as meant (:func:`respelled`), greetings and fillers before it left out."""
    return past_greetings(respelled(text, corrections, known))


def past_greetings(text: str) -> str:
    """``text`` without the greetings and fillers it opens with (all of it if that is all)."""
    return _LEAD_IN.sub("", text, count=1) or text


def respelled(text: str, corrections: Sequence[tuple[str, str]], known: frozenset[str]) -> str:
    """``text`` with each word corrected to one of ``known`` (the function words) written as
    meant, so its shape is read right: "wen was it founded" asks for a date, "hw mny ppl" for
    a count. Other corrections stay as typed: the shape of a question is in its small words."""
    fixes = {typed: meant for typed, meant in corrections if meant in known and typed.isalpha()}
    if not fixes:
        return text
    typed = re.compile(r"\b(?:" + "|".join(map(re.escape, fixes)) + r")\b", re.IGNORECASE)
    return typed.sub(lambda m: fixes.get(m.group().casefold(), m.group()), text)
