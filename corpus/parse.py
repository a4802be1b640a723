"""Turn Wikipedia plain text (as copied from the page) into an :class:`Article`.

The layout this reads: a title line, page chrome, an optional infobox block of short label
lines, lead paragraphs, sections whose heading lines end in ``[edit]``, and a numbered
reference list (``  1. ^ ...``). Captions (short lines without sentence punctuation) are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from corpus.records import Article, Passage, Reference, Sentence
from corpus.sentences import split_sentences, strip_markers

LEAD = "Lead"
INFOBOX = "Infobox"

_CHROME = (
    "from wikipedia, the free encyclopedia",
    "jump to navigation",
    "jump to search",
    "this article is about",
    "for other uses, see",
)
_EDIT = "[edit]"
_LONGEST_HEADING = 300
_REFERENCE = re.compile(r"^\s*(?P<n>\d{1,4})\.\s*\^\s*(?P<text>.*)$")
_URL = re.compile(r"https?://\S+")
# A bare site name in a reference ("www.childrightsconnect.org") still gives a checkable link.
_DOMAIN = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:org|com|net|int|gov|edu|info)\b", re.IGNORECASE)
# Bidirectional marks, a byte order mark and zero-width spaces are invisible: copied text may
# end a paragraph with one (U+200F after Hebrew or Arabic) or start with a BOM, and at either
# end of a line they are dropped like white space.
_INVISIBLE = frozenset(
    "\ufeff\u200b\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# A domain name is at most 253 characters; longer words are not searched, since a word of
# 100,000 "a." made the search quadratic.
_LONGEST_DOMAIN = 253
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
# Infobox labels known by name, longest first so "Area served" wins over a shorter prefix.
# Any other "Label value" line is a fact too (_split_label); these are the ones recognised
# also when the value is lower-case ("Type glacial lake") or on the next line ("Key people").
_LABELS = sorted(
    (
        "Founded",
        "Founder",
        "Founders",
        "Type",
        "Purpose",
        "Headquarters",
        "Location",
        "Area served",
        "Key people",
        "Website",
        "Formation",
        "Region",
        "Region served",
        "Members",
        "Membership",
        "Focus",
        "Method",
        "Methods",
        "Revenue",
        "Employees",
        "Staff",
        "Volunteers",
        "Official language",
        "Parent organization",
        "Affiliations",
        "Leader",
        "Chair",
        "President",
        "Secretary general",
        "Budget",
        "Motto",
        "Origins",
        "Established",
        "Status",
        "Legal status",
        "Services",
        "Fields",
        "Products",
        "Industry",
        "Subsidiaries",
        "Owner",
        "Abbreviation",
        "Formerly called",
    ),
    key=len,
    reverse=True,
)


class ArticleError(ValueError):
    """The text cannot be used as an article (empty, or no paragraphs)."""


def slug(text: str) -> str:
    """A stable, readable id fragment: ``"Network membership"`` -> ``"network-membership"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())[:6]
    return "-".join(words) or "section"


def _reference_url(body: str) -> str | None:
    url = _URL.search(body)
    if url:
        return url.group(0)
    for word in body.split():  # a domain never holds white space
        if len(word) <= _LONGEST_DOMAIN + 2 and (domain := _DOMAIN.search(word)):
            return f"https://{domain.group(0).lower()}"
    return None


def _heading(line: str) -> str | None:
    """The title of a heading line ("History[edit]" -> "History"); None for other lines.

    ``line`` is stripped. Read from the end, as a regular expression tried at every position
    of a long line would scan to its end from each. A line longer than any heading is not one:
    its title would be repeated in every passage of its section.
    """
    if not line.endswith(_EDIT) or len(line) > _LONGEST_HEADING:
        return None
    title = line[: -len(_EDIT)].rstrip()
    return title or None


def _trim(line: str) -> str:
    """``line`` without white space or invisible marks at either end."""
    line = line.strip()
    if not line or not (line[0] in _INVISIBLE or line[-1] in _INVISIBLE):
        return line
    start, end = 0, len(line)
    while start < end and (line[start] in _INVISIBLE or line[start].isspace()):
        start += 1
    while end > start and (line[end - 1] in _INVISIBLE or line[end - 1].isspace()):
        end -= 1
    return line[start:end]


