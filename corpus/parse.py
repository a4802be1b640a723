"""Turn Wikipedia plain text (as copied from the page) into an :class:`Article`.

The layout this reads: a title line, page chrome, an optional infobox block of short label
lines, lead paragraphs, sections whose heading lines end in ``[edit]``, and a numbered
reference list (``  1. ^ ...``). Captions (short lines without sentence punctuation) are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from corpus.lines import REFERENCE, heading, is_chrome, is_prose, reference_url, trim
from corpus.records import INFOBOX, LEAD, Article, Passage, Reference, Sentence
from corpus.sentences import split_sentences, strip_markers

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
    lines = [trim(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    nonblank = [i for i, line in enumerate(lines) if line]
    if not nonblank:
        raise ArticleError("the article is empty")
    title = strip_markers(lines[nonblank[0]].strip())[0] or "Untitled"
    i = nonblank[0] + 1
    while i < len(lines) and (not lines[i].strip() or is_chrome(lines[i])):
        i += 1
    infobox: list[str] = []
    while i < len(lines) and lines[i].strip() and not is_prose(lines[i]):
        if heading(lines[i]) or REFERENCE.match(lines[i]):
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
        if not stripped or is_chrome(stripped):
            continue
        ref = REFERENCE.match(line)
        if ref:
            body = ref.group("text").strip()
            n = int(ref.group("n"))
            if n not in numbers:  # a repeated number keeps its first text
                numbers.add(n)
                references.append(Reference(n, body, reference_url(body)))
            continue
        named = heading(stripped)
        if named:
            section, paragraph_no = named, 0
            continue
        if not is_prose(stripped):
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
