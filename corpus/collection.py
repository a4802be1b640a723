"""Several articles as one corpus, and the ``URL:`` line an article file may carry.

Pure: text and :class:`Article` records in, records out (reading files is :mod:`corpus.load`).

An article file may name its page on a line of its own, ``URL: https://...`` (by convention
right under the title line). The line is taken out before the text is parsed, so it is never
read as an infobox fact or a caption, and the link is shown in that article's citations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from corpus.parse import ArticleError, slug
from corpus.records import Article, Collection

_URL_LINE = re.compile(r"^[ \t]*URL:[ \t]*(?P<url>https?://\S+)[ \t]*$", re.IGNORECASE)


def split_url(text: str) -> tuple[str, str | None]:
    """``text`` without its ``URL:`` lines, and the first one's link (None when it has none)."""
    lines = text.splitlines(keepends=True)
    url = None
    kept = []
    for line in lines:
        match = _URL_LINE.match(line.rstrip("\r\n"))
        if match is None:
            kept.append(line)
        elif url is None:
            url = match.group("url")
    return ("".join(kept), url) if url is not None else (text, None)


def prefixes(titles: Sequence[str]) -> tuple[str, ...]:
    """Each title's passage-id prefix: its slug, numbered when two slugs meet; none for one.

    One article keeps the parser's ids, so ids named in existing question sets and tests stay
    valid when nothing else is loaded.
    """
    if len(titles) <= 1:
        return ("",) * len(titles)
    out: list[str] = []
    for title in titles:
        base = slug(title.replace("_", " "))
        prefix, n = base, 1
        while prefix in out:
            n += 1
            prefix = f"{base}-{n}"
        out.append(prefix)
    return tuple(out)


def collect(articles: Sequence[Article]) -> Collection:
    """One :class:`Collection` of ``articles``, in order; their titles must differ (a title
    is how a passage names its article)."""
    if not articles:
        raise ArticleError("no articles to answer from")
    seen: set[str] = set()
    for article in articles:
        if article.title in seen:
            raise ArticleError(f"two articles have the same title: {article.title}")
        seen.add(article.title)
    heads = prefixes([a.title for a in articles])
    passages = tuple(
        replace(p, id=f"{head}/{p.id}" if head else p.id, article=article.title)
        for article, head in zip(articles, heads, strict=True)
        for p in article.passages
    )
    return Collection(tuple(articles), passages, heads)