def _is_chrome(line: str) -> bool:
    low = line.strip().lower()
    return any(low.startswith(c) for c in _CHROME)


def _is_prose(line: str) -> bool:
    """True for a paragraph line: long enough or ending like a sentence."""
    clean, _ = strip_markers(line.strip())
    return bool(_SENTENCE_END.search(clean)) and len(clean.split()) >= 4


def _split_label(line: str) -> tuple[str, str] | None:
    """``("Max. depth", "120 m")`` from ``"Max. depth 120 m"``; None when it is no label.

    Labels are sentence case ("Surface elevation") and values mostly open with a number, a
    name or a symbol, so the value starts at the first later word that is not lower-case (a
    tab, where the copy kept one, splits exactly); if none is, the label is the first word.
    A short line with nothing left ("Islands") is a label whose value is on the next line
    (value ""); a comma in the label means a list, not a label.
    """
    if "\t" in line:
        label, _, value = (part.strip() for part in line.partition("\t"))
        return (label.rstrip(":"), value) if label else None
    words = line.split()
    cut = next((i for i in range(1, len(words)) if not words[i][0].islower()), 1)
    while cut < len(words) and words[cut - 1].endswith("."):  # "Max." is not a whole label
        cut += 1
    label = " ".join(words[:cut]).rstrip(":")
    if not label or any(word.endswith((",", ";")) for word in words[:cut]):
        return None
    if cut >= len(words):
        return (label, "") if len(words) <= 3 else None
    return label, " ".join(words[cut:])


def _parse_infobox(lines: list[str]) -> tuple[tuple[str, str], ...]:
    """Label lines as (label, value) facts; the first unlabelled line is the name."""
    facts: list[tuple[str, str]] = []
    pending: str | None = None
    for raw in lines:
        line = strip_markers(raw.strip())[0]
        if not line:
            continue
        if line.startswith(("•", "·", "*")):
            facts.append(("Headquarters", line.lstrip("•·* ").strip()))
            pending = None
            continue
        label = next((lab for lab in _LABELS if line == lab or line.startswith(lab + " ")), None)
        if label is not None:
            value = line[len(label) :].strip()
            if value:
                facts.append((label, value))
                pending = None
            else:
                pending = label
        elif pending is not None:
            facts.append((pending, line))
            pending = None
        elif not facts:
            facts.append(("Name", line))
        elif (split := _split_label(line)) is not None:
            name, value = split
            if value:
                facts.append((name, value))
            else:
                pending = name
    return tuple(facts)


def _chunk_sentences(sentences: tuple[Sentence, ...], max_chars: int) -> list[tuple[Sentence, ...]]:
    """Greedy slices of consecutive sentences, each under ``max_chars`` when possible."""
    chunks: list[list[Sentence]] = [[]]
    size = 0
    for sentence in sentences:
        if chunks[-1] and size + len(sentence.text) + 1 > max_chars:
            chunks.append([])
            size = 0
        chunks[-1].append(sentence)
        size += len(sentence.text) + 1
    return [tuple(chunk) for chunk in chunks if chunk]


def _passages_for(section: str, paragraph_no: int, raw: str, max_chars: int) -> list[Passage]:
    sentences = split_sentences(raw.strip())
    chunks = _chunk_sentences(sentences, max_chars)
    base = f"{slug(section)}-{paragraph_no}"
    passages = []
    for i, chunk in enumerate(chunks, start=1):
        pid = base if len(chunks) == 1 else f"{base}.{i}"
        citations = tuple(dict.fromkeys(n for s in chunk for n in s.citations))
        text = " ".join(s.text for s in chunk)
        passages.append(Passage(pid, section, text, chunk, citations))
    return passages


def _unique_ids(passages: list[Passage]) -> list[Passage]:
    """Repeated headings (or ones sharing their first words) must not share passage ids."""
    seen: set[str] = {INFOBOX.lower()}
    # The last number tried for each id: ids only ever join ``seen``, so the next passage with
    # the same id may start there (counting from 1 again is quadratic in repeated headings).
    tried: dict[str, int] = {}
    out = []
    for passage in passages:
        pid, n = passage.id, tried.get(passage.id, 1)
        if n > 1:
            pid = f"{passage.id}-{n}"
        while pid in seen:
            n += 1
            pid = f"{passage.id}-{n}"
        tried[passage.id] = n
        seen.add(pid)
        out.append(passage if pid == passage.id else replace(passage, id=pid))
    return out


