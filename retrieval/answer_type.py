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

from retrieval.analyzer import analyze
from retrieval.stopwords import STOP_WORDS

# How much of the question's weight a sentence holding the expected kind of answer is credited
# with: a fraction of one full match, so it breaks near-ties rather than outvoting the words.
ANSWER_TYPE_SHARE = 0.3

# The adjectives of "how long", "how old", ...: they ask for a measure (a number).
MEASURES = ("long", "old", "large", "big", "far", "high", "tall", "often", "fast", "deep", "wide")
MEASURE_QUESTION = re.compile(rf"\bhow\s+({'|'.join(MEASURES)})\b", re.IGNORECASE)
_NUMBER_QUESTION = re.compile(
    rf"\bhow (?:much|{'|'.join(MEASURES)})\b"
    r"|\bwhat (?:percentage|percent|amount|proportion|size|population)\b"
)
# A count: "how many people", "what number of". A year is no answer to one.
_COUNT_QUESTION = re.compile(r"\bhow many\b|\bwhat number of\b")
_DATE_QUESTION = re.compile(r"\bwhen\b|\b(?:year|years|decade|century|month|date)\b")
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|half"
)
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b")
_YEAR = r"(?:1\d{3}|20\d{2})"
# A number that is not a year: "102", "1,300", "7 million", "three-year" - or that counts
# something ("1500 members").
_COUNT = re.compile(
    rf"(?<![\d,.])(?!{_YEAR}s?\b)\d|(?<![\d,.]){_YEAR}(?=\s+[a-z]+s\b)|\b(?:{_NUMBER_WORDS})\b"
)
_DATE = re.compile(
    rf"\b{_YEAR}s?\b|\b(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|century|centuries)\b"
)


def expected_type(question: str) -> str | None:
    """``"count"``, ``"number"``, ``"date"`` or None: the kind of answer ``question`` asks for.

    A count ("how many ...") is a number that is not a year; other measures ("how long",
    "how much") may be answered by years ("between 2009 and 2012").
    """
    text = question.casefold()
    if _COUNT_QUESTION.search(text):
        return "count"
    if _NUMBER_QUESTION.search(text):
        return "number"
    if _DATE_QUESTION.search(text):
        return "date"
    return None


def answer_types(sentence: str) -> frozenset[str]:
    """The kinds of answer ``sentence`` could give (a year is a number too, not a count)."""
    text = sentence.casefold()
    kinds = set()
    if _NUMBER.search(text):
        kinds.add("number")
        if _COUNT.search(text):
            kinds.add("count")
    if _DATE.search(text):
        kinds.add("date")
    return frozenset(kinds)


_PERSON_QUESTION = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:who|whom|whose)\b", re.IGNORECASE)
# "Who is Carol Bellamy?" asks what someone is (a role, a description), not for a name;
# "Who is the chair?", "who is ECPAT's chair", "who was chair after Bellamy" ask for a name.
_WHO_IS = re.compile(
    r"^\W*who(?:['’]s|\s+(?:is|was|are|were))\s+([^\s?!.](?:.*[^\s?!.])?)[\s?!.]*$",
    re.IGNORECASE | re.DOTALL,
)
# "How much ... money": matched as two searches, "how much" and then a money word after it on
# the same line. As one pattern ("how much.*money") every "how much" started a scan to the end
# of the line and back, so "how much how much ..." cost the square of its length.
_HOW_MUCH = re.compile(r"\bhow much\b", re.IGNORECASE)
_MONEY_WORD = re.compile(
    r"\b(?:money|cost|costs|pay|paid|earn|earns|spend|spent|donate|donated|"
    r"budget|salary|revenue|income|funding|worth|price|charge)\b",
    re.IGNORECASE,
)
_WHAT_MONEY = re.compile(
    r"\bwhat(?:'s|’s| is| was| are| were)\b[^?]{0,80}\b(?:budget|budgets|salary|salaries|"
    r"revenue|revenues|income|price|cost|turnover|funding)\b(?!-)",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"[$€£¥]|\b(?:dollars?|euros?|pounds?|yen|francs?|usd|eur|gbp|kronor|baht)\b", re.IGNORECASE
)
# Plural or agent nouns answer a "who" question as well as a name does ("researchers and
# activists", "tour operators", "the government").
_AGENT = re.compile(
    r"\b\w{3,}(?:ers|ors|ists|ians|ants|ents)\b|\b(?:people|government|governments|members|"
    r"agencies|organisations|organizations|groups|partners|founders?|family|families)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<=[\w,;:)\]'\"’”] )[A-Z][\w'’.-]*")
