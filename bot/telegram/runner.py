"""Running the Application until a stop signal, a bounded stop, and an exit code that means it.

PTB's ``run_polling`` would wait for every queued update before it stops, however many there
are, and would keep running, deaf, if its polling task died. This runner does what it does
(start-up retries, polling or a webhook, the same stop order) with two differences:

- On SIGTERM or SIGINT it hands on queued updates for at most ``drain_seconds``; the rest
  stay in the journal (:mod:`bot.telegram.persistence`) and are handled at the next start. It
  then acknowledges what it fetched, saves and exits 0, well within a supervisor's stop timeout.
- If the polling task ends while the bot is meant to run, the bot stops and :func:`serve`
  returns 1, so a supervisor (systemd ``Restart=on-failure``) starts it again.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot.config import TelegramConfig
from bot.telegram.persistence import JournaledProcessor

log = logging.getLogger(__name__)

POLLING_TASK = "Updater:start_polling:polling_task"  # the name PTB gives its polling task
START_RETRIES = 5  # attempts to reach the Bot API at start-up after the first (about 20 s)


async def initialize(application: Application, retries: int = START_RETRIES) -> None:  # type: ignore[type-arg]
    """``application.initialize()``, retried while the Bot API cannot be reached."""
    delay = 1.0
    for attempt in range(retries + 1):
        try:
            await application.initialize()
            return
        except InvalidToken:
            raise
        except NetworkError as exc:
            if attempt == retries:
                raise
            log.warning("Cannot reach the Bot API (%s); trying again in %.1f s", exc, delay)
            await asyncio.sleep(delay)
            delay = min(30.0, delay * 1.5)


async def serve(
    application: Application,  # type: ignore[type-arg]
    settings: TelegramConfig,
    start_updater: Any,
) -> int:
    """Run until SIGTERM/SIGINT (exit code 0) or until polling dies (exit code 1).

    ``start_updater`` is a zero-argument coroutine function starting polling or the webhook.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    failed: list[str] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    def polling_ended(task: asyncio.Task[Any]) -> None:
        if stop.is_set():
            return
        error = "it was cancelled" if task.cancelled() else repr(task.exception() or "it ended")
        failed.append(error)
        log.error("Polling for updates stopped (%s); exiting so that the bot is restarted", error)
        stop.set()

    await initialize(application)
    try:
        if application.post_init:
            await application.post_init(application)
        await start_updater()
        await application.start()
        polling = [t for t in asyncio.all_tasks() if t.get_name() == POLLING_TASK]
        for task in polling:
            task.add_done_callback(polling_ended)
        await stop.wait()
        log.info("Stopping: handling queued updates for at most %g s", settings.drain_seconds)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        stop.set()
        await _stop(application, settings.drain_seconds)
    return 1 if failed else 0


async def _stop(application: Application, drain_seconds: float) -> None:  # type: ignore[type-arg]
    """Stop in PTB's order: updater (acknowledging what it fetched), application, shutdown."""
    processor = application.update_processor
    if isinstance(processor, JournaledProcessor) and processor.store is not None:
        processor.drain_until(asyncio.get_running_loop().time() + drain_seconds)
    updater = application.updater
    try:
        if updater is not None and updater.running:
            await updater.stop()
    except Exception as exc:  # a dead polling task re-raises here; it was reported already
        log.debug("The updater stopped with %r", exc)
    try:
        if application.running:
            await application.stop()
    finally:
        await application.shutdown()
