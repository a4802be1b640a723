"""The built index kept on disk, so a large article starts in seconds instead of minutes.

What is kept: the parsed :class:`~corpus.records.Collection` of articles and the built
:class:`~retrieval.ranker.Retriever` (BM25 rows, each passage's evidence facts, the question
analyser's vocabulary), pickled together. At 100,000 passages building them takes about a
minute; loading them, a few seconds.

The file is named by a hash of everything the index is made from: the articles' bytes,
``article.max_passage_chars``, every setting the retriever holds (``retrieval.*`` but
``top_k``, which only says how many passages an answer carries), the package version and the
source of the ``corpus`` and ``retrieval`` packages (an edited install builds afresh rather
than loading an index an older parser or ranker made). The same key is stored inside the file
and checked on load. A file that cannot be read, is truncated, or holds another key is rebuilt
with one warning line; nothing here ever stops the bot from starting. Files are written to a
temporary name and moved into place (``os.replace``), so a reader never sees half a file and
two processes starting together each leave a whole one; the oldest are removed beyond
``_KEEP`` files.

Small collections are never cached (``cache.min_chars``): the shipped one is built in a few
milliseconds, less than importing ``pickle``'s callers and hashing would save.

The folder is ``cache.dir``, else ``$XDG_CACHE_HOME/ecpat-bot``, else ``~/.cache/ecpat-bot``,
created readable by its owner only: unpickling runs code, so only this user may write there.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Config
from corpus.load import article_files, load_collection, read_article_text, user_path
from corpus.records import Collection
from retrieval.records import RetrievalSettings

if TYPE_CHECKING:
    from retrieval.ranker import Retriever

log = logging.getLogger(__name__)

FORMAT = 5  # bumped when what is pickled changes shape (5: the speller reads long slips)
_KEEP = 8  # cache files kept in the folder, newest first
_SOURCES = ("corpus", "retrieval")


def cache_dir(config: Config, env: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """Where cache files go (see the module docstring)."""
    env = os.environ if env is None else env
    if config.cache.dir:
        return user_path(config.cache.dir)
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ecpat-bot"


def cache_key(text: str, config: Config) -> str:
    """The hex digest naming the index built from ``text`` under ``config``."""
    import hashlib
    from dataclasses import fields
    from importlib import metadata

    try:
        version = metadata.version("ecpat-bot")
    except metadata.PackageNotFoundError:
        version = "unknown"
    digest = hashlib.sha256()
    settings = config.retrieval.settings()
    shaping = [(f.name, getattr(settings, f.name)) for f in fields(RetrievalSettings)]
    head = (FORMAT, version, config.article.max_passage_chars, shaping)
    digest.update(repr(head).encode())
    digest.update(_source_digest())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _source_digest() -> bytes:
    """A hash of the parser's and ranker's code, so edited code never loads an old index."""
    import hashlib

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in _SOURCES:
        for path in sorted((root / package).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.digest()


def load_or_build(config: Config) -> tuple[Collection, Retriever | None]:
    """The articles, and their built Retriever when the cache applies (else None: build it).

    The cache applies when ``cache.enabled`` and the articles hold at least
    ``cache.min_chars`` characters. A hit is loaded; a miss, or a file that cannot be used, is
    built and written.
    """
    paths, chars = config.article.path, config.article.max_passage_chars
    limit = config.article.max_file_bytes
    files = article_files(paths) if paths else []
    texts = [read_article_text(f, limit) for f in files] or [read_article_text(None)]
    if not config.cache.enabled or sum(len(t) for t in texts) < config.cache.min_chars:
        return load_collection(paths, chars, limit), None
    named = "\0".join(str(f.resolve()) for f in files)
    key = cache_key("\0".join([named, *texts]), config)
    folder = cache_dir(config)
    path = folder / f"index-{key[:40]}.pickle"
    found = _load(path, key)
    if found is not None:
        return found
    from retrieval.ranker import Retriever

    collection = load_collection(paths, chars, limit)
    retriever = Retriever(collection.passages, config.retrieval.settings())
    _store(folder, path, key, collection, retriever)
    return collection, retriever


def _load(path: Path, key: str) -> tuple[Collection, Retriever] | None:
    """The (collection, retriever) stored at ``path`` under ``key``; None when there is none or
    it cannot be used (logged once)."""
    import pickle

    from retrieval.memory import paused_gc

    try:
        with path.open("rb") as file, paused_gc():  # millions of objects: see retrieval.memory
            stored = pickle.load(file)
    except (FileNotFoundError, NotADirectoryError):  # no cache yet (or no folder): a miss
        return None
    except Exception as err:  # any unreadable file is rebuilt, never fatal
        log.warning("index cache %s is unreadable (%s); rebuilding it", path, _short(err))
        return None
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[:2] == (FORMAT, key)):
        log.warning("index cache %s is stale or foreign; rebuilding it", path)
        return None
    return stored[2], stored[3]


def _store(
    folder: Path, path: Path, key: str, collection: Collection, retriever: Retriever
) -> None:
    """Write atomically; a folder that cannot be written is logged, and the bot goes on."""
    import pickle
    import tempfile

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump((FORMAT, key, collection, retriever), file, pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _prune(folder)
    except OSError as err:
        log.warning("index cache not written to %s (%s)", folder, _short(err))


def _prune(folder: Path) -> None:
    """Keep the ``_KEEP`` newest cache files (each article or setting writes its own)."""
    files = sorted(folder.glob("index-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[_KEEP:]:
        old.unlink(missing_ok=True)


def _short(err: BaseException) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
