"""Reading articles from disk: the only I/O in ``corpus``."""

from __future__ import annotations

import json
import stat
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path

from corpus.collection import collect, split_url
from corpus.parse import ArticleError, parse_article
from corpus.records import Article, Collection

DEFAULT_ARTICLE = "ecpat.txt"
# The shipped article's link and example questions, kept beside it (the text stays as published).
DEFAULT_DETAILS = "ecpat.json"
ARTICLE_SUFFIX = ".txt"
MAX_BYTES = 20_000_000  # the default of article.max_file_bytes


def user_path(path: str | Path) -> Path:
    """``path`` with ``~`` expanded; as given when there is no such home folder (``~nobody``),
    so the caller reports it as not found rather than crashing."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        return Path(path)


def read_article_text(path: str | Path | None = None, max_bytes: int = MAX_BYTES) -> str:
    """The article's text: the shipped ECPAT article when ``path`` is empty or None.

    Only a regular file of at most ``max_bytes`` is read: a device (``/dev/zero``) would fill
    memory and a named pipe would wait for a writer forever.
    """
    if not path:
        return resources.files("corpus").joinpath("data", DEFAULT_ARTICLE).read_text("utf-8")
    file = user_path(path)
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        raise ArticleError(f"article not found: {file}") from None
    except (OSError, ValueError) as err:  # ValueError: a NUL in the path
        raise ArticleError(f"cannot read article {file}: {_reason(err)}") from None
    if stat.S_ISDIR(mode):
        raise ArticleError(f"article path is a folder, not a file: {file}")
    if not stat.S_ISREG(mode):
        raise ArticleError(f"article is not a regular file: {file}")
    try:
        with file.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as err:
        raise ArticleError(f"cannot read article {file}: {err.strerror}") from err
    if len(data) > max_bytes:
        raise ArticleError(
            f"article is larger than {max_bytes:,} bytes (article.max_file_bytes): {file}"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ArticleError(f"article is not UTF-8 text: {file}") from err


def _reason(err: Exception) -> str:
    return err.strerror if isinstance(err, OSError) and err.strerror else str(err)


def load_article(
    path: str | Path | None = None, max_passage_chars: int = 700, max_bytes: int = MAX_BYTES
) -> Article:
    """Read and parse an article; every failure is an :class:`ArticleError` with one line.

    A ``URL: https://...`` line names the article's page (see :mod:`corpus.collection`).
    """
    text, url = split_url(read_article_text(path, max_bytes))
    try:
        article = parse_article(text, max_passage_chars)
    except ArticleError as err:
        where = path or DEFAULT_ARTICLE
        raise ArticleError(f"{err}: {where}") from err
    if not path:
        details = json.loads(
            resources.files("corpus").joinpath("data", DEFAULT_DETAILS).read_text()
        )
        url = url or details["url"]
        article = replace(article, examples=tuple(details["examples"]))
    return replace(article, url=url) if url else article


def article_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files ``paths`` name: a file as given, a folder as its ``.txt`` files by name.

    The same file named twice is read once. A folder without a ``.txt`` file is an error:
    answering from nothing would only decline.
    """
    files: list[Path] = []
    for path in paths:
        entry = user_path(path)
        if entry.is_dir():
            try:
                found = sorted(
                    f for f in entry.iterdir() if f.suffix.lower() == ARTICLE_SUFFIX and f.is_file()
                )
            except OSError as err:
                raise ArticleError(f"cannot read folder {entry}: {err.strerror}") from None
            if not found:
                raise ArticleError(f"no {ARTICLE_SUFFIX} articles in folder: {entry}")
            files.extend(found)
        else:
            files.append(entry)
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


def load_collection(
    paths: str | Path | Sequence[str | Path] | None = None,
    max_passage_chars: int = 700,
    max_bytes: int = MAX_BYTES,
) -> Collection:
    """Every article ``paths`` names (files or folders of ``.txt`` files) as one collection;
    the shipped ECPAT article when none is named."""
    if isinstance(paths, str | Path):
        paths = [paths]
    named = [p for p in paths or () if str(p).strip()]
    if not named:
        return collect([load_article(None, max_passage_chars)])
    files = article_files(named)
    articles = [load_article(file, max_passage_chars, max_bytes) for file in files]
    titles: dict[str, Path] = {}
    for file, article in zip(files, articles, strict=True):
        if article.title in titles:
            raise ArticleError(
                f"two articles have the title “{article.title}”: {titles[article.title]}, {file}"
            )
        titles[article.title] = file
    return collect(articles)
