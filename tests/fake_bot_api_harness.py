"""Running the real bot against ``FakeBotApi``: offline (in-memory) or over HTTP.

``polling`` and ``webhook`` start the Application the way ``run_polling``/``run_webhook``
do (initialize, post_init, updater, start) but inside the test's event loop, so a test
can talk to the fake server while the bot runs, then stop it cleanly.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from fake_bot_api import TOKEN, Call, FakeBotApi, OfflineRequest
from telegram import Update
from telegram.ext import Application

from bot.config import Config, build_config
from bot.engine import Engine
from bot.telegram.app import build_application, polling_options, webhook_options


def bot_config(api: FakeBotApi, state_dir: Path | None = None, **telegram: Any) -> Config:
    """Config pointing at the fake server, with short polls and (optionally) a state file."""
    values: dict[str, Any] = {
        "base_url": api.base_url,
        "poll_timeout": 1,
        "persistence_path": str(state_dir / "telegram.sqlite3") if state_dir else "",
        **telegram,
    }
    return build_config({"telegram": values})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OfflineBot:
    """The bot's Application with an in-memory transport; updates are processed one by one."""

    def __init__(self, api: FakeBotApi, engine: Engine, **telegram: Any) -> None:
        self.api = api
        telegram.setdefault("chat_messages_per_second", 0)  # pacing is tested end to end
        self.config = bot_config(api, **telegram)
        self.app = build_application(self.config, TOKEN, engine, request=OfflineRequest(api))

    async def __aenter__(self) -> OfflineBot:
        await self.app.initialize()
        await self.app.post_init(self.app)  # type: ignore[misc]
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.app.shutdown()

    async def send(self, update: dict[str, Any]) -> list[Call]:
        """Process one update; returns the Bot API calls it caused."""
        before = len(self.api.calls)
        delivered = self.api.deliver(update)
        await self.app.process_update(Update.de_json(delivered, self.app.bot))
        return self.api.calls[before:]

    @property
    def chat_data(self) -> Any:
        return self.app.chat_data


@contextlib.asynccontextmanager
async def _running(
    app: Application, start_updater: Callable[[], Awaitable[object]]
) -> AsyncIterator[Application]:
    """``app`` started as ``run_polling``/``run_webhook`` start it, the updater by the caller."""
    await app.initialize()
    try:
        await app.post_init(app)  # type: ignore[misc]
        await start_updater()
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()
    finally:
        await app.shutdown()


def polling(
    app: Application, config: Config
) -> contextlib.AbstractAsyncContextManager[Application]:
    """Long polling exactly as ``run`` configures it."""
    options = polling_options(config.telegram)
    return _running(app, lambda: app.updater.start_polling(**options))  # type: ignore[union-attr]


def webhook(
    app: Application, config: Config
) -> contextlib.AbstractAsyncContextManager[Application]:
    """Webhook mode exactly as ``run`` configures it."""
    options = webhook_options(config.telegram)
    return _running(app, lambda: app.updater.start_webhook(**options))  # type: ignore[union-attr]
