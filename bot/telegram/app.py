"""``ecpat-bot telegram``: the python-telegram-bot Application, wired and run.

``build_application`` only wires (handlers, defaults, rate limiter, persistence) and
``run`` only chooses long polling or a webhook; the behaviour lives in
:mod:`bot.telegram.handlers`. The bot token comes from $TELEGRAM_BOT_TOKEN and is scrubbed
from every log record while the bot runs.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import TOKEN_ENV, Config, ConfigError, TelegramConfig
from bot.conversation_json import ConversationCodec
from bot.engine import Engine
from bot.telegram.handlers import Handlers
from bot.telegram.journal_request import JournalingRequest
from bot.telegram.limits import PacedRateLimiter, use_timedelta_periods
from bot.telegram.persistence import JournaledProcessor, JournalingQueue, SqlitePersistence
from bot.telegram.redaction import NETWORK_LOGGERS, BriefNetworkErrors, redacting
from bot.telegram.runner import serve
from bot.telegram.store import Store

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
MEDIA = (
    filters.PHOTO
    | filters.Sticker.ALL
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
)
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def check_settings(settings: TelegramConfig) -> TelegramConfig:
    """Value checks for the [telegram] table, raised as ConfigError naming the key."""
    for key in ("base_url", "base_file_url"):
        value = getattr(settings, key)
        if (value or key == "base_url") and not value.startswith(("http://", "https://")):
            raise ConfigError(f"config key telegram.{key} must be an http:// or https:// URL")
    if settings.mode not in ("polling", "webhook"):
        raise ConfigError('config key telegram.mode must be "polling" or "webhook"')
    if settings.mode == "webhook" and not settings.webhook_url:
        raise ConfigError('config key telegram.webhook_url is required when mode = "webhook"')
    if settings.mode == "webhook" and not settings.webhook_secret_token:
        # Without it anyone who finds the URL can post forged updates to the bot.
        raise ConfigError(
            'config key telegram.webhook_secret_token is required when mode = "webhook" '
            "(set ECPAT_BOT_TELEGRAM_WEBHOOK_SECRET_TOKEN)"
        )
    secret = settings.webhook_secret_token
    if secret and not _SECRET_TOKEN.fullmatch(secret):
        raise ConfigError("config key telegram.webhook_secret_token: use 1-256 of A-Z a-z 0-9 _ -")
    positive = ("poll_timeout", "messages_per_second", "webhook_port", "concurrent_updates")
    for key in positive:
        if getattr(settings, key) <= 0:
            raise ConfigError(f"config key telegram.{key} must be more than 0")
    at_least_0 = (
        "questions_per_minute",
        "chat_messages_per_second",
        "flood_retries",
        "updates_per_minute",
        "chat_queue_limit",
        "send_retries",
        "send_retry_seconds",
    )
    for key in at_least_0:
        if getattr(settings, key) < 0:
            raise ConfigError(f"config key telegram.{key} must be 0 or more")
    if not 0 <= settings.drain_seconds <= 3600:
        raise ConfigError("config key telegram.drain_seconds must be between 0 and 3600")
    return settings


def file_url(settings: TelegramConfig) -> str:
    """``base_file_url``, or the file endpoint of ``base_url`` (``.../bot`` → ``.../file/bot``)."""
    if settings.base_file_url:
        return settings.base_file_url
    head, sep, tail = settings.base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if sep else settings.base_url


def build_application(
    config: Config,
    token: str,
    engine: Engine | None = None,
    request: BaseRequest | None = None,
) -> Application:
    """The Application with every handler registered; nothing is started.

    ``request`` replaces PTB's HTTP transport (an offline bot for handler tests).
    """
    use_timedelta_periods()
    settings = check_settings(config.telegram)
    engine = engine or Engine.from_config(config)
    handlers = Handlers(engine, settings)
    processor = JournaledProcessor(
        settings.concurrent_updates, settings.chat_queue_limit, handlers.gate_keeper.overflow
    )
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.base_url)
        .base_file_url(file_url(settings))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .rate_limiter(
            PacedRateLimiter(
                settings.messages_per_second,
                settings.chat_messages_per_second,
                settings.flood_retries,
            )
        )
        .concurrent_updates(processor)
    )
    if request is not None:
        builder.request(request)
    updates_request: BaseRequest | None = request
    persistence, queue = None, None
    if settings.persistence_path:
        store = Store(settings.persistence_path)
        idle = config.conversation.idle_minutes * 60
        persistence = SqlitePersistence(store, ConversationCodec(engine.collection), idle)
        queue = JournalingQueue(store)
        builder.persistence(persistence).update_queue(queue)
        # PTB's own getUpdates transport (HTTPXRequest's defaults), journaling each response.
        updates_request = JournalingRequest(request or HTTPXRequest(connection_pool_size=1), queue)
    if updates_request is not None:
        builder.get_updates_request(updates_request)

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        await handlers.post_init(application)
        if queue is not None:  # what was received before the last stop comes first
            await queue.replay(application)

    app = builder.post_init(post_init).build()
    if persistence is not None:
        processor.attach(app, persistence)
    app.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    for name in ("start", "help", "about", "sources", "more", "reset"):
        app.add_handler(CommandHandler(name, getattr(handlers, name)))
    message = filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(message & filters.COMMAND, handlers.unknown_command))
    app.add_handler(MessageHandler(message & filters.TEXT, handlers.question))
    app.add_handler(MessageHandler(message & MEDIA, handlers.media))
    app.add_handler(CallbackQueryHandler(handlers.button, pattern="^(more|sources)$"))
    app.add_handler(InlineQueryHandler(handlers.inline))
    app.add_error_handler(handlers.error)
    return app


# Both modes: only the updates the bot handles, and those sent while it was down are kept.
_START_OPTIONS = {
    "allowed_updates": ALLOWED_UPDATES,
    "drop_pending_updates": False,
    "bootstrap_retries": 5,
}


def polling_options(settings: TelegramConfig) -> dict[str, Any]:
    """``run_polling`` arguments: long polling that never drops pending updates."""
    return {"timeout": settings.poll_timeout, **_START_OPTIONS}


def webhook_options(settings: TelegramConfig) -> dict[str, Any]:
    """``run_webhook`` arguments: where to listen, the public URL and the secret token."""
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": settings.webhook_path,
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret_token or None,
        **_START_OPTIONS,
    }


def run(config: Config) -> int:
    """Run the bot until SIGINT/SIGTERM; returns the exit code."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise ConfigError(
            f"{TOKEN_ENV} is not set: create a bot with @BotFather and export its token "
            "(see docs/telegram.md)"
        )
    settings = check_settings(config.telegram)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token URL
    secrets = (token, settings.webhook_secret_token)
    for name in NETWORK_LOGGERS:
        logging.getLogger(name).addFilter(BriefNetworkErrors(*secrets))
    with redacting(*secrets):
        try:
            app = build_application(config, token)
            log.info("Starting the Telegram bot (%s) at %s", settings.mode, settings.base_url)
            updater = app.updater
            assert updater is not None  # the builder always makes one

            async def start_updater() -> None:
                if settings.mode == "webhook":
                    await updater.start_webhook(**webhook_options(settings))
                else:
                    await updater.start_polling(**polling_options(settings))

            code = asyncio.run(serve(app, settings, start_updater))
        except InvalidToken:
            raise ConfigError(f"Telegram rejected the token in {TOKEN_ENV}") from None
        except NetworkError as exc:
            log.error("The Telegram bot stopped: cannot reach %s (%s)", settings.base_url, exc)
            return 1
        except TelegramError as exc:
            log.error("The Telegram bot stopped: %s", exc)
            return 1
        except Exception:  # a bug: logged here, while the token is still scrubbed from logs
            log.exception("The Telegram bot stopped on an unexpected error")
            return 1
    if code == 0:
        log.info("The Telegram bot stopped cleanly")
    return code
