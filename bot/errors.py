"""Every error a user can cause, in one place: each is shown as one line (exit code 2 on the
command line, a polite reply in Telegram), never as a traceback.

The core raises its own (``ConfigError`` for settings, ``ArticleError`` for article files,
``ModelError`` for a decision model file); the front ends add ``UsageError`` for bad input on
the command line. ``USER_ERRORS`` is what a front end catches.
"""

from __future__ import annotations

from bot.config import ConfigError
from corpus.parse import ArticleError
from retrieval.decision import ModelError

__all__ = ["USER_ERRORS", "ArticleError", "ConfigError", "ModelError", "UsageError"]


class UsageError(ValueError):
    """Bad input on the command line (shown as one line, exit code 2)."""


USER_ERRORS = (ConfigError, ArticleError, ModelError, UsageError)