def _facts_passage(facts: tuple[tuple[str, str], ...]) -> Passage | None:
    shown = [(label, value) for label, value in facts if label != "Name"]
    if not shown:
        return None
    name = dict(facts).get("Name")
    sentences = tuple(Sentence(f"{label}: {value}.") for label, value in shown)
    if name:
        sentences = (Sentence(f"{name}."), *sentences)
    text = " ".join(s.text for s in sentences)
    return Passage(INFOBOX.lower(), INFOBOX, text, sentences)


def parse_article(text: str, max_passage_chars: int = 700) -> Article:
    """Parse article text. Raises :class:`ArticleError` when no paragraph can be found."""
    if max_passage_chars < 50:
        raise ValueError("max_passage_chars must be at least 50")
    lines = [_trim(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    nonblank = [i for i, line in enumerate(lines) if line]
    if not nonblank:
        raise ArticleError("the article is empty")
    title = strip_markers(lines[nonblank[0]].strip())[0] or "Untitled"
    i = nonblank[0] + 1
    while i < len(lines) and (not lines[i].strip() or _is_chrome(lines[i])):
        i += 1
    infobox: list[str] = []
    while i < len(lines) and lines[i].strip() and not _is_prose(lines[i]):
        if _heading(lines[i]) or _REFERENCE.match(lines[i]):
            break
        infobox.append(lines[i])
        i += 1
    facts = _parse_infobox(infobox) if len(infobox) >= 2 else ()
    if len(infobox) < 2:
        i -= len(infobox)

    section = LEAD
    # Lists keep article order; the sets beside them answer "seen before?" in constant time
    # (a scan of the list per paragraph is quadratic on an article of thousands of sections).
    sections: list[str] = []
    seen_sections: set[str] = set()
    passages: list[Passage] = []
    references: list[Reference] = []
    numbers: set[int] = set()
    paragraph_no = 0
    for line in lines[i:]:
        stripped = line.strip()
        if not stripped or _is_chrome(stripped):
            continue
        ref = _REFERENCE.match(line)
        if ref:
            body = ref.group("text").strip()
            n = int(ref.group("n"))
            if n not in numbers:  # a repeated number keeps its first text
                numbers.add(n)
                references.append(Reference(n, body, _reference_url(body)))
            continue
        heading = _heading(stripped)
        if heading:
            section, paragraph_no = heading, 0
            continue
        if not _is_prose(stripped):
            continue  # figure captions, map legends, stray labels
        if section not in seen_sections:
            seen_sections.add(section)
            sections.append(section)
        paragraph_no += 1
        passages.extend(_passages_for(section, paragraph_no, stripped, max_passage_chars))
    if not passages:
        raise ArticleError("the article has no paragraphs")
    passages = _unique_ids(passages)
    facts_passage = _facts_passage(facts)
    if facts_passage is not None:
        passages.insert(0, facts_passage)
        sections.insert(0, INFOBOX)
    return Article(title, tuple(passages), tuple(sections), facts, tuple(references))


def article_from_paragraphs(
    title: str, paragraphs: list[str], section: str | None = None
) -> Article:
    """An article made of given paragraphs, one passage each (ids ``p1``, ``p2``, ...).

    For corpora that come already split (SQuAD): a passage is exactly one source paragraph.
    """
    section = section or title
    passages = []
    for no, paragraph in enumerate(paragraphs, start=1):
        sentences = split_sentences(paragraph.strip()) or (Sentence(paragraph.strip()),)
        citations = tuple(dict.fromkeys(n for s in sentences for n in s.citations))
        text = " ".join(s.text for s in sentences)
        passages.append(Passage(f"p{no}", section, text, sentences, citations))
    if not any(p.text for p in passages):
        raise ArticleError("the article has no paragraphs")
    return Article(title or "Untitled", tuple(passages), (section,))
