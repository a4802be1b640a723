"""Reading an article from disk: the only I/O in ``corpus``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from corpus.parse import ArticleError, parse_article
from corpus.records import Article

DEFAULT_ARTICLE = "ecpat.txt"


def read_article_text(path: str | Path | None = None) -> str:
    """The article's text: the shipped ECPAT article when ``path`` is empty or None."""
    if not path:
        return resources.files("corpus").joinpath("data", DEFAULT_ARTICLE).read_text("utf-8")
    file = Path(path).expanduser()
    if not file.exists():
        raise ArticleError(f"article not found: {file}")
    if file.is_dir():
        raise ArticleError(f"article path is a folder, not a file: {file}")
    try:
        return file.read_text("utf-8")
    except UnicodeDecodeError as err:
        raise ArticleError(f"article is not UTF-8 text: {file}") from err
    except OSError as err:
        raise ArticleError(f"cannot read article {file}: {err.strerror}") from err


def load_article(path: str | Path | None = None, max_passage_chars: int = 700) -> Article:
    """Read and parse an article; every failure is an :class:`ArticleError` with one line."""
    return article_from_text(read_article_text(path), max_passage_chars, path)


def article_from_text(
    text: str, max_passage_chars: int = 700, path: str | Path | None = None
) -> Article:
    """Parse the text read from ``path`` (for the error message; None: the shipped one)."""
    try:
        return parse_article(text, max_passage_chars)
    except ArticleError as err:
        where = path or DEFAULT_ARTICLE
        raise ArticleError(f"{err}: {where}") from err