# "What were their names?": only a name answers, not "researchers and activists".
_ASKS_NAMES = re.compile(r"\bnames?\b", re.IGNORECASE)
# "In what month ...?", "which day": a finer date than a year, so a year alone does not answer.
_ASKS_DAY = re.compile(r"\b(?:month|months|day|days)\b", re.IGNORECASE)
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?(?=\s+\d)|\b(?:january|february|"
    r"march|april|may|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)


_ASKS_DATE = re.compile(
    r"^\W*(?:(?:and|so|but|then|ok|okay)\W+)?(?:(?:since|until|till|from|by)\s+)?when\b"
    r"|\b(?:what|which|in what|in which|since what)\s+(?:year|date|decade|century|month|day)\b",
    re.IGNORECASE,
)


# "Where ...?", "so where is it", "in which city ...": a question answered with a place.
_PLACE_QUESTION = re.compile(
    r"^\W*(?:\w+\W+){0,4}?where\b"
    r"|\b(?:what|which)\s+(?:city|cities|country|countries|town|continent|region|place|nation)\b",
    re.IGNORECASE,
)
# A place named after a preposition ("in Geneva", "by the Government of Sweden", "focus on
# Asia"), a "City, Country" pair, or a spread over countries ("in 93 countries", "worldwide").
_PLACE = re.compile(
    r"\b(?:in|at|from|to|near|across|throughout|on|by|of|into|within)\s+(?:the\s+)?[A-Z]"
    r"|\b[A-Z][\w'’.-]*,\s+[A-Z]"
    r"|\b(?:countries|worldwide|nationwide|around\s+the\s+world)\b"
)


def asked_kind(question: str) -> str | None:
    """What a question must be answered with: money, person, count, number, date, place, or
    None.

    Stricter than :func:`expected_type` (which only breaks ties): "when" must open the
    question, so "What is caught when fishing?" asks for no date.
    """
    if _asks_money(question):
        return "money"
    if _PERSON_QUESTION.search(question) and not _is_who_is_name(question):
        return "person"
    if _COUNT_QUESTION.search(question.casefold()):
        return "count"
    if _NUMBER_QUESTION.search(question.casefold()):
        return "number"
    if _ASKS_DATE.search(question):
        return "date"
    if _PLACE_QUESTION.search(question):
        return "place"
    return None


def _asks_money(question: str) -> bool:
    """ "How much money ...", "what is the budget ...": a question answered with a sum."""
    if _WHAT_MONEY.search(question):
        return True
    for line in question.split("\n"):  # "." of the one pattern this replaces stopped at lines
        found = _HOW_MUCH.search(line)  # the first "how much" leaves the most line after it
        if found and _MONEY_WORD.search(line, found.end()):
            return True
    return False


def _is_who_is_name(question: str) -> bool:
    """Whether ``question`` is "who is <a name>": one to four words after "who is", all
    capitalised where the question uses capitals at all ("who is carol bellamy" counts), none
    of them a stop word ("the", "after") or possessive."""
    match = _WHO_IS.match(question)
    if match is None:
        return False
    rest = re.findall(r"[\w'’.-]+", match.group(1))
    if not 0 < len(rest) <= 4:
        return False
    if any(w.casefold() in STOP_WORDS or w.casefold().endswith(("'s", "’s", "s'")) for w in rest):
        return False
    cased = question[1:] != question[1:].lower() and question != question.upper()
    return not cased or all(w[0].isupper() for w in rest)


def fits(
    question: str, answer: str, kind: str | None = "", known: frozenset[str] = frozenset()
) -> bool:
    """Whether ``answer`` holds the kind of thing ``question`` asks for.

    A "who" question needs a name the question doesn't already give, or people-like nouns;
    "how much money" a currency; "how many" a number; "when" a date. Questions of other
    shapes always fit. Used to decline rather than quote a sentence that cannot answer.
    ``kind`` may be passed when already known (``asked_kind(question)``). ``known``: terms of
    the article's own name and subject; a name made only of them is no new name ("who runs
    it?" is not answered by "End Child Prostitution and Trafficking (ECPAT) is ...").
    """
    if kind == "":  # not given: work it out
        kind = asked_kind(question)
    if kind is None:
        return True
    if kind == "money":
        return bool(_MONEY.search(answer))
    if kind == "person":
        asked = {w.casefold().strip(".'’") for w in _CAPITALISED.findall(question)}
        asked |= {w.casefold() for w in re.findall(r"[\w'’-]+", question)}
        asked |= _spelled_out(question, answer)
        names = {w.casefold().strip(".'’") for w in _CAPITALISED.findall(answer)}
        if known:
            names = {w for w in names if not (terms := analyze(w)) or not known.issuperset(terms)}
        if _ASKS_NAMES.search(question):
            return bool(names - asked)
        agents = (m.group() for m in _AGENT.finditer(answer))
        return bool(names - asked) or any(not known.issuperset(analyze(a)) for a in agents)
    if kind == "place":
        return _PLACE.search(answer) is not None
    if kind == "date" and _ASKS_DAY.search(question):
        return _MONTH.search(answer) is not None
    return kind in answer_types(answer)


_NAME_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:(?:and|of|for|the|&)\s+)*[A-Z][\w'’.-]*)+")


def names_in(answer: str) -> tuple[str, ...]:
    """The names of two or more capitalised words in ``answer`` ("Carol Bellamy", "The Body
    Shop"): whom or what a next "she" or "he" may stand for."""
    return tuple(run.group() for run in _NAME_RUN.finditer(answer))


def _spelled_out(question: str, answer: str) -> set[str]:
    """Words of the answer that spell out an acronym the question gives: "Who founded ECPAT?"
    is not answered by "End Child Prostitution and Trafficking", which is ECPAT itself."""
    acronyms = {a.casefold() for a in re.findall(r"\b[A-Z]{2,}\b", question)}
    found: set[str] = set()
    for run in _NAME_RUN.finditer(answer):
        words = run.group().split()
        if "".join(w[0] for w in words).casefold() in acronyms or (
            "".join(w[0] for w in words if w[0].isupper()).casefold() in acronyms
        ):
            found.update(w.casefold().strip(".'’") for w in words)
    return found


# "Has Marriott signed The Code?", "Does ECPAT work in Brazil?": a question to answer yes or no.
_YES_NO = re.compile(
    r"^\W*(?:is|are|was|were|has|have|had|does|do|did|can|could|will|would)\b", re.IGNORECASE
)


# "how do I report ...", "where can we donate", "how to volunteer": what the asker should do.
_HOW_TO = re.compile(
    r"\b(?:how|where)\s+(?:(?:do|can|could|should|shall|may|might)\s+(?:i|we|u|you|one)|"
    r"(?:would)\s+(?:i|we)|to)\b",
    re.IGNORECASE,
)


def asks_how_to(question: str) -> bool:
    """Whether ``question`` asks how or where its asker can do something: an encyclopedic
    article describes its subject and seldom tells a reader what to do."""
    return _HOW_TO.search(question) is not None


def asks_yes_no(question: str) -> bool:
    """Whether ``question`` is answered yes or no: about whatever it names, an article that
    never names it says nothing either way."""
    return _YES_NO.match(question) is not None
