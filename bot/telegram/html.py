"""Engine replies as Telegram HTML messages that Telegram always accepts.

Every piece of text is escaped on its own and every tag is closed inside its piece, so
messages are built by joining whole pieces: a split can never cut through a tag or an
entity. Lengths are counted as Telegram counts them (UTF-16 units of the text after
entity parsing) and long content is split at sentence boundaries.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bot.answer import Article, Citation, Reference
from bot.engine import Reply

MAX_MESSAGE = 4096  # Telegram's limit for one text message
FALLBACK = "Sorry, I have nothing to say to that. Try /help."
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


@dataclass(frozen=True)
class Piece:
    """A self-contained HTML fragment, its visible length, and the separator before it."""

    html: str
    length: int
    sep: str = " "


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def plain(text: str, sep: str = " ") -> Piece:
    """Text shown as it is (escaped), measured before escaping as Telegram measures it."""
    return Piece(escape(text), utf16_len(text), sep)


def _hard_split(text: str, limit: int) -> list[str]:
    """Cut a sentence longer than ``limit`` at spaces, or anywhere if it has none."""
    parts: list[str] = []
    current = ""
    for word in re.split(r"(?<=\s)", text):
        while utf16_len(word) > limit:  # one enormous "word"
            cut = limit
            while utf16_len(word[:cut]) > limit:
                cut -= 1
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:cut])
            word = word[cut:]
        if utf16_len(current + word) > limit:
            parts.append(current)
            current = word
        else:
            current += word
    if current:
        parts.append(current)
    return [p for p in (part.strip() for part in parts) if p]


def _chunks(text: str, limit: int) -> Iterator[tuple[str, str]]:
    """Each sentence (or cut of one) with the break before it: paragraph, line or space."""
    for p_index, paragraph in enumerate(re.split(r"\n\s*\n", text.strip())):
        for l_index, line in enumerate(paragraph.split("\n")):
            joiner = "\n" if l_index else "\n\n" if p_index else " "
            for sentence in _SENTENCE_END.split(line.strip()):
                for chunk in _hard_split(sentence, limit):  # none for a blank one
                    yield joiner, chunk
                    joiner = " "


def text_pieces(text: str, sep: str = " ", limit: int = MAX_MESSAGE) -> list[Piece]:
    """Plain text as escaped pieces, one per sentence; paragraph breaks are kept."""
    pieces: list[Piece] = []
    for joiner, chunk in _chunks(text, limit):
        pieces.append(plain(chunk, joiner if pieces else sep))
    return pieces


def link(label: str, url: str) -> Piece:
    return Piece(f'<a href="{html.escape(url, quote=True)}">{escape(label)}</a>', utf16_len(label))


def pack(pieces: Iterable[Piece], limit: int = MAX_MESSAGE) -> list[str]:
    """Greedily join pieces into messages of at most ``limit`` visible characters."""
    messages: list[str] = []
    current: list[str] = []
    length = 0
    for piece in pieces:
        sep_len = utf16_len(piece.sep) if current else 0
        if current and length + sep_len + piece.length > limit:
            messages.append("".join(current))
            current, length, sep_len = [], 0, 0
        current.append(piece.sep + piece.html if current else piece.html)
        length += sep_len + piece.length
    if current:
        messages.append("".join(current))
    return [m for m in messages if html.unescape(re.sub(r"<[^>]*>", "", m)).strip()] or [FALLBACK]


def bold(text: str, sep: str = " ") -> Piece:
    return Piece(f"<b>{escape(text)}</b>", utf16_len(text), sep)


def citation_pieces(citation: Citation, heading: Piece) -> list[Piece]:
    """The citation block: article link and section, then each footnote with its link."""
    source = [heading]
    if citation.url:
        source.append(link(citation.article, citation.url))
    else:
        source.append(plain(citation.article))
    source.append(plain(f"› {citation.section}"))
    for ref in citation.references:
        source.extend(reference_pieces(ref))
    return source


def reference_pieces(ref: Reference) -> list[Piece]:
    pieces = [plain(f"[{ref.n}]", "\n"), *text_pieces(ref.text)]
    if ref.url and ref.url not in ref.text:
        pieces.append(link("link", ref.url))
    return pieces


def render_reply(reply: Reply) -> list[str]:
    """The messages for one engine reply: the text, and for answers their citation."""
    answer = reply.answer
    citation = answer.citation if answer is not None and not answer.abstained else None
    if reply.kind == "sources" and citation is not None:
        return pack(citation_pieces(citation, bold("Sources of the last answer:")))
    pieces = text_pieces(reply.text)
    if reply.kind in ("answer", "more") and citation is not None:
        pieces += citation_pieces(citation, bold("Source:", "\n\n"))
    return pack(pieces)


def render_lines(lines: Sequence[str | Piece]) -> list[str]:
    """Plain lines (escaped) and ready pieces, one per line, packed into messages."""
    pieces: list[Piece] = []
    for line in lines:
        if isinstance(line, Piece):
            pieces.append(Piece(line.html, line.length, "\n"))
        elif not line.strip():
            pieces.append(Piece("", 0, "\n"))  # a blank line
        else:
            pieces.extend(text_pieces(line, sep="\n"))
    return pack(pieces)


def reference_list(article: Article) -> list[str]:
    """The article's whole numbered reference list (for /sources)."""
    pieces = [bold(f"References of “{article.title}”:")]
    for ref in article.references:
        pieces.extend(reference_pieces(ref))
    if not article.references:
        pieces.extend(text_pieces("The article has no numbered references.", sep="\n"))
    return pack(pieces)
