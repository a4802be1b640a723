"""Log records that never show the bot's secrets, and network errors said in one line.

The token is part of every Bot API URL, so any library's log line or traceback may quote it;
while the bot runs, :func:`redacting` scrubs it (and the webhook's secret token) from every
record. PTB logs each failed connection attempt with a full traceback: on a flaky network
that buries everything else, so :class:`BriefNetworkErrors` says it in one line.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from bot.telegram.sending import transient

# PTB loggers that report a failed connection attempt or an unreadable answer with a traceback.
NETWORK_LOGGERS = (
    "telegram.ext",
    "telegram.ext.Updater",
    "telegram.ext.Application",
    "telegram.request.BaseRequest",
)
_BRIEF_CHARS = 200  # an error may quote a whole HTML page


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every non-empty secret replaced (an empty one would match everywhere)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[REDACTED]")
    return text


@contextlib.contextmanager
def redacting(*secrets: str) -> Iterator[None]:
    """Replace ``secrets`` in every log record (message and traceback) while active."""
    secrets = tuple(s for s in secrets if s)
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call; leave it to logging's own error reporting
            return record
        if any(secret in message for secret in secrets):
            record.msg, record.args = _scrub(message, secrets), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = _scrub(logging.Formatter().formatException(record.exc_info), secrets)
        return record

    logging.setLogRecordFactory(factory)
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)


class BriefNetworkErrors(logging.Filter):
    """PTB logs every failed connection attempt with a full traceback; say it in one line.

    An answer that is not JSON is logged twice by PTB, each time with a traceback: the
    answer it could not read, then the failed call; only the failed call is kept. The
    tracebacks and the unreadable answer stay available with ``-vv`` (DEBUG), where they may
    help. The line quotes the error's text, which :func:`redacting` never saw, so
    ``secrets`` are scrubbed here.
    """

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if logging.getLogger().isEnabledFor(logging.DEBUG):
            return True
        if record.name.startswith("telegram.request") and isinstance(error, ValueError):
            return False
        if transient(error):
            # Scrubbed before shortening: a cut-off secret would no longer match.
            message, reason = (_scrub(t, self.secrets) for t in (record.getMessage(), str(error)))
            record.msg = f"{_brief(message)} ({_brief(reason)})"
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


def _brief(text: str) -> str:
    return text if len(text) <= _BRIEF_CHARS else text[: _BRIEF_CHARS - 1] + "…"
